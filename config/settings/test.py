"""Test settings: the embedded default unless DATABASE_URL / REDIS_URL point elsewhere."""

from .base import *  # noqa: F403
from .base import REST_FRAMEWORK

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
# Throttling is tested explicitly; elsewhere it would make tests order-dependent.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        "login": "1000/min",
        "register": "1000/min",
        "booking": "1000/min",
        "waitlist": "1000/min",
        "login_link": "1000/min",
        "login_link_email": "1000/min",
    },
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# As in production, and from the first import on: a module that builds the URLconf while
# tests are collected (the OpenAPI schema for fuzzing) must see the same URLs as a request.
DEBUG = False
