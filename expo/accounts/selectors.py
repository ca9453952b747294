"""Reads about people."""

from django.utils import timezone

from expo.accounts.models import User
from expo.core.permissions import user_roles
from expo.core.privacy import personal_data_export


def user_profile_get(*, user_id: int) -> User:
    """One person as ``/me/`` shows them, with the groups their roles come from loaded."""
    return User.objects.prefetch_related("groups").get(pk=user_id)


def user_get_by_calendar_token(*, token: str) -> User | None:
    """Whose secret calendar link this is; nobody's once rotated, deactivated or erased."""
    if not token:
        return None
    return User.objects.filter(calendar_token=token, is_active=True, erased_at__isnull=True).first()


def user_data_export(*, user: User) -> dict:
    """Everything held about a person, for the GDPR export (``GET /me/export/``): the
    profile, and each app's part (`expo.core.privacy`). A fixed number of queries
    whatever the history."""
    profile = user_profile_get(user_id=user.pk)
    return {
        "exported_at": timezone.now(),
        "profile": {
            "id": profile.pk,
            "email": profile.email,
            "name": profile.name,
            "language": profile.language,
            "date_joined": profile.date_joined,
            "last_login": profile.last_login,
            "roles": user_roles(profile),
        },
        **personal_data_export(user=profile),
    }
