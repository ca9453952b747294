"""Invariant 6 for every URL: who gets what, API and pages alike.

`MATRIX` has one row per request (method, path, the URL name the path must resolve to)
and one expected answer per role. `test_every_url_has_a_row` walks the URL resolver, so
a URL added anywhere without a row here fails the suite, naming its pattern; adding
the row is one `Row(...)` entry. Each row is sent once per role, all from the same starting
point (a savepoint rolled back after each request), and a refused request must leave
the database exactly as it was.

Roles: anonymous; `visitor`, who owns the booking, ticket and waitlist entry below
(everyone else asking for them gets a 404, never a hint they exist); the owner and a
member of exhibitor A; a member of exhibitor B (A's things are 404 to B); gate staff,
who scan and do nothing else; expo staff.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from knox.models import AuthToken
from rest_framework.test import APIClient

from expo.accounts.models import User
from expo.bookings import services as bookings
from expo.bookings.models import WaitlistEntry
from expo.bookings.ticket_codes import ticket_code_sign
from expo.events.models import Session
from expo.exhibitors.models import Membership
from expo.exhibitors.services import invitation_create
from tests.exhibitors.factories import LeadConsentFactory, LeadFactory
from tests.factories import (
    EntranceFactory,
    ExhibitionFactory,
    ExhibitorFactory,
    ExpoFactory,
    MembershipFactory,
    SessionFactory,
    StandFactory,
    ThemeFactory,
    UserFactory,
    VenueFactory,
    book,
)
from tests.staff.helpers import flagged_scan

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "visitor", "owner_a", "member_a", "member_b", "gate_staff", "expo_staff")
HTTP_METHODS = ("get", "post", "put", "patch", "delete")
LOGIN = "login"  # a page's answer to anonymous: 302 to /login/?next=<the page>
# A page's refusal of a form post: redirected back with the message, nothing changed.
SENT_BACK = "sent back"

# URLs no role decides: files served from disk (whitenoise serves static files before any
# URL is resolved, so only media has a pattern).
# `static()` adds media only with DEBUG on, as it still is while tests are collected (a
# module that builds the API schema on import loads the URLconf then), in its regex form.
EXCLUDED = dict.fromkeys(
    ["media/<path:path>", "^media/(?P<path>.*)$"],
    "uploaded files, public by their unguessable names",
)
# The admin is Django's own, behind its own staff check: one row covers the prefix.
PREFIXES = ("admin/",)


# --- Expected answers -------------------------------------------------------------------


def cells(default, **by_role) -> dict:
    unknown = by_role.keys() - set(ROLES)
    assert not unknown, f"no such role: {unknown}"
    return dict.fromkeys(ROLES, default) | by_role


def everyone(ok: int = 200) -> dict:
    return cells(ok)


def signed_in(ok: int) -> dict:
    """Anyone logged in except scan-only gate accounts."""
    return cells(ok, anonymous=401, gate_staff=403)


def own(ok: int, *, staff: int = 404) -> dict:
    """`visitor`'s own thing: others logged in get 404, as if it did not exist."""
    return cells(404, anonymous=401, gate_staff=403, visitor=ok, expo_staff=staff)


def org_a(ok: int, *, owner_only: bool = False) -> dict:
    """An endpoint of organisation A: members act, everyone else learns nothing."""
    return cells(
        404,
        anonymous=401,
        gate_staff=403,
        owner_a=ok,
        member_a=403 if owner_only else ok,
    )


def gate(ok: int) -> dict:
    return cells(403, anonymous=401, gate_staff=ok, expo_staff=ok)


def staff_only(ok: int) -> dict:
    return cells(403, anonymous=401, expo_staff=ok)


def page_signed_in(ok: int) -> dict:
    return cells(ok, anonymous=LOGIN, gate_staff=403)


def page_own(ok: int, *, staff: int = 404) -> dict:
    return cells(404, anonymous=LOGIN, gate_staff=403, visitor=ok, expo_staff=staff)


def page_staff(ok: int = 200) -> dict:
    """The expo staff's desk: others logged in get the 403 page in their language."""
    return cells(403, anonymous=LOGIN, expo_staff=ok)


def page_org_a(ok: int = 200, *, owner_only: bool = False) -> dict:
    """A page of organisation A's portal: the 403 page to people without the exhibitor
    role, 404 to another organisation's members, as if A did not exist."""
    return cells(
        403,
        anonymous=LOGIN,
        owner_a=ok,
        member_a=SENT_BACK if owner_only else ok,
        member_b=404,
    )


def page_anonymous_only(ok: int = 200) -> dict:
    """Log-in and sign-up: someone already logged in is sent on (302)."""
    return cells(302, anonymous=ok)


# --- The world the rows act on ----------------------------------------------------------


@dataclass
class World:
    users: dict  # role -> User (anonymous: None)
    ids: dict  # what the rows' paths and bodies refer to

    def __getattr__(self, name):
        try:
            return self.__dict__["ids"][name]
        except KeyError:
            raise AttributeError(name) from None


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module in a transaction rolled back at its end; each test's own
    transaction, and each role's savepoint, nests inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


def _build_world() -> World:
    today = timezone.localdate()
    expo = ExpoFactory(
        slug="h22-now", starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=60)
    )
    venue = VenueFactory(expo=expo, slug="dunkers", name="Dunkers kulturhus")
    entrance = EntranceFactory(venue=venue, name="Norra")
    theme = ThemeFactory(slug="energi")
    exhibition = ExhibitionFactory(expo=expo, venue=venue, slug="framtidens-stad")
    a = ExhibitorFactory(expo=expo, slug="alfa", name="Alfa Energi AB")
    b = ExhibitorFactory(expo=expo, slug="beta", name="Beta Bygg AB")
    users = {
        "anonymous": None,
        "visitor": UserFactory(role="visitor", email="vera@example.org"),
        "owner_a": MembershipFactory(exhibitor=a, role=Membership.Role.OWNER).user,
        "member_a": MembershipFactory(exhibitor=a).user,
        "member_b": MembershipFactory(exhibitor=b, role=Membership.Role.OWNER).user,
        "gate_staff": UserFactory(role="gate_staff"),
        "expo_staff": UserFactory(role="expo_staff"),
    }
    visitor = users["visitor"]
    colleague_a = MembershipFactory(exhibitor=a)
    colleague_b = MembershipFactory(exhibitor=b)

    published_a = SessionFactory(expo=expo, venue=venue, host=a, capacity=30)
    published_b = SessionFactory(expo=expo, venue=venue, host=b, starts_at=published_a.ends_at)
    pending_a = SessionFactory(
        expo=expo,
        venue=venue,
        host=a,
        status=Session.Status.PENDING,
        proposed_by=users["owner_a"],
        starts_at=timezone.now() + timedelta(days=2),
    )
    # The visitor's booking of A's session: their ticket is what gates and stands scan.
    booking = book(visitor, published_a, "Vera")
    ticket = booking.tickets.get()
    open_session = SessionFactory(expo=expo, venue=venue, starts_at=timezone.now() + timedelta(3))
    full = SessionFactory(expo=expo, venue=venue, capacity=1, starts_at=open_session.ends_at)
    book(UserFactory(), full)
    # The visitor's waitlist entry, offered a seat that someone else gave back.
    offered = SessionFactory(expo=expo, venue=venue, capacity=1, starts_at=full.ends_at)
    holder = book(UserFactory(), offered)
    entry = bookings.waitlist_join(visitor=visitor, session_id=offered.pk, party_size=1)
    bookings.booking_cancel(booking_id=holder.pk)
    assert WaitlistEntry.objects.get(pk=entry.pk).status == WaitlistEntry.Status.OFFERED

    # Under way, its no-shows released: seats go to people at the door.
    walk_in_session = SessionFactory(
        expo=expo,
        venue=venue,
        capacity=5,
        starts_at=timezone.now() - timedelta(minutes=30),
        no_show_release_minutes=10,
    )

    booker = UserFactory(name="Åsa Öberg")
    LeadConsentFactory(user=booker)
    book(booker, published_a, "Åsa Öberg")
    walk_in = UserFactory(name="Erik Ek")
    LeadConsentFactory(user=walk_in)
    walk_in_ticket = book(walk_in, published_a, "Erik Ek").tickets.get()
    issued = invitation_create(
        exhibitor=a, email="invitee@example.org", role="member", invited_by=users["owner_a"]
    )
    tokens = {
        role: AuthToken.objects.create(user=user)[1]
        for role, user in users.items()
        if user is not None
    }
    return World(
        users=users,
        ids={
            "tokens": tokens,
            "visitor_uid": urlsafe_base64_encode(force_bytes(visitor.pk)),
            "flagged_scan": flagged_scan(entrance=entrance).pk,
            "venue": venue.slug,
            "entrance": entrance.pk,
            "theme": theme.slug,
            "exhibition": exhibition.slug,
            "published_a": published_a.pk,
            "pending_a": pending_a.pk,
            "open_session": open_session.pk,
            "full": full.pk,
            "walk_in_session": walk_in_session.pk,
            "booking": booking.reference,
            "ticket": ticket.pk,
            "ticket_code": ticket_code_sign(ticket_id=ticket.pk, session_id=ticket.session_id),
            "walk_in_code": ticket_code_sign(
                ticket_id=walk_in_ticket.pk, session_id=walk_in_ticket.session_id
            ),
            "entry": entry.pk,
            "calendar_token": visitor.calendar_token,
            "stand_a": StandFactory(exhibitor=a, venue=venue, code="A1").pk,
            "colleague_a": colleague_a.pk,
            "invitation_a": issued.invitation.pk,
            "invitation_token": issued.token,
            "lead_a": LeadFactory(exhibitor=a, visitor=booker, note="Vill ha offert").pk,
            # B's things, asked for under A's address: membership of A must not reach them.
            "published_b": published_b.pk,
            "stand_b": StandFactory(exhibitor=b, venue=venue, code="B1").pk,
            "colleague_b": colleague_b.pk,
            "lead_b": LeadFactory(exhibitor=b, visitor=booker).pk,
        },
    )


def new_session_body(w: World) -> dict:
    starts = timezone.now() + timedelta(days=5)
    return {
        "title_sv": "Bygg din egen solcell",
        "title_en": "Build your own solar cell",
        "kind": "workshop",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=1)).isoformat(),
        "venue": w.venue,
        "capacity": 12,
        "max_party_size": 4,
    }


def scan_body(w: World) -> dict:
    return {"code": w.ticket_code, "entrance": w.entrance, "direction": "in", "nonce": "nonce-0001"}


# --- The matrix -------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # formatted with the world's ids: "/api/v1/bookings/{booking}/"
    name: str  # the URL name the path must resolve to ("namespace:name" for pages)
    expected: dict
    body: Any = None  # a dict, or World -> dict

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.path}"


A = "/api/v1/exhibitor/alfa"
MATRIX = [
    # Accounts.
    Row(
        "post",
        "/api/v1/auth/register/",
        "auth-register",
        everyone(201),
        {
            "email": "new@example.org",
            "password": "correct horse battery",
            "name": "Ny",
            "language": "sv",
        },
    ),
    Row(
        "post",
        "/api/v1/auth/token/",
        "auth-token",
        everyone(200),
        {"email": "vera@example.org", "password": "correct horse battery"},
    ),
    Row("delete", "/api/v1/auth/token/", "auth-token", cells(204, anonymous=401)),
    # A sign-in link: the same 202 for every address; a forged one changes nothing.
    Row(
        "post",
        "/api/v1/auth/login-link/",
        "auth-login-link",
        everyone(202),
        {"email": "vera@example.org", "next": "/bookings/"},
    ),
    Row(
        "post",
        "/api/v1/auth/login-link/redeem/",
        "auth-login-link-redeem",
        everyone(400),
        {"token": "forged-token"},
    ),
    Row("post", "/api/v1/auth/logout/", "auth-logout", cells(204, anonymous=401)),
    Row("post", "/api/v1/auth/logout-all/", "auth-logout-all", cells(204, anonymous=401)),
    Row(
        "post",
        "/api/v1/auth/verify-email/",
        "auth-verify-email",
        everyone(400),
        lambda w: {"uid": w.visitor_uid, "token": "forged-token"},
    ),
    Row("post", "/api/v1/me/verify-email/", "me-verify-email", cells(202, anonymous=401)),
    Row("get", "/api/v1/me/", "me", cells(200, anonymous=401)),
    Row("patch", "/api/v1/me/", "me", cells(200, anonymous=401), {"name": "Nytt namn"}),
    Row("delete", "/api/v1/me/", "me", cells(204, anonymous=401)),
    Row("get", "/api/v1/me/export/", "me-export", cells(200, anonymous=401)),
    Row("get", "/api/v1/me/calendar-token/", "me-calendar-token", cells(200, anonymous=401)),
    Row("post", "/api/v1/me/calendar-token/", "me-calendar-token", cells(200, anonymous=401)),
    # The link is the key: whoever holds it reads the feed.
    Row("get", "/api/v1/me/calendar.ics?token={calendar_token}", "me-calendar", everyone()),
    Row("get", "/api/v1/me/calendar.ics?token=guessed", "me-calendar", everyone(404)),
    # Catalogue.
    Row("get", "/api/v1/venues/", "venue-list", everyone()),
    Row("get", "/api/v1/venues/{venue}/", "venue-detail", everyone()),
    Row("get", "/api/v1/themes/", "theme-list", everyone()),
    Row("get", "/api/v1/themes/{theme}/", "theme-detail", everyone()),
    Row("get", "/api/v1/exhibitions/", "exhibition-list", everyone()),
    Row("get", "/api/v1/exhibitions/{exhibition}/", "exhibition-detail", everyone()),
    Row("get", "/api/v1/exhibitors/", "exhibitor-list", everyone()),
    Row("get", "/api/v1/exhibitors/alfa/", "exhibitor-detail", everyone()),
    Row("get", "/api/v1/entrances/", "entrance-list", gate(200)),
    Row("get", "/api/v1/sessions/", "session-list", everyone()),
    Row("post", "/api/v1/sessions/", "session-list", staff_only(201), new_session_body),
    Row("get", "/api/v1/sessions/{published_a}/", "session-detail", everyone()),
    Row("get", "/api/v1/sessions/{pending_a}/", "session-detail", cells(404, expo_staff=200)),
    Row(
        "patch",
        "/api/v1/sessions/{published_a}/",
        "session-detail",
        staff_only(200),
        {"capacity": 40},
    ),
    Row(
        "post",
        "/api/v1/sessions/{published_a}/cancel/",
        "session-cancel",
        staff_only(200),
        {"reason": "Storm"},
    ),
    Row("get", "/api/v1/sessions/{published_a}/calendar.ics", "session-calendar", everyone()),
    Row(
        "get",
        "/api/v1/sessions/{published_a}/attendance/",
        "session-attendance",
        org_a(200) | {"expo_staff": 200},
    ),
    Row("post", "/api/v1/sessions/{pending_a}/approve/", "session-approve", staff_only(200)),
    Row(
        "post",
        "/api/v1/sessions/{pending_a}/reject/",
        "session-reject",
        staff_only(200),
        {"reason": "Krockar med invigningen."},
    ),
    # Bookings, tickets, the waitlist: the visitor's own.
    Row("get", "/api/v1/bookings/", "booking-list", signed_in(200)),
    Row(
        "post",
        "/api/v1/bookings/",
        "booking-list",
        signed_in(201),
        lambda w: {"session": w.open_session, "party_size": 1},
    ),
    Row("get", "/api/v1/bookings/{booking}/", "booking-detail", own(200, staff=200)),
    Row("post", "/api/v1/bookings/{booking}/cancel/", "booking-cancel", own(200, staff=200)),
    Row("get", "/api/v1/tickets/{ticket}/qr.png", "ticket-qr", own(200, staff=200)),
    Row(
        "post",
        "/api/v1/sessions/{full}/waitlist/",
        "session-waitlist",
        signed_in(201),
        {"party_size": 1},
    ),
    Row("get", "/api/v1/waitlist/", "waitlist-list", signed_in(200)),
    Row("get", "/api/v1/waitlist/{entry}/", "waitlist-detail", own(200)),
    Row("delete", "/api/v1/waitlist/{entry}/", "waitlist-detail", own(200)),
    Row("post", "/api/v1/waitlist/{entry}/accept/", "waitlist-accept", own(201)),
    # Scanning.
    Row("post", "/api/v1/scans/", "scan", gate(200), scan_body),
    Row(
        "post", "/api/v1/scans/batch/", "scan-batch", gate(200), lambda w: {"scans": [scan_body(w)]}
    ),
    Row("get", "/api/v1/scans/keys/", "scan-keys", gate(200)),
    Row("get", "/api/v1/scans/revoked/", "scan-revoked", gate(200)),
    Row("get", "/api/v1/venues/{venue}/occupancy/", "venue-occupancy", gate(200)),
    Row(
        "get",
        "/api/v1/scans/booking/{booking}/?entrance={entrance}",
        "scan-booking",
        gate(200),
    ),
    Row("get", "/api/v1/entrances/{entrance}/walk-ins/", "entrance-walk-ins", gate(200)),
    Row(
        "post",
        "/api/v1/entrances/{entrance}/walk-ins/",
        "entrance-walk-ins",
        gate(201),
        lambda w: {
            "session": w.walk_in_session,
            "name": "Gunnel Ek",
            "email": "gunnel@example.org",
        },
    ),
    # The exhibitor portal: organisation A's.
    Row("get", "/api/v1/exhibitor/", "exhibitor-portal-list", signed_in(200)),
    Row("get", f"{A}/", "exhibitor-portal-profile", org_a(200)),
    Row(
        "patch",
        f"{A}/",
        "exhibitor-portal-profile",
        org_a(200),
        {"description_sv": "Vi bygger solceller."},
    ),
    Row("get", f"{A}/stands/", "exhibitor-portal-stands", org_a(200)),
    Row(
        "post",
        f"{A}/stands/",
        "exhibitor-portal-stands",
        org_a(201),
        lambda w: {"venue": w.venue, "code": "B7", "opens_at": "10:00", "closes_at": "17:00"},
    ),
    Row("get", f"{A}/stands/{{stand_a}}/", "exhibitor-portal-stand", org_a(200)),
    Row(
        "patch",
        f"{A}/stands/{{stand_a}}/",
        "exhibitor-portal-stand",
        org_a(200),
        {"closes_at": "18:00"},
    ),
    Row("delete", f"{A}/stands/{{stand_a}}/", "exhibitor-portal-stand", org_a(204)),
    Row("get", f"{A}/members/", "exhibitor-portal-members", org_a(200)),
    Row(
        "post",
        f"{A}/members/",
        "exhibitor-portal-members",
        org_a(201, owner_only=True),
        {"email": "new.colleague@example.org"},
    ),
    Row(
        "patch",
        f"{A}/members/{{colleague_a}}/",
        "exhibitor-portal-member",
        org_a(200, owner_only=True),
        {"role": "owner"},
    ),
    Row(
        "delete",
        f"{A}/members/{{colleague_a}}/",
        "exhibitor-portal-member",
        org_a(204, owner_only=True),
    ),
    Row("get", f"{A}/invitations/", "exhibitor-portal-invitations", org_a(200, owner_only=True)),
    Row(
        "delete",
        f"{A}/invitations/{{invitation_a}}/",
        "exhibitor-portal-invitation",
        org_a(204, owner_only=True),
    ),
    Row("get", f"{A}/sessions/", "exhibitor-portal-sessions", org_a(200)),
    Row("post", f"{A}/sessions/", "exhibitor-portal-sessions", org_a(201), new_session_body),
    Row("get", f"{A}/sessions/{{published_a}}/", "exhibitor-portal-session", org_a(200)),
    Row(
        "patch",
        f"{A}/sessions/{{pending_a}}/",
        "exhibitor-portal-session",
        org_a(200),
        {"title_en": "Solar panels"},
    ),
    Row("delete", f"{A}/sessions/{{pending_a}}/", "exhibitor-portal-session", org_a(204)),
    Row(
        "get",
        f"{A}/sessions/{{published_a}}/bookings/",
        "exhibitor-portal-session-bookings",
        org_a(200),
    ),
    Row(
        "get",
        f"{A}/sessions/{{published_a}}/attendees.csv",
        "exhibitor-portal-session-attendees-csv",
        org_a(200),
    ),
    Row("get", f"{A}/leads/", "exhibitor-portal-leads", org_a(200)),
    Row(
        "post",
        f"{A}/leads/",
        "exhibitor-portal-leads",
        org_a(201),
        lambda w: {"code": w.walk_in_code, "note": "Solceller"},
    ),
    Row("get", f"{A}/leads/{{lead_a}}/", "exhibitor-portal-lead", org_a(200)),
    Row(
        "patch",
        f"{A}/leads/{{lead_a}}/",
        "exhibitor-portal-lead",
        org_a(200),
        {"note": "Ring på måndag"},
    ),
    Row("delete", f"{A}/leads/{{lead_a}}/", "exhibitor-portal-lead", org_a(204)),
    Row("get", f"{A}/leads.csv", "exhibitor-portal-leads-csv", org_a(200)),
    # Organisation B's objects under A's address: 404 to A's members too.
    Row("get", f"{A}/stands/{{stand_b}}/", "exhibitor-portal-stand", org_a(404)),
    Row("patch", f"{A}/stands/{{stand_b}}/", "exhibitor-portal-stand", org_a(404), {"code": "X"}),
    Row("delete", f"{A}/stands/{{stand_b}}/", "exhibitor-portal-stand", org_a(404)),
    Row("delete", f"{A}/members/{{colleague_b}}/", "exhibitor-portal-member", org_a(404)),
    Row("get", f"{A}/sessions/{{published_b}}/", "exhibitor-portal-session", org_a(404)),
    Row(
        "get",
        f"{A}/sessions/{{published_b}}/bookings/",
        "exhibitor-portal-session-bookings",
        org_a(404),
    ),
    Row(
        "get",
        f"{A}/sessions/{{published_b}}/attendees.csv",
        "exhibitor-portal-session-attendees-csv",
        org_a(404),
    ),
    Row("get", f"{A}/leads/{{lead_b}}/", "exhibitor-portal-lead", org_a(404)),
    Row("delete", f"{A}/leads/{{lead_b}}/", "exhibitor-portal-lead", org_a(404)),
    Row(
        "get",
        "/api/v1/sessions/{published_b}/attendance/",
        "session-attendance",
        cells(404, anonymous=401, gate_staff=403, member_b=200, expo_staff=200),
    ),
    # The link in the invitation e-mail: the token is the secret; nobody here is the invitee.
    Row(
        "get",
        "/api/v1/exhibitor/invitations/{invitation_token}/",
        "exhibitor-invitation",
        cells(200, gate_staff=403),
    ),
    Row(
        "post",
        "/api/v1/exhibitor/invitations/{invitation_token}/accept/",
        "exhibitor-invitation-accept",
        signed_in(403),
    ),
    # The visitor's side of leads: their consent and who holds their contact.
    Row("get", "/api/v1/me/leads/", "me-leads", signed_in(200)),
    Row("get", "/api/v1/me/leads/consent/", "me-lead-consent", signed_in(200)),
    Row("put", "/api/v1/me/leads/consent/", "me-lead-consent", signed_in(200), {"given": True}),
    Row("post", "/api/v1/me/leads/alfa/withdraw/", "me-lead-withdraw", signed_in(204)),
    # The API's own documents, and anything else under /api/.
    Row("get", "/api/schema/", "schema", everyone()),
    Row("get", "/api/docs/", "api-docs", everyone()),
    Row("get", "/api/v2/bookings/", "expo.core.views.api_not_found", everyone(404)),
    # Operations.
    Row("get", "/healthz", "healthz", everyone()),
    Row("get", "/readyz", "readyz", everyone()),
    # Prometheus comes with its bearer token (tests/core/test_metrics.py); of the roles,
    # only expo staff may look, and the others do not learn it is there.
    Row("get", "/metrics", "metrics", cells(404, expo_staff=200)),
    Row("post", "/metrics", "metrics", cells(404, expo_staff=405)),
    Row("get", "/admin/", "admin:index", cells(302, expo_staff=200)),
    Row("post", "/i18n/setlang/", "set_language", everyone(302), {"language": "sv", "next": "/"}),
    # Pages: log-in and sign-up.
    Row("get", "/login/", "accounts:login", page_anonymous_only()),
    Row(
        "post",
        "/login/",
        "accounts:login",
        page_anonymous_only(),
        {"username": "vera@example.org", "password": "wrong"},
    ),
    # Django's form views take PUT as POST.
    Row("put", "/login/", "accounts:login", page_anonymous_only()),
    Row("post", "/logout/", "accounts:logout", everyone(302)),
    Row("get", "/login/link/", "accounts:login-link-request", page_anonymous_only()),
    Row(
        "post",
        "/login/link/",
        "accounts:login-link-request",
        page_anonymous_only(),
        {"email": "new@example.org", "next": "/"},
    ),
    Row("get", "/login/link/forged-token/", "accounts:login-link", everyone(400)),
    Row("post", "/login/link/forged-token/", "accounts:login-link", everyone(400)),
    Row("get", "/register/", "accounts:register", page_anonymous_only()),
    # Pages: e-mail verification and passwords (links forged: refused, nothing changes).
    Row("get", "/verify/{visitor_uid}/forged-token/", "accounts:verify-email", everyone()),
    Row("post", "/verify/{visitor_uid}/forged-token/", "accounts:verify-email", everyone(400)),
    Row("post", "/verify/resend/", "accounts:verify-email-resend", cells(302, anonymous=LOGIN)),
    Row("get", "/verify/resend/", "accounts:verify-email-resend", cells(405, anonymous=LOGIN)),
    Row("get", "/password/change/", "accounts:password-change", cells(200, anonymous=LOGIN)),
    Row("post", "/password/change/", "accounts:password-change", cells(200, anonymous=LOGIN)),
    Row("put", "/password/change/", "accounts:password-change", cells(200, anonymous=LOGIN)),
    Row("get", "/password/reset/", "accounts:password-reset", everyone()),
    Row(
        "post",
        "/password/reset/",
        "accounts:password-reset",
        everyone(302),
        {"email": "vera@example.org"},
    ),
    Row("put", "/password/reset/", "accounts:password-reset", everyone()),
    Row("get", "/password/reset/done/", "accounts:password-reset-done", everyone()),
    Row(
        "get",
        "/password/reset/{visitor_uid}/forged-token/",
        "accounts:password-reset-confirm",
        everyone(),
    ),
    Row(
        "post",
        "/password/reset/{visitor_uid}/forged-token/",
        "accounts:password-reset-confirm",
        everyone(),
    ),
    Row(
        "put",
        "/password/reset/{visitor_uid}/forged-token/",
        "accounts:password-reset-confirm",
        everyone(),
    ),
    Row("get", "/password/reset/complete/", "accounts:password-reset-complete", everyone()),
    # Pages: the public catalogue.
    Row("get", "/exhibitions/", "events:exhibitions", everyone()),
    Row("get", "/exhibitions/{exhibition}/", "events:exhibition", everyone()),
    Row("get", "/venues/", "events:venues", everyone()),
    Row("get", "/venues/{venue}/", "events:venue", everyone()),
    # Pages: the exhibitor guide and portal.
    Row("get", "/exhibitors/", "exhibitors:guide", everyone()),
    Row("get", "/exhibitors/alfa/", "exhibitors:detail", everyone()),
    Row(
        "get",
        "/exhibitor/",
        "exhibitors:portal",
        cells(403, anonymous=LOGIN, owner_a=302, member_a=302, member_b=302),
    ),
    Row("get", "/exhibitor/alfa/", "exhibitors:overview", page_org_a()),
    Row("get", "/exhibitor/alfa/profile/", "exhibitors:profile", page_org_a()),
    Row("get", "/exhibitor/alfa/stands/", "exhibitors:stands", page_org_a()),
    Row("get", "/exhibitor/alfa/stands/{stand_a}/", "exhibitors:stand", page_org_a()),
    Row("get", "/exhibitor/alfa/stands/{stand_b}/", "exhibitors:stand", page_org_a(404)),
    Row(
        "post",
        "/exhibitor/alfa/stands/{stand_a}/delete/",
        "exhibitors:stand-delete",
        page_org_a(302),
    ),
    Row("get", "/exhibitor/alfa/team/", "exhibitors:team", page_org_a()),
    Row(
        "post",
        "/exhibitor/alfa/team/{colleague_a}/remove/",
        "exhibitors:member-remove",
        page_org_a(302, owner_only=True),
    ),
    Row(
        "post",
        "/exhibitor/alfa/team/{colleague_a}/role/",
        "exhibitors:member-role",
        page_org_a(302, owner_only=True),
        {"role": "member"},
    ),
    Row(
        "post",
        "/exhibitor/alfa/team/invitations/{invitation_a}/revoke/",
        "exhibitors:invitation-revoke",
        page_org_a(302) | {"member_a": 403},
    ),
    Row("get", "/exhibitor/alfa/sessions/", "exhibitors:sessions", page_org_a()),
    Row("get", "/exhibitor/alfa/sessions/propose/", "exhibitors:session-propose", page_org_a()),
    Row("get", "/exhibitor/alfa/sessions/{published_a}/", "exhibitors:session", page_org_a()),
    Row("get", "/exhibitor/alfa/sessions/{published_b}/", "exhibitors:session", page_org_a(404)),
    Row(
        "get",
        "/exhibitor/alfa/sessions/{published_a}/attendees.csv",
        "exhibitors:session-csv",
        page_org_a(),
    ),
    Row("get", "/exhibitor/alfa/leads/", "exhibitors:leads", page_org_a()),
    Row("get", "/exhibitor/alfa/leads/scan/", "exhibitors:lead-scan", page_org_a()),
    Row("get", "/exhibitor/alfa/leads/export.csv", "exhibitors:leads-csv", page_org_a()),
    Row("get", "/exhibitor/alfa/leads/{lead_a}/", "exhibitors:lead", page_org_a()),
    Row("get", "/exhibitor/alfa/leads/{lead_b}/", "exhibitors:lead", page_org_a(404)),
    # Pages: the expo staff's desk.
    Row("get", "/staff/", "staff:desk", page_staff()),
    Row("get", "/staff/occupancy.json", "staff:occupancy", page_staff()),
    Row("get", "/staff/sessions/{published_a}/", "staff:session", page_staff()),
    Row("get", "/staff/sessions/{published_a}/cancel/", "staff:cancel", page_staff()),
    Row("post", "/staff/sessions/{pending_a}/approve/", "staff:approve", page_staff(302)),
    Row(
        "post",
        "/staff/sessions/{pending_a}/reject/",
        "staff:reject",
        page_staff(302),
        {"reason": "Not this year."},
    ),
    Row("post", "/staff/scans/{flagged_scan}/review/", "staff:scan-review", page_staff(302)),
    # Pages: the programme and booking.
    Row("get", "/", "events:programme", everyone()),
    Row("get", "/sessions/{published_a}/", "events:session", everyone()),
    Row("get", "/sessions/{pending_a}/", "events:session", everyone(404)),
    Row(
        "post",
        "/sessions/{open_session}/book/",
        "bookings:create",
        page_signed_in(302),
        {"party_size": 1},
    ),
    Row("get", "/sessions/{open_session}/book/", "bookings:create", everyone(405)),
    Row(
        "post",
        "/sessions/{full}/waitlist/",
        "bookings:waitlist-join",
        page_signed_in(302),
        {"party_size": 1},
    ),
    Row("get", "/bookings/", "bookings:list", page_signed_in(200)),
    Row("get", "/bookings/{booking}/", "bookings:detail", page_own(200)),
    Row("get", "/bookings/{booking}/print/", "bookings:print", page_own(200)),
    Row("get", "/bookings/{booking}/tickets.pdf", "bookings:tickets-pdf", page_own(200)),
    Row("get", "/bookings/{booking}/cancel/", "bookings:cancel", page_own(200)),
    Row("post", "/bookings/{booking}/cancel/", "bookings:cancel", page_own(302)),
    Row("get", "/waitlist/{entry}/", "bookings:waitlist-entry", page_own(302)),
    Row("post", "/waitlist/{entry}/accept/", "bookings:waitlist-accept", page_own(302)),
    Row("post", "/waitlist/{entry}/leave/", "bookings:waitlist-leave", page_own(302)),
    # Pages: the visitor's account and the site's statements.
    Row("get", "/account/", "privacy:account", page_signed_in(200)),
    Row("post", "/account/", "privacy:account", page_signed_in(302), {"language": "en"}),
    Row("get", "/account/export/", "privacy:account-export", page_signed_in(200)),
    Row("get", "/account/delete/", "privacy:account-delete", page_signed_in(200)),
    Row("post", "/account/delete/", "privacy:account-delete", page_signed_in(302)),
    Row("get", "/privacy/", "privacy:notice", everyone()),
    Row("get", "/accessibility/", "core:accessibility", everyone()),
    Row("get", "/contact/", "core:contact", everyone()),
    # Pages: exhibitors and gates.
    Row("get", "/exhibitor/invitations/{invitation_token}/", "exhibitors:invitation", everyone()),
    Row("post", "/exhibitor/invitations/{invitation_token}/", "exhibitors:invitation", cells(302)),
    Row("get", "/gate/", "gate:scan", cells(403, anonymous=LOGIN, gate_staff=200, expo_staff=200)),
    Row("get", "/gate/sw.js", "gate:service-worker", everyone()),
    Row("get", "/gate/jsi18n/sv.js", "gate:catalogue", everyone()),
]


# --- The URLs the resolver knows --------------------------------------------------------


def _view_name(namespace: str, pattern: URLPattern) -> str:
    """What `resolve(path).view_name` says for a path this pattern matches."""
    callback = pattern.callback
    name = pattern.name or f"{callback.__module__}.{callback.__name__}"
    return f"{namespace}:{name}" if namespace else name


def _urls():
    """(route, view name, methods or None) of every URL; None when the view is a function
    (its methods are not introspectable: any row for the URL covers it)."""

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace]))
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            else:
                yield prefix + str(pattern.pattern), namespace, pattern

    for route, namespace, pattern in walk(get_resolver().url_patterns, "", ""):
        callback = pattern.callback
        view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
        methods = None
        if view_class is not None:
            # A ViewSet's methods are its action map; another view's, its handlers.
            actions = getattr(callback, "actions", None) or {
                m: m
                for m in HTTP_METHODS
                if hasattr(view_class, m) and m in view_class.http_method_names
            }
            methods = set(actions) & set(HTTP_METHODS)  # DRF adds `head` once GET is served
        yield route, _view_name(namespace, pattern), methods


def _prefix(route: str) -> str | None:
    return next((p for p in PREFIXES if route.startswith(p)), None)


def _urls_without_a_row() -> list[str]:
    rows = {(row.name, row.method) for row in MATRIX}
    named = {row.name for row in MATRIX}
    prefix_rows = {_prefix(row.path.lstrip("/")) for row in MATRIX} - {None}
    missing = []
    for route, name, methods in _urls():
        if route in EXCLUDED:
            continue
        if _prefix(route):
            if _prefix(route) not in prefix_rows:
                missing.append(f"{_prefix(route)}* (one row for the prefix)")
        elif methods is None:
            if name not in named:
                missing.append(f"{route!r} ({name}): a row for each method it answers")
        else:
            missing += [
                f"{method.upper()} {route!r} ({name})"
                for method in sorted(methods)
                if (name, method) not in rows
            ]
    return sorted(set(missing))


def test_every_url_has_a_row():
    assert len(list(_urls())) > 100  # the walk found the project's URLs at all
    missing = _urls_without_a_row()
    assert not missing, "add rows to MATRIX for:\n" + "\n".join(missing)


@pytest.mark.urls("tests.core.urls_with_unlisted")
def test_a_url_without_a_row_is_named():
    assert _urls_without_a_row() == [
        "'bookings/<str:reference>/print/' (bookings-print): a row for each method it answers",
        "GET 'api/v1/bookings/<str:reference>/receipt/' (booking-receipt)",
        "POST 'api/v1/bookings/<str:reference>/receipt/' (booking-receipt)",
    ]


def test_every_row_names_its_url_and_every_role():
    known = {name for _, name, _ in _urls()}
    for row in MATRIX:
        assert row.name in known, f"{row.id}: no URL is named {row.name!r}"
        assert set(row.expected) == set(ROLES), row.id


# --- Sending the rows -------------------------------------------------------------------


REFUSALS = {
    400: {"invalid", "invalid_link"},  # a forged link: refused before any change
    401: {"not_authenticated"},
    403: {"permission_denied", "owner_required", "wrong_account"},
    404: {"not_found"},
    405: {"method_not_allowed"},
}


def _database() -> tuple:
    """Every row of every table of the project's apps: what a request could change."""
    return tuple(
        tuple(model.objects.order_by("pk").values_list())
        for config in apps.get_app_configs()
        if config.name.startswith("expo.")
        for model in config.get_models()
    )


def _client(world: World, role: str, path: str):
    user = world.users[role]
    if path.startswith("/api/"):
        client = APIClient()
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens[role]}")
        return client
    client = Client()
    if user is not None:
        client.force_login(User.objects.get(pk=user.pk))
    return client


def _send(world: World, row: Row, role: str) -> str | None:
    """One request as `role`; a description of what went wrong, or None."""
    client = _client(world, role, row.path)
    path = row.path.format(**world.ids)
    body = row.body(world) if callable(row.body) else row.body
    before = _database()
    if path.startswith("/api/"):
        response = getattr(client, row.method)(path, body, format="json")
    else:
        response = getattr(client, row.method)(path, body or {})
    expected = row.expected[role]
    got = f"{response.status_code} {response.get('Location', '')}".strip()
    if expected == LOGIN:
        location = response.get("Location", "")
        if response.status_code != 302 or not location.startswith("/login/?next="):
            return f"{role}: expected a redirect to /login/, got {got}"
        expected = 302
    elif expected == SENT_BACK:
        if response.status_code != 302:
            return f"{role}: expected to be sent back with a message, got {got}"
        if _database() != before:
            return f"{role}: a refused form post changed the database"
        return None
    elif response.status_code != expected:
        detail = response.content[:200] if response.status_code >= 400 else ""
        return f"{role}: expected {expected}, got {got} {detail!r}"
    if expected >= 400:
        if path.startswith("/api/"):
            code = response.json().get("code")
            if code not in REFUSALS[expected]:
                return f"{role}: refused with code {code!r}"
        if _database() != before:
            return f"{role}: a refused request changed the database"
    return None


@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.id)
def test_authorisation_matrix(world, row):
    assert resolve(row.path.format(**world.ids).split("?")[0]).view_name == row.name
    wrong = []
    for role in ROLES:
        with transaction.atomic():  # every role starts from the same world
            wrong.append(_send(world, row, role))
            transaction.set_rollback(True)
    wrong = [line for line in wrong if line]
    assert not wrong, f"{row.id} ({row.name}):\n" + "\n".join(wrong)


def test_a_refused_page_answers_in_the_users_language(client):
    gate_account = UserFactory(role="gate_staff", language="sv")
    client.force_login(gate_account)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    response = client.get("/bookings/")
    assert response.status_code == 403
    assert '<html lang="sv">' in response.text
    assert "Den här sidan är inte för ditt konto" in response.text
