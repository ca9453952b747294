"""Reads about a person across the apps."""

from django.utils import timezone

from expo.accounts.models import User
from expo.accounts.selectors import user_profile_get
from expo.core.permissions import user_roles
from expo.privacy.services import personal_data_export


def user_data_export(*, user: User) -> dict:
    """Everything held about a person, for the GDPR export (``GET /me/export/``): the
    profile, and each app's part (`services.personal_data_export`). A fixed number of queries
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
