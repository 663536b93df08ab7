"""App configuration: pins the primary key type and registers the system checks."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DjangoCronConfig(AppConfig):
    """``django_cron``'s app config."""

    name = "django_cron"
    label = "django_cron"
    verbose_name = _("Django Cron")
    # The tables of the old django-cron use 32-bit ids; keeping them means an
    # upgrade never rewrites a large log table, whatever DEFAULT_AUTO_FIELD says.
    default_auto_field = "django.db.models.AutoField"

    def ready(self) -> None:
        from django_cron import checks  # noqa: F401  (registers the checks)
