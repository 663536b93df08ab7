"""The lock contract every backend fills in.

CONTRACT (to be implemented fully by the lock backends work):

    class DjangoCronJobLock:
        class LockFailedException(Exception)      # lock held by someone else
        def __init__(self, cron_class, silent, *args, **kwargs)
            # sets job_name ("module.ClassName"), job_code, parallel, silent,
            # token (unique owner id), lease (seconds), lock_time (seconds)
        def lock(self) -> bool          # atomic acquire; False when held elsewhere
        def release(self) -> None       # releases only a lock this instance owns
        def renew(self) -> bool         # extend the lease; False when it was lost
        def lock_failed_message(self) -> str
        __enter__ / __exit__            # acquire (raise LockFailedException) and
                                        # start lease renewal; stop it and release

    class LockBackendError(Exception)   # the lock store failed; names the backend

    def get_lock_class() -> type[DjangoCronJobLock]
        # resolves DJANGO_CRON_LOCK_BACKEND (import_string), falling back to a
        # cross-process lock when the cache is process-local.
"""
