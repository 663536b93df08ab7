"""FailedRunsNotificationCronJob: one mail to ADMINS per streak of failures."""

import datetime as dt
import email
import logging

import pytest
from django.core import mail
from django.utils import timezone

from django_cron.core import CronJobBase
from django_cron.cron import FailedRunsNotificationCronJob, NotificationError
from django_cron.models import CronJobLog
from django_cron.schedule import Schedule
from tests.procs import run_manage, this_database

pytestmark = pytest.mark.django_db


class FlakyJob(CronJobBase):
    """Reported after three failures in a row."""

    code = "tests.Flaky"
    schedule = Schedule(run_every_mins=5)
    MIN_NUM_FAILURES = 3


class SteadyJob(CronJobBase):
    """Keeps the default MIN_NUM_FAILURES."""

    code = "tests.Steady"
    schedule = Schedule(run_every_mins=5)


FLAKY = "tests.test_notifications.FlakyJob"
STEADY = "tests.test_notifications.SteadyJob"


@pytest.fixture(autouse=True)
def site(settings):
    settings.CRON_CLASSES = [FLAKY]
    settings.ADMINS = [("Ops", "ops@example.com")]
    settings.DEFAULT_FROM_EMAIL = "cron@example.com"
    settings.EMAIL_SUBJECT_PREFIX = "[Django] "
    settings.FAILED_RUNS_CRONJOB_EMAIL_PREFIX = "[cron] "
    return settings


def runs(code, *outcomes, message="Traceback: boom {n}"):
    """Finished runs of ``code``, oldest first, five minutes apart; ``True`` is a success.

    Each call continues after the runs already recorded for ``code``.
    """
    last = CronJobLog.objects.filter(code=code).order_by("-start_time").first()
    start = last.start_time if last else timezone.now() - dt.timedelta(days=1)
    made = []
    for n, ok in enumerate(outcomes, 1):
        begun = start + dt.timedelta(minutes=5 * n)
        made.append(
            CronJobLog.objects.create(
                code=code,
                start_time=begun,
                end_time=begun + dt.timedelta(seconds=3),
                is_success=ok,
                message="" if ok else message.format(n=len(made) + 1),
            )
        )
    return made


def check():
    return FailedRunsNotificationCronJob().do()


def test_job_code_and_schedule():
    assert FailedRunsNotificationCronJob.code == "django_cron.FailedRunsNotificationCronJob"
    assert FailedRunsNotificationCronJob.RUN_EVERY_MINS == 30
    assert FailedRunsNotificationCronJob.schedule.run_every_mins == 30


def test_mails_admins_when_the_last_runs_all_failed():
    runs("tests.Flaky", True, False, False, False)

    result = check()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "[cron] tests.Flaky failed 3 times in a row!"
    assert message.to == ["ops@example.com"]
    assert message.from_email == "cron@example.com"
    assert "tests.Flaky" in result


def test_mail_body_lists_each_failure_time_and_message():
    failures = runs("tests.Flaky", False, False, False, message="Traceback:\n  line {n}\nBoom")

    check()

    body = mail.outbox[0].body
    for n, run in enumerate(failures, 1):
        start = (
            timezone.localtime(run.start_time)
            if timezone.is_aware(run.start_time)
            else run.start_time
        )
        assert f"Job ran at {start:%Y-%m-%d %H:%M:%S}" in body
        assert f"Traceback:\n  line {n}\nBoom" in body


def test_fewer_failures_than_min_num_failures_send_nothing():
    runs("tests.Flaky", True, False, False)

    assert check() == "No new failure streaks."
    assert mail.outbox == []


def test_a_success_among_the_last_runs_sends_nothing():
    runs("tests.Flaky", False, False, True, False, False)

    check()

    assert mail.outbox == []


def test_a_streak_is_mailed_once():
    runs("tests.Flaky", False, False, False)
    check()
    runs("tests.Flaky", False)
    check()
    check()

    assert len(mail.outbox) == 1


def test_a_streak_twice_min_num_failures_long_is_still_mailed_once():
    runs("tests.Flaky", False, False, False)
    check()
    runs("tests.Flaky", False, False, False, False, False, False, False)
    check()

    assert len(mail.outbox) == 1


def test_a_success_ends_the_streak_and_the_next_streak_is_mailed():
    runs("tests.Flaky", False, False, False)
    check()
    runs("tests.Flaky", True, False, False, False)
    check()

    assert len(mail.outbox) == 2
    latest = CronJobLog.objects.filter(code="tests.Flaky").order_by("-start_time")[:3]
    assert all(run.failure_reported for run in latest)


def test_mailed_failures_are_marked_reported():
    first = runs("tests.Flaky", False, False)
    streak = runs("tests.Flaky", False, False, False)

    check()

    reported = set(CronJobLog.objects.filter(failure_reported=True).values_list("pk", flat=True))
    assert reported == {run.pk for run in streak}
    assert not any(CronJobLog.objects.get(pk=run.pk).failure_reported for run in first)


def test_a_run_in_progress_neither_counts_nor_breaks_the_streak():
    runs("tests.Flaky", False, False, False)
    CronJobLog.objects.create(
        code="tests.Flaky", start_time=timezone.now(), end_time=None, is_success=False
    )

    check()

    assert len(mail.outbox) == 1


def test_a_run_in_progress_does_not_complete_a_streak():
    runs("tests.Flaky", False, False)
    CronJobLog.objects.create(
        code="tests.Flaky", start_time=timezone.now(), end_time=None, is_success=False
    )

    check()

    assert mail.outbox == []


def test_min_num_failures_defaults_to_ten(site):
    site.CRON_CLASSES = [STEADY]
    runs("tests.Steady", *[False] * 9)
    check()
    assert mail.outbox == []

    runs("tests.Steady", False)
    check()

    assert mail.outbox[0].subject == "[cron] tests.Steady failed 10 times in a row!"


def test_admins_as_plain_strings_and_pairs(site):
    site.ADMINS = ["dev@example.com", ("Ops", "ops@example.com"), "Boss <boss@example.com>"]
    runs("tests.Flaky", False, False, False)

    check()

    assert mail.outbox[0].to == ["dev@example.com", "ops@example.com", "Boss <boss@example.com>"]


def test_no_admins_sends_nothing_and_keeps_the_streak_unreported(site, caplog):
    site.ADMINS = []
    runs("tests.Flaky", False, False, False)

    with caplog.at_level(logging.WARNING, logger="django_cron"):
        check()

    assert mail.outbox == []
    assert not CronJobLog.objects.filter(failure_reported=True).exists()
    assert "ADMINS is empty" in caplog.text


def test_a_class_that_does_not_load_is_skipped_with_a_warning(site, caplog):
    site.CRON_CLASSES = ["tests.nowhere.MissingJob", FLAKY]
    runs("tests.Flaky", False, False, False)

    with caplog.at_level(logging.WARNING, logger="django_cron"):
        check()

    assert "tests.nowhere.MissingJob" in caplog.text
    assert len(mail.outbox) == 1


def test_each_job_is_judged_on_its_own_runs(site):
    site.CRON_CLASSES = [FLAKY, STEADY]
    runs("tests.Flaky", False, False, False)
    runs("tests.Steady", False, False, False)

    check()

    assert [m.subject for m in mail.outbox] == ["[cron] tests.Flaky failed 3 times in a row!"]


def test_an_unsendable_mail_fails_the_run_and_is_retried(site):
    site.EMAIL_BACKEND = "tests.test_notifications.RefusingBackend"
    runs("tests.Flaky", False, False, False)

    with pytest.raises(NotificationError, match="tests.Flaky"):
        check()
    assert not CronJobLog.objects.filter(failure_reported=True).exists()

    site.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    check()
    assert len(mail.outbox) == 1


class RefusingBackend:
    """A mail backend whose server refuses every message."""

    def __init__(self, fail_silently=False, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("connection refused by mail.example.com")


@pytest.mark.processes
@pytest.mark.django_db(transaction=True)
def test_runcrons_runs_the_check_and_mails_once(tmp_path):
    """A real ``runcrons`` process sends the mail through the site's mail backend."""
    runs("tests.Flaky", False, False, False)
    overrides = {
        "DATABASES": this_database(),
        "CRON_CLASSES": [FLAKY, "django_cron.cron.FailedRunsNotificationCronJob"],
        "ADMINS": ["ops@example.com"],
        "DEFAULT_FROM_EMAIL": "cron@example.com",
        "FAILED_RUNS_CRONJOB_EMAIL_PREFIX": "[cron] ",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "DJANGO_CRON_LOCKFILE_PATH": str(tmp_path / "locks"),
        "CACHES": {
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(tmp_path / "cache"),
            }
        },
    }
    command = ("runcrons", "django_cron.cron.FailedRunsNotificationCronJob", "--force")

    first = run_manage(*command, overrides=overrides, timeout=60)
    second = run_manage(*command, overrides=overrides, timeout=60)

    assert (first.returncode, second.returncode) == (0, 0), first.stderr + second.stderr
    sent = [
        email.message_from_bytes(path.read_bytes())
        for path in sorted((tmp_path / "mail").iterdir())
    ]
    assert [message["Subject"] for message in sent] == [
        "[cron] tests.Flaky failed 3 times in a row!"
    ]
    assert sent[0]["To"] == "ops@example.com"
    check_log = CronJobLog.objects.filter(code=FailedRunsNotificationCronJob.code)
    assert list(check_log.order_by("start_time").values_list("is_success", "message")) == [
        (True, "Mailed about tests.Flaky (3 failures)."),
        (True, "No new failure streaks."),
    ]
