"""One-time links mailed to a person: confirm the address, choose a new password.

Both are Django's HMAC tokens (`PasswordResetTokenGenerator`): nothing is stored, the
token is made when the message is rendered, and it stops working after
PASSWORD_RESET_TIMEOUT or once the state it was made from changes (the address
verified, the password changed), so each link works once.
"""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from expo.accounts.models import User


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "expo.accounts.tokens.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        # A changed address or a done verification makes every older link invalid.
        verified = user.email_verified_at.isoformat() if user.email_verified_at else ""
        return f"{user.pk}{user.email}{verified}{timestamp}"


email_verification_token = EmailVerificationTokenGenerator()


def _uid(user: User) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def email_verification_url(user: User) -> str:
    path = reverse(
        "accounts:verify-email",
        kwargs={"uidb64": _uid(user), "token": email_verification_token.make_token(user)},
    )
    return settings.SITE_URL.rstrip("/") + path


def password_reset_url(user: User) -> str:
    # Django's own confirm view checks this token (`default_token_generator`).
    path = reverse(
        "accounts:password-reset-confirm",
        kwargs={"uidb64": _uid(user), "token": default_token_generator.make_token(user)},
    )
    return settings.SITE_URL.rstrip("/") + path


def user_from_uidb64(uidb64: str) -> User | None:
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    return User.objects.filter(pk=pk).first()
