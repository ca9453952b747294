"""Celery: the broker, queues, routes and beat's schedule."""

from datetime import timedelta

from celery.schedules import crontab
from kombu import Queue

from config.settings.database import REDIS_URL

# --- Celery (https://docs.celeryq.dev/en/stable/userguide/configuration.html) ------
# Eager tasks still take a producer from the pool; a memory URL without a host makes kombu
# warn "No hostname was supplied" on every task, as if a broker were missing.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery's Django fixup closes every database connection around every task unless this
# is set; then only every this many tasks, and config/celery.py keeps Django's own rules
# (CONN_MAX_AGE, health checks) in between: a worker reuses its connection.
CELERY_DB_REUSE_MAX = 1000
# What a task prints (the console e-mail backend) stays as printed, not a WARNING per line.
CELERY_WORKER_REDIRECT_STDOUTS = False
# A message not acked within this time is redelivered (a worker died mid-task).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 15 * 60}
# Every queue a task is routed to is declared, so a plain `celery -A config worker`
# consumes them all; `-Q mail` still dedicates a worker to one.
CELERY_TASK_QUEUES = (Queue("default"), Queue("mail"), Queue("housekeeping"))
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "expo.notifications.tasks.deliver_*": {"queue": "mail"},
    "expo.notifications.tasks.*": {"queue": "housekeeping"},
    "expo.accounts.tasks.*": {"queue": "housekeeping"},
    "expo.bookings.tasks.*": {"queue": "housekeeping"},
    "expo.privacy.tasks.*": {"queue": "housekeeping"},
}
CELERY_BEAT_SCHEDULE = {
    "expire-waitlist-offers": {
        "task": "expo.bookings.tasks.expire_waitlist_offers",
        "schedule": timedelta(minutes=1),
    },
    "release-no-shows": {
        "task": "expo.bookings.tasks.release_no_shows",
        "schedule": timedelta(minutes=1),
    },
    "purge-expired-api-tokens": {
        "task": "expo.accounts.tasks.purge_expired_api_tokens",
        "schedule": crontab(minute=29),
    },
    "purge-idempotency-keys": {
        "task": "expo.bookings.tasks.purge_idempotency_keys",
        "schedule": crontab(minute=17),
    },
    # The outbox's safety net: mail whose task was never queued or was lost.
    "sweep-notifications": {
        "task": "expo.notifications.tasks.sweep_notifications",
        "schedule": timedelta(minutes=1),
    },
    "queue-due-reminders": {
        "task": "expo.bookings.tasks.queue_due_reminders",
        "schedule": timedelta(minutes=5),
    },
    # Retention: docs/privacy.md.
    "purge-personal-data": {
        "task": "expo.privacy.tasks.purge_personal_data",
        "schedule": crontab(hour=3, minute=41),
    },
}
