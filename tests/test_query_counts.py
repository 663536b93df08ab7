"""What a tick costs the database, counted statement by statement.

Counts are deterministic, so they are asserted here; timings are measured by
``benchmarks/tick.py`` and never asserted.
"""

import datetime as dt
import re
import sys

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from django_cron import CronJobBase, Schedule
from django_cron.core import Outcome, run_jobs
from django_cron.models import CronJobLog
from django_cron.retention import prune_logs, remove_older_successes

LOG_TABLE = CronJobLog._meta.db_table
LOCK_TABLE = "django_cron_cronjoblock"
WRITE = re.compile(r"^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+[`\"]?(\w+)", re.IGNORECASE)
FILE_LOCK = "django_cron.backends.lock.file.FileLock"
DATABASE_LOCK = "django_cron.backends.lock.database.DatabaseLock"

pytestmark = pytest.mark.django_db


def make_jobs(count: int, prefix: str = "qc") -> list[type[CronJobBase]]:
    """``count`` job classes with distinct codes; every third one also has two slots.

    They are set on this module, so ``runcrons`` can import them by dotted path.
    """
    module = sys.modules[__name__]
    classes = []
    for i in range(count):
        slots = ["06:00", "09:30"] if i % 3 == 0 else None
        name = f"{prefix.capitalize()}Job{i:04d}"
        cls = type(
            name,
            (CronJobBase,),
            {
                "__module__": __name__,
                "code": f"{prefix}.job_{i:04d}",
                "schedule": Schedule(run_every_mins=60, run_at_times=slots),
                "do": lambda self: None,
            },
        )
        setattr(module, name, cls)
        classes.append(cls)
    return classes


def paths(classes: list[type]) -> list[str]:
    return [f"{cls.__module__}.{cls.__name__}" for cls in classes]


def log(code: str, start: dt.datetime, *, success: bool = True, slot: dt.time | None = None):
    return CronJobLog(
        code=code,
        start_time=start,
        end_time=start + dt.timedelta(seconds=2),
        is_success=success,
        ran_at_time=slot,
    )


def make_idle(classes: list[type[CronJobBase]]) -> None:
    """Record for every job the runs that make it not due now (12:00, see ``clock``)."""
    now = timezone.now()
    rows = []
    for cls in classes:
        rows.append(log(cls.code, now - dt.timedelta(minutes=5)))
        for slot in cls.schedule.times:
            rows.append(log(cls.code, now.replace(hour=slot.hour, minute=slot.minute), slot=slot))
    CronJobLog.objects.bulk_create(rows)


def add_old_history(classes: list[type[CronJobBase]], per_job: int) -> None:
    """``per_job`` older runs per job, successes and failures, on and off their slots."""
    now = timezone.now()
    rows = []
    for cls in classes:
        slots = cls.schedule.times
        for k in range(per_job):
            start = now - dt.timedelta(days=1, hours=k)
            slot = slots[k % len(slots)] if slots and k % 2 else None
            rows.append(log(cls.code, start, success=k % 7 != 0, slot=slot))
    CronJobLog.objects.bulk_create(rows, batch_size=500)


def log_writes(queries) -> int:
    return sum(
        1 for q in queries if (m := WRITE.match(q["sql"])) and m.group(2).lower() == LOG_TABLE
    )


@pytest.fixture(autouse=True)
def _frozen_noon(clock):
    """Every test runs at 2024-01-15 12:00 UTC: past both slots of the slot jobs."""


@pytest.fixture
def file_lock(tmp_path):
    """The file lock: taking and releasing it costs no database statement."""
    with override_settings(
        DJANGO_CRON_LOCK_BACKEND=FILE_LOCK, DJANGO_CRON_LOCKFILE_PATH=str(tmp_path)
    ):
        yield


# -- idle tick -------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 10, 100])
def test_idle_tick_costs_at_most_three_queries_whatever_the_number_of_jobs(count):
    classes = make_jobs(count)
    make_idle(classes)

    with CaptureQueriesContext(connection) as ctx:
        results = run_jobs(classes, silent=True)

    assert [r.outcome for r in results] == [Outcome.NOT_DUE] * count
    assert len(ctx.captured_queries) <= 3


def test_idle_tick_query_count_does_not_grow_with_the_log():
    classes = make_jobs(20)
    make_idle(classes)
    with CaptureQueriesContext(connection) as small:
        run_jobs(classes, silent=True)

    add_old_history(classes, per_job=200)
    assert CronJobLog.objects.count() > 4000
    with CaptureQueriesContext(connection) as large:
        results = run_jobs(classes, silent=True)

    assert [r.outcome for r in results] == [Outcome.NOT_DUE] * 20
    assert len(large.captured_queries) == len(small.captured_queries) <= 3


@override_settings(DJANGO_CRON_LOCK_BACKEND=DATABASE_LOCK)
def test_idle_tick_takes_no_lock_for_jobs_that_are_not_due():
    classes = make_jobs(10)
    make_idle(classes)

    with CaptureQueriesContext(connection) as ctx:
        run_jobs(classes, silent=True)

    assert [q["sql"] for q in ctx.captured_queries if LOCK_TABLE in q["sql"]] == []


@override_settings(DJANGO_CRON_DELETE_LOGS_OLDER_THAN=None)
def test_idle_runcrons_command_costs_at_most_three_queries(monkeypatch):
    classes = make_jobs(50, prefix="cmd")
    make_idle(classes)
    add_old_history(classes, per_job=20)

    with (
        override_settings(CRON_CLASSES=paths(classes)),
        CaptureQueriesContext(connection) as ctx,
    ):
        call_command("runcrons", "--silent")

    assert len(ctx.captured_queries) <= 3


def test_dry_run_of_many_due_jobs_is_one_query():
    classes = make_jobs(100)

    with CaptureQueriesContext(connection) as ctx:
        results = run_jobs(classes, silent=True, dry_run=True)

    assert {r.outcome for r in results} == {Outcome.WOULD_RUN}
    assert len(ctx.captured_queries) <= 3


# -- busy tick -------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 10, 50])
def test_busy_tick_writes_each_run_at_most_twice(file_lock, count):
    classes = make_jobs(count)

    with CaptureQueriesContext(connection) as ctx:
        results = run_jobs(classes, silent=True)

    assert [r.outcome for r in results] == [Outcome.SUCCEEDED] * count
    assert CronJobLog.objects.filter(end_time__isnull=False, is_success=True).count() == count
    assert log_writes(ctx.captured_queries) <= 2 * count


def test_busy_tick_reads_each_due_job_once_more_under_its_lock(file_lock):
    classes = make_jobs(30)
    add_old_history(classes, per_job=5)

    with CaptureQueriesContext(connection) as ctx:
        run_jobs(classes, silent=True)

    writes = log_writes(ctx.captured_queries)
    reads = len(ctx.captured_queries) - writes
    # one history query for the tick, then one re-check per job under its lock
    assert reads <= 1 + 30
    assert writes <= 2 * 30


def test_busy_tick_with_database_lock_costs_a_bounded_number_of_lock_statements():
    classes = make_jobs(10)
    with override_settings(DJANGO_CRON_LOCK_BACKEND=DATABASE_LOCK):
        run_jobs(classes, silent=True)  # creates each job's lock row
        CronJobLog.objects.all().delete()

        with CaptureQueriesContext(connection) as ctx:
            results = run_jobs(classes, silent=True)

    assert [r.outcome for r in results] == [Outcome.SUCCEEDED] * 10
    lock_statements = [q for q in ctx.captured_queries if LOCK_TABLE in q["sql"]]
    # per job: is the row there, take it, release it
    assert len(lock_statements) <= 3 * 10
    assert log_writes(ctx.captured_queries) <= 2 * 10


# -- retention -------------------------------------------------------------------


class StatementRecorder:
    """An ``execute_wrapper`` keeping each statement with its parameters."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, tuple]] = []

    def __call__(self, execute, sql, params, many, context):
        self.statements.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)

    def deletes(self) -> list[tuple[str, tuple]]:
        return [(sql, params) for sql, params in self.statements if WRITE.match(sql)]


def old_failures(count: int) -> None:
    start = timezone.now() - dt.timedelta(days=40)
    CronJobLog.objects.bulk_create(
        [
            log(f"qc.job_{i % 7}", start + dt.timedelta(minutes=i), success=False)
            for i in range(count)
        ],
        batch_size=500,
    )


def test_prune_deletes_in_statements_bounded_by_the_batch_size():
    old_failures(250)
    recorder = StatementRecorder()

    with connection.execute_wrapper(recorder):
        result = prune_logs(older_than_days=30, batch_size=100)

    deletes = recorder.deletes()
    assert result.deleted == 250
    assert CronJobLog.objects.count() == 0
    assert len(deletes) == 3
    assert all(len(params) <= 100 for _, params in deletes)
    # and the reads that choose each batch stop after a batch
    selects = [sql for sql, _ in recorder.statements if not WRITE.match(sql)]
    assert selects and all("LIMIT" in sql.upper() for sql in selects)


def test_prune_statement_count_follows_the_rows_deleted_not_the_rows_kept():
    old_failures(120)
    now = timezone.now()
    CronJobLog.objects.bulk_create(
        [log("qc.recent", now - dt.timedelta(hours=i), success=False) for i in range(1, 600)],
        batch_size=500,
    )
    recorder = StatementRecorder()

    with connection.execute_wrapper(recorder):
        prune_logs(older_than_days=30, batch_size=50)

    assert len(recorder.deletes()) == 3  # 120 rows at 50 a statement
    assert len(recorder.statements) <= 2 * 3 + 1


def test_removing_older_successes_deletes_in_bounded_statements():
    now = timezone.now()
    CronJobLog.objects.bulk_create(
        [log("qc.busy", now - dt.timedelta(minutes=i)) for i in range(1, 131)]
    )
    recorder = StatementRecorder()

    with connection.execute_wrapper(recorder):
        deleted = remove_older_successes("qc.busy", batch_size=40)

    assert deleted == 129
    assert len(recorder.deletes()) == 4
    assert all(len(params) <= 40 for _, params in recorder.deletes())
