"""The Redis cache keeps one client per server and counts rate-limit windows in one
round trip (expo/core/cache.py, expo/core/throttling.py)."""

import threading
import uuid

import pytest
from django.conf import settings

from expo.core.cache import ReusedClientRedisCache
from expo.core.throttling import FixedWindowRateThrottle

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


def test_a_window_hit_counts_atomically_in_one_round_trip_and_expires():
    cache = ReusedClientRedisCache(settings.REDIS_URL, {"KEY_PREFIX": "expo-test-window"})
    cache.delete("bookings_203.0.113.7_1")
    client = cache._cache.get_client(write=True)
    sent = []
    connection = client.connection_pool.get_connection()
    original = type(connection).send_packed_command
    client.connection_pool.release(connection)

    def counting(self, command, check_health=True):
        sent.append(command)
        return original(self, command, check_health)

    type(connection).send_packed_command = counting
    try:
        assert cache.window_hit("bookings_203.0.113.7_1", 61) == 1
    finally:
        type(connection).send_packed_command = original
    assert len(sent) == 1  # SET NX EX and INCR inside one MULTI, written at once

    counts = []
    threads = [
        threading.Thread(
            target=lambda: counts.append(cache.window_hit("bookings_203.0.113.7_1", 61))
        )
        for _ in range(40)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(counts) == list(range(2, 42))  # every hit counted once, none lost
    assert cache.get("bookings_203.0.113.7_1") == 41
    assert 0 < client.ttl(cache.make_key("bookings_203.0.113.7_1")) <= 61
    cache.delete("bookings_203.0.113.7_1")


def test_a_fixed_window_throttle_on_redis_lets_exactly_the_rate_through_a_burst():
    """Booking attempts at the same instant: the rate gets through, no more."""
    cache = ReusedClientRedisCache(settings.REDIS_URL, {"KEY_PREFIX": "expo-test-burst"})
    key = uuid.uuid4().hex  # the count expires with its window; no other test shares it

    class Throttle(FixedWindowRateThrottle):
        rate = "10/hour"  # a window's edge inside the burst would be a new count

        def get_cache_key(self, request, view):
            return f"burst_{key}"

    start = threading.Barrier(30)
    allowed = []

    def attempt():
        throttle = Throttle()
        throttle.cache = cache
        start.wait()
        allowed.append(throttle.allow_request(request=None, view=None))

    threads = [threading.Thread(target=attempt) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert allowed.count(True) == 10
