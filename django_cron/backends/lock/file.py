"""Lock jobs with an exclusive ``flock`` on a file: processes of one host only.

The kernel drops the lock when its process ends, however it ends, so a killed
run never leaves its job blocked; there is no lease to renew. A run still
going at the lock time has its lock released then. Lock files stay in place after release:
deleting one while another process has it open would let two processes lock
two different files of the same name.
"""

import logging
import os
import threading
from typing import IO, Any

from django.core.files import locks

from django_cron.backends.lock.base import DjangoCronJobLock
from django_cron.conf import app_settings

logger = logging.getLogger("django_cron")


class FileLock(DjangoCronJobLock):
    """Holds ``<DJANGO_CRON_LOCKFILE_PATH>/<module.ClassName>.lock`` locked while a job runs."""

    def __init__(self, cron_class: type, silent: bool, *args: Any, **kwargs: Any) -> None:
        super().__init__(cron_class, silent, *args, **kwargs)
        self._file: IO[bytes] | None = None
        self._file_guard = threading.Lock()  # release() runs in two threads

    def get_lock_name(self) -> str:
        """Path of this job's lock file, creating its directory when missing."""
        directory = app_settings.LOCKFILE_PATH
        os.makedirs(directory, exist_ok=True)
        return os.path.join(directory, f"{self.job_name}.lock")

    def lock(self) -> bool:
        if locks.LOCK_EX == 0:
            raise self.backend_error("take", OSError("this platform has no file locking"))
        try:
            lock_file = open(self.get_lock_name(), "a+b")  # noqa: SIM115  (held open while locked)
        except OSError as exc:
            raise self.backend_error("take", exc) from exc
        try:
            acquired = locks.lock(lock_file, locks.LOCK_EX | locks.LOCK_NB)
        except OSError as exc:
            lock_file.close()
            raise self.backend_error("take", exc) from exc
        if not acquired:
            lock_file.close()
            return False
        self._file = lock_file
        # Who holds it, for people looking at the file; not part of the locking.
        lock_file.seek(0)
        lock_file.truncate()
        lock_file.write(self.token.encode())
        lock_file.flush()
        return True

    def release(self) -> None:
        with self._file_guard:
            lock_file, self._file = self._file, None
        if lock_file is None:
            return
        try:
            locks.unlock(lock_file)
        finally:
            lock_file.close()

    def lock_time_reached(self) -> None:
        if not self.exiting.wait(max(self.lock_time - self.held_seconds(), 0)):
            logger.warning(
                "%s: released its lock file at the lock time; the run goes on", self.job_name
            )
            self.release()

    def lock_failed_message(self) -> str:
        try:
            with open(self.get_lock_name(), "rb") as lock_file:
                holder = lock_file.read(200).decode("utf-8", "replace")
        except OSError:
            holder = ""
        held_by = f" held by {holder}" if holder else ""
        return f"{self.job_name}: lock file {self.get_lock_name()}{held_by}. Will try later."
