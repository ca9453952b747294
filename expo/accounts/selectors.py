"""Reads about people."""

from expo.accounts.models import User


def user_profile_get(*, user_id: int) -> User:
    """One person as ``/me/`` shows them, with the groups their roles come from loaded."""
    return User.objects.prefetch_related("groups").get(pk=user_id)


def user_get_by_calendar_token(*, token: str) -> User | None:
    """Whose secret calendar link this is; nobody's once rotated, deactivated or erased."""
    if not token:
        return None
    return User.objects.filter(calendar_token=token, is_active=True, erased_at__isnull=True).first()
