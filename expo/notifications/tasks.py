"""Celery entry points of the outbox: thin, take keys, call a service.

Routes (settings.CELERY_TASK_ROUTES): ``deliver_*`` on the mail queue, the rest on
housekeeping. Every task is safe to run twice, so `acks_late` redelivery after a worker
died costs nothing worse than a no-op.
"""

from functools import partial

from celery import shared_task
from django.conf import settings
from django.utils.dateparse import parse_datetime

from expo.core.exceptions import DATABASE_UNAVAILABLE_ERRORS
from expo.notifications import services
from expo.notifications.errors import TransientDeliveryError

DELIVERY_RETRIES = {
    "acks_late": True,
    "autoretry_for": (TransientDeliveryError,),
    "retry_backoff": settings.NOTIFICATION_RETRY_BACKOFF_SECONDS,
    "retry_backoff_max": 10 * 60,
    # The rows count their own attempts and give up first; this only bounds the chain.
    "max_retries": settings.NOTIFICATION_MAX_ATTEMPTS,
}


@shared_task(bind=True, **DELIVERY_RETRIES)
def deliver_notification(self, key: str) -> str:
    """Send one outbox row; SMTP or database trouble retries with exponential backoff."""
    return _with_eager_retries(self, partial(services.notification_deliver, key=key))


@shared_task(bind=True, **DELIVERY_RETRIES)
def deliver_notifications(self, keys: list[str]) -> dict[str, str]:
    """Send outbox rows over one SMTP connection; a retry sends only those put back."""
    return _with_eager_retries(self, partial(services.notifications_deliver, keys=keys))


def _with_eager_retries(task, deliver):
    """Run eagerly (the embedded default, tests) there is no broker to hold a delayed
    retry and Celery would raise its `Retry` into the code that queued the task, so the
    tries are made at once instead; the last one ends the rows put back as `failed`.
    """
    for _try in range(settings.NOTIFICATION_MAX_ATTEMPTS - 1):
        try:
            return deliver()
        except TransientDeliveryError:
            if not task.request.is_eager:
                raise
    return deliver()


@shared_task(
    acks_late=True,
    autoretry_for=DATABASE_UNAVAILABLE_ERRORS,
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=None,  # the mail is out: the mark is retried until it sticks
)
def mark_notification_sent(key: str, sent_at: str) -> bool:
    return services.notification_mark_sent(key=key, sent_at=parse_datetime(sent_at))


# Bulk hand-offs: queuing 100 000 reminders takes longer than the default soft limit.
BULK_LIMITS = {"soft_time_limit": 10 * 60, "time_limit": 11 * 60}


@shared_task(acks_late=True, **BULK_LIMITS)
def sweep_notifications() -> int:
    return services.notifications_sweep()
