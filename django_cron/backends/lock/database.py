"""Lock jobs with a row of ``CronJobLock`` in the database every host shares.

Acquiring is one conditional ``UPDATE`` (the row is free, or its lease ran
out), which the database applies atomically: of many processes, exactly one
sees its update change the row. Renewal and release only touch the row while
it still carries this instance's token. Times come from each host's clock, so
hosts must keep their clocks within a fraction of the lease of each other.
"""

import datetime as dt

from django.db import DatabaseError, IntegrityError, router, transaction
from django.db.models import Q
from django.utils import timezone

from django_cron.backends.lock.base import DjangoCronJobLock
from django_cron.models import CronJobLock


class DatabaseLock(DjangoCronJobLock):
    """Holds the job's ``CronJobLock`` row (``locked``, ``owner``) while the job runs."""

    def lock(self) -> bool:
        try:
            self._ensure_row()
            now = timezone.now()
            taken = (
                CronJobLock.objects.filter(job_name=self.job_name)
                # A locked row without an expiry was left by django-cron 0.6,
                # whose locks never expired: treat it as stale.
                .filter(Q(locked=False) | Q(expires_at__lt=now) | Q(expires_at__isnull=True))
                .update(
                    locked=True,
                    owner=self.token,
                    locked_at=now,
                    expires_at=now + dt.timedelta(seconds=self.lease),
                )
            )
        except DatabaseError as exc:
            raise self.backend_error("take", exc) from exc
        return taken == 1

    def renew(self) -> bool:
        try:
            return (
                self._own_row().update(expires_at=timezone.now() + dt.timedelta(seconds=self.lease))
                == 1
            )
        except DatabaseError as exc:
            raise self.backend_error("renew", exc) from exc

    def release(self) -> None:
        try:
            self._own_row().update(locked=False, owner="", expires_at=None)
        except DatabaseError as exc:
            raise self.backend_error("release", exc) from exc

    def lock_failed_message(self) -> str:
        try:
            row = CronJobLock.objects.filter(job_name=self.job_name).first()
        except DatabaseError:
            row = None
        if row is None or not row.locked:
            return f"{self.job_name}: lock found. Will try later."
        return (
            f"{self.job_name}: locked by {row.owner or 'an unknown owner'} since "
            f"{row.locked_at}, until {row.expires_at} unless renewed. Will try later."
        )

    def _own_row(self):
        return CronJobLock.objects.filter(job_name=self.job_name, locked=True, owner=self.token)

    def _ensure_row(self) -> None:
        if CronJobLock.objects.filter(job_name=self.job_name).exists():
            return
        try:
            # A savepoint, so that losing the race inside an outer transaction
            # does not break it (PostgreSQL aborts a transaction on an error).
            with transaction.atomic(using=router.db_for_write(CronJobLock)):
                CronJobLock.objects.create(job_name=self.job_name, locked=False)
        except IntegrityError:
            pass  # another process created it first; the UPDATE decides who locks
