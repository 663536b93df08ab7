"""``manage.py prune_cron_logs``: delete old run history now, or show what would go."""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from django_cron.conf import app_settings
from django_cron.retention import DELETE_LOGS_SETTING, prune_logs


class Command(BaseCommand):
    help = (
        "Delete cron job log rows older than --days (default: the "
        f"{DELETE_LOGS_SETTING} setting). Runs that have not ended and the latest "
        "success of each job and run_at_times slot are always kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=float,
            default=None,
            help=f"Delete runs that started more than this many days ago "
            f"(default: {DELETE_LOGS_SETTING}).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only count what would be deleted, per job code; delete nothing.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=None,
            help="Rows deleted per statement (default: DJANGO_CRON_DELETE_BATCH_SIZE, 1000).",
        )

    def handle(self, *args, days=None, dry_run=False, batch_size=None, **options):
        if days is None and app_settings.DELETE_LOGS_OLDER_THAN is None:
            raise CommandError(
                f"No age given: pass --days N or set {DELETE_LOGS_SETTING} in your settings."
            )
        if days is not None and days < 0:
            raise CommandError(f"--days must be 0 or more; got {days:g}")
        if batch_size is not None and batch_size < 1:
            raise CommandError(f"--batch-size must be 1 or more; got {batch_size}")
        try:
            result = prune_logs(older_than_days=days, dry_run=dry_run, batch_size=batch_size)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc

        moment = result.cutoff
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        cutoff = f"{moment:%Y-%m-%d %H:%M:%S}"
        verb = "Would delete" if dry_run else "Deleted"
        if not result.deleted:
            self.stdout.write(f"Nothing to delete: no prunable run started before {cutoff}.")
            return
        summary = (
            f"{verb} {result.deleted} log row(s) that started before {cutoff}, "
            f"in {result.batches} batch(es):"
        )
        self.stdout.write(self.style.WARNING(summary) if dry_run else self.style.SUCCESS(summary))
        for code, count in result.by_code.items():
            self.stdout.write(f"  {code}: {count}")
