"""Schedules, and the pure decision "is this job due now, and why?".

Nothing here touches the database or the clock: ``decide`` is given the
current time, the site's time zone and a ``JobHistory`` (the few log rows that
matter), so every rule can be tested and explained (``runcrons --dry-run``)
from plain values.
"""

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

_TIME_RE = re.compile(r"^\s*([01]?\d|2[0-3]):([0-5]\d)\s*$")

# crontab start-up jitter that run_every_mins absorbs unless told otherwise
DEFAULT_TOLERANCE_SECONDS = 30

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def parse_time(value: Any) -> dt.time:
    """Parse a ``run_at_times`` entry ('HH:MM', 24-hour; '6:30' is accepted).

    Raises ``ValueError`` naming the string when it is not such a time.
    """
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    match = _TIME_RE.match(value) if isinstance(value, str) else None
    if not match:
        raise ValueError(
            f"run_at_times entry {value!r} is not a 24-hour 'HH:MM' time (e.g. '06:30', '18:05')"
        )
    return dt.time(int(match.group(1)), int(match.group(2)))


@dataclass(frozen=True)
class ScheduleProblem:
    """One thing wrong with a schedule: the argument at fault and what is wrong."""

    argument: str
    message: str


class Schedule:
    """When a job runs.

    The rules mix as documented: ``run_every_mins`` and ``run_at_times`` each
    make a job due; ``run_weekly_on_days`` and ``run_monthly_on_days`` restrict
    both to those local days; ``retry_after_failure_mins`` holds a failed job
    back. ``run_on_days`` is the old name of ``run_weekly_on_days``.
    """

    def __init__(
        self,
        run_every_mins: float | None = None,
        run_at_times: Sequence[str] | None = None,
        retry_after_failure_mins: float | None = None,
        run_weekly_on_days: Iterable[int] | None = None,
        run_monthly_on_days: Iterable[int] | None = None,
        run_tolerance_seconds: float | None = None,
        run_on_days: Iterable[int] | None = None,
    ) -> None:
        if run_weekly_on_days is None:
            run_weekly_on_days = run_on_days
        self.run_every_mins = run_every_mins
        self.run_at_times = list(run_at_times or [])
        self.retry_after_failure_mins = retry_after_failure_mins
        self.run_weekly_on_days = None if run_weekly_on_days is None else list(run_weekly_on_days)
        self.run_monthly_on_days = (
            None if run_monthly_on_days is None else list(run_monthly_on_days)
        )
        self.run_tolerance_seconds = run_tolerance_seconds

    @property
    def run_on_days(self) -> list[int] | None:
        """Old name of ``run_weekly_on_days``."""
        return self.run_weekly_on_days

    def __repr__(self) -> str:
        parts = [
            f"{name}={value!r}"
            for name, value in vars(self).items()
            if not name.startswith("_") and value is not None and value != []
        ]
        return f"Schedule({', '.join(parts)})"

    @property
    def times(self) -> list[dt.time]:
        """The ``run_at_times`` slots as times, sorted; raises ``ValueError`` on a bad entry."""
        if not self.run_at_times:
            return []
        key = tuple(self.run_at_times)
        cached = self.__dict__.get("_times")
        if cached is None or cached[0] != key:
            # Parsed once per tick's many reads; re-parsed if run_at_times is reassigned.
            cached = (key, sorted({parse_time(value) for value in key}))
            self.__dict__["_times"] = cached
        return list(cached[1])

    def problems(self) -> list[ScheduleProblem]:
        """Everything wrong with this schedule (empty when it is usable)."""
        found: list[ScheduleProblem] = []
        for name in ("run_every_mins", "retry_after_failure_mins"):
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                found.append(
                    ScheduleProblem(name, f"{name}={value!r} must be a positive number of minutes")
                )
        tolerance = self.run_tolerance_seconds
        if tolerance is not None and (
            isinstance(tolerance, bool) or not isinstance(tolerance, int | float) or tolerance < 0
        ):
            found.append(
                ScheduleProblem(
                    "run_tolerance_seconds",
                    f"run_tolerance_seconds={tolerance!r} must be a number of seconds >= 0",
                )
            )
        for value in self.run_at_times:
            try:
                parse_time(value)
            except ValueError as exc:
                found.append(ScheduleProblem("run_at_times", str(exc)))
        for name, low, high in (("run_weekly_on_days", 0, 6), ("run_monthly_on_days", 1, 31)):
            days = getattr(self, name)
            for day in days or []:
                if isinstance(day, bool) or not isinstance(day, int) or not low <= day <= high:
                    found.append(
                        ScheduleProblem(name, f"{name} entry {day!r} is not a day {low}-{high}")
                    )
        if self.run_every_mins is None and not self.run_at_times:
            found.append(
                ScheduleProblem(
                    "schedule",
                    "the schedule has neither run_every_mins nor run_at_times, so the job "
                    "never runs unless forced",
                )
            )
        return found

    def tolerance(self, default_seconds: float | None = None) -> dt.timedelta:
        """How much earlier than ``run_every_mins`` a run may start."""
        return dt.timedelta(seconds=self._tolerance_seconds(default_seconds))

    def earliest_rerun(self, default_tolerance_seconds: float | None = None) -> dt.timedelta:
        """How long after an interval success the next run may start.

        That is ``run_every_mins`` less the tolerance.
        """
        every = (self.run_every_mins or 0) * 60
        return dt.timedelta(seconds=every - self._tolerance_seconds(default_tolerance_seconds))

    def _tolerance_seconds(self, default_seconds: float | None) -> float:
        seconds = self.run_tolerance_seconds
        if seconds is None:
            seconds = DEFAULT_TOLERANCE_SECONDS if default_seconds is None else default_seconds
            if self.run_every_mins:
                # Never let the default swallow more than half of a short interval.
                seconds = min(seconds, self.run_every_mins * 30)
        return seconds


@dataclass(frozen=True)
class RunRecord:
    """The parts of a ``CronJobLog`` row the decision needs."""

    start_time: dt.datetime
    end_time: dt.datetime | None
    is_success: bool
    ran_at_time: dt.time | None = None

    @property
    def finished(self) -> bool:
        """Whether the run has ended (or was marked interrupted)."""
        return self.end_time is not None


@dataclass(frozen=True)
class JobHistory:
    """A job's recent runs: all a decision reads from the log."""

    last_run: RunRecord | None = None
    """The latest run of any kind, finished or not."""
    last_success: RunRecord | None = None
    """The latest successful interval run (one that served no ``run_at_times`` slot)."""
    slot_successes: dict[dt.time, RunRecord] = field(default_factory=dict)
    """The latest successful run of each ``run_at_times`` slot."""


@dataclass(frozen=True)
class Decision:
    """Whether a job is due, why, and which ``run_at_times`` slot a run would serve.

    ``explanation`` is the reason, or a function that builds it: the common
    "not due yet" answer is only put into words when someone reads ``reason``
    (``runcrons --dry-run``), which an idle tick over many jobs never does.
    """

    due: bool
    explanation: str | Callable[[], str]
    slot: dt.time | None = None

    @property
    def reason(self) -> str:
        """Why the job is (not) due, in words."""
        explanation = self.explanation
        return explanation() if callable(explanation) else explanation


def _local(moment: dt.datetime, tz: dt.tzinfo | None) -> dt.datetime:
    """``moment`` as naive wall-clock time in ``tz`` (naive input is already local)."""
    if moment.tzinfo is None or tz is None:
        return moment.replace(tzinfo=None)
    return moment.astimezone(tz).replace(tzinfo=None)


def _fmt(moment: dt.datetime, tz: dt.tzinfo | None) -> str:
    return _local(moment, tz).strftime("%Y-%m-%d %H:%M:%S")


def _minutes(delta: dt.timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 120:
        return f"{seconds} s"
    return f"{seconds // 60} min"


def decide(
    schedule: Schedule,
    history: JobHistory,
    now: dt.datetime,
    tz: dt.tzinfo | None = None,
    *,
    default_tolerance_seconds: float | None = None,
) -> Decision:
    """Decide whether a job with ``schedule`` and ``history`` is due at ``now``.

    ``now`` and the history's times are aware (``USE_TZ = True``) or naive
    local times (``USE_TZ = False``); ``tz`` is the site's time zone, in which
    ``run_at_times`` and the day restrictions are read.
    """
    weekly = schedule.run_weekly_on_days
    monthly = schedule.run_monthly_on_days
    slots = schedule.times
    # Local wall-clock time only matters to day rules and slots; a plain
    # interval job (most of an idle tick) never converts.
    local_now = _local(now, tz) if weekly is not None or monthly is not None or slots else now

    if weekly is not None and local_now.weekday() not in weekly:
        days = ", ".join(WEEKDAY_NAMES[d] for d in sorted(weekly) if 0 <= d <= 6)
        return Decision(
            False, f"runs only on {days}; today is {WEEKDAY_NAMES[local_now.weekday()]}"
        )
    if monthly is not None and local_now.day not in monthly:
        days = ", ".join(str(d) for d in sorted(monthly))
        return Decision(False, f"runs only on days {days} of the month; today is {local_now.day}")

    last = history.last_run
    if schedule.retry_after_failure_mins and last and last.finished and not last.is_success:
        failed_at = last.end_time or last.start_time
        retry_at = failed_at + dt.timedelta(minutes=schedule.retry_after_failure_mins)
        if failed_at <= now < retry_at:
            return Decision(
                False,
                f"failed at {_fmt(failed_at, tz)}; retry after {_fmt(retry_at, tz)}",
            )

    for slot in slots:
        if local_now.time() < slot:
            continue
        done = history.slot_successes.get(slot)
        if done is None or _local(done.start_time, tz).date() != local_now.date():
            return Decision(True, f"run_at_times {slot:%H:%M} has not run today", slot)

    if schedule.run_every_mins is not None:
        success = history.last_success
        if success is None:
            return Decision(True, "it has never run successfully")
        if success.start_time > now:
            return Decision(
                True,
                f"its last success is dated in the future ({_fmt(success.start_time, tz)}); "
                "the clock was set back",
            )
        elapsed = now - success.start_time
        earliest = schedule.earliest_rerun(default_tolerance_seconds)
        if elapsed >= earliest:
            return Decision(
                True,
                f"{_minutes(elapsed)} since the last success at {_fmt(success.start_time, tz)} "
                f"(every {schedule.run_every_mins} min)",
            )
        return Decision(
            False,
            lambda: (
                f"last success at {_fmt(success.start_time, tz)}; "
                f"next in {_minutes(earliest - elapsed)}"
            ),
        )

    if schedule.run_at_times:
        return Decision(False, "every run_at_times slot due today has run")
    return Decision(False, "the schedule has neither run_every_mins nor run_at_times")
