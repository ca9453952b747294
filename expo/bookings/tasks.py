"""Celery entry points: thin, take ids, call a service."""

from celery import shared_task

from expo.bookings import services


@shared_task(acks_late=True)
def expire_waitlist_offers() -> int:
    return services.waitlist_expire_offers()


@shared_task
def purge_idempotency_keys() -> int:
    return services.idempotency_keys_purge()


@shared_task(acks_late=True)
def deliver_notification(key: str) -> None:
    """Sending arrives with the notifications work; the row stays pending until then."""
