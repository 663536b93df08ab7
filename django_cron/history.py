"""Reading the run history the scheduler needs, for every job in one query.

Each job needs at most a handful of rows: its latest run, its latest
successful interval run, and the latest success of each ``run_at_times``
slot. Each is a scalar subquery that walks one index to one row, and all of
them go in a single ``SELECT ... WHERE id IN (...)``, so a tick costs one
query whatever the number of jobs and the size of the log.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import NamedTuple

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
    sql, params = _history_sql(model, connection, jobs, now)

    by_code: dict[str, list] = {}
    for row in _fetch_rows(model, connection, sql, params):
        by_code.setdefault(row.code, []).append(row)
    for code, code_rows in by_code.items():
        if code in histories:
            histories[code] = history_from_rows(code_rows)
    return histories


class _Row(NamedTuple):
    pk: int
    code: str
    start_time: dt.datetime
    end_time: dt.datetime | None
    is_success: bool
    ran_at_time: dt.time | None


def _fetch_rows(model, connection, sql: str, params: list) -> list[_Row]:
    """Run the history statement; rows as plain tuples with Django's value conversions.

    Plain tuples rather than model instances: at thousands of jobs, building
    instances was a measurable part of an idle tick.
    """
    fields = [model._meta.pk] + [model._meta.get_field(name) for name in _Row._fields[1:]]
    converters = []
    for index, field in enumerate(fields):
        column = field.get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        if found:
            converters.append((index, found, column))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        raw_rows = cursor.fetchall()
    rows = []
    for raw in raw_rows:
        values = list(raw)
        for index, found, column in converters:
            for converter in found:
                values[index] = converter(values[index], column, connection)
        rows.append(_Row(*values))
    return rows


def _history_sql(model, connection, jobs, now) -> tuple[str, list]:
    """The one statement that picks every job's history rows, and its parameters.

    The job codes (and their slots) travel as a ``VALUES`` list; each kind of
    row is a correlated subquery that walks one index to one row per code.
    Written once per kind rather than once per job, the statement stays short,
    and quick to plan, for thousands of jobs.
    """
    qn = connection.ops.quote_name
    opts = model._meta
    table = qn(opts.db_table)
    col = {f.name: qn(f.column) for f in opts.concrete_fields}
    pk = qn(opts.pk.column)

    until, until_params = "", []
    if now is not None:
        until = f" AND l.{col['start_time']} <= %s"
        until_params = [connection.ops.adapt_datetimefield_value(now)]

    def pick(source: str, condition: str) -> str:
        return (
            f"SELECT (SELECT l.{pk} FROM {table} l WHERE l.{col['code']} = {source}.code"
            f"{condition} ORDER BY l.{col['start_time']} DESC LIMIT 1) AS picked FROM {source}"
        )

    success = f" AND l.{col['is_success']} = %s"
    codes = [code for code, _ in jobs]
    slots = [(code, slot) for code, code_slots in jobs for slot in code_slots]

    ctes = [f"dc_jobs(code) AS (VALUES {', '.join(['(%s)'] * len(codes))})"]
    params: list[object] = list(codes)
    picks = [
        pick("dc_jobs", until),
        pick("dc_jobs", f"{success} AND l.{col['ran_at_time']} IS NULL{until}"),
    ]
    pick_params: list[object] = [*until_params, True, *until_params]
    if slots:
        ctes.append(f"dc_slots(code, slot) AS (VALUES {', '.join(['(%s, %s)'] * len(slots))})")
        for code, slot in slots:
            params += [code, connection.ops.adapt_timefield_value(slot)]
        picks.append(pick("dc_slots", f"{success} AND l.{col['ran_at_time']} = dc_slots.slot"))
        pick_params.append(True)

    fields = ", ".join(
        f"r.{col[name]}" for name in ("code", "start_time", "end_time", "is_success", "ran_at_time")
    )
    sql = (
        f"WITH {', '.join(ctes)} "
        f"SELECT r.{pk}, {fields} FROM {table} r "
        f"INNER JOIN ({' UNION '.join(picks)}) p ON r.{pk} = p.picked"
    )
    return sql, params + pick_params


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
