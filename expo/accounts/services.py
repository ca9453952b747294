"""Writes for people, their roles and their API tokens."""

import hashlib
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from knox.models import AuthToken

from expo.accounts import signals
from expo.accounts.errors import EmailTaken, InvalidCredentials, InvalidLink
from expo.accounts.models import LoginLink, User, new_calendar_token
from expo.accounts.tokens import email_verification_token, user_from_uidb64
from expo.core.permissions import EXPO_STAFF, ROLES, VISITOR
from expo.core.secret_links import secret_link_new


def _account_mail_add(*, user: User, kind: str, now: datetime) -> bool:
    """Ask for a mail to the person's own address; False when none was queued.

    The link inside is made when the message is rendered (expo/accounts/tokens.py), so
    nothing stored holds a secret. Precondition: inside the caller's transaction.
    """
    answers = signals.account_mail_requested.send(sender=User, user=user, kind=kind, now=now)
    return any(queued for _receiver, queued in answers)


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


@transaction.atomic
def user_register(
    *, email: str, password: str, name: str, language: str, now: datetime | None = None
) -> None:
    """Sign up as a visitor; the caller answers the same whatever happened here.

    A new address gets its account and a link to confirm the address. A taken one gets
    nothing new: its owner is told by mail that someone tried to sign up with it, so the
    answer (and, with the password hashed either way, its timing) does not tell anyone
    which addresses have accounts.
    """
    now = now or timezone.now()
    try:
        user = user_create(
            email=email, password=password, name=name, language=language, role=VISITOR
        )
    except EmailTaken:
        make_password(password)
        owner = User.objects.filter(email__iexact=email, is_active=True).first()
        if owner is not None:
            _account_mail_add(user=owner, kind=signals.REGISTRATION_ATTEMPT, now=now)
        return
    _account_mail_add(user=user, kind=signals.EMAIL_VERIFICATION, now=now)


@transaction.atomic
def email_verification_request(*, user: User, now: datetime | None = None) -> bool:
    """Mail the person a (new) link to confirm their address; False if none was sent."""
    if user.email_verified:
        return False
    return _account_mail_add(user=user, kind=signals.EMAIL_VERIFICATION, now=now or timezone.now())


def email_verify(*, uidb64: str, token: str, now: datetime | None = None) -> User:
    """Mark the address confirmed: the person opened the link mailed to it."""
    user = user_from_uidb64(uidb64)
    if user is None or not user.is_active or not email_verification_token.check_token(user, token):
        raise InvalidLink()
    user.email_verified_at = now or timezone.now()
    User.objects.filter(pk=user.pk, email_verified_at__isnull=True).update(
        email_verified_at=user.email_verified_at
    )
    return user


@transaction.atomic
def password_reset_request(*, email: str, now: datetime | None = None) -> None:
    """Mail a link to choose a new password, if the address has an account that may log in.

    Like Django's own form, accounts without a usable password (erased, or made without
    one) get nothing; the caller answers the same either way.
    """
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is not None and user.has_usable_password():
        _account_mail_add(user=user, kind=signals.PASSWORD_RESET, now=now or timezone.now())


# --- Sign-in links ---------------------------------------------------------------------

LOGIN_LINK_TTL = timedelta(minutes=15)
# Links one address may be sent within LOGIN_LINK_TTL: the throttles' limit counts
# requests and lets them through while the cache is down; this one counts stored links.
LOGIN_LINKS_PER_ADDRESS = 3
LOGIN_LINK_PURPOSE = "login"


def _login_link_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _local_path(target: str) -> str:
    """`target` if it is a path on this site, else empty: a link must not lead elsewhere."""
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts=set()):
        return target
    return ""


@transaction.atomic
def login_link_request(
    *, email: str, language: str | None = None, next_url: str = "", now: datetime | None = None
) -> None:
    """Mail a one-time sign-in link to `email`; the caller answers the same whatever happens.

    An address without an account gets a link too: its first use creates the account.
    A deactivated account, or an address sent LOGIN_LINKS_PER_ADDRESS links within
    LOGIN_LINK_TTL, gets nothing. The link's token is never stored: the link row keeps
    its hash, the outbox row a seed it is made again from when the mail is written
    (expo/core/secret_links.py).
    """
    now = now or timezone.now()
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None and not user.is_active:
        return
    # Expired links open nothing: keeping them would only keep addresses. The table holds
    # LOGIN_LINK_TTL's worth of links, so this costs one small indexed DELETE.
    LoginLink.objects.filter(expires_at__lte=now).delete()
    recent = LoginLink.objects.filter(email=email, created_at__gt=now - LOGIN_LINK_TTL)
    if recent.count() >= LOGIN_LINKS_PER_ADDRESS:
        return
    language = user.language if user is not None else (language or User.Language.SV)
    link, token = secret_link_new(
        purpose=LOGIN_LINK_PURPOSE, url=settings.SITE_URL.rstrip("/") + "/login/link/{token}/"
    )
    expires_at = now + LOGIN_LINK_TTL
    LoginLink.objects.create(
        email=email,
        token_hash=_login_link_hash(token),
        next=_local_path(next_url),
        language=language,
        created_at=now,
        expires_at=expires_at,
    )
    signals.account_mail_requested.send(
        sender=User,
        user=user,
        kind=signals.LOGIN_LINK,
        now=now,
        email=email,
        context={"login_link": link, "language": language, "expires_at": expires_at.isoformat()},
    )


def login_link_check(*, token: str, now: datetime | None = None) -> LoginLink:
    """The unused, unexpired link `token` opens, without using it (the confirm page)."""
    link = LoginLink.objects.filter(
        token_hash=_login_link_hash(token),
        used_at__isnull=True,
        expires_at__gt=now or timezone.now(),
    ).first()
    if link is None:
        raise InvalidLink()
    return link


@transaction.atomic
def login_link_redeem(*, token: str, now: datetime | None = None) -> tuple[User, LoginLink]:
    """Use a sign-in link: the person behind its address, created on first use.

    One conditional UPDATE marks the link used, so of two uses at the same moment one
    signs in and the other gets `InvalidLink`. A new account is a visitor with no
    password whose address is verified by construction: the person opened a link mailed
    to it. Raises `InvalidLink` for a forged, expired or used link, or a closed account.
    """
    now = now or timezone.now()
    token_hash = _login_link_hash(token)
    used = LoginLink.objects.filter(
        token_hash=token_hash, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if not used:
        raise InvalidLink()
    link = LoginLink.objects.get(token_hash=token_hash)
    user = User.objects.filter(email__iexact=link.email).first()
    if user is None:
        try:
            user = user_create(
                email=link.email, password=None, language=link.language, role=VISITOR
            )
        except EmailTaken:  # another link to the same address created it a moment ago
            user = User.objects.get(email__iexact=link.email)
    if not user.is_active:
        raise InvalidLink()
    if user.email_verified_at is None:
        user.email_verified_at = now
        User.objects.filter(pk=user.pk, email_verified_at__isnull=True).update(
            email_verified_at=now
        )
    return user, link


@transaction.atomic
def login_link_api_token(*, token: str) -> str:
    """Use a sign-in link for a new API token (as `auth_token_obtain` makes one)."""
    user, _link = login_link_redeem(token=token)
    _instance, api_token = AuthToken.objects.create(user=user)
    return api_token


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


def auth_token_obtain(*, email: str, password: str, request=None) -> str:
    """A new API token for one device; returns the only copy of it.

    Goes through Django's authentication backends, so inactive (and erased) accounts
    are refused and failed attempts send ``user_login_failed``. Only a hash is stored,
    and the token expires after API_TOKEN_TTL_DAYS (django-rest-knox).
    """
    user = authenticate(request, email=email.strip().lower(), password=password)
    if user is None:
        raise InvalidCredentials()
    _instance, token = AuthToken.objects.create(user=user)
    return token


def auth_token_revoke(*, token: AuthToken) -> None:
    """Log out the one device holding this token."""
    token.delete()


def auth_tokens_purge_expired(*, now: datetime | None = None) -> int:
    """Expired tokens no longer authenticate (expo/accounts/authentication.py); drop them."""
    deleted, _by_model = AuthToken.objects.filter(expiry__lte=now or timezone.now()).delete()
    return deleted


def auth_tokens_revoke_all(*, user: User) -> int:
    """Log out every device of the person (also after a password change or reset)."""
    deleted, _by_model = AuthToken.objects.filter(user=user).delete()
    return deleted


EXPO_APPS = (
    "accounts",
    "events",
    "notifications",
    "exhibitors",
    "bookings",
    "scanning",
    "knox",
)


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

    Every app that holds personal data erases its part (`signals.user_erasing`, received
    by the privacy app, which asks each app's `privacy.py`): future
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
    signals.user_erasing.send(sender=User, user=user, now=now)
    LoginLink.objects.filter(email__iexact=user.email).delete()
    AuthToken.objects.filter(user=user).delete()

    user.email = f"erased-{user.pk}@erased.invalid"
    user.name = ""
    user.set_unusable_password()  # also ends browser sessions: their hash no longer matches
    user.is_active = False
    user.last_login = None
    user.calendar_token = new_calendar_token()
    user.erased_at = now
    user.email_verified_at = None
    user.save(
        update_fields=[
            "email",
            "email_verified_at",
            "name",
            "password",
            "is_active",
            "last_login",
            "calendar_token",
            "erased_at",
        ]
    )
    return user
