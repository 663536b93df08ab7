"""The demo site's jobs: one every minute, one at a time of day, one that fails."""

from django.contrib.auth import get_user_model

from django_cron import CronJobBase, Schedule
from django_cron.models import CronJobLog


class CountUsersJob(CronJobBase):
    """Counts the users and the logged runs, every minute."""

    RUN_EVERY_MINS = 1

    schedule = Schedule(run_every_mins=RUN_EVERY_MINS)
    code = "demo.count_users"

    def do(self) -> str:
        users = get_user_model().objects.count()
        runs = CronJobLog.objects.count()
        # The return value is stored as the run's message.
        return f"{users} user(s), {runs} logged run(s)"


class NightlyReportJob(CronJobBase):
    """Runs once a day, at midnight in the site's TIME_ZONE (Europe/Paris).

    A fresh database has missed today's midnight run, so the first
    ``runcrons`` of the day runs it; later calls that day find it done.
    """

    schedule = Schedule(run_at_times=["00:00"])
    code = "demo.nightly_report"

    def do(self) -> str:
        return "report written"


def _parse_row(row: str) -> tuple[str, int]:
    name, quantity = row.split(";")
    return name, int(quantity)


class FlakyImportJob(CronJobBase):
    """Fails on a bad input row; after a failure it waits 5 minutes to retry."""

    schedule = Schedule(run_every_mins=1, retry_after_failure_mins=5)
    code = "demo.flaky_import"

    def do(self) -> str:
        rows = ["apples;3", "pears;4", "plums;many"]
        imported = [_parse_row(row) for row in rows]  # 'many' is not a number
        return f"imported {len(imported)} rows"
