"""Start real ``manage.py`` processes against the test database."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def child_env(overrides: dict[str, Any] | None = None, **extra: str) -> dict[str, str]:
    """Environment for a child process that uses this test run's database and settings."""
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    env["DJANGO_CRON_TEST_CHILD"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    overrides = dict(overrides or {})
    overrides.setdefault("DATABASES", this_database())
    env["DJANGO_CRON_TEST_OVERRIDES"] = json.dumps(overrides)
    env.update(extra)
    return env


def this_database() -> dict[str, Any]:
    """The parent's database settings as the test run set them up (test database name included)."""
    from django.db import connection

    db = connection.settings_dict
    keys = ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT", "OPTIONS")
    return {"default": {key: db[key] for key in keys if key in db}}


def manage_command(*args: str) -> list[str]:
    """The argv of ``django-admin`` run by this interpreter."""
    return [sys.executable, "-m", "django", *args]


def start_manage(
    *args: str, overrides: dict[str, Any] | None = None, **extra: str
) -> subprocess.Popen:
    """Start ``django-admin ARGS`` in the background; its output is captured as text."""
    return subprocess.Popen(
        manage_command(*args),
        env=child_env(overrides, **extra),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_manage(
    *args: str, overrides: dict[str, Any] | None = None, timeout: float = 120, **extra: str
) -> subprocess.CompletedProcess:
    """Run ``django-admin ARGS`` to completion and return its exit status and output."""
    return subprocess.run(
        manage_command(*args),
        env=child_env(overrides, **extra),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
