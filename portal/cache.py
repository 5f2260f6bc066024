"""The cache backend: Redis, and this process's own memory while Redis cannot be reached.

Nothing the portal keeps in the cache is the only copy of anything: facet counts, visitor
pages and content versions are rebuilt from the database, and rate-limit counters may start
again. So an unreachable Redis must cost a page neither an error nor more than a few
milliseconds. While Redis is down, each process keeps serving from a local-memory cache, so
rate limits still count (per process: at most "workers x limit" attempts, never unlimited),
and Redis is asked again only every ``RETRY_AFTER`` seconds.

A key written with no expiry, or deleted, while Redis was down is deleted from Redis when it
answers again: such keys are versions that writes move on (directory facets, group pages),
and Redis must not go on serving the value it held before the outage.
"""

import logging
import threading
import time
from dataclasses import dataclass, field

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Connection refused, host unknown, socket timed out, Redis still loading its data after a
# restart (BusyLoadingError is a ConnectionError): all mean "not reachable now".
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


@dataclass
class _Outage:
    """What one process knows about one Redis location; shared by its threads."""

    down: bool = False
    retry_at: float = 0.0
    # Redis keys (already prefixed and versioned) that must not outlive the outage in Redis.
    stale_in_redis: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _outage_for(location: str) -> _Outage:
    with _outages_lock:
        return _outages.setdefault(location, _Outage())


class _ReusingRedisCacheClient(RedisCacheClient):
    """Django's Redis client, making one ``redis.Redis`` per connection pool, not per call.

    Django builds a ``redis.Redis`` for every cache call, and each copies its ~170 response
    callbacks: 58 µs of CPU, twice what the ``GET`` itself costs, some 6 to 8 times a search.
    A ``redis.Redis`` only wraps its pool, and a cache object is per thread anyway.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FallbackRedisCache(RedisCache):
    """Django's RedisCache that serves from local memory while Redis is unreachable.

    OPTIONS, besides redis-py's connection options:

    - ``RETRY_AFTER``: seconds between attempts to reach Redis again;
    - ``FALLBACK_MAX_ENTRIES``: entries the local-memory fallback keeps;
    - ``socket_connect_timeout``, ``socket_timeout``: shorter than redis-py's by default, still
      well above what a live Redis takes and short enough that a dead or hung one costs a
      request little, once per ``RETRY_AFTER`` per process.

    The defaults are set in ``__init__``.
    """

    def __init__(self, server, params):
        options = {"socket_connect_timeout": 0.25, "socket_timeout": 0.5}
        options.update(params.get("OPTIONS", {}))
        self.retry_after = float(options.pop("RETRY_AFTER", 5))
        fallback_entries = options.pop("FALLBACK_MAX_ENTRIES", 300)
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = _ReusingRedisCacheClient
        location = ",".join(self._servers)
        self._outage = _outage_for(location)
        self._fallback = LocMemCache(
            f"fallback:{location}",
            {**params, "OPTIONS": {"MAX_ENTRIES": fallback_entries}},
        )

    # The public cache API: each call goes to Redis, or to the fallback while Redis is down.

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version=version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version=version)

    def delete(self, key, version=None):
        return self._call("delete", key, version=version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version=version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version=version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, version=version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version=version)

    def clear(self):
        # Forgets the fallback too, so that it holds nothing older than Redis does.
        self._fallback.clear()
        return self._call("clear")

    def ping(self) -> bool:
        """Ask Redis itself, whatever this process believes; raises when it does not answer."""
        return self._cache.get_client(write=True).ping()

    # Routing ---------------------------------------------------------------------------------

    def _call(self, method: str, *args, **kwargs):
        outage = self._outage
        if outage.down and time.monotonic() < outage.retry_at:
            return self._on_fallback(method, *args, **kwargs)
        try:
            if outage.down:
                self._recover()
            return getattr(RedisCache, method)(self, *args, **kwargs)
        except UNREACHABLE as exc:
            self._went_down(exc)
            return self._on_fallback(method, *args, **kwargs)

    def _on_fallback(self, method: str, *args, **kwargs):
        self._remember_stale(method, *args, **kwargs)
        return getattr(self._fallback, method)(*args, **kwargs)

    def _remember_stale(self, method: str, *args, version=None) -> None:
        if method in ("add", "set"):
            key, _value, timeout = args
            keys = [key] if self.get_backend_timeout(timeout) is None else []
        elif method == "set_many":
            data, timeout = args
            keys = list(data) if self.get_backend_timeout(timeout) is None else []
        elif method == "delete":
            keys = [args[0]]
        elif method == "delete_many":
            keys = list(args[0])
        else:
            return
        if keys:
            with self._outage.lock:
                self._outage.stale_in_redis.update(
                    self.make_and_validate_key(key, version=version) for key in keys
                )

    def _went_down(self, exc: Exception) -> None:
        outage = self._outage
        with outage.lock:
            was_down, outage.down = outage.down, True
            outage.retry_at = time.monotonic() + self.retry_after
        if not was_down:
            logger.error(
                "Redis cache unreachable (%s: %s): serving from this process's memory and "
                "counting rate limits per process; trying Redis again every %g s",
                exc.__class__.__name__,
                exc,
                self.retry_after,
            )

    def _recover(self) -> None:
        """Redis may be back: drop what it must not serve, then use it again (raises if not)."""
        outage = self._outage
        with outage.lock:
            stale = sorted(outage.stale_in_redis)
        self.ping()
        if stale:
            self._cache.delete_many(stale)
        with outage.lock:
            outage.stale_in_redis.difference_update(stale)
            outage.down = False
        # The fallback must not hold values older than Redis's when the next outage comes.
        self._fallback.clear()
        logger.warning(
            "Redis cache reachable again; %d key(s) changed meanwhile were dropped from it",
            len(stale),
        )
