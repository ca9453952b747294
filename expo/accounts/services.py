"""Writes for people, their roles and their API tokens."""

from datetime import datetime

from django.contrib.auth import authenticate
from django.contrib.auth.models import Group, Permission
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.authtoken.models import Token

from expo.accounts.models import User, new_calendar_token
from expo.core.exceptions import Conflict, ExpoError
from expo.core.permissions import EXPO_STAFF, ROLES
from expo.core.privacy import personal_data_erase


class EmailTaken(Conflict):
    code = "email_taken"
    default_detail = _("An account with this e-mail address already exists.")


class InvalidCredentials(ExpoError):
    """Wrong e-mail, wrong password or a deactivated account: deliberately one answer,
    so the endpoint does not tell which addresses have accounts."""

    code = "invalid_credentials"
    http_status = status.HTTP_400_BAD_REQUEST
    default_detail = _("Unable to log in with the e-mail address and password given.")


@transaction.atomic
def user_create(
    *, email: str, password: str | None, name: str = "", language: str = "sv", role: str = "visitor"
) -> User:
    """A new account with one role; expo staff also get the admin site."""
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}; expected one of {', '.join(ROLES)}.")
    if User.objects.filter(email__iexact=email).exists():
        raise EmailTaken()
    try:
        # Two sign-ups with the same address can both pass the check above; the unique
        # index decides, and the loser gets the same answer as a sequential duplicate.
        with transaction.atomic():
            user = User.objects.create_user(
                email=email,
                password=password,
                name=name,
                language=language,
                is_staff=role == EXPO_STAFF,
            )
    except IntegrityError as exc:
        raise EmailTaken() from exc
    user_set_role(user=user, role=role)
    return user


def user_set_role(*, user: User, role: str) -> None:
    group, _created = Group.objects.get_or_create(name=role)
    if role == EXPO_STAFF:
        _grant_expo_staff_permissions(group)
    user.groups.add(group)
    if role == EXPO_STAFF and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


def user_update_profile(
    *, user: User, name: str | None = None, language: str | None = None
) -> User:
    """Change what a person may change about themselves; fields left as None stay."""
    changed = []
    if name is not None and name != user.name:
        user.name = name
        changed.append("name")
    if language is not None and language != user.language:
        user.language = language
        changed.append("language")
    if changed:
        user.save(update_fields=changed)
    return user


def auth_token_obtain(*, email: str, password: str, request=None) -> Token:
    """The person's API token, created on first log-in and reused until revoked.

    Goes through Django's authentication backends, so inactive (and erased) accounts
    are refused and failed attempts send ``user_login_failed``.
    """
    user = authenticate(request, email=email.strip().lower(), password=password)
    if user is None:
        raise InvalidCredentials()
    token, _created = Token.objects.get_or_create(user=user)
    return token


def auth_token_revoke(*, user: User) -> None:
    """Log out every client holding the person's token (there is one token per person)."""
    Token.objects.filter(user=user).delete()


EXPO_APPS = ("accounts", "events", "exhibitors", "bookings", "authtoken")


def _grant_expo_staff_permissions(group: Group) -> None:
    """Expo staff manage everything of the expo in the admin, but not the site itself."""
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=EXPO_APPS))


def user_calendar_token_rotate(*, user: User) -> User:
    """A new secret for the personal calendar link; every copy of the old link stops working."""
    user.calendar_token = new_calendar_token()
    user.save(update_fields=["calendar_token"])
    return user


@transaction.atomic
def user_erase(*, user: User, now: datetime | None = None) -> User:
    """GDPR erasure: give back what the person still holds, then forget who they were.

    Every app that holds personal data erases its part (`expo.core.privacy`): future
    bookings are cancelled and open waitlist entries left (`expo/bookings/privacy.py`);
    booking, ticket and scan rows stay without names, so attendance and occupancy figures
    still add up. The account can no longer log in, use its API token or its calendar
    link.

    One transaction: all of it happens or none. The person's row is locked first, as
    `booking_create` does, so their own booking requests already holding it commit before
    the apps read their bookings.
    """
    now = now or timezone.now()
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.erased_at is not None:
        return user

    # Bookings, scans, the outbox, leads and invitations: each app forgets its part.
    personal_data_erase(user=user, now=now)
    Token.objects.filter(user=user).delete()

    user.email = f"erased-{user.pk}@erased.invalid"
    user.name = ""
    user.set_unusable_password()  # also ends browser sessions: their hash no longer matches
    user.is_active = False
    user.last_login = None
    user.calendar_token = new_calendar_token()
    user.erased_at = now
    user.save(
        update_fields=[
            "email",
            "name",
            "password",
            "is_active",
            "last_login",
            "calendar_token",
            "erased_at",
        ]
    )
    return user
