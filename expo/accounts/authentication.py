"""API tokens checked in one query, with the account's roles.

knox's own `TokenAuthentication` finds the token, then loads every token of the account
to delete the expired ones, and the permission check then loads the account's groups:
three queries before a booking or a scan starts. Here one query reads the token, its
account and the account's groups. An expired token is refused by that query and
deleted later by `auth_tokens_purge_expired`, off the request path.

The query is written in SQL (expo/core/queries.py): every API request runs it, and the
ORM took longer to build it than the database took to answer (2.6 ms of CPU against
0.1 ms, bench/profile_hot_paths.py).
"""

import binascii
from functools import cache
from hmac import compare_digest

from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox import auth
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
from rest_framework.exceptions import AuthenticationFailed

from expo.accounts.models import User
from expo.core.permissions import roles_preload
from expo.core.queries import ModelColumns

_TOKEN_AND_USER = ModelColumns((AuthToken, "t", None), (User, "u", None))


@cache
def _token_query() -> str:
    """The token's row, its account's row and one group name per row (or NULL)."""
    table = _TOKEN_AND_USER.table
    return (
        f"SELECT {_TOKEN_AND_USER.select}, g.name"  # noqa: S608
        f" FROM {table(AuthToken)} t JOIN {table(User)} u ON u.id = t.user_id"
        f" LEFT JOIN {table(User.groups.through)} m ON m.user_id = u.id"
        f" LEFT JOIN {table(Group)} g ON g.id = m.group_id"
        " WHERE t.token_key = %s AND (t.expiry IS NULL OR t.expiry > %s)"
    )


def _tokens_with_groups(token_key: str) -> dict[AuthToken, set[str]]:
    """The live tokens under `token_key` (one, but for a clash), each with its groups."""
    with connection.cursor() as cursor:
        cursor.execute(_token_query(), [token_key, timezone.now()])
        rows = cursor.fetchall()
    found: dict[AuthToken, set[str]] = {}
    for row in rows:
        instances = _TOKEN_AND_USER.instances(row)
        token, group = instances["t"], row[_TOKEN_AND_USER.width]
        if token not in found:  # models compare by primary key, here the digest
            token.user = instances["u"]
            found[token] = set()
        if group is not None:
            found[token].add(group)
    return found


class TokenAuthentication(auth.TokenAuthentication):
    def authenticate_credentials(self, token: bytes):
        try:
            token = token.decode()
            digest = hash_token(token)
        except (UnicodeDecodeError, TypeError, binascii.Error):
            raise AuthenticationFailed(_("Invalid token.")) from None
        candidates = _tokens_with_groups(token[: CONSTANTS.TOKEN_KEY_LENGTH])
        for auth_token, groups in candidates.items():
            if compare_digest(digest, auth_token.digest):
                roles_preload(auth_token.user, groups)
                return self.validate_user(auth_token)
        raise AuthenticationFailed(_("Invalid token."))


class TokenScheme(KnoxTokenScheme):
    """The OpenAPI schema describes it as knox's."""

    target_class = TokenAuthentication
