"""API tokens checked in one query, with the account's roles.

knox's own `TokenAuthentication` finds the token, then loads every token of the account
to delete the expired ones, and the permission check then loads the account's groups:
three queries before a booking or a scan starts. Here one query reads the token, its
account and which role groups the account is in. An expired token is refused by that
query and deleted later by `api_tokens_purge_expired`, off the request path.
"""

import binascii
from hmac import compare_digest

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox import auth
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
from rest_framework.exceptions import AuthenticationFailed

from expo.accounts.models import User
from expo.core.permissions import ROLES, roles_preload


def _in_role(role: str) -> Exists:
    return Exists(User.groups.through.objects.filter(user_id=OuterRef("user_id"), group__name=role))


class TokenAuthentication(auth.TokenAuthentication):
    def authenticate_credentials(self, token: bytes):
        token = token.decode()
        try:
            digest = hash_token(token)
        except (TypeError, binascii.Error):
            raise AuthenticationFailed(_("Invalid token.")) from None
        candidates = (
            AuthToken.objects.filter(token_key=token[: CONSTANTS.TOKEN_KEY_LENGTH])
            .filter(Q(expiry=None) | Q(expiry__gt=timezone.now()))
            .select_related("user")
            .annotate(**{f"in_{role}": _in_role(role) for role in ROLES})
        )
        for auth_token in candidates:
            if compare_digest(digest, auth_token.digest):
                roles = {role for role in ROLES if getattr(auth_token, f"in_{role}")}
                roles_preload(auth_token.user, roles)
                return self.validate_user(auth_token)
        raise AuthenticationFailed(_("Invalid token."))


class TokenScheme(KnoxTokenScheme):
    """The OpenAPI schema describes it as knox's."""

    target_class = TokenAuthentication
