"""The database and the cache (Redis when REDIS_URL is set)."""

from config.settings.core import BASE_DIR, env

# --- Database -----------------------------------------------------------------------
# DATABASE_URL=postgres://user@host:5432/expo in production; SQLite file otherwise.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite serialises writers; wait for the lock instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
elif env.int("DATABASE_POOL_SIZE", default=0):
    # A pool per process (psycopg_pool), for servers whose requests are not threads
    # (gevent): connections are lent per query block instead of kept per thread.
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": env.int("DATABASE_POOL_SIZE"),
        "timeout": 10,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    # Off: checking a reused connection is a `SELECT 1` before every request's first
    # query, a tenth of a scan's statements. A connection that died with its server
    # (a restart, a failover) fails one request per process with the API's 503 instead,
    # and Django replaces it (tests/faults: PostgreSQL stopped while visitors book).
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "DATABASE_PREPARED_STATEMENTS", default=True
):
    # Parameters bound by the server, and a statement run a few times on a connection
    # prepared there (psycopg's threshold): PostgreSQL then parses and plans it once, not
    # on every request. That was a third of its CPU on a booking (BENCHMARKS.md).
    # Behind a pooler in transaction mode (PgBouncer before 1.21) set it to 0.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Redis ----------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    # Only rate limits live here, and they let requests through while Redis is away
    # (expo/core/throttling.py): a stalled Redis must cost a request half a second, not 30.
    CACHES = {
        "default": {
            "BACKEND": "expo.core.cache.ReusedClientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
