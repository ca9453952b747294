"""Celery entry points: thin, call a service. Routed to the housekeeping queue."""

from celery import shared_task

from expo.accounts import services


@shared_task(acks_late=True)
def purge_expired_api_tokens() -> int:
    return services.auth_tokens_purge_expired()
