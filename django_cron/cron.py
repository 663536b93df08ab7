"""Jobs that ship with django_cron."""

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from django_cron.conf import DEFAULT_MIN_NUM_FAILURES, app_settings
from django_cron.core import CronJobBase, get_class
from django_cron.schedule import Schedule

logger = logging.getLogger("django_cron")


class NotificationError(Exception):
    """Some failure mails could not be sent; the others were."""


def admin_addresses(admins: Iterable) -> list[str]:
    """The addresses in an ``ADMINS`` value.

    Accepts the plain strings of Django 6 (``"ops@example.com"`` or
    ``"Ops <ops@example.com>"``) and the older ``(name, address)`` pairs.
    """
    addresses = []
    for entry in admins or ():
        if isinstance(entry, str):
            addresses.append(entry)
        elif isinstance(entry, list | tuple) and len(entry) == 2:
            addresses.append(entry[1])
        else:
            logger.warning(
                "ADMINS entry %r is neither an address nor a (name, address) pair", entry
            )
    return addresses


def _when(moment: dt.datetime) -> str:
    """A run's start as local time, with the zone's name when times are aware."""
    if timezone.is_aware(moment):
        return f"{timezone.localtime(moment):%Y-%m-%d %H:%M:%S %Z}"
    return f"{moment:%Y-%m-%d %H:%M:%S}"


class FailedRunsNotificationCronJob(CronJobBase):
    """Mail ``ADMINS`` when a job in ``CRON_CLASSES`` has failed many times in a row.

    A job is reported when its last ``MIN_NUM_FAILURES`` finished runs (a
    class attribute, 10 by default) all failed. The failures mailed about are
    marked ``failure_reported``, so one streak is mailed once; the streak
    ends with the job's next success.
    """

    RUN_EVERY_MINS = 30

    schedule = Schedule(run_every_mins=RUN_EVERY_MINS)
    code = "django_cron.FailedRunsNotificationCronJob"

    def do(self) -> str:
        mailed: list[str] = []
        errors: list[str] = []
        for path in app_settings.CRON_CLASSES:
            try:
                cron_class = get_class(path)
            except ImportError as exc:
                logger.warning("Failed-runs check skips %s: %s", path, exc)
                continue
            code = getattr(cron_class, "code", None)
            if not isinstance(code, str) or not code:
                logger.warning("Failed-runs check skips %s: it has no code", path)
                continue
            limit = getattr(cron_class, "MIN_NUM_FAILURES", DEFAULT_MIN_NUM_FAILURES)
            if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
                logger.warning(
                    "Failed-runs check skips %s: MIN_NUM_FAILURES=%r is not a whole number >= 1",
                    path,
                    limit,
                )
                continue
            try:
                if self.report(code, limit):
                    mailed.append(f"{code} ({limit} failures)")
            except OSError as exc:  # smtplib.SMTPException and socket errors alike
                logger.error("Could not mail the failures of %s: %s", code, exc)
                errors.append(f"{code}: {type(exc).__name__}: {exc}")
        if errors:
            raise NotificationError("Could not send: " + "; ".join(errors))
        if not mailed:
            return "No new failure streaks."
        return "Mailed about " + ", ".join(mailed) + "."

    def report(self, code: str, limit: int) -> bool:
        """Mail about ``code``'s current failure streak if it is new and ``limit`` long."""
        from django_cron.models import CronJobLog

        finished = CronJobLog.objects.filter(code=code, end_time__isnull=False)
        recent = list(
            finished.order_by("-start_time", "-pk").only(
                "start_time", "is_success", "message", "failure_reported"
            )[:limit]
        )
        if len(recent) < limit or any(run.is_success or run.failure_reported for run in recent):
            return False
        # The streak may be longer than ``limit``: it was mailed if any failure since
        # the last success was.
        earlier = finished.filter(start_time__lte=recent[-1].start_time).exclude(
            pk__in=[run.pk for run in recent]
        )
        last_success = (
            earlier.filter(is_success=True)
            .order_by("-start_time")
            .values_list("start_time", flat=True)
            .first()
        )
        streak = earlier.filter(is_success=False, failure_reported=True)
        if last_success is not None:
            streak = streak.filter(start_time__gt=last_success)
        if streak.exists():
            return False

        addresses = admin_addresses(settings.ADMINS)
        if not addresses:
            logger.warning("%s failed %d times in a row, but ADMINS is empty", code, limit)
            return False
        body = "".join(
            f"Job ran at {_when(run.start_time)}:\n\n{run.message}\n\n" for run in recent
        )
        send_mail(
            subject=f"{app_settings.FAILED_RUNS_CRONJOB_EMAIL_PREFIX}{code} "
            f"failed {limit} times in a row!",
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=addresses,
        )
        CronJobLog.objects.filter(pk__in=[run.pk for run in recent]).update(failure_reported=True)
        return True
