"""The lock backends in one process: the contract, each backend, their failures."""

import logging
import threading
import time
import uuid
from pathlib import Path
from unittest import mock

import pytest
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import OperationalError
from django.db.models import QuerySet
from django.test import override_settings
from django.utils.module_loading import import_string

from django_cron.backends.lock import base
from django_cron.backends.lock.base import DjangoCronJobLock, LockBackendError, get_lock_class
from django_cron.backends.lock.cache import CacheLock, cache_is_process_local
from django_cron.backends.lock.database import DatabaseLock
from django_cron.backends.lock.file import FileLock
from django_cron.models import CronJobLock
from tests import jobs_locks
from tests.services import require

CACHE_BACKENDS = "django.core.cache.backends"


class PlainJob:
    code = "locks.plain"


class ShortLockJob:
    code = "locks.short"
    DJANGO_CRON_LOCK_TIME = 2


class ParallelJob:
    code = "locks.parallel"
    ALLOW_PARALLEL_RUNS = True


def wait_for(condition, bound: float = 15.0, step: float = 0.05) -> bool:
    """Poll ``condition`` until it holds or ``bound`` seconds pass; its last value."""
    deadline = time.monotonic() + bound
    while not condition():
        if time.monotonic() > deadline:
            return bool(condition())
        time.sleep(step)
    return True


class RecordingLock(DjangoCronJobLock):
    """A backend in memory: shows what the base class calls, and when."""

    held_by: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.renewals = 0
        self.renew_result = True

    def lock(self):
        return self.held_by.setdefault(self.job_name, self.token) == self.token

    def release(self):
        if self.held_by.get(self.job_name) == self.token:
            del self.held_by[self.job_name]

    def renew(self):
        self.renewals += 1
        return self.renew_result


@pytest.fixture(autouse=True)
def _clean_recording_lock():
    RecordingLock.held_by = {}


# -- the base class -------------------------------------------------------------


def test_lock_names_the_job_by_module_and_class():
    lock = RecordingLock(PlainJob, True)
    assert lock.job_name == "tests.test_locks.PlainJob"
    assert lock.job_code == "locks.plain"
    assert lock.parallel is False
    assert lock.silent is True


def test_each_lock_instance_has_its_own_token_naming_host_and_pid():
    first, second = RecordingLock(PlainJob, False), RecordingLock(PlainJob, False)
    assert first.token != second.token
    assert f"{base.HOSTNAME[:64]}:{__import__('os').getpid()}:" in first.token
    assert len(first.token) <= CronJobLock._meta.get_field("owner").max_length


def test_lease_and_lock_time_defaults():
    lock = RecordingLock(PlainJob, False)
    assert lock.lease == 60
    assert lock.lock_time == 24 * 60 * 60


@override_settings(DJANGO_CRON_LOCK_TIME=600, DJANGO_CRON_LOCK_LEASE=5)
def test_lock_time_and_lease_come_from_settings():
    lock = RecordingLock(PlainJob, False)
    assert (lock.lock_time, lock.lease) == (600, 5)


def test_job_class_lock_time_wins_over_setting_and_caps_the_lease():
    lock = RecordingLock(ShortLockJob, False)
    assert lock.lock_time == 2
    assert lock.lease == 2


@override_settings(DJANGO_CRON_LOCK_LEASE=0)
def test_a_lease_that_is_not_positive_is_refused_naming_the_setting():
    with pytest.raises(ImproperlyConfigured, match="DJANGO_CRON_LOCK_LEASE"):
        RecordingLock(PlainJob, False)


def test_a_bad_lock_time_on_the_job_is_refused_naming_the_class():
    class BadLockTimeJob:
        code = "locks.bad"
        DJANGO_CRON_LOCK_TIME = "soon"

    with pytest.raises(ImproperlyConfigured, match="BadLockTimeJob.DJANGO_CRON_LOCK_TIME"):
        RecordingLock(BadLockTimeJob, False)


def test_subclass_in_the_old_style_with_only_lock_and_release_still_works():
    class OldStyleLock(DjangoCronJobLock):
        held = False

        def lock(self):
            if OldStyleLock.held:
                return False
            OldStyleLock.held = True
            return True

        def release(self):
            OldStyleLock.held = False

    with OldStyleLock(PlainJob, False):
        assert OldStyleLock.held
        second = OldStyleLock(PlainJob, False)
        with pytest.raises(DjangoCronJobLock.LockFailedException, match="PlainJob"):
            second.__enter__()
    assert not OldStyleLock.held


def test_entering_a_held_lock_raises_with_the_failure_message():
    with RecordingLock(PlainJob, False):
        second = RecordingLock(PlainJob, False)
        with pytest.raises(second.LockFailedException) as excinfo:
            second.__enter__()
    assert str(excinfo.value) == second.lock_failed_message()
    assert "tests.test_locks.PlainJob" in str(excinfo.value)


def test_a_job_that_allows_parallel_runs_takes_no_lock():
    with RecordingLock(ParallelJob, False), RecordingLock(ParallelJob, False):
        assert RecordingLock.held_by == {}


def test_exit_releases_the_lock_and_lets_the_jobs_exception_through():
    with pytest.raises(ZeroDivisionError), RecordingLock(PlainJob, False):
        1 / 0  # noqa: B018
    assert RecordingLock.held_by == {}
    with RecordingLock(PlainJob, False):
        assert RecordingLock.held_by


@override_settings(DJANGO_CRON_LOCK_LEASE=1)
def test_the_lease_is_renewed_while_the_job_runs():
    with RecordingLock(PlainJob, False) as lock:
        renewer = lock._renewer
        assert wait_for(lambda: lock.renewals >= 3)
    assert not renewer.is_alive()  # stopped on exit, not left renewing


@override_settings(DJANGO_CRON_LOCK_LEASE=1)
def test_renewal_stops_once_the_lock_time_is_reached(caplog):
    caplog.set_level(logging.WARNING, logger="django_cron")
    with RecordingLock(ShortLockJob, False) as lock:
        renewer = lock._renewer
        renewer.join(timeout=15)
        assert not renewer.is_alive()
    assert "held its lock for the lock time" in caplog.text


@override_settings(DJANGO_CRON_LOCK_LEASE=1)
def test_a_lost_lease_stops_renewal_and_is_logged(caplog):
    caplog.set_level(logging.ERROR, logger="django_cron")
    with RecordingLock(PlainJob, False) as lock:
        lock.renew_result = False
        renewer = lock._renewer
        renewer.join(timeout=15)
        assert not renewer.is_alive()
        assert lock.renewals == 1
    assert "lost its lock" in caplog.text


def test_a_failed_release_is_logged_not_raised_over_the_jobs_outcome(caplog):
    class BrokenRelease(RecordingLock):
        def release(self):
            raise LockBackendError("store down")

    with BrokenRelease(PlainJob, False):
        pass
    assert "could not release its lock" in caplog.text


# -- choosing the backend -------------------------------------------------------


def test_the_default_backend_is_the_cache_lock():
    assert get_lock_class() is CacheLock


@override_settings(DJANGO_CRON_LOCK_BACKEND="django_cron.backends.lock.database.DatabaseLock")
def test_the_backend_setting_picks_the_class():
    assert get_lock_class() is DatabaseLock


@override_settings(DJANGO_CRON_LOCK_BACKEND="django_cron.backends.lock.nope.NoLock")
def test_an_unimportable_backend_names_the_setting_and_the_path():
    with pytest.raises(ImproperlyConfigured, match=r"DJANGO_CRON_LOCK_BACKEND.*lock\.nope\.NoLock"):
        get_lock_class()


@override_settings(DJANGO_CRON_LOCK_BACKEND="tests.test_locks.PlainJob")
def test_a_backend_that_is_not_a_lock_class_is_refused():
    with pytest.raises(ImproperlyConfigured, match="tests.test_locks.PlainJob"):
        get_lock_class()


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    ],
)
def test_a_process_local_cache_falls_back_to_the_file_lock_and_warns_once(
    backend, monkeypatch, caplog
):
    monkeypatch.setattr(base, "_fallback_warned", False)
    caplog.set_level(logging.WARNING, logger="django_cron")
    with override_settings(CACHES={"default": {"BACKEND": backend}}):
        assert get_lock_class() is FileLock
        assert get_lock_class() is FileLock
    warnings = [r for r in caplog.records if "cannot lock jobs across processes" in r.message]
    assert len(warnings) == 1


def test_a_cache_lock_subclass_with_its_own_cache_is_not_replaced():
    class OwnCacheLock(CacheLock):
        def get_cache_by_name(self):
            return caches["default"]

    path = f"{__name__}.OwnCacheLock"
    with (
        mock.patch.dict(globals(), {"OwnCacheLock": OwnCacheLock}),
        override_settings(
            DJANGO_CRON_LOCK_BACKEND=path,
            CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        ),
    ):
        assert get_lock_class() is OwnCacheLock


class LocMemSubclass(import_string("django.core.cache.backends.locmem.LocMemCache")):
    pass


@override_settings(
    CACHES={
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache"},
        "local": {"BACKEND": "tests.test_locks.LocMemSubclass"},
    }
)
def test_cache_is_process_local_knows_subclasses():
    assert cache_is_process_local("local") is True
    assert cache_is_process_local("default") is False


@override_settings(CACHES={"default": {"BACKEND": "no.such.Cache"}})
def test_a_cache_backend_that_does_not_import_is_left_to_django_to_report():
    assert cache_is_process_local("default") is False


@override_settings(DJANGO_CRON_CACHE="nowhere")
def test_an_unknown_cache_alias_names_the_setting():
    with pytest.raises(ImproperlyConfigured, match="DJANGO_CRON_CACHE.*'nowhere'"):
        CacheLock(PlainJob, False)
    with pytest.raises(ImproperlyConfigured, match="DJANGO_CRON_CACHE.*'nowhere'"):
        cache_is_process_local("nowhere")


def test_the_old_cron_cache_setting_is_honoured(tmp_path):
    other = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "other"}
    with (
        override_settings(
            CACHES={
                "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
                "o": other,
            },
            CRON_CACHE="o",
        ),
        CacheLock(PlainJob, False),
    ):
        assert caches["o"].get("tests.test_locks.PlainJob")


# -- every backend --------------------------------------------------------------


@pytest.fixture(scope="module")
def cache_table(django_db_setup, django_db_blocker):
    """The database cache's table, created once in the test database."""
    config = jobs_locks.backend_settings("database-cache", Path("unused"), "")
    with django_db_blocker.unblock(), override_settings(CACHES=config["CACHES"]):
        call_command("createcachetable", verbosity=0)


@pytest.fixture(params=[*jobs_locks.BACKENDS, "locmem-cache"])
def lock_class(request, tmp_path):
    """A lock class configured for one backend (the settings stay on for the test)."""
    name = request.param
    if name in jobs_locks.SERVICE:
        require(jobs_locks.SERVICE[name])
    if name in ("database-cache", "database-lock"):
        request.getfixturevalue("cache_table")
        request.getfixturevalue("db")
    config = jobs_locks.backend_settings(name, tmp_path, f"djcron-test-{uuid.uuid4().hex}")
    with override_settings(DJANGO_CRON_LOCK_LEASE=2, **config):
        # The chosen class itself: the cross-process fallback is tested above.
        yield import_string(config["DJANGO_CRON_LOCK_BACKEND"])


def test_a_held_lock_cannot_be_taken_by_another_owner(lock_class):
    first, second = lock_class(PlainJob, False), lock_class(PlainJob, False)
    assert first.lock()
    try:
        assert not second.lock()
        assert "tests.test_locks.PlainJob" in second.lock_failed_message()
    finally:
        first.release()


def test_release_by_another_owner_leaves_the_lock_held(lock_class):
    holder, other = lock_class(PlainJob, False), lock_class(PlainJob, False)
    assert holder.lock()
    try:
        other.release()
        assert not lock_class(PlainJob, False).lock()
    finally:
        holder.release()


def test_a_released_lock_can_be_taken_again(lock_class):
    first = lock_class(PlainJob, False)
    assert first.lock()
    first.release()
    second = lock_class(PlainJob, False)
    assert second.lock()
    second.release()


def test_only_the_owner_renews(lock_class):
    if lock_class is FileLock:
        pytest.skip("a file lock has no lease to renew")
    holder, other = lock_class(PlainJob, False), lock_class(PlainJob, False)
    assert holder.lock()
    try:
        assert holder.renew()
        assert not other.renew()
    finally:
        holder.release()


def test_a_lapsed_lease_goes_to_the_next_owner_whom_the_old_cannot_disturb(lock_class):
    if lock_class is FileLock:
        pytest.skip("a file lock has no lease: its process ending frees it (test_locks_processes)")
    old, new = lock_class(PlainJob, False), lock_class(PlainJob, False)
    assert old.lock()
    # Never renewed, the lock lapses one lease (2 s) later.
    assert wait_for(new.lock)
    try:
        assert not old.renew()
        old.release()
        assert not lock_class(PlainJob, False).lock()
        assert new.renew()
    finally:
        new.release()


@pytest.mark.django_db(transaction=True)
def test_a_live_holder_keeps_its_lock_past_its_lease(lock_class):
    if lock_class is FileLock:
        pytest.skip("a file lock has no lease: it is held until released or its process ends")

    class CountingLock(lock_class):
        renewals = 0

        def renew(self):
            renewed = super().renew()
            type(self).renewals += renewed
            return renewed

    with CountingLock(PlainJob, False):
        # Four renewals, a third of a lease apart: more than a lease has passed.
        assert wait_for(lambda: CountingLock.renewals >= 4)
        assert not lock_class(PlainJob, False).lock()


def test_file_lock_message_names_the_holder(tmp_path):
    with override_settings(DJANGO_CRON_LOCKFILE_PATH=str(tmp_path / "new" / "dir")):
        holder = FileLock(PlainJob, False)
        assert holder.lock()
        try:
            message = FileLock(PlainJob, False).lock_failed_message()
        finally:
            holder.release()
    assert holder.token in message
    assert str(tmp_path / "new" / "dir" / "tests.test_locks.PlainJob.lock") in message


def test_a_file_lock_is_released_at_the_lock_time_while_the_run_goes_on(tmp_path):
    class OneSecondLockJob:
        code = "locks.one_second"
        DJANGO_CRON_LOCK_TIME = 1

    with override_settings(DJANGO_CRON_LOCKFILE_PATH=str(tmp_path)):
        with FileLock(OneSecondLockJob, False):
            other = FileLock(OneSecondLockJob, False)
            assert not other.lock()
            assert wait_for(other.lock)
            # The first run ending now must not free the second one's lock.
        assert not FileLock(OneSecondLockJob, False).lock()
        other.release()


# -- failures of the lock store -------------------------------------------------


def assert_backend_error(lock: DjangoCronJobLock, backend_name: str) -> None:
    ran = []
    with pytest.raises(LockBackendError) as excinfo, lock:
        ran.append(True)  # pragma: no cover
    assert ran == []
    assert backend_name in str(excinfo.value)
    assert "tests.test_locks.PlainJob" in str(excinfo.value)


@pytest.mark.parametrize(
    "cache",
    [
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1",
        },
        {
            "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
            "LOCATION": "127.0.0.1:1",
        },
    ],
    ids=["redis", "memcached"],
)
def test_a_cache_server_that_does_not_answer_is_a_backend_error(cache):
    with override_settings(CACHES={"default": cache}):
        assert_backend_error(CacheLock(PlainJob, False), "CacheLock")


@pytest.mark.django_db
def test_a_missing_cache_table_is_a_backend_error():
    cache = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "no_such_table"}
    with override_settings(CACHES={"default": cache}):
        assert_backend_error(CacheLock(PlainJob, False), "CacheLock")


@pytest.mark.django_db
def test_a_locked_database_is_a_backend_error():
    with mock.patch.object(QuerySet, "update", side_effect=OperationalError("database is locked")):
        assert_backend_error(DatabaseLock(PlainJob, False), "DatabaseLock")


def test_an_unusable_lock_file_directory_is_a_backend_error(tmp_path):
    (tmp_path / "file").write_text("not a directory")
    with override_settings(DJANGO_CRON_LOCKFILE_PATH=str(tmp_path / "file")):
        assert_backend_error(FileLock(PlainJob, False), "FileLock")


def test_renewal_survives_a_failing_store_and_keeps_trying(caplog):
    class FlakyLock(RecordingLock):
        def renew(self):
            self.renewals += 1
            if self.renewals == 1:
                raise LockBackendError("store down")
            return True

    with override_settings(DJANGO_CRON_LOCK_LEASE=1), FlakyLock(PlainJob, False) as lock:
        assert wait_for(lambda: lock.renewals >= 2)
    assert "could not renew its lock" in caplog.text


def test_renewer_thread_is_a_daemon_so_it_never_keeps_a_process_alive():
    with RecordingLock(PlainJob, False) as lock:
        assert lock._renewer.daemon
        assert lock._renewer in threading.enumerate()
