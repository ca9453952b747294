"""Reads about people."""

from expo.accounts.models import User


def user_profile_get(*, user_id: int) -> User:
    """One person as ``/me/`` shows them, with the groups their roles come from loaded."""
    return User.objects.prefetch_related("groups").get(pk=user_id)
