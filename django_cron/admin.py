"""Admin pages for the run history and the database locks.

History is evidence: only superusers may change or delete it; other staff
with the view (or change) permission see it read-only.
"""

import datetime as dt

from django.contrib import admin
from django.db.models import DurationField, ExpressionWrapper, F, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from django_cron.helpers import humanize_duration
from django_cron.models import CronJobLock, CronJobLog

MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


class DurationFilter(admin.SimpleListFilter):
    """Runs by how long they took; unfinished runs have a bucket of their own."""

    title = _("duration")
    parameter_name = "duration"

    def lookups(self, request, model_admin):
        return (
            ("lt_minute", _("under a minute")),
            ("minutes", _("1 minute to 1 hour")),
            ("hours", _("1 hour to 1 day")),
            ("gt_day", _("over a day")),
            ("running", _("still running")),
        )

    def queryset(self, request, queryset):
        value = self.value()
        if value == "running":
            return queryset.filter(end_time__isnull=True)
        bounds = {
            "lt_minute": (None, MINUTE),
            "minutes": (MINUTE, HOUR),
            "hours": (HOUR, DAY),
            "gt_day": (DAY, None),
        }.get(value)
        if bounds is None:
            return queryset
        low, high = bounds
        # Bounds as end_time against start_time + delta, which every backend compares
        # natively (a stored duration would need per-backend arithmetic).
        if low is not None:
            queryset = queryset.filter(end_time__gte=F("start_time") + low)
        if high is not None:
            queryset = queryset.filter(end_time__lt=F("start_time") + high)
        return queryset


class SuperuserEditsMixin:
    """Everyone who may see the model sees it; only superusers add, change or delete."""

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        opts = self.opts
        user = request.user
        return user.is_active and (
            user.is_superuser
            or user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
            or user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
        )


@admin.register(CronJobLog)
class CronJobLogAdmin(SuperuserEditsMixin, admin.ModelAdmin):
    """The run history: what ran, when, for how long, and what it said."""

    list_display = ("code", "start_time", "end_time", "duration", "is_success")
    list_filter = ("code", "is_success", DurationFilter)
    date_hierarchy = "start_time"
    search_fields = ("code", "message")
    ordering = ("-start_time",)
    # The log can hold millions of rows: skip the second COUNT(*) over the whole table.
    show_full_result_count = False
    readonly_fields = ("duration", "ran_at_time", "formatted_message")

    @admin.display(description=_("duration"), ordering="duration")
    def duration(self, obj: CronJobLog) -> str:
        """How long the run took, in words; 'running' until it ends."""
        if obj.end_time is None:
            return _("running")
        return humanize_duration(obj.end_time - obj.start_time)

    @admin.display(description=_("message"))
    def formatted_message(self, obj: CronJobLog) -> str:
        """The message as written: line breaks and indentation kept (tracebacks)."""
        if not obj.message:
            return "-"
        return format_html("<pre>{}</pre>", obj.message)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .annotate(
                duration=ExpressionWrapper(
                    F("end_time") - F("start_time"), output_field=DurationField()
                )
            )
        )

    def get_fields(self, request: HttpRequest, obj=None) -> list[str]:
        fields = [
            "code",
            "start_time",
            "end_time",
            "duration",
            "is_success",
            "ran_at_time",
            "hostname",
            "pid",
            "failure_reported",
        ]
        if self.has_change_permission(request, obj):
            # Superusers edit the raw text; the formatted copy is what everyone reads.
            return [*fields, "formatted_message", "message"]
        return [*fields, "formatted_message"]


@admin.register(CronJobLock)
class CronJobLockAdmin(SuperuserEditsMixin, admin.ModelAdmin):
    """The locks ``DatabaseLock`` holds; a superuser can release a stuck one."""

    list_display = ("job_name", "locked", "owner", "locked_at", "expires_at")
    list_filter = ("locked",)
    search_fields = ("job_name", "owner")
    ordering = ("job_name",)
