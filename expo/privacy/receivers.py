"""What the privacy app does when accounts tells it something (connected in apps.py)."""

from django.dispatch import receiver

from expo.accounts.signals import user_erasing
from expo.privacy.services import personal_data_erase


@receiver(user_erasing, dispatch_uid="privacy.user_erasing")
def erase_personal_data(sender, *, user, now, **kwargs) -> None:
    personal_data_erase(user=user, now=now)
