"""The one-statement history read gives what plain ORM queries give, on every database."""

import datetime as dt
import random

import pytest
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone

from django_cron import history
from django_cron.history import load_histories
from django_cron.models import CronJobLog
from django_cron.schedule import JobHistory, RunRecord

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2024, 1, 15, 12, 0, tzinfo=dt.timezone.utc)
SLOTS = [dt.time(6, 0), dt.time(9, 30)]


def record(log: CronJobLog | None) -> RunRecord | None:
    if log is None:
        return None
    return RunRecord(log.start_time, log.end_time, log.is_success, log.ran_at_time)


def reference(code: str, slots: list[dt.time], now: dt.datetime) -> JobHistory:
    """The history of ``code`` read with one ORM query per kind of row."""
    runs = CronJobLog.objects.filter(code=code).order_by("-start_time", "-pk")
    until_now = runs.filter(start_time__lte=now)
    successes = runs.filter(is_success=True)
    return JobHistory(
        last_run=record(until_now.first()),
        last_success=record(
            successes.filter(start_time__lte=now, ran_at_time__isnull=True).first()
        ),
        slot_successes={
            slot: record(log)
            for slot in slots
            if (log := successes.filter(ran_at_time=slot).first()) is not None
        },
    )


def add_run(code: str, start: dt.datetime, *, success: bool, slot: dt.time | None = None):
    CronJobLog.objects.create(
        code=code, start_time=start, end_time=start, is_success=success, ran_at_time=slot
    )


def make_log(seed: int, now: dt.datetime) -> list[tuple[str, list[dt.time]]]:
    """Forty jobs with mixed histories; their ``(code, slots)``.

    Last runs that succeed, fail, are still running or never happened; slot
    and interval runs interleaved; rows dated after ``now`` (a clock set back).
    """
    rng = random.Random(seed)
    jobs, rows = [], []
    for i in range(40):
        code = f"history.job_{i:02d}"
        slots = SLOTS if i % 2 else []
        jobs.append((code, slots))
        start = now - dt.timedelta(days=3)
        for _ in range(rng.randrange(0, 12)):
            start += dt.timedelta(minutes=rng.randrange(5, 600))
            slot = rng.choice([None, *slots]) if slots else None
            unfinished = rng.random() < 0.1
            rows.append(
                CronJobLog(
                    code=code,
                    start_time=start,
                    end_time=None if unfinished else start + dt.timedelta(seconds=3),
                    is_success=not unfinished and rng.random() < 0.7,
                    ran_at_time=slot,
                    message="",
                )
            )
    CronJobLog.objects.bulk_create(rows)
    return jobs


@pytest.fixture(params=["list parameter", "values list"])
def list_kind(request, monkeypatch):
    """Both ways of sending the job codes: one array/JSON parameter, or ``VALUES``."""
    if request.param == "values list":
        monkeypatch.setattr(connection, "vendor", "other")
    return request.param


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_histories_match_one_query_per_kind(seed, list_kind):
    jobs = make_log(seed, NOW)
    jobs.append(("history.never_ran", SLOTS))

    histories = load_histories(jobs, now=NOW)

    assert set(histories) == {code for code, _ in jobs}
    for code, slots in jobs:
        assert histories[code] == reference(code, slots, NOW), code


def test_a_job_whose_last_run_failed_still_finds_its_last_success(list_kind):
    add_run("history.flaky", NOW - dt.timedelta(hours=2), success=True)
    add_run("history.flaky", NOW - dt.timedelta(hours=1), success=False)

    found = load_histories([("history.flaky", [])], now=NOW)["history.flaky"]

    assert not found.last_run.is_success
    assert found.last_run.start_time == NOW - dt.timedelta(hours=1)
    assert found.last_success.start_time == NOW - dt.timedelta(hours=2)


def test_times_come_back_aware_and_equal_to_what_was_stored():
    start = NOW - dt.timedelta(minutes=7, microseconds=1234)
    CronJobLog.objects.create(
        code="history.exact", start_time=start, end_time=start, is_success=True
    )

    found = load_histories([("history.exact", [])], now=NOW)["history.exact"]

    assert timezone.is_aware(found.last_run.start_time)
    assert found.last_run.start_time == start
    assert found.last_success.end_time == start


@override_settings(USE_TZ=False, TIME_ZONE="Europe/Paris")
def test_times_come_back_naive_without_use_tz():
    start = dt.datetime(2024, 1, 15, 11, 0)
    CronJobLog.objects.create(code="history.naive", start_time=start, is_success=True)

    found = load_histories([("history.naive", [])], now=dt.datetime(2024, 1, 15, 12, 0))

    assert found["history.naive"].last_run.start_time == start
    assert timezone.is_naive(found["history.naive"].last_run.start_time)


def test_the_read_leaves_the_connection_s_own_queries_unchanged():
    start = NOW - dt.timedelta(minutes=3)
    CronJobLog.objects.create(code="history.other", start_time=start, is_success=True)
    load_histories([("history.other", [])], now=NOW)

    # A per-cursor loader must not leak into the ORM's later reads.
    log = CronJobLog.objects.get(code="history.other")
    assert log.start_time == start
    assert log.start_time.tzinfo == history.connections["default"].timezone


def test_a_slot_success_dated_after_now_is_not_the_last_run(list_kind):
    """After the clock is set back, a slot's run from "tomorrow" stays a slot success only."""
    add_run("history.slotted", NOW - dt.timedelta(hours=3), success=False)
    tomorrow = NOW + dt.timedelta(days=1)
    add_run("history.slotted", tomorrow, success=True, slot=SLOTS[0])

    found = load_histories([("history.slotted", SLOTS)], now=NOW)["history.slotted"]

    assert found == reference("history.slotted", SLOTS, NOW)
    assert found.last_run.start_time == NOW - dt.timedelta(hours=3)
    assert found.slot_successes[SLOTS[0]].start_time == tomorrow
