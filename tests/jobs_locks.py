"""Jobs for the lock tests, loaded by dotted path in child processes.

Each run appends its pid to ``<DJANGO_CRON_LOCK_TEST_DIR>/runs`` as it starts,
so the parent counts the runs, then holds its lock until the parent creates
``<DJANGO_CRON_LOCK_TEST_DIR>/go`` (or a generous bound passes, so a forgotten
child never hangs the suite).
"""

import os
import time
from pathlib import Path

from django_cron.core import CronJobBase, Schedule

HOLD_BOUND_SECONDS = 60.0


def work_dir() -> Path:
    """The directory the parent test shares with its children."""
    return Path(os.environ["DJANGO_CRON_LOCK_TEST_DIR"])


def record_run() -> None:
    """Append this process's pid to the runs file (one short O_APPEND write)."""
    fd = os.open(work_dir() / "runs", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, f"{os.getpid()}\n".encode())
    finally:
        os.close(fd)


def hold_until_go() -> None:
    """Keep running (and so keep the lock) until the parent says go."""
    go = work_dir() / "go"
    deadline = time.monotonic() + HOLD_BOUND_SECONDS
    while not go.exists() and time.monotonic() < deadline:
        time.sleep(0.01)


class BurstJob(CronJobBase):
    """Records its run, then holds the lock until released by the parent."""

    code = "locks.burst"
    schedule = Schedule(run_every_mins=60)

    def do(self) -> str:
        record_run()
        hold_until_go()
        return "held"


class ParallelBurstJob(BurstJob):
    """The same job, allowed to run in parallel: every process of a burst runs it."""

    code = "locks.parallel_burst"
    ALLOW_PARALLEL_RUNS = True


CACHE_TABLE = "django_cron_test_lock_cache"
BACKENDS = (
    "file-cache",
    "database-cache",
    "redis-cache",
    "memcached-cache",
    "database-lock",
    "file-lock",
)
"""The lock set-ups under test; each names the service it needs, if any."""

SERVICE = {"redis-cache": "redis", "memcached-cache": "memcached"}


def backend_settings(name: str, directory: Path, prefix: str) -> dict:
    """Settings (as for ``override_settings`` or a child) that lock with set-up ``name``.

    ``directory`` holds file caches and lock files; ``prefix`` keeps keys in
    shared servers apart from other runs.
    """
    cache_lock = "django_cron.backends.lock.cache.CacheLock"
    caches = {
        "file-cache": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(directory / "cache"),
        },
        "database-cache": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
        },
        "redis-cache": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "KEY_PREFIX": prefix,
        },
        "memcached-cache": {
            "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
            "LOCATION": "127.0.0.1:11211",
            "KEY_PREFIX": prefix,
        },
        "locmem-cache": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": prefix,
        },
    }
    backend = {
        "database-lock": "django_cron.backends.lock.database.DatabaseLock",
        "file-lock": "django_cron.backends.lock.file.FileLock",
    }.get(name, cache_lock)
    return {
        "CACHES": {"default": caches.get(name, caches["file-cache"])},
        "DJANGO_CRON_LOCK_BACKEND": backend,
        "DJANGO_CRON_LOCKFILE_PATH": str(directory / "locks"),
    }
