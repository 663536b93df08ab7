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
