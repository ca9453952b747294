"""The Redis cache keeps one client per server (expo/core/cache.py)."""

import pytest
from django.conf import settings

from expo.core.cache import ReusedClientRedisCache

pytestmark = pytest.mark.redis


def test_cache_calls_share_one_redis_client_and_still_round_trip():
    cache = ReusedClientRedisCache(settings.REDIS_URL, {"KEY_PREFIX": "expo-test-reuse"})
    cache.set("booking", {"seats": 3}, 30)
    first = cache._cache.get_client(write=True)

    assert cache.get("booking") == {"seats": 3}
    assert cache.add("counter", 1, 30)
    assert cache.incr("counter") == 2
    assert cache._cache.get_client(write=True) is first
    assert cache._cache.get_client() is first  # one server: reads and writes alike
    cache.delete_many(["booking", "counter"])
