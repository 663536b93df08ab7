"""``manage.py show_failed_runs``: print the latest failed run of each job."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from django_cron.models import CronJobLog


class Command(BaseCommand):
    """Show each job's latest failure with the traceback kept in its log."""

    help = "Print the latest failed run of each job, with its logged traceback."

    def handle(self, *args, **options) -> None:
        failures = CronJobLog.objects.filter(is_success=False, end_time__isnull=False)
        codes = failures.order_by("code").values_list("code", flat=True).distinct()
        shown = 0
        for code in codes:
            log = failures.filter(code=code).order_by("-start_time").first()
            started = (
                timezone.localtime(log.start_time)
                if timezone.is_aware(log.start_time)
                else log.start_time
            )
            self.stdout.write(
                self.style.ERROR(f"{log.code} failed at {started:%Y-%m-%d %H:%M:%S %Z}:")
            )
            self.stdout.write(log.message.rstrip())
            shown += 1
        if not shown:
            self.stdout.write("No failed runs.")
