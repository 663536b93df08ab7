"""System checks: every id fires on its bad input and names the entry or setting."""

import pytest
from django.core.checks import Error, Warning, run_checks
from django.test.utils import override_settings

from tests.procs import run_manage

GOOD = "tests.jobs_checks.GoodJob"
FILE_CACHE = {
    "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
    "LOCATION": "/tmp/django-cron-checks",
}


def cron_messages() -> list:
    """The django_cron messages of a full ``manage.py check`` run."""
    return [m for m in run_checks() if m.id.startswith("django_cron.")]


def only(check_id: str) -> list:
    messages = cron_messages()
    assert {m.id for m in messages} == {check_id}, [str(m) for m in messages]
    return messages


# -- CRON_CLASSES entries -----------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "check_id", "says"),
    [
        ("tests.no_such_module.Job", "django_cron.E001", "could not be imported"),
        ("tests.jobs_checks.Missing", "django_cron.E001", "could not be imported"),
        ("tests.jobs_checks.NotAJob", "django_cron.E002", "not a subclass"),
        ("tests.jobs_checks.NoCodeJob", "django_cron.E003", "has no code"),
        ("tests.jobs_checks.EmptyCodeJob", "django_cron.E003", "has no code"),
        ("tests.jobs_checks.LongCodeJob", "django_cron.E004", "65 characters"),
        ("tests.jobs_checks.NoScheduleJob", "django_cron.E006", "has no schedule"),
        ("tests.jobs_checks.StringScheduleJob", "django_cron.E006", "has no schedule"),
        ("tests.jobs_checks.BadTimeJob", "django_cron.E007", "'25:00'"),
        ("tests.jobs_checks.PmTimeJob", "django_cron.E007", "'7pm'"),
        ("tests.jobs_checks.WeekdaySevenJob", "django_cron.E008", "run_weekly_on_days entry 7"),
        ("tests.jobs_checks.MonthDayZeroJob", "django_cron.E008", "run_monthly_on_days entry 0"),
        ("tests.jobs_checks.ZeroIntervalJob", "django_cron.E009", "run_every_mins=0"),
        ("tests.jobs_checks.NegativeIntervalJob", "django_cron.E009", "run_every_mins=-5"),
        ("tests.jobs_checks.NegativeRetryJob", "django_cron.E009", "retry_after_failure_mins=-1"),
        ("tests.jobs_checks.NegativeToleranceJob", "django_cron.E009", "run_tolerance_seconds=-1"),
        ("tests.jobs_checks.EmptyScheduleJob", "django_cron.W001", "neither run_every_mins"),
        ("tests.jobs_checks.DaysOnlyJob", "django_cron.W001", "neither run_every_mins"),
    ],
)
def test_bad_cron_classes_entry_is_reported_by_name(entry, check_id, says):
    with override_settings(CRON_CLASSES=[GOOD, entry]):
        [message] = only(check_id)
    assert message.obj == entry
    assert entry in message.msg
    assert says in message.msg
    assert isinstance(message, Warning if check_id.startswith("django_cron.W") else Error)


def test_every_problem_of_every_entry_is_reported_at_once():
    entries = [
        GOOD,
        "tests.jobs_checks.BadTimeJob",
        "tests.jobs_checks.NotAJob",
        "tests.jobs_checks.ZeroIntervalJob",
    ]
    with override_settings(CRON_CLASSES=entries):
        found = {(m.id, m.obj) for m in cron_messages()}
    assert found == {
        ("django_cron.E007", "tests.jobs_checks.BadTimeJob"),
        ("django_cron.E002", "tests.jobs_checks.NotAJob"),
        ("django_cron.E009", "tests.jobs_checks.ZeroIntervalJob"),
    }


@override_settings(CRON_CLASSES=[GOOD, "tests.jobs_checks.DuplicateCodeJob"])
def test_duplicate_code_names_both_entries():
    [message] = only("django_cron.E005")
    assert message.obj == "tests.jobs_checks.DuplicateCodeJob"
    assert GOOD in message.msg
    assert "'checks.good'" in message.msg


@override_settings(CRON_CLASSES=[GOOD, GOOD])
def test_the_same_entry_twice_is_a_duplicate_code():
    assert only("django_cron.E005")


@pytest.mark.parametrize(
    "value",
    [GOOD, [GOOD, 42], [None], {"job": GOOD}],
    ids=["string", "number", "none", "dict"],
)
def test_cron_classes_must_be_a_list_of_dotted_paths(value):
    with override_settings(CRON_CLASSES=value):
        [message] = only("django_cron.E012")
    assert message.obj == "CRON_CLASSES"


@override_settings(CRON_CLASSES=(GOOD, "django_cron.cron.FailedRunsNotificationCronJob"))
def test_a_tuple_of_good_entries_and_the_bundled_job_are_clean():
    assert cron_messages() == []


# -- the lock backend ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("backend", "says"),
    [
        ("no_such_package.Lock", "does not import"),
        ("django_cron.backends.lock.cache.NoSuchLock", "does not import"),
        ("tests.jobs_checks.NotALock", "is not a subclass"),
    ],
)
def test_unknown_lock_backend_is_reported(backend, says):
    with override_settings(DJANGO_CRON_LOCK_BACKEND=backend):
        [message] = only("django_cron.E010")
    assert message.obj == "DJANGO_CRON_LOCK_BACKEND"
    assert repr(backend) in message.msg
    assert says in message.msg


@pytest.mark.parametrize(
    "backend",
    [
        "django_cron.backends.lock.cache.CacheLock",
        "django_cron.backends.lock.database.DatabaseLock",
        "django_cron.backends.lock.file.FileLock",
        "tests.jobs_checks.MyDatabaseLock",
    ],
)
def test_known_lock_backends_are_clean(backend):
    with override_settings(DJANGO_CRON_LOCK_BACKEND=backend):
        assert cron_messages() == []


@pytest.mark.parametrize("setting", ["DJANGO_CRON_CACHE", "CRON_CACHE"])
def test_lock_cache_alias_not_in_caches_names_the_setting(setting):
    with override_settings(**{setting: "cron_cache"}):
        [message] = only("django_cron.E011")
    assert message.obj == setting
    assert "'cron_cache'" in message.msg


def test_lock_cache_alias_defined_in_caches_is_clean():
    with override_settings(
        CACHES={"default": FILE_CACHE, "cron_cache": FILE_CACHE}, CRON_CACHE="cron_cache"
    ):
        assert cron_messages() == []


def test_file_lock_ignores_the_cache_alias():
    with override_settings(
        DJANGO_CRON_LOCK_BACKEND="django_cron.backends.lock.file.FileLock",
        DJANGO_CRON_CACHE="cron_cache",
    ):
        assert cron_messages() == []


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    ],
)
def test_process_local_lock_cache_is_a_warning(backend):
    with override_settings(CACHES={"default": {"BACKEND": backend}}):
        [message] = only("django_cron.W002")
    assert isinstance(message, Warning)
    assert "'default'" in message.msg
    assert "FileLock" in message.msg


# -- the default test settings ----------------------------------------------------


def test_default_settings_are_clean():
    assert cron_messages() == []


@pytest.mark.processes
def test_manage_py_check_is_clean_on_the_test_settings():
    proc = run_manage("check", "--fail-level", "WARNING", timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "System check identified no issues" in proc.stdout


@pytest.mark.processes
def test_manage_py_check_fails_naming_a_bad_entry():
    overrides = {"CRON_CLASSES": [GOOD, "tests.jobs_checks.NotAJob"]}
    proc = run_manage("check", overrides=overrides, timeout=60)
    assert proc.returncode == 1
    assert "tests.jobs_checks.NotAJob: (django_cron.E002)" in proc.stderr


# -- numeric settings -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("DJANGO_CRON_LOCK_TIME", 0),
        ("DJANGO_CRON_LOCK_LEASE", "60"),
        ("DJANGO_CRON_DELETE_LOGS_OLDER_THAN", -1),
        ("DJANGO_CRON_DELETE_BATCH_SIZE", 10.5),
        ("DJANGO_CRON_RUN_TOLERANCE_SECONDS", True),
    ],
)
def test_numeric_setting_out_of_range_is_named(setting, value):
    with override_settings(**{setting: value}):
        [message] = only("django_cron.E013")
    assert message.obj == setting
    assert repr(value) in message.msg


@override_settings(
    DJANGO_CRON_DELETE_LOGS_OLDER_THAN=None,
    DJANGO_CRON_RUN_TOLERANCE_SECONDS=None,
    DJANGO_CRON_DELETE_BATCH_SIZE=500,
    DJANGO_CRON_LOCK_LEASE=2.5,
)
def test_numeric_settings_in_range_are_clean():
    assert cron_messages() == []
