"""What notifications does when a lower app tells it something (connected in apps.py)."""

from django.dispatch import receiver

from expo.accounts.signals import LOGIN_LINK, account_mail_requested
from expo.notifications.outbox import account_mail_add, login_link_mail_add


@receiver(account_mail_requested, dispatch_uid="notifications.account_mail")
def queue_account_mail(sender, *, user, kind, now, **kwargs) -> bool:
    if kind == LOGIN_LINK:
        return login_link_mail_add(user=user, email=kwargs["email"], context=kwargs["context"])
    return account_mail_add(user=user, kind=kind, now=now)
