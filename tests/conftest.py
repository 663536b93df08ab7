import pytest

from tests import services


def pytest_report_header(config):
    from django.conf import settings

    lines = [f"django_cron test database: {settings.DATABASES['default']['ENGINE']}"]
    for name in services.SERVICES:
        lines.append(
            f"service {name}: "
            + ("answers" if services.answers(name) else services.skip_reason(name))
        )
    return lines


@pytest.fixture
def clock():
    """Freeze time; ``clock.move_to(...)`` moves it. Yields the time_machine traveller."""
    import time_machine

    with time_machine.travel("2024-01-15 12:00:00+00:00", tick=False) as traveller:
        yield traveller


# Modules and backends whose behaviour does not depend on the database: they run
# in the SQLite pass only, so the PostgreSQL and MariaDB passes spend their time
# on what those databases change (queries, migrations, database locks and caches).
DATABASE_INDEPENDENT_MODULES = {
    "test_schedule.py",
    "test_checks.py",
    "test_packaging.py",
    "test_admin_browser.py",
}
DATABASE_INDEPENDENT_BACKENDS = ("file-cache", "redis-cache", "memcached-cache", "file-lock")


def _database_independent(item) -> bool:
    if item.path.name in DATABASE_INDEPENDENT_MODULES:
        return True
    callspec = getattr(item, "callspec", None)
    if item.path.name.startswith("test_locks") and callspec is not None:
        return any(value in DATABASE_INDEPENDENT_BACKENDS for value in callspec.params.values())
    return False


def pytest_collection_modifyitems(config, items):
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        return
    deselected = [item for item in items if _database_independent(item)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not _database_independent(item)]
