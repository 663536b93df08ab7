"""The package as users get it: sdist and wheel contents, a clean install, docs, README.

The sdist and wheel are built once per session from a copy of the files git
tracks (the working-tree versions), as ``check-manifest`` does, so files that
are not part of the project cannot hide a gap in ``MANIFEST.in``.
"""

import fnmatch
import importlib.util
import os
import shutil
import subprocess
import sys
import tarfile
import textwrap
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Tracked files that stay out of the sdist (also in [tool.check-manifest]).
NOT_IN_SDIST = [".ci/*", ".gitignore"]
# Files the sdist build adds of its own.
GENERATED = ["PKG-INFO", "setup.cfg", "django_cron.egg-info/*"]


def _run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kwargs)
    assert result.returncode == 0, (
        f"{' '.join(map(str, cmd))} exited with {result.returncode}\n"
        f"--- stdout\n{result.stdout[-4000:]}\n--- stderr\n{result.stderr[-4000:]}"
    )
    return result


def _tracked_files() -> list[str]:
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout: the file list to compare the sdist with is unknown")
    out = _run(["git", "ls-files", "-z"], cwd=ROOT).stdout
    return sorted(p for p in out.split("\0") if p and (ROOT / p).is_file())


def _matches(path: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatch(path, pattern) for pattern in patterns)


@pytest.fixture(scope="session")
def tracked() -> list[str]:
    return _tracked_files()


@pytest.fixture(scope="session")
def dists(tmp_path_factory, tracked) -> dict[str, Path]:
    """The sdist and the wheel built from it, from a copy of the tracked files."""
    if importlib.util.find_spec("build") is None:
        pytest.skip("the 'build' package is not installed (pip install build)")
    base = tmp_path_factory.mktemp("packaging")
    source = base / "src"
    for rel in tracked:
        target = source / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, target)
    out = base / "dist"
    # sdist first, then the wheel from the sdist: the wheel proves the sdist builds.
    _run([sys.executable, "-m", "build", "--outdir", str(out), str(source)])
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return {"sdist": sdist, "wheel": wheel}


@pytest.fixture(scope="session")
def sdist_files(dists) -> list[str]:
    with tarfile.open(dists["sdist"]) as tar:
        names = [m.name for m in tar.getmembers() if m.isfile()]
    # Strip the leading "django_cron-0.7.0/".
    return sorted(name.split("/", 1)[1] for name in names)


@pytest.fixture(scope="session")
def wheel_files(dists) -> list[str]:
    with zipfile.ZipFile(dists["wheel"]) as whl:
        return sorted(whl.namelist())


def test_sdist_holds_every_tracked_file(tracked, sdist_files):
    missing = sorted({p for p in tracked if not _matches(p, NOT_IN_SDIST)} - set(sdist_files))
    assert not missing, f"tracked files missing from the sdist (add them to MANIFEST.in): {missing}"


def test_sdist_holds_nothing_untracked(tracked, sdist_files):
    extra = sorted({p for p in sdist_files if not _matches(p, GENERATED)} - set(tracked))
    assert not extra, f"files in the sdist that git does not track: {extra}"


def test_sdist_leaves_out_local_state(sdist_files):
    local = [p for p in sdist_files if _matches(p, NOT_IN_SDIST + ["*.pyc", "demo/db.sqlite3"])]
    assert not local


def test_wheel_carries_migrations_typing_marker_and_package_data(tracked, wheel_files):
    package_files = [
        p
        for p in tracked
        if p.startswith("django_cron/") and not p.endswith((".pyc", "__pycache__"))
    ]
    assert "django_cron/py.typed" in package_files
    assert any(p.startswith("django_cron/migrations/0001_initial") for p in package_files)
    missing = sorted(set(package_files) - set(wheel_files))
    assert not missing, f"package files missing from the wheel: {missing}"


def test_wheel_holds_only_the_package(wheel_files):
    outside = [
        name for name in wheel_files if not name.startswith(("django_cron/", "django_cron-"))
    ]
    assert not outside, f"the wheel installs more than django_cron: {outside}"


def test_wheel_metadata_states_supported_versions_and_extras(dists):
    with zipfile.ZipFile(dists["wheel"]) as whl:
        (meta_name,) = [n for n in whl.namelist() if n.endswith(".dist-info/METADATA")]
        meta = whl.read(meta_name).decode()
    headers = [line for line in meta.splitlines() if ": " in line]
    assert "Name: django-cron" in headers
    assert "Version: 0.7.0" in headers
    assert "Requires-Python: >=3.10" in headers
    for classifier in [
        "Framework :: Django :: 5.2",
        "Framework :: Django :: 6.0",
        "Framework :: Django :: 6.1",
        "Programming Language :: Python :: 3.10",
        "Programming Language :: Python :: 3.13",
        "License :: OSI Approved :: MIT License",
    ]:
        assert f"Classifier: {classifier}" in headers
    requires = [h.split(": ", 1)[1] for h in headers if h.startswith("Requires-Dist: ")]
    runtime = [r for r in requires if "extra ==" not in r]
    assert sorted(r.split(";")[0].split("<")[0].split(">")[0].strip() for r in runtime) == [
        "Django",
        "tzdata",
    ]
    assert any(r.startswith("tzdata") and "win32" in r for r in runtime)
    extras = {h.split(": ", 1)[1] for h in headers if h.startswith("Provides-Extra: ")}
    assert {"redis", "memcached", "postgres", "mysql"} <= extras


TINY_SETTINGS = """
SECRET_KEY = "tiny"
USE_TZ = True
TIME_ZONE = "Europe/Paris"
INSTALLED_APPS = ["django_cron"]
DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": {db!r}}}}}
CACHES = {{
    "default": {{
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": {cache!r},
    }}
}}
CRON_CLASSES = ["tinysite.cron.HelloJob"]
"""

TINY_CRON = """
from django_cron import CronJobBase, Schedule


class HelloJob(CronJobBase):
    RUN_EVERY_MINS = 120

    schedule = Schedule(run_every_mins=RUN_EVERY_MINS)
    code = "tiny.hello"

    def do(self):
        return "hello"
"""


def test_sdist_installs_into_a_clean_virtualenv_where_migrate_and_runcrons_work(dists, tmp_path):
    env_dir = tmp_path / "venv"
    # No pip inside: this interpreter's pip installs into it (saves seconds).
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    _run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet"]
        + [str(dists["sdist"])]
    )

    site = tmp_path / "site"
    (site / "tinysite").mkdir(parents=True)
    (site / "tinysite" / "__init__.py").write_text("")
    (site / "tinysite" / "settings.py").write_text(
        TINY_SETTINGS.format(db=str(site / "db.sqlite3"), cache=str(site / "cache"))
    )
    (site / "tinysite" / "cron.py").write_text(textwrap.dedent(TINY_CRON))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "PYTHON"))}
    env.update(DJANGO_SETTINGS_MODULE="tinysite.settings", PYTHONPATH=str(site))

    def django_admin(*args: str) -> subprocess.CompletedProcess:
        return _run([str(python), "-m", "django", *args], cwd=site, env=env)

    where = _run(
        [str(python), "-c", "import django_cron; print(django_cron.__file__)"],
        cwd=site,
        env=env,
    ).stdout.strip()
    assert Path(where).resolve().is_relative_to(env_dir.resolve()), where

    django_admin("migrate", "--verbosity", "0")
    django_admin("makemigrations", "--check", "--dry-run", "django_cron")
    first = django_admin("runcrons")
    assert "[\N{HEAVY CHECK MARK}] tiny.hello" in first.stdout
    second = django_admin("runcrons")
    assert "[ ] tiny.hello" in second.stdout


def test_docs_build_without_warnings(tmp_path):
    if importlib.util.find_spec("sphinx") is None:
        pytest.skip("Sphinx is not installed (pip install -r requirements/docs.txt)")
    _run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html"]
        + [str(ROOT / "docs"), str(tmp_path / "html")]
    )


def test_docs_pages_are_all_in_the_toctree():
    index = (ROOT / "docs" / "index.rst").read_text()
    pages = sorted(p.stem for p in (ROOT / "docs").glob("*.rst") if p.stem != "index")
    for required in [
        "installation",
        "quickstart",
        "jobs",
        "schedules",
        "commands",
        "settings",
        "locking",
        "admin",
        "retention",
        "notifications",
        "performance",
        "upgrading",
        "changelog",
    ]:
        assert required in pages, f"docs/{required}.rst is missing"
    for page in pages:
        assert f"   {page}\n" in index, f"docs/{page}.rst is not in the toctree of index.rst"


def test_readme_renders_without_errors_or_warnings():
    docutils_core = pytest.importorskip("docutils.core")
    source = (ROOT / "README.rst").read_text(encoding="utf-8")
    # halt_level 2 turns the first warning into an exception naming it.
    docutils_core.publish_doctree(
        source,
        source_path="README.rst",
        settings_overrides={"halt_level": 2, "report_level": 2, "warning_stream": False},
    )


def test_readme_opens_with_the_two_quick_start_commands():
    text = (ROOT / "README.rst").read_text(encoding="utf-8")
    start = text.index("Quick start")
    first_block = text[start:].split("::\n\n", 1)[1].split("\n\n", 1)[0]
    assert first_block.splitlines() == ["    python3 dev.py demo", "    python3 dev.py test"]
    assert text.index("Quick start") < text.index("Installation")


def _dev_module():
    spec = importlib.util.spec_from_file_location("dev", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("===== 120 passed, 3 skipped in 12.34s =====", (120, 0, 3)),
        ("== 1 failed, 7 passed, 2 skipped, 1 warning in 3.10s ==", (7, 1, 2)),
        ("==== 2 passed, 1 error in 0.50s ====", (2, 1, 0)),
        ("5 passed, 1 xfailed in 1.00s", (5, 0, 0)),
        ("============ no tests ran in 0.01s ============", (0, 0, 0)),
    ],
)
def test_dev_test_sums_pytest_summary_lines(line, expected):
    dev = _dev_module()
    counts = dev.parse_summary(f"collected 3 items\n...\n{line}\n")
    assert (counts["passed"], counts["failed"], counts["skipped"]) == expected


def test_dev_test_treats_output_without_a_summary_as_unknown():
    assert _dev_module().parse_summary("ImportError while loading conftest\n") is None
