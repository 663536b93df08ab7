"""Reading the run history the scheduler needs, for every job in one query.

Each job needs at most a handful of rows: its latest run, its latest
successful interval run, and the latest success of each ``run_at_times``
slot. Each kind is one correlated subquery that walks an index to one row per
job, and all of them go in a single statement (see ``_history_sql``), so a
tick costs one query whatever the number of jobs and the size of the log.
"""

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from operator import attrgetter
from typing import Any, NamedTuple

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
            histories[code] = history_from_rows(code_rows, now)
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
    converters = _column_converters(model, connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and connection.timezone is not None:
            _load_timestamps_natively(cursor.cursor)
        cursor.execute(sql, params)
        raw_rows = cursor.fetchall()
    if not converters or not raw_rows:
        return [_Row._make(raw) for raw in raw_rows]
    # Column by column: one map() per column that needs it, no per-row loop.
    columns = list(zip(*raw_rows, strict=True))
    for index, convert in converters:
        columns[index] = list(map(convert, columns[index]))
    return list(map(_Row._make, zip(*columns, strict=True)))


def _load_timestamps_natively(cursor) -> None:
    """On psycopg 3, read ``timestamptz`` with psycopg's own loader, on this cursor only.

    Django registers a loader written in Python that puts every datetime in
    the connection's zone object; for the 2,000-odd datetimes of a 1,000-job
    history it took 8 ms of a 9 ms read. psycopg's loader gives the same
    instants (in the session's zone, which Django sets), and the history only
    compares and formats them. Only with ``USE_TZ``: without it Django's loader
    makes naive local times, which must stay. psycopg 2 has no per-cursor
    loaders: nothing to do there.
    """
    adapters = getattr(cursor, "adapters", None)
    if adapters is None:
        return
    try:
        from psycopg.types.datetime import TimestamptzLoader
    except ImportError:
        return
    adapters.register_loader("timestamptz", TimestamptzLoader)


def _column_converters(model, connection) -> list[tuple[int, Callable[[Any], Any]]]:
    """``(column index, function)`` for each ``_Row`` column whose value needs converting.

    Each function applies Django's converters for the field. One exception, for
    speed: on SQLite, parsing datetimes with Django's converters (the driver's
    for the column type, then Django's generic one: settings lookup, awareness
    checks, ``make_aware``) was the larger part of reading 1,000 jobs' rows.
    The statement reads them as the ISO 8601 text Django stored (``_read_as``)
    and ``_sqlite_datetime`` parses that in C, in the connection's zone, as
    Django would. Anything it cannot read goes through Django's converter.
    """
    opts = model._meta
    fields = [opts.pk] + [opts.get_field(name) for name in _Row._fields[1:]]
    result: list[tuple[int, Callable[[Any], Any]]] = []
    for index, field in enumerate(fields):
        column = field.get_col(opts.db_table)
        found = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        if not found:
            continue
        convert = partial(_apply_converters, found, column, connection)
        if connection.vendor == "sqlite" and found == [connection.ops.convert_datetimefield_value]:
            convert = partial(_sqlite_datetime, convert, connection.timezone)
        result.append((index, convert))
    return result


def _apply_converters(converters: list, column, connection, value: Any) -> Any:
    for converter in converters:
        value = converter(value, column, connection)
    return value


def _sqlite_datetime(
    fallback: Callable[[Any], Any], tz: dt.tzinfo | None, value: Any
) -> dt.datetime | None:
    """A datetime read from SQLite, as Django's converter would return it."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            if tz is dt.timezone.utc:
                # Django stores naive UTC text; with the offset appended one C
                # call gives the aware value (``replace(tzinfo=...)`` costs more).
                return dt.datetime.fromisoformat(value + "+00:00")
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return fallback(value)
    elif not isinstance(value, dt.datetime):
        return fallback(value)
    if tz is not None and value.tzinfo is None:
        # The stored time is in the connection's zone (UTC unless set otherwise).
        value = value.replace(tzinfo=tz)
    return value


def _history_sql(model, connection, jobs, now) -> tuple[str, list]:
    """The one statement that picks every job's history rows, and its parameters.

    The job codes (and their slots) travel as one list (see ``_list_source``);
    each kind of row is a correlated subquery that walks one index to one row
    per code. Written once per kind rather than once per job, the statement
    stays short, and quick to plan, for thousands of jobs.

    The latest interval success is only looked for where the latest run is not
    one: on a quiet tick almost every job's last run is its last success, so
    that probe is skipped for nearly all of them.
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

    def probe(code: str, condition: str) -> str:
        return (
            f"(SELECT l.{pk} FROM {table} l WHERE l.{col['code']} = {code}{condition} "
            f"ORDER BY l.{col['start_time']} DESC LIMIT 1)"
        )

    success = f" AND l.{col['is_success']} = %s"
    interval_success = f"{success} AND l.{col['ran_at_time']} IS NULL{until}"
    codes = [code for code, _ in jobs]
    slots = [(code, slot) for code, code_slots in jobs for slot in code_slots]

    jobs_source, params = _list_source(connection, [("code", "text")], [(code,) for code in codes])
    ctes = [f"dc_jobs(code) AS ({jobs_source})"]
    if slots:
        slot_columns = [("code", "text"), ("slot", "time")]
        slots_source, slot_params = _list_source(connection, slot_columns, slots)
        ctes.append(f"dc_slots(code, slot) AS ({slots_source})")
        params += slot_params
    ctes.append(f"dc_last(picked) AS (SELECT {probe('dc_jobs.code', until)} FROM dc_jobs)")
    params += until_params

    picks = [
        "SELECT picked FROM dc_last",
        f"SELECT {probe('x.' + col['code'], interval_success)} FROM {table} x "
        f"INNER JOIN dc_last ON x.{pk} = dc_last.picked "
        f"WHERE NOT (x.{col['is_success']} = %s AND x.{col['ran_at_time']} IS NULL)",
    ]
    params += [True, *until_params, True]
    if slots:
        slot_success = f"{success} AND l.{col['ran_at_time']} = dc_slots.slot"
        picks.append(f"SELECT {probe('dc_slots.code', slot_success)} FROM dc_slots")
        params.append(True)
    fields = ", ".join(
        _read_as(connection, opts.get_field(name), f"r.{col[name]}")
        for name in ("code", "start_time", "end_time", "is_success", "ran_at_time")
    )
    sql = (
        f"WITH {', '.join(ctes)} "
        f"SELECT r.{pk}, {fields} FROM {table} r "
        f"INNER JOIN ({' UNION '.join(picks)}) p ON r.{pk} = p.picked"
    )
    return sql, params


def _read_as(connection, field, column: str) -> str:
    """How the statement selects ``column``.

    On SQLite, datetimes are read as the text they are stored as: the driver
    would otherwise parse each one in Python (Django's converter for the
    ``datetime`` column type) before ``_sqlite_datetime`` parses it in C anyway.
    """
    if connection.vendor == "sqlite" and field.get_internal_type() == "DateTimeField":
        return f"CAST({column} AS TEXT)"
    return column


def _list_source(
    connection, columns: Sequence[tuple[str, str]], rows: Sequence[tuple]
) -> tuple[str, list]:
    """A ``SELECT`` of ``rows`` as a table of ``columns`` (``(name, "text" or "time")``).

    Sent as one JSON parameter where the database reads JSON (PostgreSQL;
    SQLite 3.38+, where it is built in), else as a ``VALUES`` list with a
    parameter per value. Thousands of parameters are slower to send and to
    parse than one, and the driver quotes each in Python.
    """
    if connection.vendor == "postgresql":
        if len(columns) == 1:
            select = "SELECT value FROM json_array_elements_text(%s::json)"
        else:
            select = "SELECT " + ", ".join(
                f"(value->>{i})::{sql_type}" for i, (_, sql_type) in enumerate(columns)
            )
            select += " FROM json_array_elements(%s::json)"
    elif connection.vendor == "sqlite" and connection.Database.sqlite_version_info >= (3, 38):
        if len(columns) == 1:
            select = "SELECT value FROM json_each(%s)"
        else:
            select = "SELECT " + ", ".join(
                f"json_extract(value, '$[{i}]')" for i in range(len(columns))
            )
            select += " FROM json_each(%s)"
    else:
        placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
        params = [
            connection.ops.adapt_timefield_value(value) if isinstance(value, dt.time) else value
            for row in rows
            for value in row
        ]
        return f"VALUES {', '.join([placeholders] * len(rows))}", params
    # Times as Django stores them on SQLite ('06:30:00'); PostgreSQL casts the text.
    values = [[str(value) for value in row] for row in rows]
    return select, [json.dumps([row[0] for row in values] if len(columns) == 1 else values)]


def history_from_rows(rows: Iterable, now: dt.datetime | None = None) -> JobHistory:
    """Build a ``JobHistory`` from ``CronJobLog`` rows of one job (any superset works).

    With ``now``, rows started after it (a clock set back) count only as slot
    successes, never as the last run or the last interval success, as in
    ``load_histories``.
    """
    last_run: RunRecord | None = None
    last_success: RunRecord | None = None
    slots: dict[dt.time, RunRecord] = {}
    rows = list(rows)
    if len(rows) > 1:
        rows.sort(key=_ROW_ORDER)
    for row in rows:
        record = RunRecord(row.start_time, row.end_time, row.is_success, row.ran_at_time)
        if row.ran_at_time is not None and row.is_success:
            slots[row.ran_at_time.replace(second=0, microsecond=0)] = record
        if now is not None and row.start_time > now:
            continue
        last_run = record
        if row.is_success and row.ran_at_time is None:
            last_success = record
    return JobHistory(last_run=last_run, last_success=last_success, slot_successes=slots)


_ROW_ORDER = attrgetter("start_time", "pk")
