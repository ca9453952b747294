"""Django's Redis cache, with one Redis client per server instead of one per call.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` around its connection
pool at every cache call, and building one costs more than the round trip it makes
(bench/profile_hot_paths.py: two per rate-limited request). A client is thread-safe
and holds no connection of its own, so each is built once and kept.

`window_hit` is the rate limits' counter (expo/core/throttling.py) in one round trip.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def window_hit(self, key: str, timeout: int) -> int:
        """Count one more at `key`, a counter that starts at 0 and lives `timeout`
        seconds; the count. Atomic (MULTI), in one round trip."""
        key = self.make_and_validate_key(key)
        client = self._cache.get_client(key, write=True)
        with client.pipeline(transaction=True) as pipe:
            pipe.set(key, 0, ex=timeout, nx=True)
            pipe.incr(key)
            return pipe.execute()[1]
