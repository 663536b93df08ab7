"""System checks: ``manage.py check`` reports a bad job or setting before crontab meets it.

Ids are stable and documented:

* ``django_cron.E001`` a ``CRON_CLASSES`` entry does not import
* ``django_cron.E002`` an entry is not a ``CronJobBase`` subclass
* ``django_cron.E003`` a job has no ``code``
* ``django_cron.E004`` a job's ``code`` is longer than 64 characters
* ``django_cron.E005`` two jobs share a ``code``
* ``django_cron.E006`` a job has no ``schedule`` (or not a ``Schedule``)
* ``django_cron.E007`` a ``run_at_times`` entry is not an 'HH:MM' time
* ``django_cron.E008`` a day of ``run_weekly_on_days`` / ``run_monthly_on_days`` is out of range
* ``django_cron.E009`` an interval or tolerance is zero, negative or not a number
* ``django_cron.E010`` ``DJANGO_CRON_LOCK_BACKEND`` does not name a lock class
* ``django_cron.E011`` the cache alias for the lock is not in ``CACHES``
* ``django_cron.E012`` ``CRON_CLASSES`` is not a list of dotted paths
* ``django_cron.E013`` a numeric setting (lock time, lease, retention) is not a positive number
* ``django_cron.W001`` a schedule has nothing that can make the job run
* ``django_cron.W002`` the lock cache is process-local; ``FileLock`` is used instead
"""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.utils.module_loading import import_string

from django_cron.conf import app_settings
from django_cron.core import CronJobBase
from django_cron.schedule import Schedule

CODE_MAX_LENGTH = 64
SCHEDULE_IDS = {
    "run_at_times": "django_cron.E007",
    "run_weekly_on_days": "django_cron.E008",
    "run_monthly_on_days": "django_cron.E008",
    "run_every_mins": "django_cron.E009",
    "retry_after_failure_mins": "django_cron.E009",
    "run_tolerance_seconds": "django_cron.E009",
    "schedule": "django_cron.W001",
}


@register(Tags.compatibility)
def check_cron_classes(app_configs=None, **kwargs) -> list:
    """Every ``CRON_CLASSES`` entry imports, is a job, and has a usable code and schedule."""
    raw = getattr(settings, "CRON_CLASSES", [])
    if not isinstance(raw, list | tuple) or not all(isinstance(p, str) for p in raw):
        return [
            Error(
                "CRON_CLASSES must be a list of dotted paths to job classes.",
                hint="For example: CRON_CLASSES = ['my_app.cron.MyCronJob']",
                obj="CRON_CLASSES",
                id="django_cron.E012",
            )
        ]
    messages: list = []
    codes: dict[str, str] = {}
    for path in raw:
        try:
            cron_class = import_string(path)
        except ImportError as exc:
            messages.append(
                Error(
                    f"CRON_CLASSES entry {path!r} could not be imported: {exc}",
                    hint="Check the module and class name of the entry.",
                    obj=path,
                    id="django_cron.E001",
                )
            )
            continue
        if not (isinstance(cron_class, type) and issubclass(cron_class, CronJobBase)):
            messages.append(
                Error(
                    f"CRON_CLASSES entry {path!r} is not a subclass of django_cron.CronJobBase.",
                    obj=path,
                    id="django_cron.E002",
                )
            )
            continue
        messages += _check_job(path, cron_class, codes)
    return messages


def _check_job(path: str, cron_class: type, codes: dict[str, str]) -> list:
    messages: list = []
    code = getattr(cron_class, "code", None)
    if not isinstance(code, str) or not code:
        messages.append(
            Error(
                f"{path} has no code.",
                hint="Set code = 'app.job_name' (unique, at most 64 characters) on the class.",
                obj=path,
                id="django_cron.E003",
            )
        )
    else:
        if len(code) > CODE_MAX_LENGTH:
            messages.append(
                Error(
                    f"{path}.code is {len(code)} characters long; the log keeps at most "
                    f"{CODE_MAX_LENGTH}.",
                    obj=path,
                    id="django_cron.E004",
                )
            )
        if code in codes:
            messages.append(
                Error(
                    f"{path} and {codes[code]} share the code {code!r}.",
                    hint="Each job needs its own code: the log and the schedule go by it.",
                    obj=path,
                    id="django_cron.E005",
                )
            )
        codes.setdefault(code, path)

    schedule = getattr(cron_class, "schedule", None)
    if not isinstance(schedule, Schedule):
        messages.append(
            Error(
                f"{path} has no schedule.",
                hint="Set schedule = Schedule(run_every_mins=...) or run_at_times=[...].",
                obj=path,
                id="django_cron.E006",
            )
        )
        return messages
    for problem in schedule.problems():
        check_id = SCHEDULE_IDS[problem.argument]
        kind = Warning if check_id.startswith("django_cron.W") else Error
        messages.append(kind(f"{path}: {problem.message}", obj=path, id=check_id))
    return messages


@register(Tags.compatibility, Tags.caches)
def check_lock_backend(app_configs=None, **kwargs) -> list:
    """The lock backend imports, its cache exists, and it can lock across processes."""
    from django_cron.backends.lock.base import DjangoCronJobLock
    from django_cron.backends.lock.cache import CacheLock, cache_is_process_local

    path = app_settings.LOCK_BACKEND
    try:
        lock_class = import_string(path)
    except ImportError as exc:
        return [_lock_backend_error(f"DJANGO_CRON_LOCK_BACKEND {path!r} does not import: {exc}")]
    if not (isinstance(lock_class, type) and issubclass(lock_class, DjangoCronJobLock)):
        return [
            _lock_backend_error(
                f"DJANGO_CRON_LOCK_BACKEND {path!r} is not a subclass of "
                "django_cron.backends.lock.base.DjangoCronJobLock."
            )
        ]
    if not issubclass(lock_class, CacheLock):
        return []
    if lock_class.get_cache_by_name is not CacheLock.get_cache_by_name:
        return []  # the subclass picks its own cache; get_lock_class leaves it alone
    alias = app_settings.CACHE
    if alias not in settings.CACHES:
        setting = "DJANGO_CRON_CACHE" if hasattr(settings, "DJANGO_CRON_CACHE") else "CRON_CACHE"
        return [
            Error(
                f"{setting} names the cache {alias!r}, which is not in CACHES.",
                hint=f"Use one of: {', '.join(sorted(settings.CACHES))}.",
                obj=setting,
                id="django_cron.E011",
            )
        ]
    if cache_is_process_local(alias):
        return [
            Warning(
                f"The cache {alias!r} lives inside one process, so it cannot keep two "
                "runcrons processes apart; jobs are locked with FileLock in "
                f"{app_settings.LOCKFILE_PATH} instead, which holds on this host only.",
                hint="For several hosts set DJANGO_CRON_CACHE to a shared cache (Redis, "
                "Memcached, database) or DJANGO_CRON_LOCK_BACKEND to "
                "django_cron.backends.lock.database.DatabaseLock.",
                obj="DJANGO_CRON_CACHE",
                id="django_cron.W002",
            )
        ]
    return []


def _lock_backend_error(message: str) -> Error:
    return Error(
        message,
        hint="Use django_cron.backends.lock.cache.CacheLock (default), "
        "django_cron.backends.lock.database.DatabaseLock or "
        "django_cron.backends.lock.file.FileLock.",
        obj="DJANGO_CRON_LOCK_BACKEND",
        id="django_cron.E010",
    )


# setting: (smallest allowed value, whether None is allowed, whether it must be whole)
NUMERIC_SETTINGS = {
    "DJANGO_CRON_LOCK_TIME": (1, False, False),
    "DJANGO_CRON_LOCK_LEASE": (1, False, False),
    "DJANGO_CRON_DELETE_LOGS_OLDER_THAN": (0, True, False),
    "DJANGO_CRON_DELETE_BATCH_SIZE": (1, False, True),
    "DJANGO_CRON_RUN_TOLERANCE_SECONDS": (0, True, False),
}


@register(Tags.compatibility)
def check_numeric_settings(app_configs=None, **kwargs) -> list:
    """Lock times, lease and retention settings are numbers in range.

    Caught here, a bad value is reported by ``manage.py check`` instead of
    failing ``runcrons`` after its jobs have run.
    """
    messages = []
    for name, (low, none_ok, whole) in NUMERIC_SETTINGS.items():
        if not hasattr(settings, name):
            continue
        value = getattr(settings, name)
        if value is None and none_ok:
            continue
        kinds = int if whole else int | float
        if isinstance(value, bool) or not isinstance(value, kinds) or value < low:
            kind = "a whole number" if whole else "a number"
            messages.append(
                Error(
                    f"{name} must be {kind} >= {low}"
                    + (" or None" if none_ok else "")
                    + f", not {value!r}.",
                    obj=name,
                    id="django_cron.E013",
                )
            )
    return messages
