"""``manage.py runcrons`` end to end, against the database, with a frozen clock.

Every test starts at 2024-01-15 12:00 UTC (a Monday; see the ``clock``
fixture) and moves the clock itself. Each test gets its own cache and lock
directory, so no lock left by another test or process can get in the way.
"""

import datetime as dt
import gc
import logging
import os
import socket
from dataclasses import dataclass
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from django_cron.core import INTERRUPTED_MESSAGE
from django_cron.models import CronJobLock, CronJobLog
from tests import jobs_core
from tests.procs import run_manage, this_database

pytestmark = pytest.mark.django_db

CHECK = "[\N{HEAVY CHECK MARK}]"
CROSS = "[\N{HEAVY BALLOT X}]"
IDLE = "[ ]"

EVERY_MINUTE = "tests.jobs.EveryMinuteJob"
EVERY_FIVE = "tests.jobs.EveryFiveMinutesJob"
FAILING = "tests.jobs.FailingJob"
AT_TIMES = "tests.jobs.AtTimesJob"
DATABASE_LOCK = "django_cron.backends.lock.database.DatabaseLock"


@dataclass
class Result:
    """What one ``runcrons`` call printed, and the exit status it would give."""

    status: int
    out: str
    err: str


def runcrons(*args: str) -> Result:
    out, err = StringIO(), StringIO()
    try:
        call_command("runcrons", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return Result(exc.returncode, out.getvalue(), err.getvalue() + str(exc))
    return Result(0, out.getvalue(), err.getvalue())


def rows(code: str) -> list[CronJobLog]:
    return list(CronJobLog.objects.filter(code=code).order_by("start_time", "pk"))


def snapshot() -> list[tuple]:
    return list(CronJobLog.objects.order_by("pk").values_list())


def add_run(code, start, *, success=True, slot=None, seconds=2) -> CronJobLog:
    return CronJobLog.objects.create(
        code=code,
        start_time=start,
        end_time=start + dt.timedelta(seconds=seconds),
        is_success=success,
        ran_at_time=slot,
    )


def minutes(n: float) -> dt.timedelta:
    return dt.timedelta(minutes=n)


@pytest.fixture(autouse=True)
def _isolated(clock, tmp_path):
    """A frozen clock, and a cache and lock directory of this test's own."""
    with override_settings(
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(tmp_path / "cache"),
            }
        },
        DJANGO_CRON_LOCKFILE_PATH=str(tmp_path / "locks"),
    ):
        yield


# -- output ------------------------------------------------------------------------


@override_settings(CRON_CLASSES=[EVERY_MINUTE, FAILING, EVERY_FIVE])
def test_output_marks_each_job_ran_failed_or_not_due():
    add_run("tests.every_five", timezone.now() - minutes(2))
    result = runcrons()
    lines = result.out.splitlines()
    assert f"{CHECK} tests.every_minute" in lines
    assert f"{CROSS} tests.failing: ValueError: the job broke" in lines
    assert f"{IDLE} tests.every_five" in lines
    assert result.status == 1


@override_settings(CRON_CLASSES=[EVERY_MINUTE])
def test_job_not_due_is_marked_idle_and_not_run():
    assert runcrons().out.splitlines()[-1] == f"{CHECK} tests.every_minute"
    assert runcrons().out.splitlines()[-1] == f"{IDLE} tests.every_minute"
    assert len(rows("tests.every_minute")) == 1


# -- the old README -------------------------------------------------------------------


README_CLASSES = [
    "tests.jobs_readme.MyCronJob",
    "tests.jobs_readme.RetryCronJob",
    "tests.jobs_readme.HourlyCronJob",
    "tests.jobs_readme.AtTimesCronJob",
    "tests.jobs_readme.MixedCronJob",
    "tests.jobs_readme.MinFailuresCronJob",
]


def ran(result: Result) -> list[str]:
    return sorted(line.split()[-1] for line in result.out.splitlines() if line.startswith(CHECK))


@override_settings(CRON_CLASSES=README_CLASSES)
def test_old_readme_examples_run_as_documented(clock):
    every_call = ["app.MyCronJob", "my_app.my_cron_job", "readme.hourly", "readme.mixed"]
    # 12:00: everything runs; the 11:30 slot was missed, so it runs now
    first = runcrons()
    assert first.status == 0, first.err
    assert ran(first) == sorted([*every_call, "readme.at_times", "readme.retry"])
    assert [r.ran_at_time for r in rows("readme.at_times")] == [dt.time(11, 30)]

    # the mixed job's first run served its missed 6:30 slot; its interval runs start now
    assert [r.ran_at_time for r in rows("readme.mixed")] == [dt.time(6, 30)]
    clock.move_to("2024-01-15 12:10:10+00:00")
    assert ran(runcrons()) == ["app.MyCronJob", "readme.mixed"]

    clock.move_to("2024-01-15 13:00+00:00")
    assert ran(runcrons()) == ["app.MyCronJob", "readme.hourly", "readme.retry"]

    clock.move_to("2024-01-15 14:00+00:00")
    assert ran(runcrons()) == [
        "app.MyCronJob",
        "my_app.my_cron_job",
        "readme.at_times",
        "readme.hourly",
        "readme.retry",
    ]
    assert [r.ran_at_time for r in rows("readme.at_times")] == [dt.time(11, 30), dt.time(14)]


@override_settings(CRON_CLASSES=["tests.jobs_readme.MixedCronJob"])
def test_old_readme_mixed_example_runs_every_two_hours_plus_once_at_6_30(clock):
    clock.move_to("2024-01-15 00:00+00:00")
    starts = []
    for _ in range(24 * 12):
        runcrons("--silent")
        clock.shift(minutes(5))
    starts = [f"{r.start_time:%H:%M}" for r in rows("readme.mixed")]
    assert starts == [
        "00:00", "02:00", "04:00", "06:00", "06:30", "08:00", "10:00",
        "12:00", "14:00", "16:00", "18:00", "20:00", "22:00",
    ]  # fmt: skip


# -- choosing jobs ------------------------------------------------------------------


@override_settings(CRON_CLASSES=[EVERY_MINUTE])
def test_named_classes_run_even_when_not_in_cron_classes():
    result = runcrons(EVERY_FIVE)
    assert f"{CHECK} tests.every_five" in result.out
    assert "tests.every_minute" not in result.out
    assert rows("tests.every_minute") == []
    assert len(rows("tests.every_five")) == 1


def test_force_runs_a_job_that_is_not_due():
    add_run("tests.every_five", timezone.now() - minutes(1))
    assert f"{IDLE} tests.every_five" in runcrons(EVERY_FIVE).out
    assert f"{CHECK} tests.every_five" in runcrons("--force", EVERY_FIVE).out
    assert len(rows("tests.every_five")) == 2


def test_a_caller_that_lives_on_gets_its_garbage_collector_back_as_it_was():
    """runcrons keeps the collector off start-up objects during the tick only."""
    before = gc.get_freeze_count()
    assert runcrons(EVERY_FIVE, FAILING).status == 1  # a traceback: cycles made in the tick
    assert gc.get_freeze_count() == before
    garbage = []
    garbage.append(garbage)  # a cycle only the collector frees
    del garbage
    assert gc.collect() >= 1


@override_settings(CRON_CLASSES=[EVERY_MINUTE, EVERY_FIVE])
def test_silent_prints_nothing():
    add_run("tests.every_five", timezone.now() - minutes(1))
    result = runcrons("--silent")
    assert (result.status, result.out, result.err) == (0, "", "")
    assert len(rows("tests.every_minute")) == 1


@override_settings(
    CRON_CLASSES=[EVERY_MINUTE, EVERY_FIVE, FAILING, AT_TIMES],
    DJANGO_CRON_DELETE_LOGS_OLDER_THAN=1,
)
def test_dry_run_writes_nothing_and_prints_why():
    add_run("tests.every_five", timezone.now() - minutes(2))
    add_run("tests.every_minute", timezone.now() - dt.timedelta(days=30))
    add_run("tests.every_minute", timezone.now() - dt.timedelta(days=20))
    before = snapshot()
    with CaptureQueriesContext(connection) as queries:
        result = runcrons("--dry-run")
    assert snapshot() == before
    reads = ("SELECT", "WITH")
    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith(reads)]
    assert writes == []
    assert result.status == 0
    lines = result.out.splitlines()
    assert lines[0] == "Running Crons (dry run)"
    assert (
        f"{CHECK} tests.every_minute  would run: 28800 min since the last success at "
        "2023-12-26 12:00:00 (every 1 min)"
    ) in lines
    assert f"{CHECK} tests.failing  would run: it has never run successfully" in lines
    assert (
        f"{IDLE} tests.every_five  not due: last success at 2024-01-15 11:58:00; next in 2 min"
    ) in [line.replace("150 s", "2 min") for line in lines]
    assert f"{CHECK} tests.at_times  would run: run_at_times 06:30 has not run today" in lines


def test_after_the_clock_was_set_back_an_interval_job_runs_once_per_interval(clock):
    add_run("tests.weekdays", timezone.now() + dt.timedelta(days=1))
    assert f"{CHECK} tests.weekdays" in runcrons("tests.jobs.WeekdaysJob").out
    clock.shift(minutes(5))
    # it ran 5 minutes ago and runs every 60 minutes
    assert f"{IDLE} tests.weekdays" in runcrons("tests.jobs.WeekdaysJob").out


# -- failures and odd messages ----------------------------------------------------------


@override_settings(CRON_CLASSES=[FAILING, EVERY_MINUTE])
def test_failing_job_is_logged_with_its_traceback_and_the_others_still_run():
    result = runcrons()
    assert result.status == 1
    assert "1 job(s) failed: tests.failing" in result.err
    [failed] = rows("tests.failing")
    assert not failed.is_success
    assert failed.end_time is not None
    assert failed.message.startswith("Traceback (most recent call last):")
    assert 'raise ValueError("the job broke")' in failed.message
    assert failed.message.rstrip().endswith("ValueError: the job broke")
    [other] = rows("tests.every_minute")
    assert other.is_success
    assert other.message == "counted"


@pytest.mark.parametrize(
    ("job", "code", "message"),
    [
        ("tests.jobs.ObjectMessageJob", "tests.object_message", "{'rows': 3}"),
        ("tests.jobs_core.BytesMessageJob", "tests.bytes_message", "caf\u00e9"),
        ("tests.jobs.EveryFiveMinutesJob", "tests.every_five", ""),
    ],
)
def test_non_string_messages_are_stored_as_text(job, code, message):
    assert runcrons(job).status == 0
    [run] = rows(code)
    assert run.is_success
    assert run.message == message


def test_message_whose_str_raises_never_crashes_the_run():
    result = runcrons("tests.jobs.UnprintableMessageJob")
    assert result.status == 0
    assert f"{CHECK} tests.unprintable" in result.out
    [run] = rows("tests.unprintable")
    assert run.is_success
    assert "Weird" in run.message
    assert "could not be shown" in run.message


# -- bad job classes ------------------------------------------------------------------


BAD_ENTRIES = {
    "tests.no_such_module.Job": "could not be imported",
    "tests.jobs.NoSuchJob": "could not be imported",
    "tests.jobs.NotAJob": "is not a subclass of django_cron.CronJobBase",
    "tests.jobs.NoCodeJob": "has no code",
    "tests.jobs_checks.NoScheduleJob": "has no schedule",
}


@override_settings(CRON_CLASSES=[*BAD_ENTRIES, EVERY_MINUTE])
def test_bad_cron_classes_entries_are_named_and_the_valid_jobs_still_run():
    result = runcrons()
    assert result.status == 2
    errors = result.err.splitlines()
    for entry, problem in BAD_ENTRIES.items():
        assert any(entry in line and problem in line for line in errors), (entry, result.err)
    assert f"{CHECK} tests.every_minute" in result.out
    assert len(rows("tests.every_minute")) == 1


@override_settings(CRON_CLASSES="tests.jobs.EveryMinuteJob")
def test_cron_classes_given_as_a_string_is_an_error_naming_the_setting_and_runs_nothing():
    result = runcrons()
    assert result.status == 2
    assert "CRON_CLASSES must be a list" in result.err
    assert rows("tests.every_minute") == []


def test_bad_class_named_on_the_command_line_is_reported_and_the_others_run():
    result = runcrons("tests.jobs.NotAJob", EVERY_FIVE)
    assert result.status == 2
    assert "tests.jobs.NotAJob" in result.err
    assert len(rows("tests.every_five")) == 1


def test_bad_configuration_wins_over_failed_job_in_exit_status():
    assert runcrons("tests.jobs.NoCodeJob", FAILING).status == 2


def test_bad_run_at_times_fails_that_job_only_naming_the_time():
    result = runcrons("tests.jobs_checks.BadTimeJob", EVERY_FIVE)
    assert result.status == 1
    assert "'25:00'" in result.out
    assert rows("tests.jobs_checks.bad_time") == []
    assert len(rows("tests.every_five")) == 1


@pytest.mark.processes
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("jobs", "status"),
    [
        (["tests.jobs.EveryMinuteJob"], 0),
        (["tests.jobs.EveryMinuteJob", "tests.jobs.FailingJob"], 1),
        (["tests.jobs.EveryMinuteJob", "tests.jobs.NotAJob"], 2),
    ],
)
def test_exit_status_of_a_real_process(jobs, status, tmp_path):
    overrides = {
        "DATABASES": this_database(),
        "DJANGO_CRON_LOCKFILE_PATH": str(tmp_path),
        "CRON_CLASSES": jobs,
    }
    proc = run_manage("runcrons", overrides=overrides, timeout=60)
    assert proc.returncode == status, proc.stderr
    assert f"{CHECK} tests.every_minute" in proc.stdout
    if status == 2:
        assert "tests.jobs.NotAJob" in proc.stderr


# -- the run record ----------------------------------------------------------------


def test_run_is_recorded_when_it_starts_and_completed_when_it_ends():
    assert runcrons("tests.jobs_core.InspectOwnRowJob").status == 0
    [run] = rows("tests.inspect_own_row")
    assert run.message == (
        f"in progress: is_success=False pid_is_mine=True hostname={socket.gethostname()}"
    )
    assert run.is_success
    assert run.start_time == timezone.now()
    assert run.end_time == timezone.now()
    assert run.hostname == socket.gethostname()
    assert run.pid == os.getpid()


def test_run_at_times_records_the_slot_it_served(clock):
    runcrons(AT_TIMES)
    assert [r.ran_at_time for r in rows("tests.at_times")] == [dt.time(6, 30)]
    assert f"{IDLE} tests.at_times" in runcrons(AT_TIMES).out
    clock.move_to("2024-01-15 18:00+00:00")
    runcrons(AT_TIMES)
    assert [r.ran_at_time for r in rows("tests.at_times")] == [dt.time(6, 30), dt.time(18)]
    clock.move_to("2024-01-16 06:29+00:00")
    assert f"{IDLE} tests.at_times" in runcrons(AT_TIMES).out


def test_prev_success_cron_is_set_inside_do(clock):
    runcrons("tests.jobs.PrevSuccessJob")
    clock.shift(minutes(1))
    runcrons("tests.jobs.PrevSuccessJob")
    assert [r.message for r in rows("tests.prev_success")] == [
        "previous: none",
        "previous: 2024-01-15T12:00:00+00:00",
    ]


def test_dead_run_is_marked_interrupted_and_the_job_runs_again():
    dead = CronJobLog.objects.create(
        code="tests.every_minute",
        start_time=timezone.now() - minutes(10),
        end_time=None,
        is_success=False,
        hostname="elsewhere",
        pid=4242,
    )
    assert f"{CHECK} tests.every_minute" in runcrons(EVERY_MINUTE).out
    dead.refresh_from_db()
    assert not dead.is_success
    assert dead.end_time == timezone.now()
    assert dead.message == INTERRUPTED_MESSAGE
    assert [r.is_success for r in rows("tests.every_minute")] == [False, True]


# -- keeping only the latest success ------------------------------------------------


@override_settings(REMOVE_SUCCESSFUL_CRON_LOGS=True)
def test_remove_successful_cron_logs_setting_keeps_only_the_latest_success(clock):
    add_run("tests.every_minute", timezone.now() - minutes(30), success=False)
    for _ in range(3):
        runcrons(EVERY_MINUTE)
        clock.shift(minutes(1))
    runs = rows("tests.every_minute")
    assert [(r.is_success, f"{r.start_time:%H:%M}") for r in runs] == [
        (False, "11:30"),
        (True, "12:02"),
    ]


def test_remove_successful_cron_logs_attribute_applies_to_that_job_only(clock):
    for _ in range(3):
        runcrons("tests.jobs_core.RemoveLogsJob", EVERY_MINUTE)
        clock.shift(minutes(1))
    assert [f"{r.start_time:%H:%M}" for r in rows("tests.remove_logs")] == ["12:02"]
    assert len(rows("tests.every_minute")) == 3


# -- logging errors ----------------------------------------------------------------


@override_settings(DJANGO_CRON_OUTPUT_ERRORS=True)
def test_output_errors_logs_failures_to_the_django_cron_logger(caplog):
    with caplog.at_level(logging.ERROR, logger="django_cron"):
        runcrons(FAILING, EVERY_MINUTE)
    errors = [r for r in caplog.records if r.name == "django_cron" and r.levelno == logging.ERROR]
    assert len(errors) == 1
    text = errors[0].getMessage()
    assert text.startswith("tests.failing")
    assert "Traceback (most recent call last)" in text
    assert "ValueError: the job broke" in text


def test_failures_are_not_logged_at_error_level_by_default(caplog):
    with caplog.at_level(logging.ERROR, logger="django_cron"):
        runcrons(FAILING)
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


# -- old entry points -------------------------------------------------------------


def test_old_public_names_import_from_the_package():
    from django_cron import (
        BadCronJobError,
        CronJobBase,
        CronJobManager,
        Schedule,
        get_class,
        get_current_time,
    )

    assert get_class(EVERY_MINUTE).code == "tests.every_minute"
    assert issubclass(BadCronJobError, Exception)
    assert get_current_time() == timezone.now()
    assert {CronJobBase, CronJobManager, Schedule}


def test_get_class_names_the_path_that_does_not_import():
    from django_cron import get_class

    with pytest.raises(ImportError, match="tests.jobs.Nope"):
        get_class("tests.jobs.Nope")


def test_run_cron_with_cache_check_still_runs_a_job(clock):
    from django_cron.management.commands.runcrons import run_cron_with_cache_check
    from tests.jobs import EveryFiveMinutesJob

    out = StringIO()
    run_cron_with_cache_check(EveryFiveMinutesJob, stdout=out)
    assert out.getvalue() == f"{CHECK} tests.every_five\n"
    run_cron_with_cache_check(EveryFiveMinutesJob, stdout=out, silent=True)
    assert len(rows("tests.every_five")) == 1
    run_cron_with_cache_check(EveryFiveMinutesJob, force=True, silent=True, stdout=out)
    assert len(rows("tests.every_five")) == 2
    assert out.getvalue() == f"{CHECK} tests.every_five\n"


def test_cron_job_manager_context_manager_swallows_the_failure():
    from django_cron import CronJobManager
    from tests.jobs import FailingJob

    with CronJobManager(FailingJob, silent=True) as manager:
        manager.run()
    assert [r.is_success for r in rows("tests.failing")] == [False]


def test_cronloop_calls_runcrons_repeatedly():
    out = StringIO()
    call_command(
        "cronloop", "--repeat", "2", "--sleep", "0", "--cron_classes", EVERY_MINUTE, stdout=out
    )
    text = out.getvalue()
    assert text.count("Running Crons") == 2
    # the clock is frozen: the second call finds the job not due
    assert text.count(f"{CHECK} tests.every_minute") == 1
    assert text.count(f"{IDLE} tests.every_minute") == 1


def test_cronloop_goes_on_after_a_failed_job():
    out, err = StringIO(), StringIO()
    call_command(
        "cronloop",
        "--repeat",
        "2",
        "--sleep",
        "0",
        "--cron_classes",
        FAILING,
        stdout=out,
        stderr=err,
    )
    assert out.getvalue().count(f"{CROSS} tests.failing") == 2
    assert err.getvalue().count("1 job(s) failed: tests.failing") == 2


@pytest.mark.parametrize("args", [["--sleep", "-1"], ["--repeat", "0"]])
def test_cronloop_rejects_bad_arguments(args):
    with pytest.raises(CommandError, match=args[0]):
        call_command("cronloop", *args)


# -- time zones ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "utc_now", "due"),
    [
        ({"TIME_ZONE": "UTC"}, "05:45", False),
        ({"TIME_ZONE": "Europe/Paris"}, "05:45", True),  # 06:45 CET
        ({"TIME_ZONE": "America/New_York"}, "11:29", False),  # 06:29 EST
        ({"TIME_ZONE": "America/New_York"}, "11:31", True),  # 06:31 EST
        ({"TIME_ZONE": "Europe/Paris", "USE_TZ": False}, "05:29", False),  # 06:29 local
        ({"TIME_ZONE": "Europe/Paris", "USE_TZ": False}, "05:31", True),  # 06:31 local
        ({"TIME_ZONE": "America/New_York", "USE_TZ": False}, "11:31", True),
    ],
)
def test_run_at_times_follow_time_zone_and_use_tz(clock, settings, utc_now, due):
    clock.move_to(f"2024-01-15 {utc_now}+00:00")
    with override_settings(**settings):
        result = runcrons(AT_TIMES)
        assert (f"{CHECK} tests.at_times" in result.out) is due, result.out
        if due:
            # once a day: the next call finds the slot done
            assert f"{IDLE} tests.at_times" in runcrons(AT_TIMES).out
            assert [r.ran_at_time for r in rows("tests.at_times")] == [dt.time(6, 30)]


@override_settings(USE_TZ=False, TIME_ZONE="Europe/Paris")
def test_use_tz_false_stores_naive_local_times_and_keeps_intervals(clock):
    runcrons(EVERY_FIVE)
    [run] = rows("tests.every_five")
    assert run.start_time == dt.datetime(2024, 1, 15, 13, 0)  # 12:00 UTC, naive Paris
    clock.shift(minutes(4))
    assert f"{IDLE} tests.every_five" in runcrons(EVERY_FIVE).out
    clock.shift(minutes(1))
    assert f"{CHECK} tests.every_five" in runcrons(EVERY_FIVE).out


@override_settings(TIME_ZONE="Europe/Paris")
def test_weekly_days_follow_the_site_zone(clock):
    # Sunday 23:30 UTC is Monday 00:30 in Paris; the job runs Mondays, Wednesdays, Fridays.
    clock.move_to("2024-01-14 23:30+00:00")
    assert f"{CHECK} tests.weekdays" in runcrons("tests.jobs.WeekdaysJob").out
    with override_settings(TIME_ZONE="UTC"):
        clock.shift(minutes(120))
        assert f"{CHECK} tests.weekdays" in runcrons("tests.jobs.WeekdaysJob").out
        clock.move_to("2024-01-16 23:30+00:00")  # Tuesday in UTC
        assert f"{IDLE} tests.weekdays" in runcrons("tests.jobs.WeekdaysJob").out


def test_old_run_on_days_name_restricts_days(clock):
    assert f"{IDLE} tests.old_days" in runcrons("tests.jobs.OldNameDaysJob").out  # Monday
    clock.move_to("2024-01-13 12:00+00:00")  # Saturday
    assert f"{CHECK} tests.old_days" in runcrons("tests.jobs.OldNameDaysJob").out


@override_settings(TIME_ZONE="America/New_York")
def test_monthly_days_follow_the_site_zone(clock):
    # 1 February 03:00 UTC is 31 January 22:00 in New York
    clock.move_to("2024-02-01 03:00+00:00")
    assert f"{IDLE} tests.monthly" in runcrons("tests.jobs.MonthlyJob").out
    clock.move_to("2024-02-01 05:00+00:00")  # 00:00 on 1 February in New York
    assert f"{CHECK} tests.monthly" in runcrons("tests.jobs.MonthlyJob").out


def test_retry_after_failure_mins_through_the_command(clock, monkeypatch):
    monkeypatch.setenv("DJANGO_CRON_TEST_FAIL", "1")
    assert f"{CROSS} tests.retrying" in runcrons("tests.jobs.RetryingJob").out
    monkeypatch.delenv("DJANGO_CRON_TEST_FAIL")
    clock.shift(minutes(5))
    assert f"{IDLE} tests.retrying" in runcrons("tests.jobs.RetryingJob").out
    clock.shift(minutes(5))
    assert f"{CHECK} tests.retrying" in runcrons("tests.jobs.RetryingJob").out


# -- queries ---------------------------------------------------------------------


def idle_paths(count: int) -> list[str]:
    classes = jobs_core.IDLE_JOBS[:count]
    now = timezone.now()
    logs = []
    for cls in classes:
        logs.append(
            CronJobLog(code=cls.code, start_time=now - minutes(5), end_time=now, is_success=True)
        )
        for slot in cls.schedule.times:
            start = now.replace(hour=slot.hour, minute=slot.minute)
            logs.append(
                CronJobLog(
                    code=cls.code,
                    start_time=start,
                    end_time=start,
                    is_success=True,
                    ran_at_time=slot,
                )
            )
    CronJobLog.objects.bulk_create(logs)
    return [f"tests.jobs_core.{cls.__name__}" for cls in classes]


@override_settings(DJANGO_CRON_LOCK_BACKEND=DATABASE_LOCK)
def test_idle_tick_costs_the_same_few_queries_whatever_the_number_of_jobs():
    paths = idle_paths(50)
    counts = {}
    for count in (1, 10, 50):
        with (
            override_settings(CRON_CLASSES=paths[:count]),
            CaptureQueriesContext(connection) as queries,
        ):
            result = runcrons()
        assert result.out.count(IDLE) == count, result.out
        assert not any(CronJobLock._meta.db_table in q["sql"] for q in queries), "took a lock"
        counts[count] = len(queries)
    assert counts[1] == counts[10] == counts[50] <= 2, counts


@override_settings(DJANGO_CRON_LOCK_BACKEND=DATABASE_LOCK)
def test_a_run_takes_a_lock_and_leaves_none_behind():
    with CaptureQueriesContext(connection) as queries:
        runcrons(EVERY_MINUTE)
    assert any(CronJobLock._meta.db_table in q["sql"] for q in queries)
    assert not CronJobLock.objects.filter(job_name=EVERY_MINUTE, locked=True).exists()


def test_a_job_locked_elsewhere_is_not_run():
    from django_cron.backends.lock.base import get_lock_class
    from tests.jobs import EveryMinuteJob

    with get_lock_class()(EveryMinuteJob, silent=True):
        result = runcrons(EVERY_MINUTE)
    assert f"{IDLE} tests.every_minute (running elsewhere)" in result.out
    assert result.status == 0
    assert rows("tests.every_minute") == []


@pytest.mark.processes
@pytest.mark.django_db(transaction=True)
def test_real_process_sees_rows_and_records_host_and_pid(tmp_path):
    overrides = {"DATABASES": this_database(), "DJANGO_CRON_LOCKFILE_PATH": str(tmp_path)}
    proc = run_manage("runcrons", "tests.jobs_core.InspectOwnRowJob", overrides=overrides)
    assert proc.returncode == 0, proc.stderr
    [run] = rows("tests.inspect_own_row")
    assert run.message == (
        f"in progress: is_success=False pid_is_mine=True hostname={socket.gethostname()}"
    )
    assert run.pid not in (None, os.getpid())
    assert run.hostname == socket.gethostname()
    assert run.is_success and run.end_time is not None
