"""What one ``runcrons`` tick costs, next to the cost of merely starting Django.

Builds a throwaway site in a temporary directory (its own settings module, a
module of N job classes, a scratch database holding M log rows) for every N
of ``--jobs`` and M of ``--rows``, and measures with real child processes:

* idle tick (no job due): statements, whole-process wall time of
  ``runcrons`` against the floor (``manage.py bench_floor``: starts Django
  with the same settings and imports the same job classes), the median of
  alternating runs, their ratio, and peak memory (``ru_maxrss``);
* busy tick (every job due, ``do()`` does nothing): writes to the log per
  job, lock calls and lock statements per job, wall time and the overhead
  per job;
* retention (``prune_cron_logs``) over the M rows: rows deleted per second
  and the longest single statement.

Statements are counted by ``benchmarks/probe.py``, which runs the command
as ``django-admin`` does with an ``execute_wrapper`` on every connection;
timings come from separate, unobserved runs.

    python benchmarks/tick.py                      # SQLite and PostgreSQL (if it answers)
    python benchmarks/tick.py --quick              # 1 and 100 jobs, 0 and 100k rows
    python benchmarks/tick.py --db postgres        # needs 127.0.0.1:5432 (user postgres)
    python benchmarks/tick.py --db sqlite,postgres,mariadb --jobs 100 --rows 1000000

PostgreSQL and MariaDB use a scratch database, ``django_cron_bench``,
created and dropped here. Nothing but the temporary directory and that
database is touched.
"""

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = Path(__file__).resolve().parent / "probe.py"
BENCH_DB = "django_cron_bench"
LOG_TABLE = "django_cron_cronjoblog"
LOCK_TABLE = "django_cron_cronjoblock"
SLOT = dt.time(0, 0)
# Every SLOT_EVERY-th job also has a run_at_times slot, so the history query
# carries slot subqueries too.
SLOT_EVERY = 10
LOCKS = {
    "database": "django_cron.backends.lock.database.DatabaseLock",
    "file": "django_cron.backends.lock.file.FileLock",
}
COLUMNS = (
    "code",
    "start_time",
    "end_time",
    "is_success",
    "message",
    "ran_at_time",
    "hostname",
    "pid",
    "failure_reported",
)
TRACEBACK = (
    "Traceback (most recent call last):\n"
    '  File "/srv/site/app/cron.py", line 42, in do\n'
    "    response = client.fetch(url, timeout=30)\n"
    '  File "/srv/site/app/client.py", line 118, in fetch\n'
    "    raise FetchError(f'{url}: {status}')\n"
    "app.client.FetchError: https://example.com/feed: 503\n"
)


def answers(port: int) -> bool:
    """Whether something listens on 127.0.0.1:``port``."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def int_list(text: str) -> list[int]:
    try:
        return [int(float(part)) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a comma-separated list of numbers"
        ) from None


# -- the site -------------------------------------------------------------------------


SETTINGS = """\
SECRET_KEY = "django-cron-bench"
DEBUG = False
USE_TZ = True
TIME_ZONE = "UTC"
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_cron",
    "benchsite",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
TEMPLATES = [
    {{
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {{
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        }},
    }}
]
STATIC_URL = "/static/"
DATABASES = {{"default": {database!r}}}
DJANGO_CRON_LOCK_BACKEND = {lock!r}
DJANGO_CRON_LOCKFILE_PATH = {lockdir!r}
CRON_CLASSES = [{classes}]
"""

FLOOR_COMMAND = '''\
"""The floor: start Django with the site's settings, import the job classes, stop."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Import every CRON_CLASSES entry and do nothing else."
    requires_system_checks = []

    def handle(self, *args, **options):
        for path in settings.CRON_CLASSES:
            import_string(path)
'''


def job_module(n_jobs: int) -> str:
    """Source of a module with ``n_jobs`` job classes, as a site would write them."""
    parts = ['"""Generated job classes."""\n\nfrom django_cron import CronJobBase, Schedule\n']
    for i in range(n_jobs):
        slots = f', run_at_times=["{SLOT:%H:%M}"]' if i % SLOT_EVERY == 0 else ""
        parts.append(
            f"\n\nclass Job{i:04d}(CronJobBase):\n"
            f'    code = "bench.job_{i:04d}"\n'
            f"    schedule = Schedule(run_every_mins=60{slots})\n\n"
            f"    def do(self):\n"
            f"        return None\n"
        )
    return "".join(parts)


def code_of(i: int) -> str:
    return f"bench.job_{i:04d}"


@dataclass
class Database:
    """One database engine: the scratch database, and raw access for bulk work."""

    vendor: str
    path: Path | None = None

    def django(self) -> dict:
        if self.vendor == "sqlite":
            return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(self.path)}
        if self.vendor == "postgres":
            return {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": BENCH_DB,
                "USER": "postgres",
                "HOST": "127.0.0.1",
                "PORT": "5432",
            }
        return {
            "ENGINE": "django.db.backends.mysql",
            "NAME": BENCH_DB,
            "USER": "root",
            "PASSWORD": "",
            "HOST": "127.0.0.1",
            "PORT": "3306",
            "OPTIONS": {"charset": "utf8mb4"},
        }

    def create(self) -> None:
        if self.vendor == "sqlite":
            if self.path.exists():
                self.path.unlink()
        elif self.vendor == "postgres":
            self._admin_pg(f"DROP DATABASE IF EXISTS {BENCH_DB}", f"CREATE DATABASE {BENCH_DB}")
        else:
            self._admin_mysql(
                f"DROP DATABASE IF EXISTS {BENCH_DB}",
                f"CREATE DATABASE {BENCH_DB} CHARACTER SET utf8mb4",
            )

    def drop(self) -> None:
        if self.vendor == "postgres":
            self._admin_pg(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        elif self.vendor == "mariadb":
            self._admin_mysql(f"DROP DATABASE IF EXISTS {BENCH_DB}")

    @staticmethod
    def _admin_pg(*statements: str) -> None:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=5432, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            for sql in statements:
                conn.execute(sql)

    @staticmethod
    def _admin_mysql(*statements: str) -> None:
        import MySQLdb

        conn = MySQLdb.connect(host="127.0.0.1", port=3306, user="root", passwd="")
        try:
            cursor = conn.cursor()
            for sql in statements:
                cursor.execute(sql)
        finally:
            conn.close()

    def connect(self):
        if self.vendor == "sqlite":
            import sqlite3

            return sqlite3.connect(self.path, isolation_level=None, timeout=60)
        if self.vendor == "postgres":
            import psycopg

            return psycopg.connect(
                host="127.0.0.1", port=5432, user="postgres", dbname=BENCH_DB, autocommit=True
            )
        import MySQLdb

        conn = MySQLdb.connect(
            host="127.0.0.1", port=3306, user="root", passwd="", db=BENCH_DB, charset="utf8mb4"
        )
        conn.autocommit(True)
        return conn

    @property
    def param(self) -> str:
        return "?" if self.vendor == "sqlite" else "%s"

    def execute(self, sql: str, params: tuple = ()) -> int:
        """Run one statement on a fresh connection; return its row count."""
        conn = self.connect()
        try:
            cursor = conn.cursor()
            cursor.execute(sql.replace("%s", self.param), params)
            return cursor.rowcount
        finally:
            conn.close()

    def scalar(self, sql: str, params: tuple = ()):
        conn = self.connect()
        try:
            cursor = conn.cursor()
            cursor.execute(sql.replace("%s", self.param), params)
            return cursor.fetchone()[0]
        finally:
            conn.close()

    def value(self, moment: dt.datetime):
        """``moment`` (aware, UTC) as this database's driver stores it for Django."""
        if self.vendor == "sqlite":
            return moment.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
        if self.vendor == "mariadb":
            return moment.replace(tzinfo=None)
        return moment

    def slot_value(self, slot: dt.time | None):
        if slot is None or self.vendor != "sqlite":
            return slot
        return str(slot)

    def insert(self, rows: Iterator[tuple]) -> None:
        """Bulk-insert log rows (``COLUMNS`` order), fast: indexes rebuilt once after."""
        columns = ", ".join(COLUMNS)
        conn = self.connect()
        try:
            cursor = conn.cursor()
            if self.vendor == "postgres":
                indexes = self._drop_indexes(cursor)
                with cursor.copy(f"COPY {LOG_TABLE} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                for sql in indexes:
                    cursor.execute(sql)
                conn.commit()
                # The state a long-lived table is in: vacuumed, analysed, written out.
                # Otherwise autovacuum and the checkpointer work on the fresh
                # rows during the timed runs, on the same cores.
                conn.autocommit = True
                cursor.execute(f"VACUUM (ANALYZE) {LOG_TABLE}")
                cursor.execute("CHECKPOINT")
                return
            marks = ", ".join([self.param] * len(COLUMNS))
            sql = f"INSERT INTO {LOG_TABLE} ({columns}) VALUES ({marks})"
            if self.vendor == "sqlite":
                indexes = self._drop_indexes(cursor)
                cursor.execute("BEGIN")
                cursor.executemany(sql, rows)
                cursor.execute("COMMIT")
                for statement in indexes:
                    cursor.execute(statement)
                return
            chunk: list[tuple] = []
            for row in rows:
                chunk.append(row)
                if len(chunk) == 5000:
                    cursor.executemany(sql, chunk)
                    chunk = []
            if chunk:
                cursor.executemany(sql, chunk)
            cursor.execute(f"ANALYZE TABLE {LOG_TABLE}")
            cursor.fetchall()
        finally:
            conn.close()

    def _drop_indexes(self, cursor) -> list[str]:
        """Drop the log table's secondary indexes; return the statements that rebuild them."""
        if self.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                "AND sql IS NOT NULL",
                (LOG_TABLE,),
            )
        else:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                "AND indexdef NOT LIKE %s",
                (LOG_TABLE, "CREATE UNIQUE INDEX%"),
            )
        found = cursor.fetchall()
        for name, _ in found:
            cursor.execute(f'DROP INDEX "{name}"')
        return [sql for _, sql in found]


@dataclass
class Site:
    """The generated project: settings, jobs and the floor command, in ``directory``."""

    directory: Path
    database: Database
    lock: str
    n_jobs: int

    @property
    def settings_module(self) -> str:
        return f"settings_{self.database.vendor}_{self.n_jobs}"

    def write(self) -> None:
        app = self.directory / "benchsite"
        commands = app / "management" / "commands"
        commands.mkdir(parents=True, exist_ok=True)
        for package in (app, app / "management", commands):
            (package / "__init__.py").touch()
        (commands / "bench_floor.py").write_text(FLOOR_COMMAND)
        jobs = self.directory / f"jobs_{self.n_jobs}.py"
        if not jobs.exists():
            jobs.write_text(job_module(self.n_jobs))
        classes = ", ".join(f'"jobs_{self.n_jobs}.Job{i:04d}"' for i in range(self.n_jobs))
        settings = SETTINGS.format(
            database=self.database.django(),
            lock=LOCKS[self.lock],
            lockdir=str(self.directory / "locks"),
            classes=classes,
        )
        (self.directory / f"{self.settings_module}.py").write_text(settings)

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["DJANGO_SETTINGS_MODULE"] = self.settings_module
        env["PYTHONPATH"] = os.pathsep.join([str(self.directory), str(ROOT)])
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        return env

    def manage(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "django", *args]

    def run(self, *args: str) -> None:
        """Run ``django-admin ARGS``; raise with its output when it fails."""
        done = subprocess.run(
            self.manage(*args), env=self.env(), cwd=self.directory, capture_output=True, text=True
        )
        if done.returncode:
            raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")

    def timed(self, *args: str) -> tuple[float, int]:
        """Wall time (s) and peak memory (KiB) of one unobserved ``django-admin ARGS``."""
        with tempfile.TemporaryFile() as errors:
            start = time.perf_counter()
            proc = subprocess.Popen(
                self.manage(*args),
                env=self.env(),
                cwd=self.directory,
                stdout=subprocess.DEVNULL,
                stderr=errors,
            )
            _, status, usage = os.wait4(proc.pid, 0)
            elapsed = time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(status)
            if proc.returncode:
                errors.seek(0)
                raise RuntimeError(f"{' '.join(args)} exited {proc.returncode}:\n{errors.read()}")
        return elapsed, usage.ru_maxrss

    def probe(self, *args: str) -> dict:
        """Run ``django-admin ARGS`` under ``probe.py``; return what it recorded."""
        out = self.directory / "probe.json"
        done = subprocess.run(
            [sys.executable, str(PROBE), str(out), *args],
            env=self.env(),
            cwd=self.directory,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise RuntimeError(f"probe {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return json.loads(out.read_text())

    def profile(self, label: str, *args: str) -> Path:
        """Run ``django-admin ARGS`` under cProfile; return the stats file."""
        out = self.directory / f"{label}.prof"
        subprocess.run(
            [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "django", *args],
            env=self.env(),
            cwd=self.directory,
            stdout=subprocess.DEVNULL,
            check=True,
        )
        return out


# -- the log ----------------------------------------------------------------------


def history_rows(db: Database, n_jobs: int, n_rows: int, end: dt.datetime) -> Iterator[tuple]:
    """``n_rows`` past runs of the ``n_jobs`` jobs over the year before ``end``.

    About 9 in 10 succeed; failures carry a traceback; jobs with a slot have
    about half of their runs on it, at the start of days before ``end``'s.
    """
    rng = random.Random(n_jobs * 1_000_003 + n_rows)
    span = 365 * 86400
    today = end.replace(hour=0, minute=0, second=0, microsecond=0)
    for _ in range(n_rows):
        job = rng.randrange(n_jobs)
        start = end - dt.timedelta(seconds=rng.random() * span)
        slot = None
        if job % SLOT_EVERY == 0 and rng.random() < 0.5:
            day = min(start.replace(hour=0, minute=0, second=0, microsecond=0), today)
            if day == today:
                day -= dt.timedelta(days=1)
            start = day + dt.timedelta(seconds=rng.random() * 5)
            slot = SLOT
        ok = rng.random() < 0.9
        yield (
            code_of(job),
            db.value(start),
            db.value(start + dt.timedelta(seconds=0.05 + rng.random() * 30)),
            ok,
            "" if ok else TRACEBACK,
            db.slot_value(slot),
            f"web-{rng.randrange(3) + 1}",
            rng.randrange(1000, 60000),
            False,
        )


def recent_rows(db: Database, n_jobs: int, now: dt.datetime) -> Iterator[tuple]:
    """For each job, the successes that make it not due at ``now`` (idle tick)."""
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    for job in range(n_jobs):
        if job % SLOT_EVERY == 0:
            start = midnight + dt.timedelta(seconds=1)
            yield (code_of(job), db.value(start), db.value(start), True, "", db.slot_value(SLOT),
                   "web-1", 4242, False)  # fmt: skip
        start = now - dt.timedelta(minutes=1)
        end = start + dt.timedelta(seconds=1)
        yield (code_of(job), db.value(start), db.value(end), True, "", None, "web-1", 4242, False)


# -- measuring --------------------------------------------------------------------


WRITE = re.compile(r"^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+[`\"]?(\w+)", re.I)


def classify(statements: list[dict]) -> dict:
    """Counts of statements: all, writes to the log, statements on the lock table."""
    log_writes = sum(
        1 for s in statements if (m := WRITE.match(s["sql"])) and m.group(2) == LOG_TABLE
    )
    lock = sum(1 for s in statements if LOCK_TABLE in s["sql"])
    return {"all": len(statements), "log_writes": log_writes, "lock_statements": lock}


def alternate(site: Site, first: tuple[str, ...], second: tuple[str, ...], pairs: int, before=None):
    """Run ``first`` and ``second`` in alternating order ``pairs`` times; their samples."""
    a: list[tuple[float, int]] = []
    b: list[tuple[float, int]] = []
    for i in range(pairs):
        if before:
            before()
        order = [(first, a), (second, b)]
        if i % 2:
            order.reverse()
        for args, samples in order:
            samples.append(site.timed(*args))
    return a, b


def median_ms(samples: list[tuple[float, int]]) -> float:
    return statistics.median(s for s, _ in samples) * 1000


@dataclass
class Result:
    vendor: str
    jobs: int
    rows: int
    idle: dict = field(default_factory=dict)
    busy: dict = field(default_factory=dict)
    retention: dict = field(default_factory=dict)


def measure(site: Site, rows: int, args: argparse.Namespace) -> Result:
    db, n = site.database, site.n_jobs
    result = Result(db.vendor, n, rows)
    db.execute(f"DELETE FROM {LOG_TABLE}")
    base_end = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=2)
    started = time.perf_counter()
    db.insert(history_rows(db, n, rows, base_end))
    load_s = time.perf_counter() - started
    print(f"  loaded {rows} rows in {load_s:.1f} s", flush=True)
    boundary = db.value(base_end)

    def busy_state() -> None:
        db.execute(f"DELETE FROM {LOG_TABLE} WHERE start_time > %s", (boundary,))

    if "ticks" in args.parts:
        measure_ticks(site, result, busy_state, boundary, args)
    if "retention" in args.parts and rows:
        busy_state()
        measure_retention(site, result, args)
    return result


def measure_ticks(site: Site, result: Result, busy_state, boundary, args) -> None:
    """Fill ``result.busy`` and ``result.idle``."""
    db, n = site.database, site.n_jobs
    # Busy tick. The first timed run also creates the lock rows; the probe,
    # last, counts a steady one.
    busy, floor = alternate(
        site, ("runcrons",), ("bench_floor",), args.busy_runs, before=busy_state
    )
    busy_state()
    probe = site.probe("runcrons")
    counts = classify(probe["statements"])
    ran = db.scalar(f"SELECT COUNT(*) FROM {LOG_TABLE} WHERE start_time > %s", (boundary,))
    result.busy = {
        "ran": ran,
        "statements": counts["all"],
        "log_writes_per_job": counts["log_writes"] / n,
        "lock_calls_per_job": sum(probe["lock_calls"].values()) / n,
        "lock_statements_per_job": counts["lock_statements"] / n,
        "busy_ms": median_ms(busy),
        "floor_ms": median_ms(floor),
    }
    if args.profile:
        busy_state()
        label = f"busy_{db.vendor}_{n}_{result.rows}"
        result.busy["profile"] = str(site.profile(label, "runcrons"))

    # Idle tick: every job succeeded a minute ago (and ran its slot today).
    busy_state()
    db.insert(recent_rows(db, n, dt.datetime.now(dt.timezone.utc)))
    probe = site.probe("runcrons")
    idle, floor = alternate(site, ("runcrons",), ("bench_floor",), args.pairs)
    result.idle = {
        "statements": len(probe["statements"]),
        "lock_calls": sum(probe["lock_calls"].values()),
        "sql": [s["sql"][:60] for s in probe["statements"]],
        "history_ms": max((s["seconds"] for s in probe["statements"]), default=0) * 1000,
        "idle_ms": median_ms(idle),
        "floor_ms": median_ms(floor),
        "idle_mib": statistics.median(k for _, k in idle) / 1024,
        "floor_mib": statistics.median(k for _, k in floor) / 1024,
    }
    result.idle["ratio"] = result.idle["idle_ms"] / result.idle["floor_ms"]
    # The spread of the ratio within pairs: how steady the machine was.
    quartiles = statistics.quantiles(
        [a / b for (a, _), (b, _) in zip(idle, floor, strict=True)], n=4
    )
    result.idle["pair_ratio_q1"], result.idle["pair_ratio_q3"] = quartiles[0], quartiles[2]
    result.busy["per_job_ms"] = (result.busy["busy_ms"] - result.idle["idle_ms"]) / n
    if args.profile:
        label = f"idle_{db.vendor}_{n}_{result.rows}"
        result.idle["profile"] = str(site.profile(label, "runcrons"))


def measure_retention(site: Site, result: Result, args) -> None:
    """Fill ``result.retention``: ``prune_cron_logs`` over the loaded history."""
    db = site.database
    before = db.scalar(f"SELECT COUNT(*) FROM {LOG_TABLE}")
    started = time.perf_counter()
    probe = site.probe(
        "prune_cron_logs",
        "--days",
        str(args.retention_days),
        "--batch-size",
        str(args.batch_size),
    )
    wall = time.perf_counter() - started
    after = db.scalar(f"SELECT COUNT(*) FROM {LOG_TABLE}")
    statements = probe["statements"]
    deletes = [s for s in statements if WRITE.match(s["sql"])]
    in_statements = sum(s["seconds"] for s in statements)
    result.retention = {
        "deleted": before - after,
        "statements": len(statements),
        "deletes": len(deletes),
        "wall_s": wall,
        "statements_s": in_statements,
        "rows_per_s": (before - after) / in_statements if in_statements else 0.0,
        "longest_ms": max((s["seconds"] for s in statements), default=0) * 1000,
        "longest_sql": max(statements, key=lambda s: s["seconds"])["sql"][:50]
        if statements
        else "",
    }


# -- output -----------------------------------------------------------------------


def table(title: str, header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    rule = "  ".join("=" * w for w in widths)

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join([title, "", rule, line(header), rule, *map(line, rows), rule, ""])


def report(results: list[Result], args: argparse.Namespace) -> str:
    out = []
    ticks = [r for r in results if r.idle]
    idle = [
        [
            r.vendor,
            str(r.jobs),
            f"{r.rows:,}",
            str(r.idle["statements"]),
            str(r.idle["lock_calls"]),
            f"{r.idle['history_ms']:.1f}",
            f"{r.idle['idle_ms']:.0f}",
            f"{r.idle['floor_ms']:.0f}",
            f"{r.idle['ratio']:.3f}",
            f"{r.idle['pair_ratio_q1']:.2f}-{r.idle['pair_ratio_q3']:.2f}",
            f"{r.idle['idle_mib']:.1f}",
        ]
        for r in ticks
    ]
    busy = [
        [
            r.vendor,
            str(r.jobs),
            f"{r.rows:,}",
            str(r.busy["ran"]),
            f"{r.busy['log_writes_per_job']:.2f}",
            f"{r.busy['lock_calls_per_job']:.2f}",
            f"{r.busy['lock_statements_per_job']:.2f}",
            f"{r.busy['busy_ms']:.0f}",
            f"{r.busy['floor_ms']:.0f}",
            f"{r.busy['per_job_ms']:.2f}",
        ]
        for r in ticks
    ]
    if ticks:
        out += [
            table(
                f"Idle tick (nothing due): median of {args.pairs} alternating pairs",
                [
                    "db",
                    "jobs",
                    "log rows",
                    "queries",
                    "locks",
                    "query ms",
                    "runcrons ms",
                    "floor ms",
                    "ratio",
                    "pairs q1-q3",
                    "peak MiB",
                ],  # fmt: skip
                idle,
            ),
            table(
                f"Busy tick (every job due, do() does nothing): median of {args.busy_runs} runs; "
                f"lock {args.lock}",
                [
                    "db",
                    "jobs",
                    "log rows",
                    "ran",
                    "log writes/job",
                    "lock calls/job",
                    "lock stmts/job",
                    "runcrons ms",
                    "floor ms",
                    "ms/job",
                ],  # fmt: skip
                busy,
            ),
        ]
    kept = [r for r in results if r.retention]
    if kept:
        out.append(
            table(
                f"Retention: prune_cron_logs --days {args.retention_days} "
                f"--batch-size {args.batch_size}",
                [
                    "db",
                    "jobs",
                    "log rows",
                    "deleted",
                    "statements",
                    "rows/s",
                    "longest stmt ms",
                    "process s",
                ],  # fmt: skip
                [
                    [
                        r.vendor,
                        str(r.jobs),
                        f"{r.rows:,}",
                        f"{r.retention['deleted']:,}",
                        str(r.retention["statements"]),
                        f"{r.retention['rows_per_s']:,.0f}",
                        f"{r.retention['longest_ms']:.1f}",
                        f"{r.retention['wall_s']:.1f}",
                    ]
                    for r in kept
                ],
            )
        )
    return "\n".join(out)


def print_profiles(results: list[Result], limit: int) -> None:
    import pstats

    for r in results:
        for part in (r.idle, r.busy):
            if "profile" in part:
                print(f"--- {part['profile']}")
                stats = pstats.Stats(part["profile"])
                stats.sort_stats("cumulative").print_stats(limit)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--db",
        default="sqlite,postgres",
        help="Comma-separated: sqlite, postgres (127.0.0.1:5432), mariadb (127.0.0.1:3306). "
        "Default: SQLite, and PostgreSQL when it answers.",
    )
    parser.add_argument("--jobs", type=int_list, default=None, help="Job counts (1,100,1000).")
    parser.add_argument("--rows", type=int_list, default=None, help="Log sizes (0,1000000).")
    parser.add_argument(
        "--quick", action="store_true", help="1 and 100 jobs over 0 and 100,000 rows, 7 pairs."
    )
    parser.add_argument("--pairs", type=int, default=None, help="Idle/floor pairs (21).")
    parser.add_argument("--busy-runs", type=int, default=3, help="Busy/floor pairs (3).")
    parser.add_argument(
        "--lock", choices=sorted(LOCKS), default="database", help="Lock backend (database)."
    )
    parser.add_argument(
        "--retention-days",
        type=float,
        default=180,
        help="prune_cron_logs --days over the loaded history, a year long (180).",
    )
    parser.add_argument("--batch-size", type=int, default=1000, help="Retention batch (1000).")
    parser.add_argument(
        "--profile", action="store_true", help="Also profile one idle and one busy tick."
    )
    parser.add_argument(
        "--parts",
        default="ticks,retention",
        help="What to measure: ticks (idle and busy), retention, or both (the default).",
    )
    parser.add_argument("--workdir", help="Where to build the site (a temporary directory).")
    parser.add_argument(
        "--keep",
        action="store_true",
        help=f"Keep the site directory and the scratch database {BENCH_DB}.",
    )
    parser.add_argument("--json", help="Also write the raw results to this file.")
    args = parser.parse_args(argv)
    args.jobs = args.jobs or ([1, 100] if args.quick else [1, 100, 1000])
    args.rows = (
        args.rows if args.rows is not None else ([0, 100_000] if args.quick else [0, 1_000_000])
    )
    args.pairs = args.pairs or (7 if args.quick else 21)
    args.parts = {p.strip() for p in args.parts.split(",") if p.strip()}
    if not args.parts or args.parts - {"ticks", "retention"}:
        parser.error("--parts: a comma-separated list of ticks, retention")
    args.vendors = [v.strip() for v in args.db.split(",") if v.strip()]
    for vendor in args.vendors:
        if vendor not in ("sqlite", "postgres", "mariadb"):
            parser.error(f"--db: unknown database {vendor!r} (sqlite, postgres, mariadb)")
    return args


def machine() -> str:
    """What the figures were measured on, and how busy it was when we started."""
    import django

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"Python {sys.version.split()[0]}, Django {django.get_version()}, "
        f"{os.cpu_count()} cores, load average {load} (timings want it near 0)"
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    ports = {"postgres": 5432, "mariadb": 3306}
    directory = Path(args.workdir or tempfile.mkdtemp(prefix="django_cron_bench_"))
    directory.mkdir(parents=True, exist_ok=True)
    results: list[Result] = []
    print(machine(), flush=True)
    try:
        for vendor in args.vendors:
            if vendor in ports and not answers(ports[vendor]):
                print(f"{vendor}: nothing answers on 127.0.0.1:{ports[vendor]}; skipped")
                continue
            db = Database(vendor, directory / "bench.sqlite3" if vendor == "sqlite" else None)
            db.create()
            try:
                migrated = False
                for n in args.jobs:
                    site = Site(directory, db, args.lock, n)
                    site.write()
                    if not migrated:
                        site.run("migrate", "--verbosity", "0")
                        migrated = True
                    db.execute(f"DELETE FROM {LOCK_TABLE}")
                    for rows in args.rows:
                        print(f"{vendor}: {n} jobs, {rows:,} log rows", flush=True)
                        results.append(measure(site, rows, args))
            finally:
                if not args.keep:
                    db.drop()
    finally:
        if not args.keep:
            shutil.rmtree(directory, ignore_errors=True)
        else:
            print(f"site kept in {directory}")
    print()
    print(report(results, args))
    if args.profile and args.keep:
        print_profiles(results, 25)
    if args.json:
        Path(args.json).write_text(json.dumps([r.__dict__ for r in results], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
