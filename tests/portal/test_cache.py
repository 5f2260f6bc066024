"""The cache backend answers from process memory while its Redis is unreachable."""

import os
import signal

import pytest

from portal.cache import FallbackRedisCache

pytestmark = pytest.mark.integration


def cache_on(redis_server, **options) -> FallbackRedisCache:
    return FallbackRedisCache(redis_server.url, {"OPTIONS": {"RETRY_AFTER": 0, **options}})


def test_while_redis_is_down_the_cache_keeps_working_in_memory(private_redis):
    cache = cache_on(private_redis)
    private_redis.stop()

    cache.set("greeting", "hello")
    added = cache.add("counter", 1)
    incremented = cache.incr("counter")

    assert cache.get("greeting") == "hello"
    assert (added, incremented) == (True, 2)
    assert cache.get_or_set("version", "v1", None) == "v1"
    assert cache.get_many(["greeting", "missing"]) == {"greeting": "hello"}


def test_redis_is_not_asked_again_before_retry_after(private_redis):
    cache = cache_on(private_redis, RETRY_AFTER=3600)
    private_redis.stop()
    cache.set("greeting", "kept in memory")

    private_redis.start()

    assert cache.get("greeting") == "kept in memory"


def test_once_redis_answers_again_it_is_used_and_the_memory_forgotten(private_redis):
    cache = cache_on(private_redis)
    cache.set("greeting", "from before", 3600)
    private_redis.stop()
    cache.set("scratch", "written in the outage", 3600)

    private_redis.start()

    assert cache.get("greeting") == "from before"
    assert cache.get("scratch") is None


def test_keys_written_without_expiry_or_deleted_in_the_outage_are_dropped_from_redis(
    private_redis,
):
    cache = cache_on(private_redis)
    cache.set_many({"version": "old", "entry": "old", "untouched": "old"}, None)
    private_redis.stop()
    cache.set("version", "new", None)
    cache.delete("entry")

    private_redis.start()

    assert cache.get_many(["version", "entry", "untouched"]) == {"untouched": "old"}


def test_a_hung_redis_is_treated_as_unreachable(private_redis):
    cache = cache_on(private_redis)
    cache.set("greeting", "from before")
    os.kill(private_redis.process.pid, signal.SIGSTOP)
    try:
        cache.set("greeting", "kept in memory")
        assert cache.get("greeting") == "kept in memory"
    finally:
        os.kill(private_redis.process.pid, signal.SIGCONT)
