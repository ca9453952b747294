"""Writes for people and their roles."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from expo.accounts.models import User
from expo.core.exceptions import Conflict
from expo.core.permissions import EXPO_STAFF, ROLES


class EmailTaken(Conflict):
    code = "email_taken"
    default_detail = "An account with this e-mail address already exists."


@transaction.atomic
def user_create(
    *, email: str, password: str | None, name: str = "", language: str = "sv", role: str = "visitor"
) -> User:
    """A new account with one role; expo staff also get the admin site."""
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}; expected one of {', '.join(ROLES)}.")
    if User.objects.filter(email__iexact=email).exists():
        raise EmailTaken()
    user = User.objects.create_user(
        email=email, password=password, name=name, language=language, is_staff=role == EXPO_STAFF
    )
    user_set_role(user=user, role=role)
    return user


def user_set_role(*, user: User, role: str) -> None:
    group, _ = Group.objects.get_or_create(name=role)
    if role == EXPO_STAFF:
        _grant_expo_staff_permissions(group)
    user.groups.add(group)
    if role == EXPO_STAFF and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


EXPO_APPS = ("accounts", "events", "exhibitors", "bookings", "authtoken")


def _grant_expo_staff_permissions(group: Group) -> None:
    """Expo staff manage everything of the expo in the admin, but not the site itself."""
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=EXPO_APPS))
