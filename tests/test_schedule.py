"""The pure decision "is this job due now, and why?", from plain values.

No database and no clock: every test hands ``decide`` a schedule, the job's
recent runs and the current time, in UTC and in zones with daylight saving.
``simulate`` plays a crontab calling ``runcrons`` at given moments and records
a successful run whenever the job is due, the way ``runcrons`` does.
"""

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from django_cron.history import history_from_rows
from django_cron.schedule import (
    JobHistory,
    RunRecord,
    Schedule,
    decide,
    parse_time,
)

UTC = dt.timezone.utc
PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")


def at(text: str, tz: dt.tzinfo | None = UTC) -> dt.datetime:
    """``'2024-01-15 12:00[:ss]'`` as a time in ``tz`` (naive when ``tz`` is None)."""
    moment = dt.datetime.fromisoformat(text)
    return moment if tz is None else moment.replace(tzinfo=tz)


def success(start: dt.datetime, slot: str | None = None) -> RunRecord:
    return RunRecord(
        start, start + dt.timedelta(seconds=2), True, parse_time(slot) if slot else None
    )


def failure(start: dt.datetime, seconds: float = 2, slot: str | None = None) -> RunRecord:
    return RunRecord(
        start, start + dt.timedelta(seconds=seconds), False, parse_time(slot) if slot else None
    )


def history(*runs: RunRecord) -> JobHistory:
    """The history the scheduler reads, built from runs by ``history_from_rows``."""
    rows = [
        SimpleNamespace(pk=i, **vars_of(run))
        for i, run in enumerate(sorted(runs, key=lambda r: r.start_time))
    ]
    return history_from_rows(rows)


def vars_of(run: RunRecord) -> dict:
    return {
        "start_time": run.start_time,
        "end_time": run.end_time,
        "is_success": run.is_success,
        "ran_at_time": run.ran_at_time,
    }


def every(start: dt.datetime, end: dt.datetime, minutes: float = 5) -> list[dt.datetime]:
    """Calls from ``start`` to ``end`` (inclusive), ``minutes`` apart, in absolute time."""
    step = dt.timedelta(minutes=minutes)
    calls, moment = [], start.astimezone(UTC) if start.tzinfo else start
    end = end.astimezone(UTC) if end.tzinfo else end
    while moment <= end:
        calls.append(moment)
        moment += step
    return calls


def simulate(
    schedule: Schedule, calls: list[dt.datetime], tz: dt.tzinfo | None = UTC, runs=()
) -> list[dt.datetime]:
    """The calls at which the job runs (and succeeds), given earlier ``runs``."""
    runs = list(runs)
    ran = []
    for now in calls:
        decision = decide(schedule, history(*runs), now, tz)
        if decision.due:
            slot = f"{decision.slot:%H:%M}" if decision.slot else None
            runs.append(success(now, slot))
            ran.append(now)
    return ran


def local(moments: list[dt.datetime], tz: dt.tzinfo) -> list[str]:
    """Moments as local wall-clock text with the zone's abbreviation."""
    return [m.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z") for m in moments]


# -- parse_time ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6:30", dt.time(6, 30)),
        ("06:30", dt.time(6, 30)),
        ("0:00", dt.time(0)),
        ("23:59", dt.time(23, 59)),
    ],
)
def test_parse_time_accepts_24_hour_times_with_or_without_leading_zero(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["25:00", "24:00", "7pm", "6:60", "6.30", "630", ""])
def test_parse_time_rejects_other_strings_naming_them(text):
    with pytest.raises(ValueError, match=repr(text)):
        parse_time(text)


# -- run_every_mins ------------------------------------------------------------------


def test_run_every_mins_job_that_never_succeeded_is_due():
    decision = decide(Schedule(run_every_mins=60), JobHistory(), at("2024-01-15 12:00"))
    assert decision.due
    assert "never run successfully" in decision.reason


def test_run_every_mins_job_that_only_failed_is_due():
    runs = history(failure(at("2024-01-15 11:59")))
    assert decide(Schedule(run_every_mins=60), runs, at("2024-01-15 12:00")).due


def test_run_every_mins_is_not_due_before_the_interval():
    runs = history(success(at("2024-01-15 11:00")))
    decision = decide(Schedule(run_every_mins=120), runs, at("2024-01-15 12:00"))
    assert not decision.due
    assert "next in 59 min" in decision.reason  # 59 min 30 s, less the tolerance


def test_run_every_mins_is_due_once_the_interval_has_passed():
    runs = history(success(at("2024-01-15 10:00")))
    assert decide(Schedule(run_every_mins=120), runs, at("2024-01-15 12:00")).due


def test_run_every_mins_ignores_runs_that_served_a_run_at_times_slot():
    runs = history(success(at("2024-01-15 10:00")), success(at("2024-01-15 11:30"), "11:30"))
    assert decide(
        Schedule(run_every_mins=120, run_at_times=["11:30"]), runs, at("2024-01-15 12:00")
    ).due


@pytest.mark.parametrize("minutes", [1, 5, 60])
def test_run_every_mins_called_every_n_minutes_with_jitter_runs_at_every_call(minutes):
    # crontab fires on the minute; the process starts up to 30 s late, unevenly.
    jitter = [0, 30, 0, 29, 12, 30, 1, 30, 30, 0, 17, 30]
    start = at("2024-01-15 12:00")
    calls = [
        start + dt.timedelta(minutes=minutes * i, seconds=delay) for i, delay in enumerate(jitter)
    ]
    assert simulate(Schedule(run_every_mins=minutes), calls) == calls


def test_run_every_mins_called_more_often_than_the_interval_runs_once_per_interval():
    calls = every(at("2024-01-15 12:00"), at("2024-01-15 13:55"), minutes=5)
    ran = simulate(Schedule(run_every_mins=30), calls)
    assert [f"{m:%H:%M}" for m in ran] == ["12:00", "12:30", "13:00", "13:30"]


def test_run_tolerance_seconds_zero_requires_the_full_interval():
    schedule = Schedule(run_every_mins=5, run_tolerance_seconds=0)
    runs = history(success(at("2024-01-15 12:00:30")))
    assert not decide(schedule, runs, at("2024-01-15 12:05:29")).due
    assert decide(schedule, runs, at("2024-01-15 12:05:30")).due


def test_run_tolerance_seconds_widens_the_tolerance():
    schedule = Schedule(run_every_mins=10, run_tolerance_seconds=120)
    runs = history(success(at("2024-01-15 12:00")))
    assert not decide(schedule, runs, at("2024-01-15 12:07:59")).due
    assert decide(schedule, runs, at("2024-01-15 12:08")).due


def test_default_tolerance_is_30_seconds():
    schedule = Schedule(run_every_mins=5)
    runs = history(success(at("2024-01-15 12:00")))
    assert not decide(schedule, runs, at("2024-01-15 12:04:29")).due
    assert decide(schedule, runs, at("2024-01-15 12:04:30")).due


def test_site_wide_default_tolerance_applies_when_the_schedule_sets_none():
    runs = history(success(at("2024-01-15 12:00")))
    now = at("2024-01-15 12:04:00")
    assert not decide(Schedule(run_every_mins=5), runs, now).due
    assert decide(Schedule(run_every_mins=5), runs, now, default_tolerance_seconds=60).due
    explicit = Schedule(run_every_mins=5, run_tolerance_seconds=0)
    assert not decide(explicit, runs, now, default_tolerance_seconds=60).due


def test_default_tolerance_is_at_most_half_a_short_interval():
    schedule = Schedule(run_every_mins=0.5)
    assert schedule.tolerance() == dt.timedelta(seconds=15)
    runs = history(success(at("2024-01-15 12:00")))
    assert not decide(schedule, runs, at("2024-01-15 12:00:14")).due
    assert decide(schedule, runs, at("2024-01-15 12:00:15")).due


def test_last_success_dated_in_the_future_does_not_block_the_job():
    runs = history(success(at("2024-01-16 12:00")))
    decision = decide(Schedule(run_every_mins=60), runs, at("2024-01-15 12:00"))
    assert decision.due
    assert "future" in decision.reason


# -- run_at_times -------------------------------------------------------------------


def test_run_at_times_accepts_a_time_without_leading_zero():
    decision = decide(Schedule(run_at_times=["6:30"]), JobHistory(), at("2024-01-15 06:30"))
    assert decision.due
    assert decision.slot == dt.time(6, 30)


def test_run_at_times_is_not_due_before_the_time():
    decision = decide(Schedule(run_at_times=["6:30"]), JobHistory(), at("2024-01-15 06:29:59"))
    assert not decision.due


def test_run_at_times_missed_slot_runs_at_the_next_call_that_day():
    calls = [at("2024-01-15 06:00"), at("2024-01-15 06:25"), at("2024-01-15 09:10")]
    ran = simulate(Schedule(run_at_times=["06:30"]), calls)
    assert ran == [at("2024-01-15 09:10")]


def test_run_at_times_missed_slot_does_not_run_the_next_day_before_its_time():
    calls = [at("2024-01-15 22:00"), at("2024-01-16 00:05"), at("2024-01-16 23:20")]
    ran = simulate(Schedule(run_at_times=["23:15"]), calls)
    assert ran == [at("2024-01-16 23:20")]


def test_run_at_times_runs_each_slot_once_per_day():
    calls = every(at("2024-01-15 00:00"), at("2024-01-17 23:55"))
    ran = simulate(Schedule(run_at_times=["11:30", "14:00", "23:15"]), calls)
    assert [f"{m:%d %H:%M}" for m in ran] == [
        f"{day} {time}" for day in (15, 16, 17) for time in ("11:30", "14:00", "23:15")
    ]


def test_run_at_times_slots_all_missed_run_one_per_call():
    calls = [at("2024-01-15 15:00"), at("2024-01-15 15:05"), at("2024-01-15 15:10")]
    schedule = Schedule(run_at_times=["11:30", "14:00"])
    runs: list[RunRecord] = []
    slots = []
    for now in calls:
        decision = decide(schedule, history(*runs), now, UTC)
        slots.append(decision.slot)
        if decision.due:
            runs.append(success(now, f"{decision.slot:%H:%M}"))
    assert slots == [dt.time(11, 30), dt.time(14, 0), None]


def test_failed_slot_run_is_retried_at_the_next_call():
    runs = history(failure(at("2024-01-15 06:30"), slot="06:30"))
    decision = decide(Schedule(run_at_times=["06:30"]), runs, at("2024-01-15 06:35"))
    assert decision.due
    assert decision.slot == dt.time(6, 30)


@pytest.mark.parametrize(
    ("tz", "day", "expected_utc"),
    [
        (UTC, "2024-01-15", "06:30"),
        (PARIS, "2024-01-15", "05:30"),  # CET, UTC+1
        (PARIS, "2024-07-15", "04:30"),  # CEST, UTC+2
        (NEW_YORK, "2024-01-15", "11:30"),  # EST, UTC-5
        (NEW_YORK, "2024-07-15", "10:30"),  # EDT, UTC-4
    ],
)
def test_run_at_times_are_local_times_of_the_site_zone(tz, day, expected_utc):
    calls = every(at(f"{day} 00:00", tz), at(f"{day} 23:55", tz))
    ran = simulate(Schedule(run_at_times=["6:30"]), calls, tz)
    assert [f"{m:%H:%M}" for m in ran] == [expected_utc]


def test_run_at_times_once_per_local_day_when_it_differs_from_the_utc_day():
    # 23:15 in New York is 04:15 UTC of the next day.
    calls = every(at("2024-01-15 00:00"), at("2024-01-17 23:55"))
    ran = simulate(Schedule(run_at_times=["23:15"]), calls, NEW_YORK)
    assert local(ran, NEW_YORK) == [
        "2024-01-14 23:15 EST",
        "2024-01-15 23:15 EST",
        "2024-01-16 23:15 EST",
    ]


@pytest.mark.parametrize(
    ("tz", "day", "slot", "expected"),
    [
        # 02:00 CET jumps to 03:00 CEST
        (PARIS, "2024-03-31", "02:30", "2024-03-31 03:00 CEST"),
        (PARIS, "2025-03-30", "02:00", "2025-03-30 03:00 CEST"),
        # 02:00 EST jumps to 03:00 EDT
        (NEW_YORK, "2024-03-10", "02:30", "2024-03-10 03:00 EDT"),
    ],
)
def test_run_at_time_in_dst_gap_runs_once_after_jump(tz, day, slot, expected):
    start = dt.datetime.fromisoformat(f"{day} 00:00").replace(tzinfo=tz)
    calls = every(start, start + dt.timedelta(hours=23, minutes=55))
    ran = simulate(Schedule(run_at_times=[slot]), calls, tz)
    assert local(ran, tz) == [expected]


@pytest.mark.parametrize(
    ("tz", "day", "slot", "expected"),
    [
        # 03:00 CEST falls back to 02:00 CET: 02:00-02:59 happen twice
        (PARIS, "2024-10-27", "02:30", "2024-10-27 02:30 CEST"),
        # 02:00 EDT falls back to 01:00 EST: 01:00-01:59 happen twice
        (NEW_YORK, "2024-11-03", "01:30", "2024-11-03 01:30 EDT"),
    ],
)
def test_run_at_time_in_repeated_hour_runs_once(tz, day, slot, expected):
    start = dt.datetime.fromisoformat(f"{day} 00:00").replace(tzinfo=tz)
    calls = every(start, start + dt.timedelta(hours=24))
    ran = simulate(Schedule(run_at_times=[slot]), calls, tz)
    assert local(ran, tz) == [expected]


def test_run_every_mins_across_dst_jumps_keeps_absolute_intervals():
    start = at("2024-03-30 22:00")  # Paris: 23:00 CET, before the jump
    calls = every(start, start + dt.timedelta(hours=6), minutes=5)
    ran = simulate(Schedule(run_every_mins=120), calls, PARIS)
    assert [f"{m:%H:%M}" for m in ran] == ["22:00", "00:00", "02:00", "04:00"]


# -- run_every_mins and run_at_times together (the old README's example) -------------


def test_old_readme_mixed_schedule_runs_every_two_hours_plus_once_at_6_30():
    schedule = Schedule(run_every_mins=120, run_at_times=["6:30"])
    calls = every(at("2024-01-15 00:00"), at("2024-01-15 23:55"))
    ran = simulate(schedule, calls)
    assert [f"{m:%H:%M}" for m in ran] == [
        "00:00",
        "02:00",
        "04:00",
        "06:00",
        "06:30",
        "08:00",
        "10:00",
        "12:00",
        "14:00",
        "16:00",
        "18:00",
        "20:00",
        "22:00",
    ]


# -- retry_after_failure_mins ------------------------------------------------------


def test_retry_after_failure_mins_holds_a_failed_job_back():
    schedule = Schedule(run_every_mins=60, retry_after_failure_mins=5)
    # ran at 10:00, failed at 11:00 after a minute of work
    runs = history(success(at("2024-01-15 10:00")), failure(at("2024-01-15 11:00"), seconds=60))
    decision = decide(schedule, runs, at("2024-01-15 11:02"))
    assert not decision.due
    assert "retry after" in decision.reason
    assert not decide(schedule, runs, at("2024-01-15 11:05:59")).due
    assert decide(schedule, runs, at("2024-01-15 11:06")).due


def test_without_retry_after_failure_mins_a_failed_job_is_retried_at_the_next_call():
    schedule = Schedule(run_every_mins=60)
    runs = history(success(at("2024-01-15 10:00")), failure(at("2024-01-15 11:00"), seconds=60))
    assert decide(schedule, runs, at("2024-01-15 11:05")).due


def test_retry_after_failure_mins_holds_back_a_failed_run_at_times_slot():
    schedule = Schedule(run_at_times=["06:30"], retry_after_failure_mins=30)
    runs = history(failure(at("2024-01-15 06:30"), seconds=60, slot="06:30"))
    assert not decide(schedule, runs, at("2024-01-15 06:35")).due
    decision = decide(schedule, runs, at("2024-01-15 07:01"))
    assert decision.due
    assert decision.slot == dt.time(6, 30)


def test_retry_after_failure_mins_simulated_calls():
    schedule = Schedule(run_every_mins=5, retry_after_failure_mins=30)
    runs = [failure(at("2024-01-15 10:02"))]
    calls = every(at("2024-01-15 10:05"), at("2024-01-15 10:40"))
    assert [f"{m:%H:%M}" for m in simulate(schedule, calls, runs=runs)] == [
        "10:35",
        "10:40",
    ]


def test_failure_dated_in_the_future_does_not_hold_a_job_back():
    schedule = Schedule(run_every_mins=60, retry_after_failure_mins=30)
    runs = history(failure(at("2024-01-15 13:00")))
    assert decide(schedule, runs, at("2024-01-15 12:00")).due


def test_a_run_still_in_progress_is_not_a_failure_to_retry_after():
    schedule = Schedule(run_every_mins=60, retry_after_failure_mins=30)
    running = RunRecord(at("2024-01-15 11:50"), None, False)
    runs = history(success(at("2024-01-15 10:00")), running)
    assert decide(schedule, runs, at("2024-01-15 12:00")).due


# -- days of the week and of the month ------------------------------------------------


def test_run_weekly_on_days_restricts_to_those_days():
    schedule = Schedule(run_every_mins=60, run_weekly_on_days=[0, 2, 4])
    assert decide(schedule, JobHistory(), at("2024-01-15 12:00")).due  # Monday
    decision = decide(schedule, JobHistory(), at("2024-01-16 12:00"))  # Tuesday
    assert not decision.due
    assert decision.reason == "runs only on Monday, Wednesday, Friday; today is Tuesday"


def test_run_weekly_on_days_restricts_run_at_times_too():
    schedule = Schedule(run_at_times=["08:00"], run_weekly_on_days=[0])
    calls = every(at("2024-01-14 00:00"), at("2024-01-16 23:55"))  # Sunday to Tuesday
    assert [f"{m:%a %H:%M}" for m in simulate(schedule, calls)] == ["Mon 08:00"]


@pytest.mark.parametrize(
    ("now", "tz", "due"),
    [
        # Sunday 23:30 UTC is Monday 00:30 in Paris
        ("2024-01-14 23:30", UTC, False),
        ("2024-01-14 23:30", PARIS, True),
        # Monday 03:00 UTC is still Sunday 22:00 in New York
        ("2024-01-15 03:00", UTC, True),
        ("2024-01-15 03:00", NEW_YORK, False),
    ],
)
def test_run_weekly_on_days_are_days_of_the_site_zone(now, tz, due):
    schedule = Schedule(run_every_mins=60, run_weekly_on_days=[0])  # Monday
    assert decide(schedule, JobHistory(), at(now), tz).due is due


def test_run_on_days_is_the_old_name_of_run_weekly_on_days():
    schedule = Schedule(run_every_mins=60, run_on_days=[5, 6])
    assert schedule.run_weekly_on_days == [5, 6]
    assert schedule.run_on_days == [5, 6]
    assert decide(schedule, JobHistory(), at("2024-01-13 12:00")).due  # Saturday
    assert not decide(schedule, JobHistory(), at("2024-01-15 12:00")).due  # Monday


def test_run_weekly_on_days_accepts_any_iterable():
    schedule = Schedule(run_every_mins=60, run_weekly_on_days=range(5))
    assert schedule.problems() == []
    assert decide(schedule, JobHistory(), at("2024-01-19 12:00")).due  # Friday
    assert not decide(schedule, JobHistory(), at("2024-01-20 12:00")).due  # Saturday


@pytest.mark.parametrize(
    ("now", "tz", "due"),
    [
        # 31 January 23:30 UTC is 1 February 00:30 in Paris
        ("2024-01-31 23:30", UTC, False),
        ("2024-01-31 23:30", PARIS, True),
        # 1 February 02:00 UTC is still 31 January 21:00 in New York
        ("2024-02-01 02:00", UTC, True),
        ("2024-02-01 02:00", NEW_YORK, False),
    ],
)
def test_run_monthly_on_days_are_days_of_the_site_zone(now, tz, due):
    schedule = Schedule(run_at_times=["00:00"], run_monthly_on_days=[1, 15])
    decision = decide(schedule, JobHistory(), at(now), tz)
    assert decision.due is due
    if due:
        assert decision.slot == dt.time(0, 0)


def test_run_monthly_on_days_reason_names_the_days():
    schedule = Schedule(run_every_mins=60, run_monthly_on_days=[15, 1])
    decision = decide(schedule, JobHistory(), at("2024-01-16 12:00"))
    assert decision.reason == "runs only on days 1, 15 of the month; today is 16"


# -- USE_TZ = False: naive local times ---------------------------------------------


def test_naive_run_at_times_are_read_as_local_wall_clock():
    calls = every(at("2024-01-15 00:00", None), at("2024-01-16 23:55", None))
    ran = simulate(Schedule(run_at_times=["6:30"]), calls, None)
    assert ran == [at("2024-01-15 06:30", None), at("2024-01-16 06:30", None)]


def test_naive_run_every_mins_runs_at_every_call():
    calls = every(at("2024-01-15 12:00", None), at("2024-01-15 13:00", None), minutes=15)
    assert simulate(Schedule(run_every_mins=15), calls, None) == calls


def test_naive_weekly_days_use_the_wall_clock_day():
    schedule = Schedule(run_every_mins=60, run_weekly_on_days=[6])  # Sunday
    assert decide(schedule, JobHistory(), at("2024-01-14 23:59", None)).due
    assert not decide(schedule, JobHistory(), at("2024-01-15 00:00", None)).due


def test_naive_retry_after_failure_mins():
    schedule = Schedule(run_every_mins=5, retry_after_failure_mins=10)
    runs = history(failure(at("2024-01-15 12:00", None)))
    assert not decide(schedule, runs, at("2024-01-15 12:05", None)).due
    assert decide(schedule, runs, at("2024-01-15 12:10:02", None)).due


# -- Schedule.problems() ----------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "argument", "culprit"),
    [
        ({"run_at_times": ["25:00"]}, "run_at_times", "'25:00'"),
        ({"run_at_times": ["7pm"]}, "run_at_times", "'7pm'"),
        ({"run_every_mins": 60, "run_at_times": ["06:30", "6h"]}, "run_at_times", "'6h'"),
        ({"run_every_mins": 60, "run_weekly_on_days": [7]}, "run_weekly_on_days", "7"),
        ({"run_every_mins": 60, "run_weekly_on_days": [-1]}, "run_weekly_on_days", "-1"),
        ({"run_every_mins": 60, "run_on_days": [0, 7]}, "run_weekly_on_days", "7"),
        ({"run_every_mins": 60, "run_monthly_on_days": [0]}, "run_monthly_on_days", "0"),
        ({"run_every_mins": 60, "run_monthly_on_days": [32]}, "run_monthly_on_days", "32"),
        ({"run_every_mins": 0}, "run_every_mins", "0"),
        ({"run_every_mins": -5}, "run_every_mins", "-5"),
        ({"run_every_mins": "5"}, "run_every_mins", "'5'"),
        (
            {"run_every_mins": 60, "retry_after_failure_mins": 0},
            "retry_after_failure_mins",
            "0",
        ),
        (
            {"run_every_mins": 60, "retry_after_failure_mins": -1},
            "retry_after_failure_mins",
            "-1",
        ),
        ({"run_every_mins": 60, "run_tolerance_seconds": -1}, "run_tolerance_seconds", "-1"),
        ({}, "schedule", "neither run_every_mins nor run_at_times"),
        ({"run_weekly_on_days": [0]}, "schedule", "neither run_every_mins nor run_at_times"),
    ],
)
def test_problems_names_each_bad_input(kwargs, argument, culprit):
    problems = Schedule(**kwargs).problems()
    assert [p.argument for p in problems] == [argument]
    assert culprit in problems[0].message


def test_problems_lists_every_bad_input_at_once():
    schedule = Schedule(run_every_mins=-1, run_at_times=["25:00"], run_monthly_on_days=[0])
    arguments = sorted(p.argument for p in schedule.problems())
    assert arguments == ["run_at_times", "run_every_mins", "run_monthly_on_days"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"run_every_mins": 120},
        {"run_every_mins": 0.5},
        {"run_at_times": ["6:30", "23:59", "00:00"]},
        {"run_every_mins": 120, "run_at_times": ["6:30"]},
        {"run_every_mins": 60, "retry_after_failure_mins": 5},
        {"run_every_mins": 5, "run_tolerance_seconds": 0},
        {"run_at_times": ["02:00"], "run_weekly_on_days": [0, 6]},
        {"run_at_times": ["02:00"], "run_monthly_on_days": [1, 31]},
    ],
)
def test_good_schedules_have_no_problems(kwargs):
    assert Schedule(**kwargs).problems() == []
