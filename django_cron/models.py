"""Run history (``CronJobLog``) and the database lock table (``CronJobLock``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CronJobLog(models.Model):
    """One run of one job: when it started and ended, whether it worked, and what it said.

    A row is written when a run starts (``end_time`` empty) and completed when
    it ends, so a run whose process died is still visible.
    """

    code = models.CharField(max_length=64, db_index=True)
    start_time = models.DateTimeField(db_index=True)
    end_time = models.DateTimeField(db_index=True, null=True, blank=True)
    is_success = models.BooleanField(default=False)
    message = models.TextField(default="", blank=True)
    # The ``run_at_times`` slot ('HH:MM') this run served; empty for interval runs.
    ran_at_time = models.TimeField(null=True, blank=True, db_index=True, editable=False)
    hostname = models.CharField(max_length=255, blank=True, default="")
    pid = models.PositiveIntegerField(null=True, blank=True)
    # Set on the failures of a streak once FailedRunsNotificationCronJob mailed about it.
    failure_reported = models.BooleanField(default=False)

    class Meta:
        app_label = "django_cron"
        verbose_name = _("cron job log")
        verbose_name_plural = _("cron job logs")
        get_latest_by = "start_time"
        indexes = [
            # Latest run of a job; the admin's per-job list ordered by start.
            models.Index(fields=["code", "start_time"], name="django_cron_code_start_idx"),
            # Latest success of a job, per run_at_times slot or for intervals.
            models.Index(
                fields=["code", "is_success", "ran_at_time", "start_time"],
                name="django_cron_code_slot_idx",
            ),
        ]

    def __str__(self) -> str:
        if self.end_time is None:
            state = "Running"
        else:
            state = "Success" if self.is_success else "Fail"
        return f"{self.code} ({state})"

    @property
    def is_running(self) -> bool:
        """Whether the run has not ended (or its process died before it could say so)."""
        return self.end_time is None


class CronJobLock(models.Model):
    """The row ``DatabaseLock`` holds while a job runs; one row per job class."""

    job_name = models.CharField(max_length=200, unique=True)
    locked = models.BooleanField(default=False)
    owner = models.CharField(max_length=128, blank=True, default="")
    locked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "django_cron"
        verbose_name = _("cron job lock")
        verbose_name_plural = _("cron job locks")

    def __str__(self) -> str:
        return f"{self.job_name} ({'locked' if self.locked else 'free'})"
