"""A person's own account mails (verification, password reset, a sign-up with a taken
address): accounts asks for them by signal (`expo.accounts.signals`), this app writes them."""

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from expo.accounts.signals import EMAIL_VERIFICATION, PASSWORD_RESET, REGISTRATION_ATTEMPT
from expo.accounts.tokens import email_verification_url, password_reset_url
from expo.notifications.kinds import MessageKind, message_kind_register


class AccountMessage(MessageKind):
    def __init__(self, name, label, subject, link=None):
        super().__init__(name, label, subject)
        self.link = link

    def skip_reason(self, notification, now: datetime) -> str:
        if self.name == EMAIL_VERIFICATION and notification.user.email_verified:
            return "address already verified"
        return ""

    def context(self, notification) -> dict:
        """One-time links are made now: the row holds no secret."""
        context = super().context(notification)
        if self.link is not None:
            context.update(self.link(notification.user))
        return context


def register() -> None:
    for kind in (
        AccountMessage(
            EMAIL_VERIFICATION,
            _("E-mail address verification"),
            _("Confirm your e-mail address for H22 City Expo"),
            link=lambda user: {"verify_url": email_verification_url(user)},
        ),
        AccountMessage(
            PASSWORD_RESET,
            _("Password reset"),
            _("Choose a new password for H22 City Expo"),
            link=lambda user: {"reset_url": password_reset_url(user)},
        ),
        AccountMessage(
            REGISTRATION_ATTEMPT,
            _("Sign-up with a taken address"),
            _("Someone tried to sign up with your address"),
        ),
    ):
        message_kind_register(kind)
