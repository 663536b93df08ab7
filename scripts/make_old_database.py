"""Build tests/fixtures/old_0_6_0.sqlite3: a database as django-cron 0.6.0 left it.

The upgrade tests migrate a copy of this file with the current package and
check that every row survives. To get a faithful starting point, the database
is made by the old package itself: a throwaway virtualenv gets Django 4.2 and
``django-cron==0.6.0`` from PyPI, runs ``migrate`` with a minimal settings
module, and fills both tables through the old package's models.

Usage::

    python scripts/make_old_database.py [--output PATH] [--python PYTHON]

The rows are generated from a fixed seed, so running it again gives the same
data.
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "tests" / "fixtures" / "old_0_6_0.sqlite3"
REQUIREMENTS = ["Django>=4.2,<4.3", "django-cron==0.6.0"]

SETTINGS = """\
SECRET_KEY = "old-django-cron-fixture"
USE_TZ = True
TIME_ZONE = "UTC"
INSTALLED_APPS = ["django_cron"]
DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": {name!r}}}}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
"""

# Runs inside the old environment: only Django 4.2 and django-cron 0.6.0 there.
POPULATE = textwrap.dedent(
    """
    import datetime as dt
    import random

    import django
    from django.core.management import call_command

    django.setup()

    from django.db import connection
    from django_cron.models import CronJobLock, CronJobLog

    call_command("migrate", verbosity=0)

    rng = random.Random(20240115)
    utc = dt.timezone.utc
    start = dt.datetime(2023, 11, 1, 0, 0, tzinfo=utc)
    TRACEBACK = (
        "Traceback (most recent call last):\\n"
        '  File "/srv/app/jobs.py", line {line}, in do\\n'
        "    response = client.fetch(url, timeout=30)\\n"
        '  File "/srv/app/client.py", line 88, in fetch\\n'
        "    raise ConnectionError(f\\"{{url}}: connection refused\\")\\n"
        "ConnectionError: https://feeds.example.com/{n}: connection refused\\n"
    )
    rows = []

    # An interval job every 30 minutes for two weeks, with failures now and then.
    moment = start
    for n in range(672):
        took = dt.timedelta(seconds=rng.randint(1, 90))
        failed = rng.random() < 0.08
        said = TRACEBACK.format(line=40 + n % 7, n=n) if failed else f"fetched {n % 50} items"
        rows.append(
            CronJobLog(
                code="feeds.FetchFeedsJob",
                start_time=moment,
                end_time=moment + took,
                is_success=not failed,
                message=said,
            )
        )
        moment += dt.timedelta(minutes=30)

    # A run_at_times job with two daily slots for 45 days: ran_at_time records the slot.
    for day in range(45):
        for hour in (6, 18):
            begun = start + dt.timedelta(days=day, hours=hour, seconds=rng.randint(0, 50))
            rows.append(
                CronJobLog(
                    code="reports.DailyReportJob",
                    start_time=begun,
                    end_time=begun + dt.timedelta(minutes=rng.randint(1, 70)),
                    is_success=True,
                    message="",
                    ran_at_time=dt.time(hour, 0),
                )
            )

    # A job that has failed 12 times in a row at the end, long messages included.
    moment = start
    for n in range(40):
        failed = n >= 28
        rows.append(
            CronJobLog(
                code="billing.ChargeCardsJob",
                start_time=moment,
                end_time=moment + dt.timedelta(hours=2, minutes=n),
                is_success=not failed,
                message=(TRACEBACK.format(line=12, n=n) * 4) if failed else "charged",
            )
        )
        moment += dt.timedelta(hours=12)

    # Odd values: non-ASCII text, a message over the first migration's 1000 characters,
    # a zero-length run.
    rows.append(
        CronJobLog(
            code="misc.UnicodeJob",
            start_time=start,
            end_time=start,
            is_success=True,
            message="Grüße, 東京, ☃ — done\\nline two\\n\\ttabbed line",
        )
    )
    rows.append(
        CronJobLog(
            code="misc.LongMessageJob",
            start_time=start + dt.timedelta(hours=1),
            end_time=start + dt.timedelta(hours=1, seconds=3),
            is_success=False,
            message="x" * 3000,
        )
    )
    CronJobLog.objects.bulk_create(rows, batch_size=200)

    CronJobLock.objects.create(job_name="feeds.FetchFeedsJob", locked=False)
    CronJobLock.objects.create(job_name="reports.DailyReportJob", locked=True)

    with connection.cursor() as cursor:
        cursor.execute("VACUUM")
    print(f"{CronJobLog.objects.count()} log rows, {CronJobLock.objects.count()} lock rows")
    """
)


def run(*args: str | Path, **kwargs) -> None:
    """Run a command, failing loudly with its output."""
    subprocess.run([str(a) for a in args], check=True, **kwargs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="file to write")
    parser.add_argument(
        "--python", default=sys.executable, help="interpreter for the throwaway virtualenv"
    )
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="old-django-cron-") as tmp:
        work = Path(tmp)
        venv = work / "venv"
        run(options.python, "-m", "venv", venv)
        python = venv / "bin" / "python"
        run(python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *REQUIREMENTS)

        database = work / "old.sqlite3"
        (work / "old_settings.py").write_text(SETTINGS.format(name=str(database)))
        (work / "populate.py").write_text(POPULATE)
        run(
            python,
            work / "populate.py",
            cwd=work,
            env={"DJANGO_SETTINGS_MODULE": "old_settings", "PYTHONPATH": str(work)},
        )
        options.output.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(database, options.output)
    print(f"wrote {options.output} ({options.output.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
