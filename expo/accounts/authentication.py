"""API tokens checked in one query, with the account's roles.

knox's own `TokenAuthentication` finds the token, then loads every token of the account
to delete the expired ones, and the permission check then loads the account's groups:
three queries before a booking or a scan starts. Here one query reads the token, its
account and the account's groups. An expired token is refused by that query and
deleted later by `auth_tokens_purge_expired`, off the request path.

The query is written in SQL, once: every API request runs it, and the ORM took longer
to build it than the database took to answer (2.6 ms of CPU against 0.1 ms, measured
with bench/profile_hot_paths.py's set-up).
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


@cache
def _token_query() -> str:
    """The token's row, its account's row and one group name per row (or NULL).

    Every name comes from the models' own metadata, quoted; the values are parameters.
    """
    quote = connection.ops.quote_name

    def table(model) -> str:
        return quote(model._meta.db_table)

    def columns(alias: str, model) -> str:
        return ", ".join(f"{alias}.{quote(field.column)}" for field in model._meta.concrete_fields)

    membership = User.groups.through
    return (
        f"SELECT {columns('t', AuthToken)}, {columns('u', User)}, g.name"  # noqa: S608
        f" FROM {table(AuthToken)} t JOIN {table(User)} u ON u.id = t.user_id"
        f" LEFT JOIN {table(membership)} m ON m.user_id = u.id"
        f" LEFT JOIN {table(Group)} g ON g.id = m.group_id"
        " WHERE t.token_key = %s AND (t.expiry IS NULL OR t.expiry > %s)"
    )


def _tokens_with_groups(token_key: str) -> dict[AuthToken, set[str]]:
    """The live tokens under `token_key` (one, but for a clash), each with its groups."""
    with connection.cursor() as cursor:
        cursor.execute(_token_query(), [token_key, timezone.now()])
        rows = cursor.fetchall()
    token_fields = [field.attname for field in AuthToken._meta.concrete_fields]
    user_fields = [field.attname for field in User._meta.concrete_fields]
    found: dict[AuthToken, set[str]] = {}
    for *values, group in rows:
        token = AuthToken.from_db(connection.alias, token_fields, values[: len(token_fields)])
        if token not in found:  # models compare by primary key, here the digest
            token.user = User.from_db(connection.alias, user_fields, values[len(token_fields) :])
            found[token] = set()
        if group is not None:
            found[token].add(group)
    return found


class TokenAuthentication(auth.TokenAuthentication):
    def authenticate_credentials(self, token: bytes):
        token = token.decode()
        try:
            digest = hash_token(token)
        except (TypeError, binascii.Error):
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
