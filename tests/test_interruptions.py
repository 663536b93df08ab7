"""Real ``runcrons`` processes stopped inside a job: signals, and ``kill -9``.

A job writes a ready file once it is inside ``do()``; the test waits for that
file with a bounded poll, then signals the process. Every test gets its own
cache directory and lock directory, so a lock left behind cannot leak into
another test.
"""

import signal
import subprocess
import time
from pathlib import Path

import pytest

from django_cron.models import CronJobLog
from tests.procs import run_manage, start_manage, this_database

pytestmark = [pytest.mark.processes, pytest.mark.django_db(transaction=True)]

BOUND_SECONDS = 30.0
WAIT_JOB = "tests.jobs.WaitForSignalJob"
TARGET_JOB = "tests.jobs_core.SignalTargetJob"
CHECK = "[\N{HEAVY CHECK MARK}]"
CACHE_LOCK = "django_cron.backends.lock.cache.CacheLock"
DATABASE_LOCK = "django_cron.backends.lock.database.DatabaseLock"
FILE_LOCK = "django_cron.backends.lock.file.FileLock"


def settings_for(tmp_path: Path, backend: str = CACHE_LOCK, **more) -> dict:
    return {
        "DATABASES": this_database(),
        "CACHES": {
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(tmp_path / "cache"),
            }
        },
        "DJANGO_CRON_LOCKFILE_PATH": str(tmp_path / "locks"),
        "DJANGO_CRON_LOCK_BACKEND": backend,
        **more,
    }


STARTED: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def _no_child_left():
    """Kill any child that a failed test left waiting for its signal."""
    yield
    while STARTED:
        proc = STARTED.pop()
        if proc.poll() is None:
            proc.kill()
            proc.communicate(timeout=10)


def start_waiting(job: str, ready: Path, overrides: dict) -> subprocess.Popen:
    """Start ``runcrons --force job`` and return once its job is inside ``do()``."""
    proc = start_manage(
        "runcrons", "--force", job, overrides=overrides, DJANGO_CRON_TEST_READY_FILE=str(ready)
    )
    STARTED.append(proc)
    wait_for(lambda: ready.exists() or proc.poll() is not None, "the job to start")
    if not ready.exists():
        out, err = proc.communicate()
        pytest.fail(f"runcrons ended before its job started ({proc.returncode}):\n{out}\n{err}")
    return proc


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + BOUND_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting {BOUND_SECONDS} s for {what}")
        time.sleep(0.02)


def runs(code: str) -> list[CronJobLog]:
    return list(CronJobLog.objects.filter(code=code).order_by("start_time", "pk"))


def stop(proc: subprocess.Popen, signum: int) -> tuple[int, str, str]:
    """Send ``signum`` and wait (bounded) for the process to exit."""
    proc.send_signal(signum)
    try:
        out, err = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail(f"runcrons did not exit within 10 s of {signal.Signals(signum).name}")
    return proc.returncode, out, err


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
@pytest.mark.parametrize("backend", [CACHE_LOCK, DATABASE_LOCK], ids=["cache", "database"])
def test_signal_inside_a_job_fails_the_run_releases_the_lock_and_exits(signum, backend, tmp_path):
    name = signal.Signals(signum).name
    overrides = settings_for(tmp_path, backend)
    proc = start_waiting(WAIT_JOB, tmp_path / "ready-1", overrides)

    [running] = runs("tests.wait_for_signal")
    assert running.end_time is None
    assert running.pid == proc.pid

    status, out, err = stop(proc, signum)
    assert status == 128 + signum, (out, err)
    assert f"Stopped: interrupted by {name}" in err

    [run] = runs("tests.wait_for_signal")
    assert not run.is_success
    assert run.end_time is not None
    assert name in run.message

    # The lock was released: a second run of the same job gets inside do() at once.
    second = start_waiting(WAIT_JOB, tmp_path / "ready-2", overrides)
    assert stop(second, signal.SIGTERM)[0] == 128 + signal.SIGTERM
    assert [r.is_success for r in runs("tests.wait_for_signal")] == [False, False]


def test_kill_9_run_is_marked_interrupted_once_its_lease_lapses_and_the_job_runs_again(
    tmp_path,
):
    overrides = settings_for(tmp_path, CACHE_LOCK, DJANGO_CRON_LOCK_LEASE=2)
    proc = start_waiting(TARGET_JOB, tmp_path / "ready", overrides)
    proc.kill()
    proc.communicate(timeout=10)

    [dead] = runs("tests.signal_target")
    assert dead.end_time is None  # nobody could write the end of a killed run

    # Until the lease lapses the job is "running elsewhere"; then it runs.
    attempts = []

    def next_run_ran() -> bool:
        result = run_manage("runcrons", TARGET_JOB, overrides=overrides, timeout=60)
        assert result.returncode == 0, result.stderr
        attempts.append(result.stdout)
        return f"{CHECK} tests.signal_target" in result.stdout

    wait_for(next_run_ran, "the killed run's lock to lapse")
    assert all("running elsewhere" in out for out in attempts[:-1])

    dead.refresh_from_db()
    assert not dead.is_success
    assert dead.end_time is not None
    assert dead.message.startswith("Interrupted")
    [_, again] = runs("tests.signal_target")
    assert again.is_success
    assert again.message == "ran to the end"


def test_kill_9_with_file_lock_frees_the_job_at_once(tmp_path):
    # The default lease (60 s) stays: the file lock does not need it.
    overrides = settings_for(tmp_path, FILE_LOCK)
    proc = start_waiting(TARGET_JOB, tmp_path / "ready", overrides)
    proc.kill()
    proc.communicate(timeout=10)

    result = run_manage("runcrons", TARGET_JOB, overrides=overrides, timeout=60)
    assert result.returncode == 0, result.stderr
    assert f"{CHECK} tests.signal_target" in result.stdout

    dead, again = runs("tests.signal_target")
    assert not dead.is_success
    assert dead.message.startswith("Interrupted")
    assert again.is_success
