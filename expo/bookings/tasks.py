"""Celery entry points: thin, take ids, call a service.

Routes (settings.CELERY_TASK_ROUTES): housekeeping. Every task is safe to run twice, so
`acks_late` redelivery after a worker died costs nothing worse than a no-op.
"""

from celery import shared_task

from expo.bookings import messages, services
from expo.notifications.tasks import BULK_LIMITS


@shared_task(acks_late=True)
def expire_waitlist_offers() -> int:
    return services.waitlist_expire_offers()


@shared_task(acks_late=True)
def purge_idempotency_keys() -> int:
    return services.idempotency_keys_purge()


@shared_task(acks_late=True, **BULK_LIMITS)
def queue_due_reminders() -> int:
    return messages.reminders_queue_due()


@shared_task(acks_late=True)
def release_no_shows() -> int:
    return services.tickets_release_no_shows()
