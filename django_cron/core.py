"""Jobs, and the manager that runs one job: lock, re-check, record, run, record."""

import datetime as dt
import enum
import logging
import os
import signal
import socket
import sys
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any, ClassVar

from django.core.management.color import no_style
from django.db import connections
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.module_loading import import_string

from django_cron.conf import app_settings
from django_cron.history import load_histories
from django_cron.schedule import Decision, JobHistory, Schedule, decide

logger = logging.getLogger("django_cron")

HOSTNAME = socket.gethostname()[:255]
INTERRUPTED_MESSAGE = (
    "Interrupted: the process that ran this job (see hostname and pid) stopped "
    "before the run ended: it was killed, or its host went down.\n"
)


class BadCronJobError(AssertionError):
    """A class given as a job is not usable as one (not a CronJobBase, no code)."""


class JobInterrupted(BaseException):
    """Raised inside a running job when the process receives SIGTERM or SIGINT.

    A ``BaseException`` so that a job's own ``except Exception`` does not swallow it.
    """

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(f"interrupted by {signal.Signals(signum).name}")


def get_class(kls: str) -> type:
    """Import the class at dotted path ``kls``; ``ImportError`` names the path."""
    try:
        return import_string(kls)
    except ImportError as exc:
        raise ImportError(f"{kls!r} could not be imported: {exc}") from exc


def get_current_time() -> dt.datetime:
    """Now: aware in the current time zone when ``USE_TZ``, else naive local time."""
    now = timezone.now()
    return timezone.localtime(now) if timezone.is_aware(now) else now


class CronJobBase:
    """Base class of every job.

    Subclasses set ``code`` (unique, at most 64 characters), ``schedule`` and
    implement ``do()``, whose return value (if any) becomes the run's message.
    """

    code: ClassVar[str]
    schedule: ClassVar[Schedule]
    ALLOW_PARALLEL_RUNS: ClassVar[bool] = False
    MIN_NUM_FAILURES: ClassVar[int] = 10
    remove_successful_cron_logs: ClassVar[bool] = False

    def __init__(self) -> None:
        self.prev_success_cron = None

    def do(self) -> Any:
        """The job's work."""
        raise NotImplementedError(f"{type(self).__name__} must define do()")

    @property
    def prev_success_cron(self):
        """The ``CronJobLog`` of the previous successful interval run, if any.

        Read from the database on first use only, so jobs that never look pay nothing.
        """
        value = self.__dict__.get("_prev_success_cron")
        if isinstance(value, _LazyPreviousSuccess):
            value = value.load()
            self.__dict__["_prev_success_cron"] = value
        return value

    @prev_success_cron.setter
    def prev_success_cron(self, value) -> None:
        self.__dict__["_prev_success_cron"] = value

    def set_prev_success_cron(self, prev_success_cron) -> None:
        self.prev_success_cron = prev_success_cron

    def get_prev_success_cron(self):
        return self.prev_success_cron

    @classmethod
    def get_time_until_run(cls) -> dt.timedelta:
        """Time left until ``run_every_mins`` makes the job due (zero when due)."""
        from django_cron.models import CronJobLog

        every = cls.schedule.run_every_mins
        last = CronJobLog.objects.filter(code=cls.code).order_by("-start_time").first()
        if last is None or not every:
            return dt.timedelta()
        return max(dt.timedelta(), last.start_time + dt.timedelta(minutes=every) - timezone.now())


class _LazyPreviousSuccess:
    """Loads a job's previous successful interval run when first asked for."""

    def __init__(self, code: str) -> None:
        self.code = code

    def load(self):
        from django_cron.models import CronJobLog

        return (
            CronJobLog.objects.filter(code=self.code, is_success=True, ran_at_time__isnull=True)
            .order_by("-start_time")
            .first()
        )


def validate_job_class(cron_class: Any, name: str | None = None) -> None:
    """Raise ``BadCronJobError`` naming ``name`` when ``cron_class`` is not a usable job."""
    name = name or getattr(cron_class, "__qualname__", repr(cron_class))
    if not (isinstance(cron_class, type) and issubclass(cron_class, CronJobBase)):
        raise BadCronJobError(f"{name} is not a subclass of django_cron.CronJobBase")
    code = getattr(cron_class, "code", None)
    if not isinstance(code, str) or not code:
        raise BadCronJobError(f"{name} has no code (set code = 'app.job_name' on the class)")
    if not isinstance(getattr(cron_class, "schedule", None), Schedule):
        raise BadCronJobError(f"{name} has no schedule (set schedule = Schedule(...))")


def load_job_class(path: str) -> type[CronJobBase]:
    """Import and validate the job class at ``path``; errors name the path."""
    try:
        cron_class = get_class(path)
    except ImportError as exc:
        raise BadCronJobError(str(exc)) from exc
    validate_job_class(cron_class, path)
    return cron_class


class Outcome(enum.Enum):
    """How one job fared in one call."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"
    NOT_DUE = "not due"
    LOCKED = "running elsewhere"
    WOULD_RUN = "would run"


MARKS = {
    Outcome.SUCCEEDED: "[\N{HEAVY CHECK MARK}]",
    Outcome.WOULD_RUN: "[\N{HEAVY CHECK MARK}]",
    Outcome.FAILED: "[\N{HEAVY BALLOT X}]",
    Outcome.NOT_DUE: "[ ]",
    Outcome.LOCKED: "[ ]",
}


@dataclass
class JobResult:
    """The outcome of one job in one call, with the reason it was (not) run."""

    code: str
    outcome: Outcome
    reason: str = ""
    error: str = ""


def _message_text(value: Any) -> str:
    """A job's return value as log text: ``None`` is empty, anything else ``str()``."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    try:
        return str(value)
    except Exception as exc:  # noqa: BLE001  (a message must never crash the run)
        return f"<message of type {type(value).__name__} could not be shown: {exc}>"


def recycle_connections() -> None:
    """Drop database connections that are broken or past CONN_MAX_AGE.

    Skipped inside an atomic block (a test's transaction, say), where closing
    would lose the transaction.
    """
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close_if_unusable_or_obsolete()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class CronJobManager:
    """Runs one job class: decides, locks, re-checks, records the run and its end.

    Usable as the old package's context manager (``with CronJobManager(cls) as m:
    m.run(force)``) or directly.
    """

    def __init__(
        self,
        cron_job_class: type[CronJobBase],
        silent: bool = False,
        dry_run: bool = False,
        stdout: IO[str] | None = None,
        style=None,
    ) -> None:
        self.cron_job_class = cron_job_class
        self.silent = silent
        self.dry_run = dry_run
        self.stdout = stdout or sys.stdout
        self.style = style or no_style()
        self.cron_job: CronJobBase | None = None
        self.result: JobResult | None = None
        # (time zone, default tolerance), read once per tick by run_jobs
        self._tick_context: tuple[dt.tzinfo | None, float | None] | None = None

    def __enter__(self) -> "CronJobManager":
        return self

    def __exit__(self, exc_type, exc_value, tb) -> bool:
        # Old callers rely on the manager swallowing a job's failure; it is
        # already recorded by run(). Interrupts still propagate.
        return exc_type is not None and not issubclass(exc_type, JobInterrupted | KeyboardInterrupt)

    # -- the decision ---------------------------------------------------------

    @property
    def code(self) -> str:
        return self.cron_job_class.code

    def slots(self) -> list[dt.time]:
        return self.cron_job_class.schedule.times

    def decide(self, history: JobHistory, now: dt.datetime) -> Decision:
        tz, tolerance = self._tick_context or _tick_context(now)
        return decide(
            self.cron_job_class.schedule,
            history,
            now,
            tz,
            default_tolerance_seconds=tolerance,
        )

    # -- running --------------------------------------------------------------

    def run(
        self,
        force: bool = False,
        history: JobHistory | None = None,
        now: dt.datetime | None = None,
    ) -> JobResult:
        """Run the job if it is due (or ``force``); print and return the outcome."""
        validate_job_class(self.cron_job_class)
        return self._run_and_report(force, history, now)

    def _run_and_report(
        self, force: bool, history: JobHistory | None, now: dt.datetime | None
    ) -> JobResult:
        try:
            result = self._run(force, history, now)
        except Exception as exc:
            # The lock store or the log table failed: the job did not run unlocked.
            logger.exception("%s: could not run", self.code)
            result = JobResult(self.code, Outcome.FAILED, error=f"{type(exc).__name__}: {exc}")
        self.result = result
        self._report(result)
        return result

    def _run(self, force: bool, history: JobHistory | None, now: dt.datetime | None) -> JobResult:
        now = now or timezone.now()
        if history is None:
            history = self._history(now)
        decision = Decision(True, "forced") if force else self.decide(history, now)
        if not decision.due:
            # Only a dry run prints why; put it into words only then.
            return JobResult(self.code, Outcome.NOT_DUE, decision.reason if self.dry_run else "")
        if self.dry_run:
            return JobResult(self.code, Outcome.WOULD_RUN, decision.reason)

        from django_cron.backends.lock.base import get_lock_class

        lock = get_lock_class()(self.cron_job_class, self.silent)
        try:
            with lock:
                return self._run_locked(force, decision)
        except lock.LockFailedException as exc:
            return JobResult(self.code, Outcome.LOCKED, str(exc))

    def _run_locked(self, force: bool, decision: Decision) -> JobResult:
        # Another host may have run the job between our decision and our lock:
        # read again, now that nobody else can start it.
        now = timezone.now()
        history = self._history(now)
        if history.last_run and not history.last_run.finished and self._close_interrupted_runs():
            history = self._history(now)
        if not force:
            decision = self.decide(history, now)
            if not decision.due:
                return JobResult(self.code, Outcome.NOT_DUE, decision.reason)
        return self._execute(decision, now)

    def _history(self, now: dt.datetime) -> JobHistory:
        return load_histories([(self.code, self.slots())], now=now)[self.code]

    def _close_interrupted_runs(self) -> bool:
        """Mark runs whose process died as failed; True when any was marked.

        Holding the lock proves that no other process runs this job, so every
        unfinished row is a dead run. Jobs that allow parallel runs take no
        lock: there only rows of this host whose process is gone are closed.
        """
        from django_cron.models import CronJobLog

        unfinished = CronJobLog.objects.filter(code=self.code, end_time__isnull=True)
        if self.cron_job_class.ALLOW_PARALLEL_RUNS:
            dead = [
                pk
                for pk, pid in unfinished.filter(hostname=HOSTNAME).values_list("pk", "pid")
                if pid and not _pid_alive(pid)
            ]
            unfinished = unfinished.filter(pk__in=dead)
        closed = unfinished.update(
            end_time=timezone.now(),
            is_success=False,
            message=Concat(Value(INTERRUPTED_MESSAGE), F("message")),
        )
        if closed:
            logger.warning("%s: marked %d interrupted run(s) as failed", self.code, closed)
        return bool(closed)

    def _execute(self, decision: Decision, now: dt.datetime) -> JobResult:
        from django_cron.models import CronJobLog

        job = self.cron_job_class()
        self.cron_job = job
        job.set_prev_success_cron(_LazyPreviousSuccess(self.code))
        log = CronJobLog.objects.create(
            code=self.code,
            start_time=now,
            end_time=None,
            is_success=False,
            ran_at_time=decision.slot,
            hostname=HOSTNAME,
            pid=os.getpid(),
        )
        logger.debug("Running cron: %s code %s", self.cron_job_class.__name__, self.code)
        try:
            message = _message_text(job.do())
        except JobInterrupted as exc:
            self._finish(log, False, f"Interrupted by {signal.Signals(exc.signum).name}.\n")
            raise
        except KeyboardInterrupt:
            self._finish(log, False, "Interrupted by SIGINT.\n")
            raise
        except Exception as exc:
            trace = traceback.format_exc()
            self._finish(log, False, trace)
            return JobResult(
                self.code, Outcome.FAILED, decision.reason, f"{type(exc).__name__}: {exc}"
            )
        self._finish(log, True, message)
        if (
            app_settings.REMOVE_SUCCESSFUL_CRON_LOGS
            or self.cron_job_class.remove_successful_cron_logs
        ):
            from django_cron.retention import remove_older_successes

            remove_older_successes(self.code)
        return JobResult(self.code, Outcome.SUCCEEDED, decision.reason)

    def _finish(self, log, success: bool, message: str) -> None:
        recycle_connections()
        log.end_time = timezone.now()
        log.is_success = success
        log.message = message
        log.save(update_fields=["end_time", "is_success", "message"])
        if not success and app_settings.OUTPUT_ERRORS:
            logger.error("%s cronjob error:\n%s", self.code, message)

    # -- output ---------------------------------------------------------------

    def _report(self, result: JobResult) -> None:
        if not self.silent:
            self.stdout.write(_result_line(result, self.style, self.dry_run) + "\n")


def _result_line(result: JobResult, style, dry_run: bool) -> str:
    """The line ``runcrons`` prints for one job's outcome."""
    line = f"{MARKS[result.outcome]} {result.code}"
    if result.outcome is Outcome.SUCCEEDED:
        line = style.SUCCESS(line)
    elif result.outcome is Outcome.FAILED:
        line = style.ERROR(line + (f": {result.error}" if result.error else ""))
    elif result.outcome is Outcome.LOCKED:
        line = style.WARNING(line + f" ({result.outcome.value})")
    if dry_run and result.reason:
        verb = "would run" if result.outcome is Outcome.WOULD_RUN else "not due"
        line += f"  {verb}: {result.reason}"
    return line


def run_jobs(
    cron_classes: Iterable[type[CronJobBase]],
    *,
    force: bool = False,
    silent: bool = False,
    dry_run: bool = False,
    stdout: IO[str] | None = None,
    style=None,
) -> list[JobResult]:
    """One tick: decide for every job from one history query, run those due."""
    cron_classes = list(cron_classes)
    for cron_class in cron_classes:
        validate_job_class(cron_class)
    now = timezone.now()
    histories = load_histories(((cls.code, _slots_or_empty(cls)) for cls in cron_classes), now=now)
    # The same for every job; reading them per job cost about 13 us a job.
    context = _tick_context(now)
    tz, tolerance = context
    out = stdout or sys.stdout
    line_style = style or no_style()
    results = []
    for cron_class in cron_classes:
        history = histories[cron_class.code]
        if not force and not dry_run:
            # Most jobs of most ticks are not due: they get their line and
            # nothing else (no manager, no lock), which at thousands of jobs
            # is a measurable part of the tick.
            try:
                due = decide(
                    cron_class.schedule, history, now, tz, default_tolerance_seconds=tolerance
                ).due
            except Exception:  # noqa: BLE001  (the manager reports it as the job's failure)
                due = True
            if not due:
                result = JobResult(cron_class.code, Outcome.NOT_DUE)
                results.append(result)
                if not silent:
                    out.write(_result_line(result, line_style, dry_run) + "\n")
                continue
        manager = CronJobManager(
            cron_class, silent=silent, dry_run=dry_run, stdout=stdout, style=style
        )
        manager._tick_context = context
        results.append(manager._run_and_report(force, history, now))
    return results


def _tick_context(now: dt.datetime) -> tuple[dt.tzinfo | None, float | None]:
    """The site's time zone (``None`` for naive times) and default tolerance."""
    tz = timezone.get_current_timezone() if timezone.is_aware(now) else None
    return tz, app_settings.RUN_TOLERANCE_SECONDS


def _slots_or_empty(cron_class: type[CronJobBase]) -> list[dt.time]:
    try:
        return cron_class.schedule.times
    except ValueError:
        return []
