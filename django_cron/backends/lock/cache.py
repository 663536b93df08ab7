"""Lock jobs with a key in a Django cache shared by every process that runs them.

The key (the job's ``module.ClassName``) holds the owner's token and expires
one lease after its last renewal. Acquiring is ``cache.add``, atomic on
Redis, memcached and the database cache. How renewal and release check the
owner depends on the cache:

* ``RedisCache``: a Lua script compares the token and acts in one step.
* ``FileBasedCache``: its ``add`` is a check then a write, so every step runs
  under an ``flock`` on a file next to the cache entry (one host only).
* ``DatabaseCache``: a stale entry is deleted with one conditional ``DELETE``
  before ``add``, since ``add`` overwrites an expired row without a check;
  renewal and release compare the stored token in the same statement.
* Any other cache (memcached, ...): the token is read, then the entry touched
  or deleted. If the lease ran out between the read and the write and another
  process took the lock in that moment, the write hits the new owner's entry:
  renewal extends its lease once, release frees it early. This takes a holder
  that failed to renew for two thirds of a lease.
"""

import base64
import contextlib
import hashlib
import os
import pickle
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

from django.conf import settings
from django.core.cache import InvalidCacheBackendError, caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import ImproperlyConfigured
from django.core.files import locks
from django.db import connections, router
from django.utils.module_loading import import_string

from django_cron.backends.lock.base import DjangoCronJobLock
from django_cron.conf import app_settings

try:
    from django.core.cache.backends.redis import RedisCache
except ImportError:  # pragma: no cover  (Django without the Redis backend)
    RedisCache = None

# KEYS[1]: the lock key; ARGV[1]: the owner's token as stored; ARGV[2]: lease (ms).
_RENEW_SCRIPT = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE_SCRIPT = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""


def _cache_class(alias: str) -> type:
    try:
        backend = settings.CACHES[alias]["BACKEND"]
    except KeyError as exc:
        raise ImproperlyConfigured(
            f"DJANGO_CRON_CACHE (or CRON_CACHE) names the cache {alias!r}, which is not in CACHES."
        ) from exc
    return import_string(backend)


def cache_is_process_local(alias: str) -> bool:
    """Whether the cache ``alias`` lives inside one process (LocMemCache, DummyCache).

    An alias missing from ``CACHES`` raises ``ImproperlyConfigured``; a backend
    that does not import is not judged here (Django reports it when used).
    """
    try:
        backend = _cache_class(alias)
    except ImportError:
        return False
    return isinstance(backend, type) and issubclass(backend, LocMemCache | DummyCache)


class CacheLock(DjangoCronJobLock):
    """Holds a cache key, ``DJANGO_CRON_CACHE`` (default ``"default"``), while a job runs."""

    def __init__(self, cron_class: type, silent: bool, *args: Any, **kwargs: Any) -> None:
        super().__init__(cron_class, silent, *args, **kwargs)
        self.lock_name = self.get_lock_name()
        self.timeout = self.lease
        self.get_cache_by_name()  # an unknown alias fails here, before any job runs

    @property
    def cache(self) -> BaseCache:
        """This thread's connection to the lock cache (cache clients are per thread)."""
        return self.get_cache_by_name()

    def get_cache_by_name(self) -> BaseCache:
        """The cache named by ``DJANGO_CRON_CACHE`` (or the old ``CRON_CACHE``)."""
        alias = app_settings.CACHE
        try:
            return caches[alias]
        except InvalidCacheBackendError as exc:
            raise ImproperlyConfigured(
                f"DJANGO_CRON_CACHE (or CRON_CACHE) names the cache {alias!r}, "
                f"which is not in CACHES: {exc}"
            ) from exc

    def get_lock_name(self) -> str:
        """The cache key of this job's lock."""
        return self.job_name

    # -- the three operations -------------------------------------------------

    def lock(self) -> bool:
        cache = self.cache
        try:
            with self._guard(cache):
                if isinstance(cache, DatabaseCache):
                    self._delete_expired_row(cache)
                return bool(cache.add(self.lock_name, self.token, timeout=self.lease))
        except Exception as exc:  # noqa: BLE001  (each cache raises its own errors)
            raise self.backend_error("take", exc) from exc

    def renew(self) -> bool:
        cache = self.cache
        try:
            if _is_redis(cache):
                return bool(self._redis_eval(cache, _RENEW_SCRIPT, int(self.lease * 1000)))
            if isinstance(cache, DatabaseCache):
                return self._update_own_row(cache, delete=False)
            with self._guard(cache):
                return cache.get(self.lock_name) == self.token and bool(
                    cache.touch(self.lock_name, timeout=self.lease)
                )
        except Exception as exc:  # noqa: BLE001  (each cache raises its own errors)
            raise self.backend_error("renew", exc) from exc

    def release(self) -> None:
        cache = self.cache
        try:
            if _is_redis(cache):
                self._redis_eval(cache, _RELEASE_SCRIPT)
            elif isinstance(cache, DatabaseCache):
                self._update_own_row(cache, delete=True)
            else:
                with self._guard(cache):
                    if cache.get(self.lock_name) == self.token:
                        cache.delete(self.lock_name)
        except Exception as exc:  # noqa: BLE001  (each cache raises its own errors)
            raise self.backend_error("release", exc) from exc

    def lock_failed_message(self) -> str:
        try:
            holder = self.cache.get(self.lock_name)
        except Exception:  # noqa: BLE001  (only a message: the store may be flaky)
            holder = None
        held_by = f" held by {holder}" if isinstance(holder, str) else ""
        return f"{self.job_name}: lock (cache key {self.lock_name!r}){held_by}. Will try later."

    # -- per-cache details ----------------------------------------------------

    @contextlib.contextmanager
    def _guard(self, cache: BaseCache) -> Iterator[None]:
        """Make FileBasedCache's check-then-write steps atomic across processes."""
        if not isinstance(cache, FileBasedCache):
            yield
            return
        name = hashlib.sha256(self.lock_name.encode()).hexdigest()
        os.makedirs(cache._dir, exist_ok=True)
        # Not ending in .djcache, so cache.clear() and culling leave it alone.
        with open(os.path.join(cache._dir, f"{name}.djcron-guard"), "a+b") as guard:
            locks.lock(guard, locks.LOCK_EX)
            try:
                yield
            finally:
                locks.unlock(guard)

    def _redis_eval(self, cache: BaseCache, script: str, *args: Any) -> Any:
        key = cache.make_and_validate_key(self.lock_name)
        client = cache._cache.get_client(key, write=True)
        stored = cache._cache._serializer.dumps(self.token)
        return client.eval(script, 1, key, stored, *args)

    def _table(self, cache: DatabaseCache) -> tuple[Any, str]:
        db = router.db_for_write(cache.cache_model_class)
        connection = connections[db]
        return connection, connection.ops.quote_name(cache._table)

    def _delete_expired_row(self, cache: DatabaseCache) -> None:
        connection, table = self._table(cache)
        key = cache.make_and_validate_key(self.lock_name)
        now = connection.ops.adapt_datetimefield_value(_db_now())
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {table} WHERE cache_key = %s AND expires < %s",
                [key, now],
            )

    def _update_own_row(self, cache: DatabaseCache, delete: bool) -> bool:
        connection, table = self._table(cache)
        key = cache.make_and_validate_key(self.lock_name)
        stored = base64.b64encode(pickle.dumps(self.token, cache.pickle_protocol)).decode("latin1")
        with connection.cursor() as cursor:
            if delete:
                cursor.execute(
                    f"DELETE FROM {table} WHERE cache_key = %s AND value = %s",
                    [key, stored],
                )
            else:
                expires = datetime.fromtimestamp(cache.get_backend_timeout(self.lease), tz=_tz())
                cursor.execute(
                    f"UPDATE {table} SET expires = %s WHERE cache_key = %s AND value = %s",
                    [
                        connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0)),
                        key,
                        stored,
                    ],
                )
            return cursor.rowcount == 1


def _is_redis(cache: BaseCache) -> bool:
    return RedisCache is not None and isinstance(cache, RedisCache)


def _tz() -> timezone | None:
    # DatabaseCache stores aware UTC expiry times when USE_TZ, naive local ones otherwise.
    return timezone.utc if settings.USE_TZ else None


def _db_now() -> datetime:
    return datetime.now(tz=_tz()).replace(microsecond=0)
