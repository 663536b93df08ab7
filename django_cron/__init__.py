"""Run a Django project's periodic jobs from one crontab line.

The public names, at the import paths the old django-cron used.
"""

from django_cron.core import (
    BadCronJobError,
    CronJobBase,
    CronJobManager,
    get_class,
    get_current_time,
)
from django_cron.schedule import Schedule

__all__ = [
    "BadCronJobError",
    "CronJobBase",
    "CronJobManager",
    "Schedule",
    "get_class",
    "get_current_time",
]
__version__ = "0.7.0"
