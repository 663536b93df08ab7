"""Locks between real processes: bursts of runcrons, killed holders, broken stores.

A burst starts many processes at once on a job that forbids parallel runs.
Each run records its pid and then holds its lock until every process of the
burst has either exited or recorded a run; only then does the parent let the
runs finish. So every process tried the lock while the winner held it, and
the count of recorded runs is the count of processes that held it at once.
"""

import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from tests import jobs_locks
from tests.procs import ROOT, child_env, manage_command
from tests.services import require

pytestmark = [pytest.mark.processes, pytest.mark.django_db(transaction=True)]

BURST = 10
TRIALS = 2
BOUND_SECONDS = 60.0
JOB = "tests.jobs_locks.BurstJob"


def command(job: str) -> list[str]:
    """``runcrons --force JOB``, as crontab would start it."""
    return manage_command("runcrons", "--force", job)


def start(job: str, directory: Path, overrides: dict) -> subprocess.Popen:
    return subprocess.Popen(
        command(job),
        env=child_env(overrides, DJANGO_CRON_LOCK_TEST_DIR=str(directory)),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run(job: str, directory: Path, overrides: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        command(job),
        env=child_env(overrides, DJANGO_CRON_LOCK_TEST_DIR=str(directory)),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=BOUND_SECONDS,
    )


def runs(directory: Path) -> list[str]:
    path = directory / "runs"
    return path.read_text().split() if path.exists() else []


def burst(job: str, directory: Path, overrides: dict, size: int = BURST) -> list[str]:
    """Start ``size`` processes at once; their recorded runs (pids)."""
    directory.mkdir(parents=True)
    procs = [start(job, directory, overrides) for _ in range(size)]
    deadline = time.monotonic() + BOUND_SECONDS
    while sum(p.poll() is not None for p in procs) + len(runs(directory)) < size:
        if time.monotonic() > deadline:
            break
        time.sleep(0.02)
    (directory / "go").touch()
    outputs = [p.communicate(timeout=BOUND_SECONDS) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, f"a child failed:\n{out}\n{err}"
        assert "Traceback" not in err, err
    ran = runs(directory)
    locked_out = sum("running elsewhere" in out for out, _ in outputs)
    # Every process either ran the job or found it locked: none failed quietly.
    assert len(ran) + locked_out == size, outputs
    return ran


@pytest.fixture(scope="module")
def cache_table(django_db_setup, django_db_blocker):
    config = jobs_locks.backend_settings("database-cache", Path("unused"), "")
    with django_db_blocker.unblock(), override_settings(CACHES=config["CACHES"]):
        call_command("createcachetable", verbosity=0)


def configure(name: str, directory: Path, request, **extra) -> dict:
    if name in jobs_locks.SERVICE:
        require(jobs_locks.SERVICE[name])
    if name == "database-cache":
        request.getfixturevalue("cache_table")
    overrides = jobs_locks.backend_settings(name, directory, f"djcron-test-{uuid.uuid4().hex}")
    # Only the job named on the command line: the suite's CRON_CLASSES are not needed.
    overrides["CRON_CLASSES"] = []
    overrides.update(extra)
    return overrides


@pytest.mark.parametrize("name", jobs_locks.BACKENDS)
def test_a_burst_of_processes_runs_the_job_exactly_once(name, tmp_path, request):
    overrides = configure(name, tmp_path, request)
    counts = [len(burst(JOB, tmp_path / f"trial{n}", overrides)) for n in range(TRIALS)]
    assert counts == [1] * TRIALS


def test_a_process_local_cache_still_runs_the_job_exactly_once(tmp_path, request):
    overrides = configure("file-cache", tmp_path, request)
    overrides["CACHES"] = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    counts = [len(burst(JOB, tmp_path / f"trial{n}", overrides)) for n in range(TRIALS)]
    assert counts == [1] * TRIALS


def test_a_job_that_allows_parallel_runs_runs_in_every_process(tmp_path, request):
    # The same harness sees concurrent runs when the lock lets them happen.
    overrides = configure("file-cache", tmp_path, request)
    assert len(burst("tests.jobs_locks.ParallelBurstJob", tmp_path / "trial", overrides)) == BURST


@pytest.mark.parametrize("name", ["file-cache", "redis-cache", "database-lock", "file-lock"])
def test_a_killed_holder_blocks_its_job_only_for_about_a_lease(name, tmp_path, request):
    overrides = configure(name, tmp_path, request, DJANGO_CRON_LOCK_LEASE=2)
    holder = start(JOB, tmp_path, overrides)
    deadline = time.monotonic() + BOUND_SECONDS
    while not runs(tmp_path) and holder.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert runs(tmp_path) == [str(holder.pid)], holder.communicate()

    contender = run(JOB, tmp_path, overrides)
    assert "running elsewhere" in contender.stdout, contender

    holder.send_signal(signal.SIGKILL)
    holder.communicate(timeout=BOUND_SECONDS)
    (tmp_path / "go").touch()
    # The default lock time is a day: a run within the bound proves the lease freed it.
    deadline = time.monotonic() + 30
    while len(runs(tmp_path)) < 2 and time.monotonic() < deadline:
        retry = run(JOB, tmp_path, overrides)
        assert retry.returncode == 0, retry
    assert len(runs(tmp_path)) == 2


def test_a_lock_store_that_fails_stops_the_job_and_names_the_backend(tmp_path, request):
    overrides = configure("file-cache", tmp_path, request)
    overrides["CACHES"] = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1",
        }
    }
    (tmp_path / "go").touch()
    result = run(JOB, tmp_path, overrides)
    output = result.stdout + result.stderr
    assert "LockBackendError" in output
    assert "CacheLock" in output
    assert JOB in output
    assert runs(tmp_path) == []
