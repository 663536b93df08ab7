"""Log retention: DELETE_LOGS_OLDER_THAN, REMOVE_SUCCESSFUL_CRON_LOGS and prune_cron_logs."""

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from django_cron.history import load_histories
from django_cron.models import CronJobLog
from django_cron.retention import prune_logs, remove_older_successes
from django_cron.schedule import Schedule, decide

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def run(code, age, *, ok=True, slot=None, running=False, took=dt.timedelta(seconds=5)):
    """A finished (or still running) run of ``code`` that started ``age`` ago."""
    start = timezone.now() - age
    return CronJobLog.objects.create(
        code=code,
        start_time=start,
        end_time=None if running else start + took,
        is_success=ok and not running,
        ran_at_time=slot,
        message="" if ok else "Traceback ...",
    )


def remaining(code=None):
    rows = CronJobLog.objects.all() if code is None else CronJobLog.objects.filter(code=code)
    return set(rows.values_list("pk", flat=True))


def test_prune_without_setting_deletes_nothing_and_queries_nothing(
    clock, settings, django_assert_num_queries
):
    settings.DJANGO_CRON_DELETE_LOGS_OLDER_THAN = None
    run("job", 400 * DAY, ok=False)
    with django_assert_num_queries(0):
        result = prune_logs()
    assert result.deleted == 0
    assert CronJobLog.objects.count() == 1


def test_prune_deletes_failures_and_older_successes_past_the_setting(clock, settings):
    settings.DJANGO_CRON_DELETE_LOGS_OLDER_THAN = 7
    old_failure = run("job", 9 * DAY, ok=False)
    old_success = run("job", 8 * DAY)
    recent_failure = run("job", 6 * DAY, ok=False)
    latest_success = run("job", 2 * DAY)

    result = prune_logs()

    assert remaining() == {recent_failure.pk, latest_success.pk}
    assert result.deleted == 2
    assert result.by_code == {"job": 2}
    assert not CronJobLog.objects.filter(pk__in=[old_failure.pk, old_success.pk]).exists()


def test_prune_keeps_the_latest_success_of_each_job_however_old(clock, settings):
    settings.DJANGO_CRON_DELETE_LOGS_OLDER_THAN = 7
    run("monthly", 50 * DAY)
    latest = run("monthly", 20 * DAY)
    run("monthly", 10 * DAY, ok=False)

    prune_logs()

    assert remaining("monthly") == {latest.pk}


def test_prune_keeps_the_latest_success_of_each_run_at_times_slot(clock, settings):
    settings.DJANGO_CRON_DELETE_LOGS_OLDER_THAN = 7
    six, eighteen = dt.time(6, 0), dt.time(18, 0)
    run("report", 40 * DAY, slot=six)
    morning = run("report", 30 * DAY, slot=six)
    run("report", 35 * DAY, slot=eighteen)
    evening = run("report", 31 * DAY, slot=eighteen)
    run("report", 45 * DAY)
    interval = run("report", 44 * DAY)

    prune_logs()

    assert remaining("report") == {morning.pk, evening.pk, interval.pk}


def test_a_monthly_job_is_not_due_again_after_a_weekly_purge(clock, settings):
    settings.DJANGO_CRON_DELETE_LOGS_OLDER_THAN = 7
    monthly = Schedule(run_every_mins=30 * 24 * 60)
    nightly = Schedule(run_at_times=["03:00"])
    for age in (80, 50, 20):
        run("monthly", age * DAY)
        run("nightly", age * DAY, slot=dt.time(3, 0))

    prune_logs()

    histories = load_histories([("monthly", []), ("nightly", nightly.times)])
    assert not decide(monthly, histories["monthly"], timezone.now()).due
    # The slot's last success survives, dated 20 days back.
    slot_run = histories["nightly"].slot_successes[dt.time(3, 0)]
    assert slot_run.start_time == timezone.now() - 20 * DAY


def test_prune_never_deletes_runs_in_progress(clock, settings):
    settings.DJANGO_CRON_DELETE_LOGS_OLDER_THAN = 1
    stuck = run("job", 30 * DAY, running=True)

    prune_logs()

    assert remaining() == {stuck.pk}


def test_prune_deletes_in_batches_of_batch_size(clock, settings):
    settings.DJANGO_CRON_DELETE_LOGS_OLDER_THAN = 7
    settings.DJANGO_CRON_DELETE_BATCH_SIZE = 10
    CronJobLog.objects.bulk_create(
        CronJobLog(
            code="job",
            start_time=timezone.now() - (8 + n) * DAY,
            end_time=timezone.now() - (8 + n) * DAY,
            is_success=False,
        )
        for n in range(25)
    )

    with CaptureQueriesContext(connection) as queries:
        result = prune_logs()

    deletes = [q["sql"] for q in queries if q["sql"].startswith("DELETE")]
    assert (result.deleted, result.batches, len(deletes)) == (25, 3, 3)
    ids_per_delete = [
        len(sql[sql.index(" IN (") + 5 : sql.rindex(")")].split(",")) for sql in deletes
    ]
    assert ids_per_delete == [10, 10, 5]
    assert CronJobLog.objects.count() == 0


def test_prune_older_than_days_argument_overrides_the_setting(clock, settings):
    settings.DJANGO_CRON_DELETE_LOGS_OLDER_THAN = None
    old = run("job", 3 * DAY, ok=False)
    recent = run("job", DAY // 2, ok=False)

    result = prune_logs(older_than_days=1)

    assert result.deleted == 1
    assert remaining() == {recent.pk}
    assert old.pk not in remaining()


def test_prune_measures_age_from_now_argument(clock, settings):
    run("job", 3 * DAY, ok=False)

    assert prune_logs(older_than_days=7, now=timezone.now() + 5 * DAY).deleted == 1


def test_dry_run_counts_per_code_and_deletes_nothing(clock, settings):
    settings.DJANGO_CRON_DELETE_LOGS_OLDER_THAN = 7
    for _ in range(3):
        run("a", 10 * DAY, ok=False)
    run("b", 10 * DAY, ok=False)
    before = remaining()

    result = prune_logs(dry_run=True, batch_size=2)

    assert (result.deleted, result.by_code, result.batches) == (4, {"a": 3, "b": 1}, 2)
    assert remaining() == before


def test_a_bad_setting_is_reported_by_name(settings):
    settings.DJANGO_CRON_DELETE_LOGS_OLDER_THAN = "7"
    with pytest.raises(ImproperlyConfigured, match="DJANGO_CRON_DELETE_LOGS_OLDER_THAN"):
        prune_logs()


def test_a_bad_batch_size_setting_is_reported_by_name(settings):
    settings.DJANGO_CRON_DELETE_LOGS_OLDER_THAN = 7
    settings.DJANGO_CRON_DELETE_BATCH_SIZE = 0
    with pytest.raises(ImproperlyConfigured, match="DJANGO_CRON_DELETE_BATCH_SIZE"):
        prune_logs()


def test_remove_older_successes_keeps_only_the_latest_success(clock):
    run("job", 3 * DAY)
    run("job", 2 * DAY)
    failure = run("job", 36 * dt.timedelta(hours=1), ok=False)
    latest = run("job", DAY)
    other = run("other", 5 * DAY)

    assert remove_older_successes("job") == 2

    assert remaining() == {failure.pk, latest.pk, other.pk}


def test_remove_older_successes_keeps_each_slots_latest_success(clock):
    six, eighteen = dt.time(6, 0), dt.time(18, 0)
    run("report", 2 * DAY, slot=six)
    morning = run("report", DAY, slot=six)
    evening = run("report", DAY // 2, slot=eighteen)

    assert remove_older_successes("report", batch_size=1) == 1

    assert remaining() == {morning.pk, evening.pk}


def test_remove_older_successes_keeps_the_success_before_a_run_in_progress(clock):
    latest = run("job", 2 * DAY)
    running = run("job", DAY, running=True)

    remove_older_successes("job")

    assert remaining() == {latest.pk, running.pk}


# -- manage.py prune_cron_logs ---------------------------------------------------------


def prune_command(*args):
    out = StringIO()
    call_command("prune_cron_logs", *args, stdout=out, no_color=True)
    return out.getvalue()


def test_command_without_days_or_setting_names_the_setting(settings):
    settings.DJANGO_CRON_DELETE_LOGS_OLDER_THAN = None
    with pytest.raises(CommandError, match="DJANGO_CRON_DELETE_LOGS_OLDER_THAN"):
        prune_command()


def test_command_dry_run_prints_counts_per_code_and_deletes_nothing(clock, settings):
    settings.DJANGO_CRON_DELETE_LOGS_OLDER_THAN = None
    for _ in range(2):
        run("app.Alpha", 10 * DAY, ok=False)
    run("app.Beta", 10 * DAY, ok=False)

    output = prune_command("--days", "7", "--dry-run")

    assert "Would delete 3 log row(s)" in output
    assert "app.Alpha: 2" in output
    assert "app.Beta: 1" in output
    assert CronJobLog.objects.count() == 3


def test_command_deletes_with_the_setting_as_default(clock, settings):
    settings.DJANGO_CRON_DELETE_LOGS_OLDER_THAN = 7
    run("app.Alpha", 10 * DAY, ok=False)
    kept = run("app.Alpha", 3 * DAY, ok=False)

    output = prune_command("--batch-size", "5")

    assert "Deleted 1 log row(s)" in output
    assert remaining() == {kept.pk}


def test_command_says_when_there_is_nothing_to_delete(clock):
    run("app.Alpha", DAY, ok=False)

    assert "Nothing to delete" in prune_command("--days", "7")


@pytest.mark.parametrize(
    ("args", "culprit"),
    [(["--days", "-1"], "--days"), (["--days", "1", "--batch-size", "0"], "--batch-size")],
)
def test_command_rejects_bad_values_by_flag(args, culprit):
    with pytest.raises(CommandError, match=culprit):
        prune_command(*args)
