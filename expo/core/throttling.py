"""Rate limits counted atomically, and never costing a request when their store is away.

DRF's rate throttles keep each client's request times in a list they read and then
write back: two cache round trips and a pickle per request, and a burst of simultaneous
requests all read the same count and all pass. `FixedWindowRateThrottle` counts each
window's requests with one atomic increment instead (one round trip on Redis), so no
more than the rate get through in a window however many arrive at once; across a
window's edge a client may get up to twice the rate in a short span.

Throttles count in the cache (Redis in production). With Redis down, refusing every
booking, log-in and sign-up would turn a broker outage into a full outage, so a throttle
whose cache cannot be reached lets the request through and logs a warning: for a few
seconds or minutes the limits are off, and nothing else is.
"""

import logging

import redis
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle

logger = logging.getLogger(__name__)

# What a cache backend raises when its server is unreachable or too slow to answer.
CACHE_UNAVAILABLE_ERRORS = (
    redis.ConnectionError,
    redis.TimeoutError,
    ConnectionError,
    TimeoutError,
)


class FailOpenThrottleMixin:
    """Put before a DRF throttle class: the cache's outage lets requests through."""

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except CACHE_UNAVAILABLE_ERRORS as exc:
            logger.warning(
                "rate limit %s not applied, the cache is unavailable: %r",
                type(self).__name__,
                exc,
            )
            return True


def window_hit(cache, key: str, timeout: int) -> int:
    """Count one more request at `key`, a counter living `timeout` seconds; the count."""
    if hasattr(cache, "window_hit"):  # Redis: one round trip (expo/core/cache.py)
        return cache.window_hit(key, timeout)
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # the counter expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


class FixedWindowRateThrottle(SimpleRateThrottle):
    """DRF's rate throttle, counted per fixed window (see the module's docstring)."""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        hits = window_hit(self.cache, f"{key}_{window}", self.duration + 1)
        self.wait_seconds = (window + 1) * self.duration - now
        return hits <= self.num_requests

    def wait(self):
        return self.wait_seconds


class ScopedFixedWindowRateThrottle(ScopedRateThrottle, FixedWindowRateThrottle):
    """DRF's scoped throttle (the view's `throttle_scope`), counted per fixed window."""
