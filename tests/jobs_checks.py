"""Job classes that the system checks must reject (and a few they must accept)."""

from django_cron import CronJobBase, Schedule
from django_cron.backends.lock.database import DatabaseLock


class GoodJob(CronJobBase):
    code = "checks.good"
    schedule = Schedule(run_every_mins=5)

    def do(self):
        return None


class NotAJob:
    code = "checks.not_a_job"
    schedule = Schedule(run_every_mins=5)


class NoCodeJob(CronJobBase):
    schedule = Schedule(run_every_mins=5)


class EmptyCodeJob(CronJobBase):
    code = ""
    schedule = Schedule(run_every_mins=5)


class LongCodeJob(CronJobBase):
    code = "checks." + "x" * 58  # 65 characters
    schedule = Schedule(run_every_mins=5)


class DuplicateCodeJob(CronJobBase):
    """Shares GoodJob's code."""

    code = "checks.good"
    schedule = Schedule(run_every_mins=60)


class NoScheduleJob(CronJobBase):
    code = "checks.no_schedule"


class StringScheduleJob(CronJobBase):
    code = "checks.string_schedule"
    schedule = "every 5 minutes"


class BadTimeJob(CronJobBase):
    code = "tests.jobs_checks.bad_time"
    schedule = Schedule(run_at_times=["25:00"])

    def do(self):
        return None


class PmTimeJob(CronJobBase):
    code = "checks.pm_time"
    schedule = Schedule(run_at_times=["7pm"])


class WeekdaySevenJob(CronJobBase):
    code = "checks.weekday_seven"
    schedule = Schedule(run_every_mins=60, run_weekly_on_days=[7])


class MonthDayZeroJob(CronJobBase):
    code = "checks.month_day_zero"
    schedule = Schedule(run_at_times=["02:00"], run_monthly_on_days=[0])


class ZeroIntervalJob(CronJobBase):
    code = "checks.zero_interval"
    schedule = Schedule(run_every_mins=0)


class NegativeIntervalJob(CronJobBase):
    code = "checks.negative_interval"
    schedule = Schedule(run_every_mins=-5)


class NegativeRetryJob(CronJobBase):
    code = "checks.negative_retry"
    schedule = Schedule(run_every_mins=5, retry_after_failure_mins=-1)


class NegativeToleranceJob(CronJobBase):
    code = "checks.negative_tolerance"
    schedule = Schedule(run_every_mins=5, run_tolerance_seconds=-1)


class EmptyScheduleJob(CronJobBase):
    code = "checks.empty_schedule"
    schedule = Schedule()


class DaysOnlyJob(CronJobBase):
    """The old docs' weekly example: days, but nothing that makes it run on them."""

    code = "checks.days_only"
    schedule = Schedule(run_weekly_on_days=[0, 6])


class NotALock:
    """Not a lock backend."""


class MyDatabaseLock(DatabaseLock):
    """A site's own lock backend, subclassing a bundled one."""
