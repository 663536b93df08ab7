#!/usr/bin/env python3
"""Developer entry point: try the demo site, or run the whole test suite.

    python3 dev.py demo      # a virtualenv, the package, and runcrons on demo/
    python3 dev.py test      # a virtualenv, test tools, ruff, pytest per database

Standard library only, so it runs on a fresh machine with nothing but Python
3.10+ and access to the package index.
"""

import argparse
import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
DEMO = ROOT / "demo"
TEST_REQUIREMENTS = ROOT / "requirements" / "test.txt"

# (name, host, port, how to start it) of the databases the suite runs on besides
# SQLite; kept in step with tests/services.py.
DATABASES = [
    (
        "postgres",
        "127.0.0.1",
        5432,
        "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
    ),
    (
        "mariadb",
        "127.0.0.1",
        3306,
        "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd",
    ),
]

# The Python driver each database needs: (module, package, how to get it).
MYSQLCLIENT_BUILD_DEPS = ["libmariadb-dev", "pkg-config"]
DRIVERS = {
    "postgres": ("psycopg", "psycopg", "pip install 'psycopg[binary]' in the test virtualenv"),
    "mariadb": (
        "MySQLdb",
        "mysqlclient",
        f"it builds once `apt-get install {' '.join(MYSQLCLIENT_BUILD_DEPS)}` is done",
    ),
}

SUMMARY_WORDS = ("passed", "failed", "skipped", "error", "errors")


def say(message: str = "") -> None:
    """Print a line at once (the output of child processes interleaves with ours)."""
    print(message, flush=True)


def heading(message: str) -> None:
    say()
    say(f"==> {message}")


def run(cmd: list[str], check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    """Run ``cmd``; on failure with ``check`` print the command and exit."""
    result = subprocess.run(cmd, **kwargs)
    if check and result.returncode != 0:
        say(f"command failed with exit status {result.returncode}: {' '.join(cmd)}")
        sys.exit(result.returncode or 1)
    return result


def venv_python(env_dir: Path) -> Path:
    """The interpreter inside the virtualenv ``env_dir``."""
    if os.name == "nt":
        return env_dir / "Scripts" / "python.exe"
    return env_dir / "bin" / "python"


def ensure_venv(env_dir: Path, base_python: str | None = None) -> Path:
    """Create ``env_dir`` (with ``base_python``, default this interpreter) unless it exists."""
    python = venv_python(env_dir)
    if python.exists():
        return python
    heading(f"Creating the virtualenv {env_dir.name}")
    if base_python:
        run([base_python, "-m", "venv", str(env_dir)])
    else:
        venv.EnvBuilder(with_pip=True).create(env_dir)
    return python


def install_stamp(python: Path, *parts: str) -> tuple[Path, str]:
    """Where an environment records what was installed, and the digest of what should be."""
    digest = hashlib.sha256()
    for name in ("setup.py", "pyproject.toml"):
        digest.update((ROOT / name).read_bytes())
    for part in parts:
        digest.update(part.encode())
    return python.parent.parent / ".django-cron-installed", digest.hexdigest()


def is_current(stamp: Path, digest: str) -> bool:
    return stamp.exists() and stamp.read_text().strip() == digest


def pip(python: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return run([str(python), "-m", "pip", "install", "--quiet", *args], check=check)


# -- demo ----------------------------------------------------------------------


def manage(python: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run ``demo/manage.py ARGS`` in the demo virtualenv."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return run([str(python), str(DEMO / "manage.py"), *args], check=check, env=env, cwd=ROOT)


def demo(args: argparse.Namespace) -> int:
    """Install the package in .venv-demo and show runcrons at work on demo/."""
    env_dir = ROOT / ".venv-demo"
    python = ensure_venv(env_dir)
    stamp, digest = install_stamp(python, "demo")
    if not is_current(stamp, digest):
        heading("Installing django-cron (editable) into .venv-demo")
        pip(python, "-e", str(ROOT))
        stamp.write_text(digest)

    heading("A fresh demo database: demo/db.sqlite3 (and the file cache demo/cache/)")
    for name in ("db.sqlite3", "db.sqlite3-journal"):
        (DEMO / name).unlink(missing_ok=True)
    shutil.rmtree(DEMO / "cache", ignore_errors=True)
    manage(python, "migrate", "--verbosity", "0")
    env = dict(os.environ, DJANGO_SUPERUSER_PASSWORD="admin")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    run(
        [str(python), str(DEMO / "manage.py"), "createsuperuser", "--noinput"]
        + ["--username", "admin", "--email", "admin@example.com"],
        env=env,
        cwd=ROOT,
    )

    heading("python demo/manage.py runcrons   (the jobs are in demo/demo_site/cron.py)")
    first = manage(python, "runcrons", check=False)
    say(f"(exit status {first.returncode}: 1 means a job failed, as demo.flaky_import does)")
    heading("The failed run's traceback, as kept in its log (CronJobLog.message)")
    manage(python, "show_failed_runs")
    heading("python demo/manage.py runcrons   (again, at once: nothing is due)")
    second = manage(python, "runcrons", check=False)
    heading("Browse the run history in the admin")
    python_rel = venv_python(env_dir).relative_to(ROOT)
    say(f"  {python_rel} demo/manage.py runserver")
    say("  then open http://127.0.0.1:8000/admin/ and log in as admin / admin")
    say(f"  ({python_rel} demo/manage.py runcrons --dry-run tells what is due and why)")
    # The first call exits with 1 because demo.flaky_import fails, as it should.
    if first.returncode not in (0, 1) or second.returncode != 0:
        say(f"runcrons exited with status {first.returncode}, then {second.returncode}")
        return 1
    return 0


# -- test ----------------------------------------------------------------------


def answers(host: str, port: int) -> bool:
    """Whether something accepts TCP connections on ``host:port``."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def python_version(python: str) -> str:
    out = run(
        [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def test_env_dir(args: argparse.Namespace) -> Path:
    """``.venv`` by default; ``.venv-<python>-django<spec>`` for a matrix run."""
    if not args.python and not args.django:
        return ROOT / ".venv"
    version = python_version(args.python or sys.executable)
    name = f".venv-{version}"
    if args.django:
        name += "-django" + (re.sub(r"[^0-9.]+", "-", args.django).strip("-") or "any")
    return ROOT / name


def requirement_lines() -> list[str]:
    lines = []
    for line in TEST_REQUIREMENTS.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            lines.append(line)
    return lines


def install_test_env(args: argparse.Namespace) -> Path:
    """Create the test virtualenv if missing; install the package and the test tools."""
    python = ensure_venv(test_env_dir(args), args.python)
    requirements = requirement_lines()
    stamp, digest = install_stamp(python, TEST_REQUIREMENTS.read_text(), args.django or "", "test")
    if is_current(stamp, digest):
        return python
    env_name = python.parent.parent.name
    heading(f"Installing django-cron (editable) and requirements/test.txt into {env_name}")
    mysql = [r for r in requirements if re.match(r"mysqlclient\b", r, re.I)]
    others = [r for r in requirements if r not in mysql]
    django = [args.django] if args.django else []
    pip(python, "-e", str(ROOT), *others, *django)
    complete = True
    if mysql and pip(python, *mysql, check=False).returncode != 0:
        # It compiles against the MariaDB client headers: install them when we may.
        if install_debian_packages(MYSQLCLIENT_BUILD_DEPS):
            complete = pip(python, *mysql, check=False).returncode == 0
        else:
            complete = False
        if not complete:
            say(
                "mysqlclient did not build: the MariaDB tests will skip; "
                f"`apt-get install {' '.join(MYSQLCLIENT_BUILD_DEPS)}` fixes it."
            )
    if complete:
        stamp.write_text(digest)
    return python


def install_debian_packages(packages: list[str]) -> bool:
    """``apt-get install`` ``packages`` when running as root on Debian; True when done."""
    if os.name != "posix" or os.geteuid() != 0 or not shutil.which("apt-get"):
        return False
    heading(f"Installing the Debian packages {' '.join(packages)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(["apt-get", "update", "-qq"], check=False, env=env)
    done = run(["apt-get", "install", "-y", "-qq", *packages], check=False, env=env)
    return done.returncode == 0


def has_driver(python: Path, database: str) -> bool:
    """Whether the test environment can import the Python driver of ``database``."""
    module = DRIVERS[database][0]
    done = run([str(python), "-c", f"import {module}"], check=False, capture_output=True)
    return done.returncode == 0


def parse_summary(output: str) -> dict[str, int] | None:
    """The counts of pytest's final summary line, or None when there is none."""
    for line in reversed(output.splitlines()):
        line = re.sub(r"\x1b\[[0-9;]*m", "", line)
        if not re.search(r"\bin \d+(\.\d+)?s\b", line):
            continue
        counts = dict.fromkeys(("passed", "failed", "skipped"), 0)
        found = False
        for number, word in re.findall(r"(\d+) (\w+)", line):
            if word in SUMMARY_WORDS:
                found = True
                key = "failed" if word.startswith("error") else word
                counts[key] += int(number)
        if found or "no tests ran" in line:
            return counts
    return None


def pytest_run(python: Path, database: str, extra: list[str]) -> dict[str, int]:
    """Run pytest on ``database``, echoing its output; return its counts."""
    heading(f"pytest on {database}: {' '.join(extra) or '(whole suite)'}")
    env = dict(os.environ, DJANGO_CRON_TEST_DB=database, PYTHONIOENCODING="utf-8")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    cmd = [str(python), "-m", "pytest", "-p", "no:cacheprovider"]
    if sys.stdout.isatty():
        cmd.append("--color=yes")
    proc = subprocess.Popen(
        cmd + extra,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    lines = []
    assert proc.stdout is not None
    for line in proc.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        lines.append(line)
    returncode = proc.wait()
    counts = parse_summary("".join(lines))
    if counts is None:
        counts = {"passed": 0, "failed": 0, "skipped": 0}
    # 5 is "no tests collected" (a -k that matches nothing on one database).
    if returncode not in (0, 5) and counts["failed"] == 0:
        say(f"pytest exited with status {returncode} on {database}; counted as one failure")
        counts["failed"] = 1
    return counts


def lint(python: Path) -> bool:
    heading("ruff check")
    paths = ["django_cron", "tests", "demo", "docs", "dev.py", "setup.py"]
    if (ROOT / "benchmarks").is_dir():
        paths.append("benchmarks")
    result = run([str(python), "-m", "ruff", "check", *paths], check=False, cwd=ROOT)
    return result.returncode == 0


def test(args: argparse.Namespace, extra: list[str]) -> int:
    """Lint, then run pytest once per database that answers; print the totals last."""
    started = time.monotonic()
    python = install_test_env(args)
    totals = {"passed": 0, "failed": 0, "skipped": 0}
    failed_steps = []
    if not args.no_lint and not lint(python):
        failed_steps.append("ruff check")
        totals["failed"] += 1

    databases = [("sqlite", None)]
    if not args.sqlite_only:
        databases += [(name, (host, port, start)) for name, host, port, start in DATABASES]
    require = bool(os.environ.get("DJANGO_CRON_REQUIRE_SERVICES"))
    for name, service in databases:
        if service is not None:
            host, port, start = service
            if not answers(host, port):
                say(f"{name} is not answering on {host}:{port}: skipped; start it with: {start}")
                if require:
                    failed_steps.append(f"{name} (not answering)")
                    totals["failed"] += 1
                continue
            if not has_driver(python, name):
                module, package, fix = DRIVERS[name]
                say(
                    f"{name} answers, but its driver {package} (module {module}) is not "
                    f"installed: skipped; {fix}, then run python3 dev.py test again"
                )
                if require:
                    failed_steps.append(f"{name} (no driver)")
                    totals["failed"] += 1
                continue
        counts = pytest_run(python, name, extra)
        for key in totals:
            totals[key] += counts[key]
        if counts["failed"]:
            failed_steps.append(f"pytest on {name}")

    say()
    if failed_steps:
        say("failed: " + ", ".join(failed_steps))
    say(f"({time.monotonic() - started:.0f} s in all)")
    say(f"{totals['passed']} passed, {totals['failed']} failed, {totals['skipped']} skipped")
    return 1 if totals["failed"] else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="dev.py",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="run runcrons on the demo site in a fresh .venv-demo")
    test_parser = commands.add_parser(
        "test",
        help="ruff, then pytest on SQLite and on PostgreSQL/MariaDB when they answer; "
        "other arguments go to pytest",
    )
    test_parser.add_argument(
        "--python", metavar="PATH", help="interpreter for a separate .venv-<version>-... run"
    )
    test_parser.add_argument(
        "--django", metavar="SPEC", help="Django requirement, e.g. 'Django>=6.1,<6.2'"
    )
    test_parser.add_argument("--sqlite-only", action="store_true", help="run on SQLite only")
    test_parser.add_argument("--no-lint", action="store_true", help="skip ruff check")
    args, extra = parser.parse_known_args(argv)
    if args.command == "demo":
        if extra:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        return demo(args)
    if extra[:1] == ["--"]:
        extra = extra[1:]
    return test(args, extra)


if __name__ == "__main__":
    sys.exit(main())
