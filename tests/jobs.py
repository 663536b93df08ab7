"""Job classes the core tests run (by dotted path, also from child processes)."""

import os
import signal
from pathlib import Path

from django_cron import CronJobBase, Schedule


class EveryMinuteJob(CronJobBase):
    code = "tests.every_minute"
    schedule = Schedule(run_every_mins=1)

    def do(self):
        return "counted"


class EveryFiveMinutesJob(CronJobBase):
    code = "tests.every_five"
    schedule = Schedule(run_every_mins=5)

    def do(self):
        return None


class FailingJob(CronJobBase):
    code = "tests.failing"
    schedule = Schedule(run_every_mins=1)

    def do(self):
        raise ValueError("the job broke")


class RetryingJob(CronJobBase):
    code = "tests.retrying"
    schedule = Schedule(run_every_mins=1, retry_after_failure_mins=10)

    def do(self):
        if os.environ.get("DJANGO_CRON_TEST_FAIL"):
            raise RuntimeError("still broken")
        return "ok"


class AtTimesJob(CronJobBase):
    code = "tests.at_times"
    schedule = Schedule(run_at_times=["6:30", "18:00"])

    def do(self):
        return "slot"


class MixedJob(CronJobBase):
    """The old README's example: every 2 hours plus once at 6:30."""

    code = "tests.mixed"
    schedule = Schedule(run_every_mins=120, run_at_times=["6:30"])

    def do(self):
        return "mixed"


class WeekdaysJob(CronJobBase):
    code = "tests.weekdays"
    schedule = Schedule(run_every_mins=60, run_weekly_on_days=[0, 2, 4])

    def do(self):
        return None


class OldNameDaysJob(CronJobBase):
    code = "tests.old_days"
    schedule = Schedule(run_every_mins=60, run_on_days=[5, 6])

    def do(self):
        return None


class MonthlyJob(CronJobBase):
    code = "tests.monthly"
    schedule = Schedule(run_at_times=["00:00"], run_monthly_on_days=[1, 15])

    def do(self):
        return None


class ObjectMessageJob(CronJobBase):
    code = "tests.object_message"
    schedule = Schedule(run_every_mins=1)

    def do(self):
        return {"rows": 3}


class UnprintableMessageJob(CronJobBase):
    code = "tests.unprintable"
    schedule = Schedule(run_every_mins=1)

    def do(self):
        class Weird:
            def __str__(self):
                raise TypeError("no")

        return Weird()


class PrevSuccessJob(CronJobBase):
    code = "tests.prev_success"
    schedule = Schedule(run_every_mins=1)

    def do(self):
        prev = self.get_prev_success_cron()
        return "previous: " + (prev.start_time.isoformat() if prev else "none")


class ParallelJob(CronJobBase):
    code = "tests.parallel"
    schedule = Schedule(run_every_mins=1)
    ALLOW_PARALLEL_RUNS = True

    def do(self):
        return None


class NoCodeJob(CronJobBase):
    schedule = Schedule(run_every_mins=1)

    def do(self):
        return None


class NotAJob:
    code = "tests.not_a_job"


class WaitForSignalJob(CronJobBase):
    """Writes a ready file, then waits until the process is signalled."""

    code = "tests.wait_for_signal"
    schedule = Schedule(run_every_mins=1)

    def do(self):
        Path(os.environ["DJANGO_CRON_TEST_READY_FILE"]).write_text(str(os.getpid()))
        while True:
            signal.pause()
