"""Deleting old run history without losing what the scheduler needs.

Two entry points: ``prune_logs`` (``DJANGO_CRON_DELETE_LOGS_OLDER_THAN``, run
after each ``runcrons`` and by ``manage.py prune_cron_logs``) and
``remove_older_successes`` (``REMOVE_SUCCESSFUL_CRON_LOGS``, run after a
successful run).

Neither ever deletes a run that has not ended, nor the latest successful run
of a job for each ``run_at_times`` slot and for its interval runs: the
scheduler reads exactly those rows to decide whether a job is due, so losing
them would make a monthly job run again after a weekly purge.

Deletion goes in batches: one ``SELECT`` of at most ``batch_size`` rows,
oldest first, resuming where the last batch ended; for the successes in it
not seen before, one query of single-row index probes for the latest success
of their job and slot; then one ``DELETE ... WHERE id IN (...)`` of the rows
that may go; repeated. Each statement touches a bounded number of rows and
commits on its own (outside an atomic block), so no lock is held on the table
for long, however large it is.
"""

import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from numbers import Real

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.utils import timezone

from django_cron.conf import app_settings
from django_cron.history import load_histories

logger = logging.getLogger("django_cron")

DELETE_LOGS_SETTING = "DJANGO_CRON_DELETE_LOGS_OLDER_THAN"
BATCH_SIZE_SETTING = "DJANGO_CRON_DELETE_BATCH_SIZE"


@dataclass
class PruneResult:
    """What ``prune_logs`` deleted (or, for a dry run, would delete)."""

    deleted: int = 0
    """Rows deleted (or that a dry run would delete)."""
    batches: int = 0
    """``DELETE`` statements run (for a dry run: that would run)."""
    by_code: dict[str, int] = field(default_factory=dict)
    """Rows per job code."""
    cutoff: dt.datetime | None = None
    """Runs that started before this time were candidates; ``None`` when pruning is off."""
    dry_run: bool = False


def _log_model():
    from django_cron.models import CronJobLog

    return CronJobLog


Slot = tuple[str, dt.time | None]
Row = tuple[int, dt.datetime, str, bool, dt.time | None]


def _slot_time(value: dt.time | None) -> dt.time | None:
    # Slots are compared as the scheduler keys them: to the minute.
    return None if value is None else value.replace(second=0, microsecond=0)


class LatestSuccesses:
    """Start times of the latest success of each ``(code, ran_at_time)``, looked up once.

    These are the rows the scheduler reads (``load_histories``): interval runs
    (no ``ran_at_time``) form one slot of their own, and the latest success
    of a job is the latest of its slots. Each lookup is one query of
    single-row index probes, for all the slots of a batch not seen before.
    """

    def __init__(self) -> None:
        self.known: dict[Slot, dt.datetime | None] = {}

    def load(self, slots: set[Slot]) -> None:
        missing: dict[str, set[dt.time]] = {}
        for code, slot in slots - self.known.keys():
            missing.setdefault(code, set())
            if slot is not None:
                missing[code].add(slot)
        if not missing:
            return
        histories = load_histories((code, sorted(times)) for code, times in missing.items())
        for code, times in missing.items():
            history = histories[code]
            self.known[code, None] = history.last_success and history.last_success.start_time
            for slot in times:
                record = history.slot_successes.get(_slot_time(slot))
                self.known[code, slot] = record and record.start_time

    def keeps(self, row: Row) -> bool:
        """Whether ``row`` is the latest success of its job and slot."""
        _, start, code, success, slot = row
        return success and self.known.get((code, slot)) == start


def _walk(queryset: QuerySet, batch_size: int) -> Iterator[list[Row]]:
    """The rows of ``queryset``, oldest first, ``batch_size`` at a time.

    Each batch is its own query that resumes after the last ``(start_time, id)``
    seen, reading the ``start_time`` index from there: it stops after
    ``batch_size`` rows and never reads a kept row twice.
    """
    fields = ("pk", "start_time", "code", "is_success", "ran_at_time")
    last: Row | None = None
    while True:
        page = queryset
        if last is not None:
            page = page.filter(start_time__gte=last[1]).exclude(start_time=last[1], pk__lte=last[0])
        rows = list(page.order_by("start_time", "pk").values_list(*fields)[:batch_size])
        if rows:
            yield rows
        if len(rows) < batch_size:
            return
        last = rows[-1]


def _delete(queryset: QuerySet, batch_size: int, dry_run: bool = False) -> tuple[int, int, Counter]:
    """Delete ``queryset``'s rows, except each slot's latest success, by id in batches.

    Returns (rows deleted, DELETE statements, rows per code). With
    ``dry_run`` the same batches are read and counted, and nothing deleted.
    """
    model = _log_model()
    latest = LatestSuccesses()
    deleted = 0
    batches = 0
    by_code: Counter = Counter()
    for rows in _walk(queryset, batch_size):
        latest.load({(row[2], row[4]) for row in rows if row[3]})
        doomed = [row for row in rows if not latest.keeps(row)]
        if not doomed:
            continue
        if dry_run:
            count = len(doomed)
        else:
            count, _ = model.objects.filter(pk__in=[row[0] for row in doomed]).delete()
        batches += 1
        deleted += count
        # A row may have gone in between (another prune): per code is what was chosen.
        by_code.update(row[2] for row in doomed)
    return deleted, batches, by_code


def _check_days(value: object, source: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or value < 0:
        raise ImproperlyConfigured(
            f"{source} must be a number of days >= 0 (or None to keep every log); got {value!r}"
        )
    return float(value)


def _check_batch_size(value: object, source: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ImproperlyConfigured(f"{source} must be a whole number >= 1; got {value!r}")
    return value


def prune_logs(
    *,
    now: dt.datetime | None = None,
    older_than_days: float | None = None,
    dry_run: bool = False,
    batch_size: int | None = None,
) -> PruneResult:
    """Delete the runs that started more than ``older_than_days`` days before ``now``.

    ``older_than_days`` defaults to ``DJANGO_CRON_DELETE_LOGS_OLDER_THAN``;
    when both are ``None`` nothing is deleted and no query is made. Runs that
    have not ended and the latest success of each job and slot are kept.
    With ``dry_run`` only counts are taken.
    """
    if older_than_days is None:
        older_than_days = app_settings.DELETE_LOGS_OLDER_THAN
        if older_than_days is None:
            return PruneResult(dry_run=dry_run)
        days = _check_days(older_than_days, DELETE_LOGS_SETTING)
    else:
        days = _check_days(older_than_days, "older_than_days")
    if batch_size is None:
        batch_size = _check_batch_size(app_settings.DELETE_BATCH_SIZE, BATCH_SIZE_SETTING)
    else:
        batch_size = _check_batch_size(batch_size, "batch_size")

    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    candidates = _log_model().objects.filter(start_time__lt=cutoff, end_time__isnull=False)
    deleted, batches, by_code = _delete(candidates, batch_size, dry_run)
    if deleted and not dry_run:
        logger.info("Deleted %d cron job log rows older than %s days", deleted, days)
    return PruneResult(
        deleted=deleted,
        batches=batches,
        by_code=dict(sorted(by_code.items())),
        cutoff=cutoff,
        dry_run=dry_run,
    )


def remove_older_successes(code: str, *, batch_size: int | None = None) -> int:
    """Delete the successful runs of job ``code`` but its latest; return how many went.

    "Latest" is per ``run_at_times`` slot (and one for interval runs), since
    the scheduler needs each slot's last success to know the slot has run.
    Failures and unfinished runs are left alone.
    """
    if batch_size is None:
        batch_size = _check_batch_size(app_settings.DELETE_BATCH_SIZE, BATCH_SIZE_SETTING)
    else:
        batch_size = _check_batch_size(batch_size, "batch_size")
    successes = _log_model().objects.filter(code=code, is_success=True)
    deleted, _, _ = _delete(successes, batch_size)
    return deleted
