"""A person's own account mails (verification, password reset, a sign-up with a taken
address, a sign-in link): accounts asks for them by signal (`expo.accounts.signals`), this
app writes them."""

from datetime import datetime

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from expo.accounts.signals import (
    EMAIL_VERIFICATION,
    LOGIN_LINK,
    PASSWORD_RESET,
    REGISTRATION_ATTEMPT,
)
from expo.accounts.tokens import email_verification_url, password_reset_url
from expo.core.secret_links import secret_link_url
from expo.notifications.kinds import MessageKind, message_kind_register


class AccountMessage(MessageKind):
    def __init__(self, name, label, subject, link=None):
        super().__init__(name, label, subject)
        self.link = link

    def skip_reason(self, notification, now: datetime) -> str:
        if self.name == EMAIL_VERIFICATION and notification.user.email_verified:
            return "address already verified"
        if self.name == LOGIN_LINK and parse_datetime(notification.context["expires_at"]) <= now:
            return "the link expired before it could be sent"
        return ""

    def context(self, notification) -> dict:
        """One-time links are made now: the row holds no secret."""
        context = super().context(notification)
        if self.link is not None:
            context.update(self.link(notification))
        return context


def register() -> None:
    for kind in (
        AccountMessage(
            EMAIL_VERIFICATION,
            _("E-mail address verification"),
            _("Confirm your e-mail address for H22 City Expo"),
            link=lambda row: {"verify_url": email_verification_url(row.user)},
        ),
        AccountMessage(
            PASSWORD_RESET,
            _("Password reset"),
            _("Choose a new password for H22 City Expo"),
            link=lambda row: {"reset_url": password_reset_url(row.user)},
        ),
        AccountMessage(
            REGISTRATION_ATTEMPT,
            _("Sign-up with a taken address"),
            _("Someone tried to sign up with your address"),
        ),
        # The row keeps the link's seed; its token is made now (expo/core/secret_links.py).
        AccountMessage(
            LOGIN_LINK,
            _("Sign-in link"),
            _("Your sign-in link for H22 City Expo"),
            link=lambda row: {"login_url": secret_link_url(row.context["login_link"])},
        ),
    ):
        message_kind_register(kind)
