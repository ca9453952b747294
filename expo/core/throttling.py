"""Rate limits that never cost a request when their store is away.

Throttles count in the cache (Redis in production). With Redis down, refusing every
booking, log-in and sign-up would turn a broker outage into a full outage, so a throttle
whose cache cannot be reached lets the request through and logs a warning: for a few
seconds or minutes the limits are off, and nothing else is.
"""

import logging

import redis

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
