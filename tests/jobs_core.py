"""Job classes for the runcrons and interruption tests (by dotted path, also in children)."""

import os
import signal
import sys
from pathlib import Path

from django_cron import CronJobBase, Schedule


class InspectOwnRowJob(CronJobBase):
    """Reports, as its message, the log row of its own run as seen from inside ``do()``."""

    code = "tests.inspect_own_row"
    schedule = Schedule(run_every_mins=1)

    def do(self):
        from django_cron.models import CronJobLog

        rows = list(CronJobLog.objects.filter(code=self.code))
        running = [row for row in rows if row.end_time is None]
        if len(rows) != 1 or len(running) != 1:
            return f"expected exactly one row, in progress; found {len(rows)}, {len(running)}"
        row = running[0]
        return (
            f"in progress: is_success={row.is_success} pid_is_mine={row.pid == os.getpid()} "
            f"hostname={row.hostname}"
        )


class RemoveLogsJob(CronJobBase):
    """Keeps only its latest successful run, by its own attribute."""

    code = "tests.remove_logs"
    schedule = Schedule(run_every_mins=1)
    remove_successful_cron_logs = True

    def do(self):
        if os.environ.get("DJANGO_CRON_TEST_FAIL"):
            raise RuntimeError("failing on request")
        return "kept"


class SignalTargetJob(CronJobBase):
    """Waits for a signal when ``DJANGO_CRON_TEST_READY_FILE`` is set, else ends at once."""

    code = "tests.signal_target"
    schedule = Schedule(run_every_mins=1)

    def do(self):
        ready = os.environ.get("DJANGO_CRON_TEST_READY_FILE")
        if not ready:
            return "ran to the end"
        Path(ready).write_text(str(os.getpid()))
        while True:
            signal.pause()


class BytesMessageJob(CronJobBase):
    code = "tests.bytes_message"
    schedule = Schedule(run_every_mins=1)

    def do(self):
        return "caf\N{LATIN SMALL LETTER E WITH ACUTE}".encode()


def _idle_job(index: int) -> type[CronJobBase]:
    return type(
        f"IdleJob{index:02d}",
        (CronJobBase,),
        {
            "__module__": __name__,
            "code": f"tests.idle_{index:02d}",
            # every third job also has run_at_times slots, all before noon
            "schedule": Schedule(
                run_every_mins=60, run_at_times=["06:00", "09:30"] if index % 3 == 0 else None
            ),
            "do": lambda self: None,
        },
    )


IDLE_JOBS = [_idle_job(i) for i in range(50)]
for _cls in IDLE_JOBS:
    setattr(sys.modules[__name__], _cls.__name__, _cls)
