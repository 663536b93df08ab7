"""The settings django_cron reads, with their defaults and their old names.

Every setting is read here, lazily, through ``app_settings``; nothing else in
the package touches ``django.conf.settings`` for our names. Reading at access
time (not at import) keeps ``override_settings`` working in tests.
"""

import tempfile
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_LOCK_BACKEND = "django_cron.backends.lock.cache.CacheLock"
DEFAULT_LOCK_TIME = 24 * 60 * 60
DEFAULT_LOCK_LEASE = 60
DEFAULT_MIN_NUM_FAILURES = 10
DEFAULT_DELETE_BATCH_SIZE = 1000


class _Unset:
    """Marks a setting that is absent, as distinct from one set to ``None``."""


_UNSET = _Unset()


def _first(*names: str, default: Any = None) -> Any:
    """The value of the first of ``names`` that is set, else ``default``."""
    for name in names:
        value = getattr(settings, name, _UNSET)
        if value is not _UNSET:
            return value
    return default


class AppSettings:
    """Typed, lazily read view of the django_cron settings."""

    @property
    def CRON_CLASSES(self) -> list[str]:
        """Dotted paths of the job classes that a bare ``runcrons`` considers.

        Raises ``ImproperlyConfigured`` naming the setting unless it is a list
        (or tuple) of strings; a lone string would otherwise be read letter by letter.
        """
        value = _first("CRON_CLASSES", default=[]) or []
        if not isinstance(value, list | tuple) or not all(isinstance(p, str) for p in value):
            raise ImproperlyConfigured(
                f"CRON_CLASSES must be a list of dotted paths to job classes, not {value!r}"
            )
        return list(value)

    @property
    def LOCK_BACKEND(self) -> str:
        """Dotted path of the lock class (``DJANGO_CRON_LOCK_BACKEND``)."""
        return _first("DJANGO_CRON_LOCK_BACKEND", default=DEFAULT_LOCK_BACKEND)

    @property
    def CACHE(self) -> str:
        """Cache alias for ``CacheLock``: ``DJANGO_CRON_CACHE``, or the old ``CRON_CACHE``."""
        return _first("DJANGO_CRON_CACHE", "CRON_CACHE", default="default")

    @property
    def CACHE_IS_EXPLICIT(self) -> bool:
        """Whether the site named a cache alias itself."""
        return _first("DJANGO_CRON_CACHE", "CRON_CACHE", default=_UNSET) is not _UNSET

    @property
    def LOCK_TIME(self) -> int:
        """Longest time, in seconds, that one run may hold its lock."""
        return int(_first("DJANGO_CRON_LOCK_TIME", default=DEFAULT_LOCK_TIME))

    @property
    def LOCK_LEASE(self) -> int:
        """Seconds a lock outlives its holder's last renewal (a crashed run's lock)."""
        return int(_first("DJANGO_CRON_LOCK_LEASE", default=DEFAULT_LOCK_LEASE))

    @property
    def LOCKFILE_PATH(self) -> str:
        """Directory for ``FileLock``'s lock files."""
        return _first("DJANGO_CRON_LOCKFILE_PATH", default=tempfile.gettempdir())

    @property
    def OUTPUT_ERRORS(self) -> bool:
        """Also send each failure to the ``django_cron`` logger at error level."""
        return bool(_first("DJANGO_CRON_OUTPUT_ERRORS", default=False))

    @property
    def DELETE_LOGS_OLDER_THAN(self) -> float | None:
        """Days after which ``runcrons`` deletes log rows; ``None`` keeps them all."""
        return _first("DJANGO_CRON_DELETE_LOGS_OLDER_THAN", default=None)

    @property
    def DELETE_BATCH_SIZE(self) -> int:
        """Rows deleted per statement when pruning logs."""
        return int(_first("DJANGO_CRON_DELETE_BATCH_SIZE", default=DEFAULT_DELETE_BATCH_SIZE))

    @property
    def REMOVE_SUCCESSFUL_CRON_LOGS(self) -> bool:
        """Keep only the latest successful run of each job."""
        return bool(_first("REMOVE_SUCCESSFUL_CRON_LOGS", default=False))

    @property
    def FAILED_RUNS_CRONJOB_EMAIL_PREFIX(self) -> str:
        """Subject prefix of the failed-runs mail."""
        return _first("FAILED_RUNS_CRONJOB_EMAIL_PREFIX", default="") or ""

    @property
    def RUN_TOLERANCE_SECONDS(self) -> int | None:
        """Site-wide default tolerance for ``run_every_mins``; ``None`` picks one per job."""
        return _first("DJANGO_CRON_RUN_TOLERANCE_SECONDS", default=None)


app_settings = AppSettings()
