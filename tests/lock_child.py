"""Run one job under the configured lock, as ``runcrons --force`` does.

``python -m tests.lock_child dotted.JobClass``: prints ``[✔] code`` when the job
ran, ``[ ] code (running elsewhere)`` when the lock was held, and exits 2 with
the error on stderr when the lock store failed.
"""

import sys

import django


def main(dotted: str) -> int:
    django.setup()
    from django.utils.module_loading import import_string

    from django_cron.backends.lock.base import LockBackendError, get_lock_class

    job_class = import_string(dotted)
    lock = get_lock_class()(job_class, False)
    try:
        with lock:
            job_class().do()
    except lock.LockFailedException:
        sys.stdout.write(f"[ ] {job_class.code} (running elsewhere)\n")
        return 0
    except LockBackendError as exc:
        sys.stderr.write(f"[✘] {job_class.code}: LockBackendError: {exc}\n")
        return 2
    sys.stdout.write(f"[✔] {job_class.code}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
