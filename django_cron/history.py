"""Reading the run history the scheduler needs, for every job in one query.

Each job needs at most a handful of rows: its latest run, its latest
successful interval run, and the latest success of each ``run_at_times``
slot. Each is a scalar subquery that walks one index to one row, and all of
them go in a single ``SELECT ... WHERE id IN (...)``, so a tick costs one
query whatever the number of jobs and the size of the log.
"""

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import connections, router

from django_cron.schedule import JobHistory, RunRecord


def _log_model():
    from django_cron.models import CronJobLog

    return CronJobLog


def load_histories(
    jobs: Iterable[tuple[str, Sequence[dt.time]]],
    *,
    now: dt.datetime | None = None,
) -> dict[str, JobHistory]:
    """Histories of the jobs given as ``(code, run_at_times slots)``, keyed by code.

    A code with no runs maps to an empty ``JobHistory``. With ``now``, the
    latest run and the latest interval success are those started at or before
    ``now``: after the clock is set back, a row dated in the future must not
    stand for the last run (the job would be due at every call until the clock
    caught up). Slot successes are not limited: a slot is done for the day by
    its date, which keeps a slot in a repeated hour (naive local times) from
    running twice.
    """
    jobs = list(jobs)
    histories = {code: JobHistory() for code, _ in jobs}
    if not jobs:
        return histories

    model = _log_model()
    connection = connections[router.db_for_read(model)]
    qn = connection.ops.quote_name
    opts = model._meta
    table = qn(opts.db_table)
    column = {f.name: qn(f.column) for f in opts.concrete_fields}
    pk = qn(opts.pk.column)
    latest = f"ORDER BY {column['start_time']} DESC LIMIT 1"
    select_id = f"SELECT {pk} FROM {table} WHERE {column['code']} = %s"
    until, until_params = "", []
    if now is not None:
        until = f"AND {column['start_time']} <= %s "
        until_params = [connection.ops.adapt_datetimefield_value(now)]

    subqueries: list[str] = []
    params: list[object] = []
    for code, slots in jobs:
        subqueries.append(f"({select_id} {until}{latest})")
        params += [code, *until_params]
        subqueries.append(
            f"({select_id} AND {column['is_success']} = %s "
            f"AND {column['ran_at_time']} IS NULL {until}{latest})"
        )
        params += [code, True, *until_params]
        for slot in slots:
            subqueries.append(
                f"({select_id} AND {column['is_success']} = %s "
                f"AND {column['ran_at_time']} = %s {latest})"
            )
            params += [code, True, connection.ops.adapt_timefield_value(slot)]

    fields = ", ".join(
        column[name] for name in ("code", "start_time", "end_time", "is_success", "ran_at_time")
    )
    sql = f"SELECT {pk}, {fields} FROM {table} WHERE {pk} IN ({', '.join(subqueries)})"
    rows = model.objects.db_manager(connection.alias).raw(sql, params)

    by_code: dict[str, list] = {}
    for row in rows:
        by_code.setdefault(row.code, []).append(row)
    for code, code_rows in by_code.items():
        if code in histories:
            histories[code] = history_from_rows(code_rows)
    return histories


def history_from_rows(rows: Iterable) -> JobHistory:
    """Build a ``JobHistory`` from ``CronJobLog`` rows of one job (any superset works)."""
    last_run: RunRecord | None = None
    last_success: RunRecord | None = None
    slots: dict[dt.time, RunRecord] = {}
    for row in sorted(rows, key=lambda r: (r.start_time, r.pk)):
        record = RunRecord(row.start_time, row.end_time, row.is_success, row.ran_at_time)
        last_run = record
        if not row.is_success:
            continue
        if row.ran_at_time is None:
            last_success = record
        else:
            slots[row.ran_at_time.replace(second=0, microsecond=0)] = record
    return JobHistory(last_run=last_run, last_success=last_success, slot_successes=slots)
