"""Deleting old run history without losing what the scheduler needs.

Two entry points: ``prune_logs`` (``DJANGO_CRON_DELETE_LOGS_OLDER_THAN``, run
after each ``runcrons`` and by ``manage.py prune_cron_logs``) and
``remove_older_successes`` (``REMOVE_SUCCESSFUL_CRON_LOGS``, run after a
successful run).

Neither ever deletes a run that has not ended, nor the latest successful run
of a job for each ``run_at_times`` slot and for its interval runs: the
scheduler reads exactly those rows to decide whether a job is due, so losing
them would make a monthly job run again after a weekly purge.

Deletion goes in batches: one ``SELECT`` of at most ``batch_size`` ids, then
one ``DELETE ... WHERE id IN (...)`` of those ids, repeated. Each statement
touches a bounded number of rows and commits on its own (outside an atomic
block), so no lock is held on the table for long, however large it is.
"""

import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from numbers import Real

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from django_cron.conf import app_settings

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


def superseded_successes() -> Q:
    """Successful runs that have a later success for the same job and slot.

    The slot is the run's ``ran_at_time``; interval runs (no slot) form one
    slot of their own. Every other success is the latest of its slot, and
    the latest success of its job is among them.
    """
    later = _log_model().objects.filter(
        code=OuterRef("code"), is_success=True, start_time__gt=OuterRef("start_time")
    )
    return Q(is_success=True) & (
        Q(Exists(later.filter(ran_at_time__isnull=True)), ran_at_time__isnull=True)
        | Q(Exists(later.filter(ran_at_time=OuterRef("ran_at_time"))), ran_at_time__isnull=False)
    )


def prunable_logs(cutoff: dt.datetime) -> QuerySet:
    """Runs that ``prune_logs`` may delete: ended, started before ``cutoff``, not needed."""
    return _log_model().objects.filter(
        Q(is_success=False) | superseded_successes(),
        start_time__lt=cutoff,
        end_time__isnull=False,
    )


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


def _batches(queryset: QuerySet, batch_size: int) -> Iterator[list[tuple[int, str]]]:
    """``(id, code)`` pairs of ``queryset`` in id order, ``batch_size`` at a time.

    Each batch is a fresh query that starts after the last id seen, so rows
    kept in one batch are never read again and each query stops after
    ``batch_size`` rows.
    """
    last = None
    while True:
        page = queryset if last is None else queryset.filter(pk__gt=last)
        rows = list(page.order_by("pk").values_list("pk", "code")[:batch_size])
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _delete_in_batches(queryset: QuerySet, batch_size: int) -> tuple[int, int, Counter]:
    """Delete ``queryset``'s rows by id, in batches; return (deleted, batches, per code)."""
    model = _log_model()
    deleted = 0
    batches = 0
    by_code: Counter = Counter()
    for rows in _batches(queryset, batch_size):
        count, _ = model.objects.filter(pk__in=[pk for pk, _ in rows]).delete()
        batches += 1
        deleted += count
        # A row may have gone in between (another prune); per-code figures are what was chosen.
        by_code.update(code for _, code in rows)
    return deleted, batches, by_code


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
    candidates = prunable_logs(cutoff)
    if dry_run:
        by_code = dict(
            candidates.order_by().values_list("code").annotate(n=Count("pk")).order_by("code")
        )
        total = sum(by_code.values())
        return PruneResult(
            deleted=total,
            batches=-(-total // batch_size),
            by_code=by_code,
            cutoff=cutoff,
            dry_run=True,
        )

    deleted, batches, by_code = _delete_in_batches(candidates, batch_size)
    if deleted:
        logger.info("Deleted %d cron job log rows older than %s days", deleted, days)
    return PruneResult(
        deleted=deleted, batches=batches, by_code=dict(sorted(by_code.items())), cutoff=cutoff
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
    queryset = _log_model().objects.filter(superseded_successes(), code=code)
    deleted, _, _ = _delete_in_batches(queryset, batch_size)
    return deleted
