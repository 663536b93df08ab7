"""Stress the lock backends with many processes contending at the same instant.

Not part of the test suite. For each backend, ``--workers`` processes run
``--trials`` trials in lockstep: all of them wait at a barrier, then try the
same job's lock at once (``with lock:`` as ``runcrons`` does, renewal thread
included); whoever gets it counts a run and keeps it until every worker has
tried. A trial with more than one run is a duplicate; one with none, a miss.

    DJANGO_CRON_TEST_DB=postgres python benchmarks/stress_locks.py --trials 2000

The database (``DJANGO_CRON_TEST_DB``: sqlite, postgres or mariadb, as for
the tests) is a scratch one, ``django_cron_stress``, created and dropped here.
Backends whose service does not answer are reported as skipped.
"""

import argparse
import logging
import multiprocessing as mp
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BACKENDS = (
    "file-cache",
    "database-cache",
    "redis-cache",
    "memcached-cache",
    "database-lock",
    "file-lock",
    "locmem-fallback",
    "parallel-control",
)
"""``parallel-control`` runs a job that allows parallel runs: it shows that the
harness does count duplicates when nothing prevents them."""
STRESS_DB = "django_cron_stress"


def database(db: str, directory: Path) -> dict:
    """The ``default`` database for ``db``; its test name is the scratch database."""
    if db == "postgres":
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "postgres",
            "USER": "postgres",
            "HOST": "127.0.0.1",
            "PORT": "5432",
            "TEST": {"NAME": STRESS_DB},
        }
    if db == "mariadb":
        return {
            "ENGINE": "django.db.backends.mysql",
            "NAME": "mysql",
            "USER": "root",
            "PASSWORD": "",
            "HOST": "127.0.0.1",
            "PORT": "3306",
            "OPTIONS": {"charset": "utf8mb4"},
            "TEST": {"NAME": STRESS_DB, "CHARSET": "utf8mb4"},
        }
    path = str(directory / f"{STRESS_DB}.sqlite3")
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "TEST": {"NAME": path},
        "OPTIONS": {"timeout": 30},
    }


def setup_django(db: str, directory: Path, backend: str, prefix: str, use_test_db: bool) -> None:
    """Configure and start Django for one backend (in the parent and in each worker)."""
    import django
    from django.conf import settings

    from tests.jobs_locks import backend_settings

    name = backend if backend in lock_backends() else "file-cache"
    lock_settings = backend_settings(name, directory, prefix)
    if backend == "locmem-fallback":
        lock_settings["CACHES"] = {
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
        }
    databases = {"default": database(db, directory)}
    if use_test_db:
        databases["default"]["NAME"] = databases["default"]["TEST"]["NAME"]
    settings.configure(
        DATABASES=databases,
        INSTALLED_APPS=["django_cron"],
        USE_TZ=True,
        DJANGO_CRON_LOCK_LEASE=60,
        LOGGING_CONFIG=None,
        **lock_settings,
    )
    django.setup()
    # The fallback warning would print once per worker; the summary says it all.
    logging.getLogger("django_cron").addHandler(logging.NullHandler())
    logging.getLogger("django_cron").propagate = False


def lock_backends() -> tuple[str, ...]:
    from tests.jobs_locks import BACKENDS as configured

    return configured


class StressJob:
    """The job whose lock the workers fight over."""

    code = "stress"


class ParallelStressJob(StressJob):
    """The control: a job that may run in parallel takes no lock."""

    ALLOW_PARALLEL_RUNS = True


def worker(args, backend, prefix, barrier, runs, index) -> None:
    setup_django(args.db, Path(args.directory), backend, prefix, use_test_db=True)
    from django_cron.backends.lock.base import get_lock_class

    lock_class = get_lock_class()
    job = ParallelStressJob if backend == "parallel-control" else StressJob
    for trial in range(args.trials):
        lock = lock_class(job, True)
        barrier.wait()
        try:
            with lock:
                with runs.get_lock():
                    runs[trial] += 1
                barrier.wait()  # every worker tries while this one holds the lock
        except lock.LockFailedException:
            barrier.wait()
        # The next trial's first barrier waits for the holder's release.


def stress(args, backend: str) -> tuple[int, int, int, int, float]:
    """Run one backend; (trials, runs, duplicate trials, missed trials, seconds)."""
    prefix = f"stress-{uuid.uuid4().hex}"
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(args.workers)
    runs = ctx.Array("i", args.trials)
    started = time.monotonic()
    procs = [
        ctx.Process(target=worker, args=(args, backend, prefix, barrier, runs, n))
        for n in range(args.workers)
    ]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join()
    if any(proc.exitcode for proc in procs):
        raise SystemExit(f"{backend}: a worker failed (exit codes {[p.exitcode for p in procs]})")
    seconds = time.monotonic() - started
    counts = list(runs)
    return (
        args.trials,
        sum(counts),
        sum(1 for c in counts if c > 1),
        sum(1 for c in counts if c == 0),
        seconds,
    )


def service_for(backend: str) -> str | None:
    return {"redis-cache": "redis", "memcached-cache": "memcached"}.get(backend)


def run_backend(args, backend: str) -> None:
    """Stress one backend and print its line."""
    from tests import services

    service = service_for(backend)
    if service and not services.answers(service):
        print(f"{backend:<16} skipped: {services.skip_reason(service)}", flush=True)
        return
    trials, runs, duplicates, missed, seconds = stress(args, backend)
    print(
        f"{backend:<16} trials={trials:<6} runs={runs:<6} duplicates={duplicates:<4} "
        f"missed={missed:<4} ({trials / seconds:.0f} trials/s)",
        flush=True,
    )


def prepare(args) -> None:
    """Create the scratch database, its tables and the cache table (in a child)."""
    setup_django(args.db, Path(args.directory), "database-cache", "", use_test_db=False)
    from django.core.management import call_command
    from django.db import connection

    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    call_command("createcachetable", verbosity=0)


def destroy(args) -> None:
    """Drop the scratch database (in a child)."""
    setup_django(args.db, Path(args.directory), "database-cache", "", use_test_db=True)
    from django.db import connection

    main_name = database(args.db, Path(args.directory))["NAME"]
    # Drops the database Django is connected to, the scratch one, then points back.
    connection.creation.destroy_test_db(main_name, verbosity=0)


def in_child(step, args) -> int:
    """Run ``step(args)`` in a fresh process (Django is configured once per process)."""
    proc = mp.get_context("spawn").Process(target=step, args=(args,))
    proc.start()
    proc.join()
    return proc.exitcode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=1000, help="trials per backend")
    parser.add_argument("--workers", type=int, default=10, help="processes per trial")
    parser.add_argument(
        "--backends",
        default=",".join(BACKENDS),
        help=f"comma-separated, from: {', '.join(BACKENDS)}",
    )
    parser.add_argument(
        "--db",
        default=os.environ.get("DJANGO_CRON_TEST_DB", "sqlite"),
        choices=["sqlite", "postgres", "mariadb"],
        help="database for the database lock and cache (default: DJANGO_CRON_TEST_DB)",
    )
    args = parser.parse_args()
    unknown = set(args.backends.split(",")) - set(BACKENDS)
    if unknown:
        parser.error(f"unknown backends: {', '.join(sorted(unknown))}")

    with tempfile.TemporaryDirectory(prefix="django-cron-stress-") as directory:
        args.directory = directory
        if in_child(prepare, args):
            raise SystemExit(f"could not prepare the {args.db} database {STRESS_DB}")
        print(f"database: {args.db}, workers per trial: {args.workers}", flush=True)
        try:
            for backend in args.backends.split(","):
                run_backend(args, backend)
        finally:
            in_child(destroy, args)


if __name__ == "__main__":
    main()
