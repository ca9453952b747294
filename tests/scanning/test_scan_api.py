"""Gate scanning through the API: every reason, replay by nonce, roles, forged codes."""

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken
from rest_framework.test import APIClient

from expo.bookings import services
from expo.bookings.ticket_codes import ticket_code_sign
from expo.events.models import Entrance
from expo.scanning.models import Scan
from tests.conftest import client_for
from tests.factories import (
    EntranceFactory,
    MembershipFactory,
    SessionFactory,
    UserFactory,
    VenueFactory,
    book,
)

pytestmark = pytest.mark.django_db

SCANS = "/api/v1/scans/"


@pytest.fixture
def gate_api(gate_staff):
    return client_for(gate_staff)


def booked_ticket(session=None, party_size=1):
    return book(session=session, party_size=party_size).tickets.order_by("id")


def code_of(ticket):
    return ticket_code_sign(ticket_id=ticket.pk, session_id=ticket.session_id)


def scan(client, ticket_or_code, entrance, direction="in", nonce=None, **extra):
    code = ticket_or_code if isinstance(ticket_or_code, str) else code_of(ticket_or_code)
    body = {
        "code": code,
        "entrance": entrance.pk,
        "direction": direction,
        "nonce": nonce or uuid.uuid4().hex,
        **extra,
    }
    return client.post(SCANS, body, format="json")


def at_start(ticket):
    return time_machine.travel(ticket.session.starts_at - timedelta(minutes=5), tick=False)


def test_accepts_once_and_then_reports_when_and_where(gate_api):
    ticket = booked_ticket().first()
    entrance = EntranceFactory(venue=ticket.session.venue)
    with at_start(ticket):
        first = scan(gate_api, ticket, entrance)
        second = scan(gate_api, ticket, entrance)
    assert first.status_code == 200
    assert first.json()["status"] == "accepted"
    assert first.json()["ticket"]["booking_reference"] == ticket.booking.reference
    body = second.json()
    assert (body["status"], body["reason"]) == ("rejected", "already_checked_in")
    assert body["first_checked_in_at"] is not None
    assert body["first_entrance"] == entrance.pk
    assert Scan.objects.count() == 2
    ticket.session.venue.refresh_from_db()
    assert ticket.session.venue.inside == 1


def test_exit_then_re_entry(gate_api):
    ticket = booked_ticket().first()
    entrance = EntranceFactory(venue=ticket.session.venue, mode=Entrance.Mode.ENTRY_EXIT)
    with at_start(ticket):
        assert scan(gate_api, ticket, entrance, "out").json()["reason"] == "not_checked_in"
        assert scan(gate_api, ticket, entrance, "in").json()["status"] == "accepted"
        assert scan(gate_api, ticket, entrance, "out").json()["status"] == "accepted"
        assert scan(gate_api, ticket, entrance, "in").json()["status"] == "accepted"
    venue = ticket.session.venue
    venue.refresh_from_db()
    assert venue.inside == 1


def test_exit_at_an_entry_only_gate_is_refused(gate_api):
    ticket = booked_ticket().first()
    entrance = EntranceFactory(venue=ticket.session.venue, mode=Entrance.Mode.ENTRY)
    with at_start(ticket):
        scan(gate_api, ticket, entrance, "in")
        assert scan(gate_api, ticket, entrance, "out").json()["reason"] == "exit_not_allowed"


def test_rejection_reasons(gate_api):
    tickets = booked_ticket(party_size=2)
    ticket = tickets[0]
    session = ticket.session
    entrance = EntranceFactory(venue=session.venue)
    elsewhere = EntranceFactory()
    with time_machine.travel(session.starts_at - timedelta(hours=3), tick=False):
        assert scan(gate_api, ticket, entrance).json()["reason"] == "too_early"
    with time_machine.travel(session.ends_at + timedelta(minutes=1), tick=False):
        assert scan(gate_api, ticket, entrance).json()["reason"] == "too_late"
    with at_start(ticket):
        assert scan(gate_api, ticket, elsewhere).json()["reason"] == "wrong_venue"
        unknown = ticket_code_sign(ticket_id=987654, session_id=session.pk)
        body = scan(gate_api, unknown, entrance).json()
        assert (body["reason"], body["ticket"]) == ("unknown_ticket", None)
        other_session = ticket_code_sign(ticket_id=ticket.pk, session_id=session.pk + 1)
        assert scan(gate_api, other_session, entrance).json()["reason"] == "unknown_ticket"
    services.booking_cancel(booking_id=ticket.booking_id)
    with at_start(ticket):
        assert scan(gate_api, tickets[1], entrance).json()["reason"] == "cancelled"


def test_venue_full(gate_api):
    venue = VenueFactory(max_occupancy=1)
    session = SessionFactory(venue=venue, capacity=5)
    tickets = booked_ticket(session, party_size=2)
    entrance = EntranceFactory(venue=venue)
    with at_start(tickets[0]):
        assert scan(gate_api, tickets[0], entrance).json()["status"] == "accepted"
        assert scan(gate_api, tickets[1], entrance).json()["reason"] == "venue_full"
        # the refused ticket was not marked as inside
        assert scan(gate_api, tickets[1], entrance, "out").json()["reason"] == "not_checked_in"


@pytest.mark.parametrize(
    "mangle",
    [
        lambda c: c[:-1] + ("A" if c[-1] != "A" else "B"),
        lambda c: c[:40],
        lambda c: "garbage",
        lambda c: "H22" + "Z" * 500,
    ],
    ids=["one_char", "truncated", "garbage", "long"],
)
def test_a_tampered_code_is_rejected_without_touching_the_database(gate_api, gate_staff, mangle):
    ticket = booked_ticket().first()
    entrance = EntranceFactory(venue=ticket.session.venue)
    gate_api.get("/api/v1/scans/keys/")  # warm the user's group cache for a fair count
    with CaptureQueriesContext(connection) as queries:
        response = scan(gate_api, mangle(code_of(ticket)), entrance)
    assert response.json() == {"status": "rejected", "reason": "invalid_signature", "ticket": None}
    scan_sql = [q["sql"] for q in queries.captured_queries if "bookings_" in q["sql"]]
    assert scan_sql == []
    assert not Scan.objects.exists()


def test_same_nonce_replays_instead_of_scanning_twice(gate_api):
    ticket = booked_ticket().first()
    entrance = EntranceFactory(venue=ticket.session.venue)
    with at_start(ticket):
        first = scan(gate_api, ticket, entrance, nonce="nonce-0001")
        replay = scan(gate_api, ticket, entrance, nonce="nonce-0001")
    assert first.json() == replay.json()
    assert replay.json()["status"] == "accepted"
    assert Scan.objects.count() == 1


def test_malformed_scans_are_400(gate_api):
    entrance = EntranceFactory()
    response = gate_api.post(SCANS, {"code": "x", "direction": "sideways"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) >= {"entrance", "direction", "nonce"}
    ticket = booked_ticket().first()
    missing_gate = scan(gate_api, ticket, type("E", (), {"pk": 999999})())
    assert missing_gate.status_code == 400
    assert "entrance" in missing_gate.json()["fields"]
    assert scan(gate_api, "x" * 5000, entrance).status_code == 400


@pytest.mark.parametrize("role", ["visitor", "exhibitor"])
def test_visitors_and_exhibitors_cannot_scan(role):
    client = client_for(UserFactory(role=role))
    ticket = booked_ticket().first()
    entrance = EntranceFactory(venue=ticket.session.venue)
    response = scan(client, ticket, entrance)
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    for path in ["/api/v1/scans/keys/", "/api/v1/scans/revoked/", "/api/v1/entrances/"]:
        assert client.get(path).status_code == 403
    assert not Scan.objects.exists()


def test_gate_staff_may_only_scan(gate_api):
    session = SessionFactory()
    for response in [
        gate_api.get("/api/v1/bookings/"),
        gate_api.post("/api/v1/sessions/", {}, format="json"),
        gate_api.patch(f"/api/v1/sessions/{session.pk}/", {"capacity": 1}, format="json"),
        gate_api.post(f"/api/v1/sessions/{session.pk}/cancel/"),
        gate_api.get(f"/api/v1/sessions/{session.pk}/attendance/"),
    ]:
        assert response.status_code == 403, response.json()
    for path in ["/api/v1/scans/keys/", "/api/v1/scans/revoked/", "/api/v1/entrances/"]:
        assert gate_api.get(path).status_code == 200


def test_keys_and_revocation_list(gate_api):
    tickets = booked_ticket(party_size=2)
    keys = gate_api.get("/api/v1/scans/keys/").json()["keys"]
    assert keys and keys[0]["algorithm"] == "Ed25519"
    assert gate_api.get("/api/v1/scans/revoked/").json()["count"] == 0
    services.booking_cancel(booking_id=tickets[0].booking_id)
    revoked = gate_api.get("/api/v1/scans/revoked/").json()
    assert {item["id"] for item in revoked["results"]} == {t.pk for t in tickets}
    later = gate_api.get(
        "/api/v1/scans/revoked/", {"since": revoked["results"][-1]["revoked_at"]}
    ).json()
    assert later["count"] == 2
    future = gate_api.get("/api/v1/scans/revoked/", {"since": "2999-01-01T00:00:00Z"}).json()
    assert future["count"] == 0
    bad = gate_api.get("/api/v1/scans/revoked/", {"since": "yesterday"})
    assert (bad.status_code, list(bad.json()["fields"])) == (400, ["since"])


def test_occupancy_and_attendance(gate_api, staff_api):
    venue = VenueFactory(max_occupancy=100)
    session = SessionFactory(venue=venue)
    tickets = booked_ticket(session, party_size=3)
    entrance = EntranceFactory(venue=venue)
    with at_start(tickets[0]):
        scan(gate_api, tickets[0], entrance)
        scan(gate_api, tickets[1], entrance)
        scan(gate_api, tickets[1], entrance, "out")
    occupancy = gate_api.get(f"/api/v1/venues/{venue.slug}/occupancy/").json()
    assert (occupancy["capacity"], occupancy["inside"]) == (100, 1)
    with time_machine.travel(session.starts_at + timedelta(minutes=10)):
        attendance = staff_api.get(f"/api/v1/sessions/{session.pk}/attendance/").json()
    assert attendance["booked"] == 3
    assert attendance["checked_in"] == 2
    assert attendance["inside"] == 1
    assert attendance["no_shows"] == 1


def test_host_exhibitor_sees_attendance_others_do_not():
    membership = MembershipFactory()
    session = SessionFactory(host=membership.exhibitor)
    member = client_for(membership.user)
    assert member.get(f"/api/v1/sessions/{session.pk}/attendance/").status_code == 200
    stranger = client_for(MembershipFactory().user)
    assert stranger.get(f"/api/v1/sessions/{session.pk}/attendance/").status_code == 404


def test_an_admission_is_six_statements(django_assert_num_queries, gate_staff):
    """The hot path at the gates (bench/profile_hot_paths.py): the token, then one read
    for the entrance and the ticket, the admission, the head count and the record."""
    ticket = booked_ticket().first()
    ticket.attendee_name = "Astrid"
    ticket.save()
    entrance = EntranceFactory(venue=ticket.session.venue)
    _instance, token = AuthToken.objects.create(user=gate_staff)
    api = APIClient(HTTP_AUTHORIZATION=f"Token {token}")
    with at_start(ticket), django_assert_num_queries(7) as captured:
        response = scan(api, ticket, entrance)

    body = response.json()
    assert body["status"] == "accepted"
    assert body["ticket"] == {
        "id": ticket.pk,
        "attendee_name": "Astrid",
        "booking_reference": ticket.booking.reference,
        "session": {
            "id": ticket.session_id,
            "title": ticket.session.title,
            "starts_at": ticket.session.starts_at.isoformat(),
        },
    }
    statements = [query["sql"].split()[0] for query in captured.captured_queries]
    # Inside the test's own transaction, the scan's BEGIN and COMMIT are a savepoint
    # and its release.
    assert statements == [
        "SELECT",  # the token, its account and roles
        "SAVEPOINT",
        "SELECT",  # the entrance, its venue, the ticket, its booking and session
        "UPDATE",  # the admission, if the ticket is not inside yet
        "UPDATE",  # the venue's head count
        "INSERT",  # the scan's record
        "RELEASE",
    ]


def test_an_unknown_entrance_is_refused_and_nothing_is_stored(gate_api):
    ticket = booked_ticket().first()
    with at_start(ticket):
        response = scan(gate_api, ticket, Entrance(pk=999_999))
    assert response.status_code == 400
    assert response.json()["fields"] == {"entrance": ["Unknown entrance."]}
    assert not Scan.objects.exists()
