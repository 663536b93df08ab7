"""Settings for the test suite.

``DJANGO_CRON_TEST_DB`` picks the database: ``sqlite`` (default), ``postgres``
or ``mariadb``. Child processes started by the tests set
``DJANGO_CRON_TEST_CHILD=1`` and then open the test database itself, the one
the parent's test run created.
"""

import json
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
WORK_DIR = Path(os.environ.get("DJANGO_CRON_TEST_WORKDIR", BASE_DIR / ".work"))
WORK_DIR.mkdir(parents=True, exist_ok=True)

TEST_DB = os.environ.get("DJANGO_CRON_TEST_DB", "sqlite")
# The test database of PostgreSQL/MariaDB runs; set it to keep concurrent runs apart.
TEST_DB_NAME = os.environ.get("DJANGO_CRON_TEST_DB_NAME", "test_django_cron")
CHILD = os.environ.get("DJANGO_CRON_TEST_CHILD") == "1"

SECRET_KEY = "django-cron-tests"
DEBUG = False
USE_TZ = os.environ.get("DJANGO_CRON_TEST_USE_TZ", "1") == "1"
TIME_ZONE = os.environ.get("DJANGO_CRON_TEST_TIME_ZONE", "UTC")
LANGUAGE_CODE = "en-us"
ALLOWED_HOSTS = ["*"]

if TEST_DB == "postgres":
    _name = "test"
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": TEST_DB_NAME if CHILD else _name,
            "USER": "postgres",
            "TEST": {"NAME": TEST_DB_NAME},
            "HOST": "127.0.0.1",
            "PORT": "5432",
        }
    }
elif TEST_DB == "mariadb":
    _name = "test"
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.mysql",
            "NAME": TEST_DB_NAME if CHILD else _name,
            "USER": "root",
            "PASSWORD": "",
            "HOST": "127.0.0.1",
            "PORT": "3306",
            "OPTIONS": {"charset": "utf8mb4"},
            "TEST": {
                "NAME": TEST_DB_NAME,
                "CHARSET": "utf8mb4",
                "COLLATION": "utf8mb4_unicode_ci",
            },
        }
    }
else:
    # A file, not memory: child processes must see the same database.
    _sqlite_test = str(WORK_DIR / "test.sqlite3")
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": _sqlite_test if CHILD else str(WORK_DIR / "main.sqlite3"),
            "TEST": {"NAME": _sqlite_test},
            "OPTIONS": {"timeout": 30},
        }
    }

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_cron",
]

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "tests.urls"
STATIC_URL = "/static/"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(WORK_DIR / f"cache-{TEST_DB}"),
    }
}

DJANGO_CRON_LOCKFILE_PATH = str(WORK_DIR / f"locks-{TEST_DB}")

ADMINS = [("Admin", "admin@example.com")]

CRON_CLASSES = [
    "tests.jobs.EveryMinuteJob",
    "tests.jobs.FailingJob",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"null": {"class": "logging.NullHandler"}},
    "loggers": {"django_cron": {"handlers": ["null"], "level": "DEBUG"}},
}

# Child processes receive per-test settings as JSON (for example another cache
# or lock backend); the parent passes them with tests.procs.child_env().
_overrides = os.environ.get("DJANGO_CRON_TEST_OVERRIDES")
if _overrides:
    globals().update(json.loads(_overrides))
