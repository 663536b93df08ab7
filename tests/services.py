"""Which real services answer on loopback, and how to start the ones that do not.

Tests that need a service skip with the reason built here, so a skipped run
says which service was missing and the command that starts it.
"""

import functools
import os
import socket

SERVICES: dict[str, tuple[str, int, str]] = {
    "postgres": (
        "127.0.0.1",
        5432,
        "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
    ),
    "mariadb": (
        "127.0.0.1",
        3306,
        "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd",
    ),
    "redis": (
        "127.0.0.1",
        6379,
        'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
    ),
    "memcached": (
        "127.0.0.1",
        11211,
        "apt-get install -y memcached && memcached -d -u memcache -l 127.0.0.1 -p 11211",
    ),
}


@functools.cache
def answers(name: str) -> bool:
    """Whether the named service accepts a TCP connection on its loopback port."""
    host, port, _ = SERVICES[name]
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def skip_reason(name: str) -> str:
    """The line a skipped test prints for a service that does not answer."""
    host, port, start = SERVICES[name]
    return f"{name} is not answering on {host}:{port}; start it with: {start}"


def require(name: str) -> None:
    """Skip the calling test unless ``name`` answers (and, in CI, fail instead)."""
    import pytest

    if answers(name):
        return
    if os.environ.get("DJANGO_CRON_REQUIRE_SERVICES"):
        pytest.fail(skip_reason(name))
    pytest.skip(skip_reason(name))
