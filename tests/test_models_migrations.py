"""Models and migrations: no pending migration whatever the site's settings, named indexes."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from django_cron.models import CronJobLock, CronJobLog
from tests.procs import run_manage


@pytest.mark.parametrize(
    "auto_field", ["django.db.models.BigAutoField", "django.db.models.AutoField"]
)
def test_makemigrations_finds_nothing_to_do(tmp_path, auto_field):
    overrides = {
        "DEFAULT_AUTO_FIELD": auto_field,
        "CRON_CLASSES": [],
        "DATABASES": {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(tmp_path / "db.sqlite3"),
            }
        },
    }

    result = run_manage(
        "makemigrations", "--check", "--dry-run", "django_cron", overrides=overrides
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_primary_keys_keep_the_old_32_bit_type():
    assert CronJobLog._meta.pk.get_internal_type() == "AutoField"
    assert CronJobLock._meta.pk.get_internal_type() == "AutoField"


def test_indexes_have_stable_names():
    names = {index.name: index.fields for index in CronJobLog._meta.indexes}
    assert names == {
        "django_cron_code_start_idx": ["code", "start_time"],
        "django_cron_code_slot_idx": ["code", "is_success", "ran_at_time", "start_time"],
    }


@pytest.mark.django_db
def test_the_migrated_database_has_the_named_indexes():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, CronJobLog._meta.db_table)

    assert constraints["django_cron_code_start_idx"]["columns"] == ["code", "start_time"]
    assert constraints["django_cron_code_slot_idx"]["columns"] == [
        "code",
        "is_success",
        "ran_at_time",
        "start_time",
    ]


def test_tables_keep_the_old_names():
    assert CronJobLog._meta.db_table == "django_cron_cronjoblog"
    assert CronJobLock._meta.db_table == "django_cron_cronjoblock"


def log(**kwargs):
    now = timezone.now()
    return CronJobLog(code="app.Job", start_time=now, **kwargs)


@pytest.mark.parametrize(
    ("end", "ok", "text"),
    [
        (True, True, "app.Job (Success)"),
        (True, False, "app.Job (Fail)"),
        (False, False, "app.Job (Running)"),
    ],
)
def test_log_str_says_how_the_run_went(end, ok, text):
    entry = log(end_time=timezone.now() + dt.timedelta(seconds=1) if end else None, is_success=ok)

    assert str(entry) == text
    assert entry.is_running is not end


def test_lock_str_says_whether_it_is_held():
    assert str(CronJobLock(job_name="app.Job", locked=True)) == "app.Job (locked)"
    assert str(CronJobLock(job_name="app.Job", locked=False)) == "app.Job (free)"
