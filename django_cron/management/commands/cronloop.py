"""``manage.py cronloop``: call ``runcrons`` again and again, for hosts without crontab."""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run runcrons in a loop, sleeping between calls (for hosts without crontab)."
    # As runcrons: a bad CRON_CLASSES entry is reported at each call, valid jobs still run.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument(
            "-s",
            "--sleep",
            type=float,
            default=5 * 60,
            help="Seconds to sleep between two runcrons calls (default: 300).",
        )
        parser.add_argument(
            "--repeat",
            type=int,
            default=None,
            help="Stop after this many runcrons calls (default: loop until interrupted).",
        )
        parser.add_argument(
            "--cron_classes",
            "--cron-classes",
            dest="cron_classes",
            nargs="+",
            default=[],
            metavar="dotted.path.Class",
            help="Job classes to run (default: CRON_CLASSES).",
        )

    def handle(self, *args, **options):
        if options["sleep"] < 0:
            raise CommandError(f"--sleep must be >= 0 seconds, not {options['sleep']}")
        if options["repeat"] is not None and options["repeat"] < 1:
            raise CommandError(f"--repeat must be at least 1, not {options['repeat']}")
        calls = 0
        try:
            while options["repeat"] is None or calls < options["repeat"]:
                if calls:
                    time.sleep(options["sleep"])
                calls += 1
                try:
                    call_command(
                        "runcrons", *options["cron_classes"], stdout=self.stdout, stderr=self.stderr
                    )
                except CommandError as exc:
                    # A failed job is recorded in its log; the loop goes on.
                    self.stderr.write(self.style.ERROR(str(exc)))
        except KeyboardInterrupt:
            self.stdout.write("Stopped.")
