"""docs/architecture.md, invariant 6, for exhibitors: who gets what from every endpoint
of the exhibitors app.

`MATRIX` has one row per (URL name, method) and one expected status per kind of caller.
`test_every_endpoint_has_a_row` walks the URL resolver, so an endpoint added to the app
(or anywhere under /api/v1/exhibitor/) without a row here fails the suite. A refused
request must also leave the database as it was.
"""

from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from expo.events.models import Session
from expo.exhibitors.models import (
    ContactWithdrawal,
    Exhibitor,
    Invitation,
    Lead,
    LeadConsent,
    Membership,
    Stand,
)
from expo.notifications.models import Notification
from tests.exhibitors.conftest import World, proposal_body
from tests.exhibitors.factories import ticket_code

pytestmark = pytest.mark.django_db

ACTORS = ("anonymous", "visitor", "owner_a", "member_a", "member_b", "gate_staff", "expo_staff")
HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def org(ok: int, *, owner_only: bool = False) -> dict:
    """An endpoint of organisation A: members act, everyone else learns nothing."""
    return {
        "anonymous": 401,
        "visitor": 404,
        "owner_a": ok,
        "member_a": 403 if owner_only else ok,
        "member_b": 404,
        "gate_staff": 403,
        "expo_staff": 404,
    }


def signed_in(ok: int) -> dict:
    """Anyone logged in except scan-only gate accounts."""
    return {actor: ok for actor in ACTORS} | {"anonymous": 401, "gate_staff": 403}


def staff_only(ok: int) -> dict:
    return {actor: 403 for actor in ACTORS} | {"anonymous": 401, "expo_staff": ok}


EVERYONE = dict.fromkeys(ACTORS, 200)


@dataclass(frozen=True)
class Row:
    name: str  # URL name
    method: str
    path: Any  # World -> str
    expected: dict
    body: Any = None  # World -> dict

    @property
    def id(self):
        return f"{self.name}:{self.method.upper()}"


A = "/api/v1/exhibitor/alfa"

MATRIX = [
    # Public catalogue.
    Row("exhibitor-list", "get", lambda w: "/api/v1/exhibitors/", EVERYONE),
    Row("exhibitor-detail", "get", lambda w: "/api/v1/exhibitors/alfa/", EVERYONE),
    # My organisations: an empty list for people who act for none.
    Row("exhibitor-portal-list", "get", lambda w: "/api/v1/exhibitor/", signed_in(200)),
    # Profile.
    Row("exhibitor-portal-profile", "get", lambda w: f"{A}/", org(200)),
    Row(
        "exhibitor-portal-profile",
        "patch",
        lambda w: f"{A}/",
        org(200),
        lambda w: {"description_sv": "Vi bygger solceller i Helsingborg."},
    ),
    # Stands.
    Row("exhibitor-portal-stands", "get", lambda w: f"{A}/stands/", org(200)),
    Row(
        "exhibitor-portal-stands",
        "post",
        lambda w: f"{A}/stands/",
        org(201),
        lambda w: {"venue": w.venue.slug, "code": "B7", "opens_at": "10:00", "closes_at": "17:00"},
    ),
    Row("exhibitor-portal-stand", "get", lambda w: f"{A}/stands/{w.stand_a.pk}/", org(200)),
    Row(
        "exhibitor-portal-stand",
        "patch",
        lambda w: f"{A}/stands/{w.stand_a.pk}/",
        org(200),
        lambda w: {"closes_at": "18:00"},
    ),
    Row("exhibitor-portal-stand", "delete", lambda w: f"{A}/stands/{w.stand_a.pk}/", org(204)),
    # Members and invitations.
    Row("exhibitor-portal-members", "get", lambda w: f"{A}/members/", org(200)),
    Row(
        "exhibitor-portal-members",
        "post",
        lambda w: f"{A}/members/",
        org(201, owner_only=True),
        lambda w: {"email": "new.colleague@example.org"},
    ),
    Row(
        "exhibitor-portal-member",
        "patch",
        lambda w: f"{A}/members/{w.colleague_a.pk}/",
        org(200, owner_only=True),
        lambda w: {"role": "owner"},
    ),
    Row(
        "exhibitor-portal-member",
        "delete",
        lambda w: f"{A}/members/{w.colleague_a.pk}/",
        org(204, owner_only=True),
    ),
    Row(
        "exhibitor-portal-invitations",
        "get",
        lambda w: f"{A}/invitations/",
        org(200, owner_only=True),
    ),
    Row(
        "exhibitor-portal-invitation",
        "delete",
        lambda w: f"{A}/invitations/{w.invitation_a.pk}/",
        org(204, owner_only=True),
    ),
    # The link in the invitation e-mail: the token is the secret.
    Row(
        "exhibitor-invitation",
        "get",
        lambda w: f"/api/v1/exhibitor/invitations/{w.invitation_token}/",
        EVERYONE | {"gate_staff": 403},
    ),
    # Nobody in the cast has the invited address.
    Row(
        "exhibitor-invitation-accept",
        "post",
        lambda w: f"/api/v1/exhibitor/invitations/{w.invitation_token}/accept/",
        signed_in(403),
    ),
    # Proposed and hosted sessions.
    Row("exhibitor-portal-sessions", "get", lambda w: f"{A}/sessions/", org(200)),
    Row(
        "exhibitor-portal-sessions",
        "post",
        lambda w: f"{A}/sessions/",
        org(201),
        proposal_body,
    ),
    Row(
        "exhibitor-portal-session",
        "get",
        lambda w: f"{A}/sessions/{w.published_a.pk}/",
        org(200),
    ),
    Row(
        "exhibitor-portal-session",
        "patch",
        lambda w: f"{A}/sessions/{w.pending_a.pk}/",
        org(200),
        lambda w: {"title_en": "Solar panels on the roof"},
    ),
    Row(
        "exhibitor-portal-session",
        "delete",
        lambda w: f"{A}/sessions/{w.pending_a.pk}/",
        org(204),
    ),
    Row(
        "exhibitor-portal-session-bookings",
        "get",
        lambda w: f"{A}/sessions/{w.published_a.pk}/bookings/",
        org(200),
    ),
    Row(
        "exhibitor-portal-session-attendees-csv",
        "get",
        lambda w: f"{A}/sessions/{w.published_a.pk}/attendees.csv",
        org(200),
    ),
    # Leads.
    Row("exhibitor-portal-leads", "get", lambda w: f"{A}/leads/", org(200)),
    Row(
        "exhibitor-portal-leads",
        "post",
        lambda w: f"{A}/leads/",
        org(201),
        lambda w: {"code": ticket_code(w.walk_in_booking.tickets.get()), "note": "Solceller"},
    ),
    Row("exhibitor-portal-lead", "get", lambda w: f"{A}/leads/{w.lead_a.pk}/", org(200)),
    Row(
        "exhibitor-portal-lead",
        "patch",
        lambda w: f"{A}/leads/{w.lead_a.pk}/",
        org(200),
        lambda w: {"note": "Ring på måndag"},
    ),
    Row("exhibitor-portal-lead", "delete", lambda w: f"{A}/leads/{w.lead_a.pk}/", org(204)),
    Row("exhibitor-portal-leads-csv", "get", lambda w: f"{A}/leads.csv", org(200)),
    # Expo staff decide on proposals.
    Row(
        "session-approve",
        "post",
        lambda w: f"/api/v1/sessions/{w.pending_a.pk}/approve/",
        staff_only(200),
    ),
    Row(
        "session-reject",
        "post",
        lambda w: f"/api/v1/sessions/{w.pending_a.pk}/reject/",
        staff_only(200),
        lambda w: {"reason": "Krockar med invigningen."},
    ),
    # A session's live numbers: expo staff and the host exhibitor's members.
    Row(
        "session-attendance",
        "get",
        lambda w: f"/api/v1/sessions/{w.published_a.pk}/attendance/",
        {
            "anonymous": 404,
            "visitor": 404,
            "owner_a": 200,
            "member_a": 200,
            "member_b": 404,
            "gate_staff": 403,
            "expo_staff": 200,
        },
    ),
    # The visitor's side: their own consent and who holds their contact.
    Row("me-leads", "get", lambda w: "/api/v1/me/leads/", signed_in(200)),
    Row("me-lead-consent", "get", lambda w: "/api/v1/me/leads/consent/", signed_in(200)),
    Row(
        "me-lead-consent",
        "put",
        lambda w: "/api/v1/me/leads/consent/",
        signed_in(200),
        lambda w: {"given": True},
    ),
    Row(
        "me-lead-withdraw",
        "post",
        lambda w: "/api/v1/me/leads/alfa/withdraw/",
        signed_in(204),
    ),
]

ROWS = {(row.name, row.method): row for row in MATRIX}
REFUSALS = {
    401: {"not_authenticated"},
    403: {"permission_denied", "owner_required", "wrong_account"},
    404: {"not_found"},
}


def _routes():
    """(full route, URL name, view class, allowed methods) of every URL pattern."""

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern

    for route, pattern in walk(get_resolver().url_patterns, ""):
        callback = pattern.callback
        view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
        if view_class is None:
            continue
        # A ViewSet's methods are its action map; an APIView's are its handlers.
        actions = getattr(callback, "actions", None) or {
            m: m for m in HTTP_METHODS if hasattr(view_class, m)
        }
        # (DRF adds `head` to a ViewSet's map once it has served a GET.)
        methods = set(actions) & set(HTTP_METHODS)
        yield route, pattern.name, view_class, methods


def _exhibitor_endpoints() -> set[tuple[str, str]]:
    endpoints = set()
    for route, name, view_class, methods in _routes():
        if view_class.__module__.startswith("expo.exhibitors") or route.startswith(
            "api/v1/exhibitor/"
        ):
            assert name, f"{route} needs a URL name to have a row in the matrix"
            endpoints |= {(name, method) for method in methods}
    return endpoints


def test_every_endpoint_has_a_row():
    endpoints = _exhibitor_endpoints()
    assert len(endpoints) > 30  # the walk found the app's routes at all
    missing = sorted(endpoints - ROWS.keys())
    assert not missing, f"add rows to MATRIX for {missing}"
    stale = sorted(ROWS.keys() - endpoints)
    assert not stale, f"MATRIX rows without an endpoint: {stale}"


def test_every_row_names_every_actor():
    for row in MATRIX:
        assert set(row.expected) == set(ACTORS), row.id


def _state(world: World) -> tuple:
    """What any of the matrix's requests could change."""
    a = Exhibitor.objects.get(pk=world.a.pk)
    return (
        a.description_sv,
        tuple(Stand.objects.order_by("pk").values_list("pk", "code", "closes_at")),
        tuple(Membership.objects.order_by("pk").values_list("pk", "role")),
        tuple(Invitation.objects.order_by("pk").values_list("pk", "revoked_at", "accepted_at")),
        tuple(
            Session.objects.order_by("pk").values_list("pk", "status", "title_en", "status_reason")
        ),
        tuple(Lead.objects.order_by("pk").values_list("pk", "note", "withdrawn_at")),
        tuple(LeadConsent.objects.order_by("pk").values_list("pk", "user")),
        ContactWithdrawal.objects.count(),
        Notification.objects.count(),
    )


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.id)
def test_authorisation_matrix(world, row, actor):
    client = APIClient()
    user = world.actor(actor)
    if user is not None:
        client.force_authenticate(user)
    before = _state(world)
    body = row.body(world) if row.body else None
    response = getattr(client, row.method)(row.path(world), body, format="json")
    expected = row.expected[actor]
    assert response.status_code == expected, (
        f"{row.id} as {actor}: {response.status_code} {getattr(response, 'data', '')}"
    )
    if expected >= 400:
        assert response.json()["code"] in REFUSALS[expected]
        assert _state(world) == before, "a refused request changed something"
