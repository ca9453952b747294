"""Celery entry points of the privacy app: thin, calling one service."""

from celery import shared_task

from expo.privacy.services import personal_data_purge


@shared_task(acks_late=True)
def purge_personal_data() -> dict[str, int]:
    """Daily: erase personal data of expos past their retention period."""
    return personal_data_purge()
