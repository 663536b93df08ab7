"""The lock contract every backend fills in, and the choice of backend.

A backend subclasses :class:`DjangoCronJobLock` and implements ``lock()`` and
``release()`` (and ``renew()`` when its locks expire). ``runcrons`` uses it as
a context manager::

    with get_lock_class()(cron_class, silent):
        run the job

Entering acquires the lock (``LockFailedException`` when another process holds
it) and starts a thread that renews the lock's lease while the job runs, so a
crashed holder's lock lapses after one lease while a live holder keeps it for
as long as it runs, up to the lock time.
"""

import logging
import os
import socket
import threading
import time
import uuid
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from django_cron.conf import app_settings

logger = logging.getLogger("django_cron")

HOSTNAME = socket.gethostname()


class LockBackendError(Exception):
    """The lock store itself failed (server down, database locked, no permission).

    The job must not run: without a working lock nothing stops a second run.
    """


class DjangoCronJobLock:
    """Base class of the lock backends: one lock per job class, held by one owner.

    Subclasses implement ``lock()``, ``release()`` and, when their locks expire
    on their own, ``renew()``. The base class sets:

    * ``job_name``: ``"module.ClassName"`` of the job class, the lock's name;
    * ``job_code``: the job's ``code``;
    * ``parallel``: the job's ``ALLOW_PARALLEL_RUNS`` (no lock is taken then);
    * ``silent``: whether ``runcrons`` was asked to be quiet;
    * ``token``: an id unique to this lock instance, naming host and process;
    * ``lease``: seconds the lock outlives its last renewal;
    * ``lock_time``: the longest, in seconds, that one run holds the lock.
    """

    class LockFailedException(Exception):
        """Another process holds the lock: the job is running elsewhere."""

    def __init__(self, cron_class: type, silent: bool, *args: Any, **kwargs: Any) -> None:
        self.job_name = f"{cron_class.__module__}.{cron_class.__name__}"
        self.job_code = getattr(cron_class, "code", "")
        self.parallel = bool(getattr(cron_class, "ALLOW_PARALLEL_RUNS", False))
        self.silent = silent
        self.token = f"{HOSTNAME[:64]}:{os.getpid()}:{uuid.uuid4().hex}"
        self.lock_time = self._lock_time(cron_class)
        lease = app_settings.LOCK_LEASE
        if lease <= 0:
            raise ImproperlyConfigured(
                f"DJANGO_CRON_LOCK_LEASE must be a positive number of seconds, not {lease!r}."
            )
        # A lease longer than the lock time would hold the lock past it.
        self.lease = min(lease, self.lock_time)
        self.acquired_at: float | None = None
        # Set when the job ends: the renewal thread stops.
        self.exiting = threading.Event()
        self._renewer: threading.Thread | None = None

    @staticmethod
    def _lock_time(cron_class: type) -> int:
        value = getattr(cron_class, "DJANGO_CRON_LOCK_TIME", None)
        source = f"{cron_class.__name__}.DJANGO_CRON_LOCK_TIME"
        if value is None:
            value, source = app_settings.LOCK_TIME, "DJANGO_CRON_LOCK_TIME"
        try:
            seconds = int(value)
        except (TypeError, ValueError):
            seconds = 0
        if seconds <= 0:
            raise ImproperlyConfigured(
                f"{source} must be a positive number of seconds, not {value!r}."
            )
        return seconds

    # -- what a backend implements --------------------------------------------

    def lock(self) -> bool:
        """Acquire the lock atomically; False when another owner holds it.

        Raise :class:`LockBackendError` when the lock store fails.
        """
        raise NotImplementedError(f"{type(self).__name__} must define lock()")

    def release(self) -> None:
        """Release the lock if this instance still owns it; never another owner's."""
        raise NotImplementedError(f"{type(self).__name__} must define release()")

    def renew(self) -> bool:
        """Extend the lease by ``lease`` seconds; False when the lock was lost.

        Backends whose locks do not expire (a file lock) need not override it.
        """
        return True

    def lock_time_reached(self) -> None:
        """Called, in the renewal thread, once renewing would hold the lock past ``lock_time``.

        A lease lapses by itself within the lock time; a backend without
        leases releases its lock here when the lock time is up.
        """

    def held_seconds(self) -> float:
        """Seconds since this instance acquired its lock."""
        return time.monotonic() - (self.acquired_at or time.monotonic())

    def lock_failed_message(self) -> str:
        """The message of the ``LockFailedException`` raised when the lock is held."""
        return f"{self.job_name}: lock found. Will try later."

    def backend_error(self, action: str, exc: BaseException) -> LockBackendError:
        """A :class:`LockBackendError` naming this backend, the job and the cause."""
        return LockBackendError(
            f"{type(self).__name__} could not {action} the lock of {self.job_name}: "
            f"{type(exc).__name__}: {exc}"
        )

    # -- the context manager --------------------------------------------------

    def __enter__(self) -> "DjangoCronJobLock":
        if self.parallel:
            return self
        if not self.lock():
            raise self.LockFailedException(self.lock_failed_message())
        self.acquired_at = time.monotonic()
        self._start_renewing()
        return self

    def __exit__(self, exc_type, exc_value, tb) -> None:
        if self.parallel:
            return
        self._stop_renewer()
        try:
            self.release()
        except LockBackendError:
            # The lease ends the lock soon anyway; the job's own outcome stands.
            logger.exception("%s: could not release its lock", self.job_name)

    # -- lease renewal --------------------------------------------------------

    def _start_renewing(self) -> None:
        self.exiting.clear()
        self._renewer = threading.Thread(
            target=self._renew_until_stopped,
            name=f"django_cron lock renewal: {self.job_name}",
            daemon=True,
        )
        self._renewer.start()

    def _stop_renewer(self) -> None:
        self.exiting.set()
        if self._renewer is not None:
            self._renewer.join(timeout=max(self.lease, 5))
            self._renewer = None

    def _renew_until_stopped(self) -> None:
        try:
            while not self.exiting.wait(self.lease / 3):
                if self.held_seconds() + self.lease > self.lock_time:
                    logger.warning(
                        "%s: held its lock for the lock time (%s s); the lock lapses "
                        "within %s s and another run may start",
                        self.job_name,
                        self.lock_time,
                        self.lease,
                    )
                    self.lock_time_reached()
                    return
                try:
                    renewed = self.renew()
                except LockBackendError:
                    logger.exception("%s: could not renew its lock", self.job_name)
                    continue
                if not renewed:
                    logger.error(
                        "%s: lost its lock (its lease ran out); another run may start",
                        self.job_name,
                    )
                    return
        finally:
            self._close_thread_connections()

    @staticmethod
    def _close_thread_connections() -> None:
        """Close the database and cache connections this renewal thread opened."""
        from django.core.cache import caches
        from django.db import connections

        connections.close_all()
        caches.close_all()


_fallback_warned = False


def get_lock_class() -> type[DjangoCronJobLock]:
    """The lock class named by ``DJANGO_CRON_LOCK_BACKEND``.

    ``CacheLock`` over a cache that lives inside one process (``LocMemCache``,
    ``DummyCache``) cannot keep two processes apart; ``FileLock`` is returned
    instead, and a warning logged once.
    """
    global _fallback_warned
    path = app_settings.LOCK_BACKEND
    try:
        lock_class = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(
            f"DJANGO_CRON_LOCK_BACKEND {path!r} could not be imported: {exc}"
        ) from exc
    if not (isinstance(lock_class, type) and issubclass(lock_class, DjangoCronJobLock)):
        raise ImproperlyConfigured(
            f"DJANGO_CRON_LOCK_BACKEND {path!r} is not a subclass of "
            "django_cron.backends.lock.base.DjangoCronJobLock."
        )

    from django_cron.backends.lock.cache import CacheLock, cache_is_process_local
    from django_cron.backends.lock.file import FileLock

    uses_setting = (
        issubclass(lock_class, CacheLock)
        and lock_class.get_cache_by_name is CacheLock.get_cache_by_name
    )
    if uses_setting and cache_is_process_local(app_settings.CACHE):
        if not _fallback_warned:
            _fallback_warned = True
            logger.warning(
                "The cache %r lives inside one process and cannot lock jobs across "
                "processes; locking with FileLock in %s instead. Set DJANGO_CRON_CACHE "
                "to a shared cache, or DJANGO_CRON_LOCK_BACKEND.",
                app_settings.CACHE,
                app_settings.LOCKFILE_PATH,
            )
        return FileLock
    return lock_class
