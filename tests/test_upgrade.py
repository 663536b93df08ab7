"""Upgrading a database that django-cron 0.6.0 created.

``tests/fixtures/old_0_6_0.sqlite3`` was made by the old package on Django 4.2
(``scripts/make_old_database.py``). A copy of it is migrated by a real
``manage.py migrate`` child process. On every database, the old schema is also
rebuilt in place (``migrate django_cron 0003``), filled, and migrated forward.
"""

import datetime as dt
import shutil
import sqlite3
from collections import defaultdict
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from django_cron.models import CronJobLock, CronJobLog
from tests.procs import run_manage

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "old_0_6_0.sqlite3"
OLD_COLUMNS = ("id", "code", "start_time", "end_time", "is_success", "ran_at_time", "message")
NEW_INDEXES = {
    "django_cron_code_start_idx": ["code", "start_time"],
    "django_cron_code_slot_idx": ["code", "is_success", "ran_at_time", "start_time"],
}
OLD_INDEX_TOGETHER = [
    ["code", "is_success", "ran_at_time"],
    ["code", "start_time", "ran_at_time"],
    ["code", "start_time"],
]


def read(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute(sql).fetchall()


def sqlite_indexes(path: Path, table: str) -> dict[str, list[str]]:
    """Index name -> its columns, for the table in the SQLite file at ``path``."""
    with sqlite3.connect(path) as db:
        names = [row[1] for row in db.execute(f"PRAGMA index_list({table})")]
        return {
            name: [row[2] for row in db.execute(f"PRAGMA index_info({name})")] for name in names
        }


@pytest.fixture
def old_database(tmp_path):
    """A copy of the old package's database and the settings that point a child at it."""
    path = tmp_path / "old.sqlite3"
    shutil.copyfile(FIXTURE, path)
    overrides = {
        "DATABASES": {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}},
        # Only the schema matters here: no job class needs to load.
        "CRON_CLASSES": [],
    }
    return path, overrides


def migrate(overrides, *args):
    result = run_manage("migrate", "--no-input", *args, overrides=overrides)
    assert result.returncode == 0, result.stderr
    return result


def test_fixture_is_the_old_schema(old_database):
    path, _ = old_database
    migrations = read(path, "SELECT name FROM django_migrations WHERE app = 'django_cron'")
    assert sorted(name for (name,) in migrations) == [
        "0001_initial",
        "0002_remove_max_length_from_CronJobLog_message",
        "0003_cronjoblock",
    ]
    assert sorted(sqlite_indexes(path, "django_cron_cronjoblog").values()) == sorted(
        [[c] for c in ("code", "start_time", "end_time", "ran_at_time")] + OLD_INDEX_TOGETHER
    )


def test_migrate_keeps_every_log_row_and_its_values(old_database):
    path, overrides = old_database
    before = read(path, f"SELECT {', '.join(OLD_COLUMNS)} FROM django_cron_cronjoblog ORDER BY id")

    migrate(overrides)

    after = read(
        path,
        f"SELECT {', '.join(OLD_COLUMNS)}, hostname, pid, failure_reported "
        "FROM django_cron_cronjoblog ORDER BY id",
    )
    assert len(before) > 800
    assert [row[: len(OLD_COLUMNS)] for row in after] == before
    assert {row[len(OLD_COLUMNS) :] for row in after} == {("", None, 0)}


def test_migrate_keeps_every_lock_row(old_database):
    path, overrides = old_database
    before = read(path, "SELECT id, job_name, locked FROM django_cron_cronjoblock ORDER BY id")

    migrate(overrides)

    after = read(
        path,
        "SELECT id, job_name, locked, owner, locked_at, expires_at "
        "FROM django_cron_cronjoblock ORDER BY id",
    )
    assert (
        [row[:3] for row in after]
        == before
        == [
            (1, "feeds.FetchFeedsJob", 0),
            (2, "reports.DailyReportJob", 1),
        ]
    )
    assert {row[3:] for row in after} == {("", None, None)}


def test_migrate_replaces_the_old_indexes_with_named_ones(old_database):
    path, overrides = old_database

    migrate(overrides)

    indexes = sqlite_indexes(path, "django_cron_cronjoblog")
    for name, columns in NEW_INDEXES.items():
        assert indexes[name] == columns
    assert not [cols for cols in indexes.values() if cols in OLD_INDEX_TOGETHER[:2]]


def test_makemigrations_finds_nothing_to_do_after_the_upgrade(old_database):
    _, overrides = old_database
    migrate(overrides)

    result = run_manage(
        "makemigrations", "--check", "--dry-run", "django_cron", overrides=overrides
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_upgraded_history_is_readable(old_database):
    """The migrated rows load through the ORM: a dry-run prune counts them as expected."""
    path, overrides = old_database
    rows = read(
        path, "SELECT code, start_time, is_success, ran_at_time FROM django_cron_cronjoblog"
    )
    latest: dict[tuple, str] = defaultdict(str)
    for code, start, ok, slot in rows:
        if ok:
            latest[code, slot] = max(latest[code, slot], start)
    kept = sum(1 for code, start, ok, slot in rows if ok and latest[code, slot] == start)
    migrate(overrides)

    result = run_manage("prune_cron_logs", "--days", "1", "--dry-run", overrides=overrides)

    assert result.returncode == 0, result.stderr
    assert f"Would delete {len(rows) - kept} log row(s)" in result.stdout
    assert "billing.ChargeCardsJob: " in result.stdout


# -- in place, on the test database (SQLite, PostgreSQL or MariaDB) ------------------------


def index_columns() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, CronJobLog._meta.db_table)
    return {
        name: info["columns"]
        for name, info in constraints.items()
        if info["index"] and not info["primary_key"] and not info["unique"]
    }


@pytest.mark.django_db(transaction=True)
def test_old_schema_upgrades_in_place_keeping_rows():
    start = dt.datetime(2023, 11, 1, 6, 0, tzinfo=dt.timezone.utc)
    try:
        call_command("migrate", "django_cron", "0003", verbosity=0)
        old_apps = (
            MigrationExecutor(connection)
            .loader.project_state(("django_cron", "0003_cronjoblock"))
            .apps
        )
        OldLog = old_apps.get_model("django_cron", "CronJobLog")
        OldLock = old_apps.get_model("django_cron", "CronJobLock")
        if not settings.USE_TZ:
            start = start.replace(tzinfo=None)
        old_rows = [
            OldLog.objects.create(
                code=f"app.Job{n % 3}",
                start_time=start + dt.timedelta(hours=n),
                end_time=start + dt.timedelta(hours=n, minutes=n),
                is_success=n % 4 != 0,
                ran_at_time=dt.time(6, 0) if n % 2 else None,
                message=f"line one {n}\n  line two\n" * (1 + n % 5),
            )
            for n in range(30)
        ]
        OldLock.objects.create(job_name="app.Job0", locked=True)
        assert ["code", "start_time"] in index_columns().values()
    finally:
        call_command("migrate", "django_cron", verbosity=0)

    upgraded = {log.pk: log for log in CronJobLog.objects.all()}
    assert len(upgraded) == len(old_rows)
    for old in old_rows:
        new = upgraded[old.pk]
        fields = ("code", "start_time", "end_time", "is_success", "ran_at_time", "message")
        assert [getattr(new, f) for f in fields] == [getattr(old, f) for f in fields]
        assert (new.hostname, new.pid, new.failure_reported) == ("", None, False)
    assert list(CronJobLock.objects.values_list("job_name", "locked")) == [("app.Job0", True)]
    indexes = index_columns()
    for name, columns in NEW_INDEXES.items():
        assert indexes.get(name) == columns
    assert [cols for cols in indexes.values() if cols in OLD_INDEX_TOGETHER[:2]] == []
