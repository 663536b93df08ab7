"""Run one ``django-admin`` command and record what it did, for ``tick.py``.

    python benchmarks/probe.py OUTPUT.json runcrons --silent

The command runs exactly as ``python -m django`` runs it (argument parsing,
system checks, the command), with two observers added after
``django.setup()``: an ``execute_wrapper`` on every database connection (any
thread) that times each statement, and counters on the configured lock
class's ``lock()``, ``release()`` and ``renew()``. At exit the statements,
the lock calls, the exit status and the peak memory (``ru_maxrss``) are
written to OUTPUT.json.
"""

import atexit
import json
import resource
import sys
import threading
import time
from collections import Counter

import django


def main() -> None:
    output, argv = sys.argv[1], sys.argv[2:]
    statements: list[dict] = []
    lock_calls: Counter = Counter()
    guard = threading.Lock()
    status = {"exit": 0}

    def record(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - start
            with guard:
                statements.append(
                    {
                        "sql": sql,
                        "seconds": elapsed,
                        "many": bool(many),
                        "rows": len(params) if many else 1,
                    }
                )

    def write() -> None:
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        with open(output, "w") as fh:
            json.dump(
                {
                    "statements": statements,
                    "lock_calls": dict(lock_calls),
                    "exit": status["exit"],
                    "maxrss_kib": peak_kib,
                },
                fh,
            )

    atexit.register(write)

    django.setup()

    from django.db import connections
    from django.db.backends.signals import connection_created

    def watch(sender, connection, **kwargs) -> None:
        if record not in connection.execute_wrappers:
            connection.execute_wrappers.append(record)

    connection_created.connect(watch, weak=False)
    for conn in connections.all(initialized_only=True):
        watch(None, conn)

    from django_cron.backends.lock.base import get_lock_class

    lock_class = get_lock_class()
    for name in ("lock", "release", "renew"):
        method = getattr(lock_class, name)

        def counted(self, *args, _method=method, _name=name, **kwargs):
            with guard:
                lock_calls[_name] += 1
            return _method(self, *args, **kwargs)

        setattr(lock_class, name, counted)

    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["django", *argv])
    except SystemExit as exc:
        status["exit"] = exc.code if isinstance(exc.code, int) else 1
        raise


if __name__ == "__main__":
    main()
