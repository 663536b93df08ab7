"""``manage.py runcrons``: run the jobs that are due, from crontab."""

import gc
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from django_cron.conf import app_settings
from django_cron.core import (
    BadCronJobError,
    CronJobManager,
    JobInterrupted,
    Outcome,
    load_job_class,
    recycle_connections,
    run_jobs,
)

EXIT_OK = 0
EXIT_JOB_FAILED = 1
EXIT_BAD_CONFIGURATION = 2


class Command(BaseCommand):
    help = (
        "Run every job of CRON_CLASSES that is due, or only the job classes named. "
        "Exit status: 0 all went well, 1 a job failed, 2 a job class could not be "
        "loaded, 128+N stopped by signal N."
    )
    # A bad CRON_CLASSES entry must not stop the valid jobs: handle() reports
    # it by name and exits with status 2 at the end. Django's system checks
    # would instead abort before any job ran (``manage.py check`` reports it).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument(
            "cron_classes",
            nargs="*",
            metavar="dotted.path.Class",
            help="Run only these job classes (they need not be in CRON_CLASSES).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run the jobs whether or not they are due (the lock still holds).",
        )
        parser.add_argument("--silent", action="store_true", help="Print nothing.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show which jobs would run and why; run nothing and write nothing.",
        )

    def handle(self, *args, **options):
        silent = options["silent"]
        dry_run = options["dry_run"]
        try:
            paths = options["cron_classes"] or app_settings.CRON_CLASSES
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc), returncode=EXIT_BAD_CONFIGURATION) from exc

        classes, bad = [], []
        for path in paths:
            try:
                classes.append(load_job_class(path))
            except BadCronJobError as exc:
                bad.append(path)
                self.stderr.write(self.style.ERROR(f"[\N{HEAVY BALLOT X}] {path}: {exc}"))

        if not silent:
            self.stdout.write("Running Crons" + (" (dry run)" if dry_run else ""))
            self.stdout.write("=" * 40)

        try:
            with _interrupts_raise(), _startup_objects_frozen():
                results = run_jobs(
                    classes,
                    force=options["force"],
                    silent=silent,
                    dry_run=dry_run,
                    stdout=self.stdout,
                    style=self.style,
                )
                if not dry_run:
                    _prune_logs()
        except JobInterrupted as exc:
            self.stderr.write(self.style.ERROR(f"Stopped: {exc}"))
            raise SystemExit(128 + exc.signum) from None
        finally:
            recycle_connections()

        if bad:
            raise CommandError(
                f"{len(bad)} job class(es) could not be loaded: {', '.join(bad)}",
                returncode=EXIT_BAD_CONFIGURATION,
            )
        failed = [r.code for r in results if r.outcome is Outcome.FAILED]
        if failed:
            raise CommandError(
                f"{len(failed)} job(s) failed: {', '.join(failed)}", returncode=EXIT_JOB_FAILED
            )


def _prune_logs() -> None:
    if app_settings.DELETE_LOGS_OLDER_THAN is None:
        return
    from django_cron.retention import prune_logs

    prune_logs()


@contextmanager
def _startup_objects_frozen() -> Iterator[None]:
    """Keep the garbage collector off the objects that existed before the tick.

    A tick allocates little, but enough to set off a full collection, which
    walks every module, class and setting Django loaded at start-up: about
    10 ms, as much as deciding for a thousand jobs. Those objects live until
    the process ends anyway. They are unfrozen on the way out, so a caller
    that lives on (``cronloop``, ``call_command``) is left as it was.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextmanager
def _interrupts_raise() -> Iterator[None]:
    """Turn SIGTERM and SIGINT into ``JobInterrupted`` while jobs run.

    The running job's log then records the signal, its lock is released on
    the way out, and the process exits promptly. Only the main thread can
    install handlers; elsewhere (``call_command`` in a thread) nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise JobInterrupted(signum)

    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run_cron_with_cache_check(cron_class, force=False, silent=False, dry_run=False, stdout=None):
    """Run one job class if it is due (or ``force``); the old package's helper."""
    with CronJobManager(cron_class, silent=silent, dry_run=dry_run, stdout=stdout) as manager:
        manager.run(force)
