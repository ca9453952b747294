"""Booking through the HTTP API: every refusal code, ownership, and a lean write path."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from expo.bookings import selectors, services
from expo.bookings.models import Booking, IdempotencyKey, Ticket
from expo.bookings.serializers import BookingSerializer
from expo.events.models import Session
from expo.notifications.models import Notification
from tests.conftest import client_for
from tests.factories import BookingFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db

BOOKINGS = "/api/v1/bookings/"


def post_booking(client, session, party_size=1, key=None, **extra):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    body = {"session": session.id, "party_size": party_size, **extra}
    return client.post(BOOKINGS, body, format="json", **headers)


def test_booking_creates_one_ticket_per_attendee(visitor_api, visitor):
    session = SessionFactory(capacity=10)
    response = post_booking(
        visitor_api,
        session,
        party_size=3,
        attendees=[{"name": "Astrid"}, {"name": "Bo", "email": "bo@example.org"}],
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["reference"].startswith("H22-")
    assert body["status"] == "confirmed"
    assert body["party_size"] == 3
    assert [t["attendee_name"] for t in body["tickets"]] == ["Astrid", "Bo", ""]
    assert all(t["code"] and t["qr_png_url"].endswith("/qr.png") for t in body["tickets"])
    session.refresh_from_db()
    assert session.seats_taken == 3
    booking = Booking.objects.get(reference=body["reference"])
    assert booking.visitor == visitor
    assert Ticket.objects.get(booking=booking, attendee_name="Bo").attendee_email == (
        "bo@example.org"
    )
    assert Notification.objects.filter(booking=booking, kind="booking_confirmed").count() == 1


def test_first_ticket_carries_the_visitors_name_when_none_given(visitor_api, visitor):
    body = post_booking(visitor_api, SessionFactory()).json()
    assert body["tickets"][0]["attendee_name"] == visitor.name


def test_anonymous_cannot_book(api):
    response = post_booking(api, SessionFactory())
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_sold_out_says_whether_the_waitlist_is_open(visitor_api):
    session = SessionFactory(capacity=2)
    Session.objects.filter(pk=session.pk).update(seats_taken=1)
    response = post_booking(visitor_api, session, party_size=2)
    assert response.status_code == 409
    assert response.json()["code"] == "sold_out"
    assert response.json()["waitlist_open"] is True
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"booking_opens_at": timezone.now() + timedelta(days=1)},
        {"booking_closes_at": timezone.now() - timedelta(minutes=1)},
        {"status": Session.Status.CANCELLED},
        "started",
    ],
    ids=["not_open_yet", "closed", "cancelled", "started"],
)
def test_booking_closed(visitor_api, change):
    if change == "started":
        now = timezone.now()
        session = SessionFactory(
            starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(hours=1)
        )
    else:
        session = SessionFactory(**change)
    response = post_booking(visitor_api, session)
    assert response.status_code == 409
    assert response.json()["code"] == "booking_closed"


def test_unpublished_session_is_not_found(visitor_api):
    response = post_booking(visitor_api, SessionFactory(status=Session.Status.DRAFT))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert post_booking(visitor_api, type("S", (), {"id": 999999})()).status_code == 404


def test_overlap_and_already_booked(visitor_api):
    first = SessionFactory()
    overlapping = SessionFactory(
        starts_at=first.starts_at + timedelta(minutes=30),
        ends_at=first.ends_at + timedelta(minutes=30),
    )
    back_to_back = SessionFactory(
        starts_at=first.ends_at, ends_at=first.ends_at + timedelta(hours=1)
    )
    assert post_booking(visitor_api, first).status_code == 201
    again = post_booking(visitor_api, first)
    assert (again.status_code, again.json()["code"]) == (409, "already_booked")
    overlap = post_booking(visitor_api, overlapping)
    assert (overlap.status_code, overlap.json()["code"]) == (409, "overlap")
    assert post_booking(visitor_api, back_to_back).status_code == 201


@override_settings(MAX_BOOKINGS_PER_VISITOR_PER_DAY=2)
def test_daily_limit(visitor_api):
    start = timezone.now().replace(hour=8, minute=0) + timedelta(days=2)
    sessions = [
        SessionFactory(
            starts_at=start + timedelta(hours=2 * i), ends_at=start + timedelta(hours=2 * i + 1)
        )
        for i in range(3)
    ]
    assert post_booking(visitor_api, sessions[0]).status_code == 201
    assert post_booking(visitor_api, sessions[1]).status_code == 201
    response = post_booking(visitor_api, sessions[2])
    assert (response.status_code, response.json()["code"]) == (409, "daily_limit")


@pytest.mark.parametrize("party_size", [0, 7])
def test_party_size_outside_the_sessions_limits_is_invalid(visitor_api, party_size):
    response = post_booking(visitor_api, SessionFactory(max_party_size=6), party_size=party_size)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "party_size" in response.json()["fields"]


def test_malformed_body_is_a_validation_error(visitor_api):
    response = visitor_api.post(BOOKINGS, {"session": "x", "attendees": "y"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) >= {"session", "party_size"}
    response = visitor_api.post(BOOKINGS, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_more_attendees_than_seats_is_invalid(visitor_api):
    response = post_booking(
        visitor_api, SessionFactory(), party_size=1, attendees=[{"name": "a"}, {"name": "b"}]
    )
    assert response.status_code == 400
    assert "attendees" in response.json()["fields"]


def test_idempotency_key_replays_the_first_response(visitor_api):
    session = SessionFactory()
    first = post_booking(visitor_api, session, key="abc-123")
    second = post_booking(visitor_api, session, key="abc-123")
    assert first.status_code == second.status_code == 201, second.json()
    assert first.json()["reference"] == second.json()["reference"]
    assert Booking.objects.count() == 1
    mismatch = post_booking(visitor_api, session, party_size=2, key="abc-123")
    assert (mismatch.status_code, mismatch.json()["code"]) == (422, "idempotency_mismatch")


def test_idempotency_keys_are_per_user_and_expire(visitor_api):
    session = SessionFactory()
    other = client_for(UserFactory())
    assert post_booking(visitor_api, session, key="k").status_code == 201
    assert post_booking(other, session, key="k").status_code == 201
    IdempotencyKey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    again = post_booking(visitor_api, session, key="k")
    assert (again.status_code, again.json()["code"]) == (409, "already_booked")


def test_a_failed_request_does_not_burn_its_idempotency_key(visitor_api):
    session = SessionFactory(capacity=1)
    Session.objects.filter(pk=session.pk).update(seats_taken=1)
    assert post_booking(visitor_api, session, key="retry-me").status_code == 409
    Session.objects.filter(pk=session.pk).update(seats_taken=0)
    assert post_booking(visitor_api, session, key="retry-me").status_code == 201


def test_list_and_detail_show_only_own_bookings(visitor_api, staff_api):
    session = SessionFactory()
    mine = post_booking(visitor_api, session).json()["reference"]
    other_client = client_for(UserFactory())
    theirs = post_booking(other_client, session).json()["reference"]
    listing = visitor_api.get(BOOKINGS).json()
    assert [b["reference"] for b in listing["results"]] == [mine]
    assert visitor_api.get(f"{BOOKINGS}{mine}/").status_code == 200
    assert visitor_api.get(f"{BOOKINGS}{mine.lower()}/").status_code == 200
    foreign = visitor_api.get(f"{BOOKINGS}{theirs}/")
    assert (foreign.status_code, foreign.json()["code"]) == (404, "not_found")
    assert staff_api.get(BOOKINGS).json()["count"] == 2
    assert staff_api.get(f"{BOOKINGS}{theirs}/").status_code == 200


def test_cancel_frees_seats_revokes_tickets_and_is_idempotent(visitor_api):
    session = SessionFactory(capacity=5)
    reference = post_booking(visitor_api, session, party_size=2).json()["reference"]
    first = visitor_api.post(f"{BOOKINGS}{reference}/cancel/")
    assert first.status_code == 200
    assert first.json()["status"] == "cancelled"
    assert {t["status"] for t in first.json()["tickets"]} == {"cancelled"}
    second = visitor_api.post(f"{BOOKINGS}{reference}/cancel/")
    assert second.status_code == 200
    session.refresh_from_db()
    assert session.seats_taken == 0
    assert Notification.objects.filter(kind="booking_cancelled").count() == 1
    assert not Ticket.objects.filter(revoked_at__isnull=True).exists()


def test_cancel_after_start_is_too_late(visitor_api, visitor):
    import time_machine

    session = SessionFactory()
    reference = post_booking(visitor_api, session).json()["reference"]
    with time_machine.travel(session.starts_at + timedelta(minutes=1)):
        response = visitor_api.post(f"{BOOKINGS}{reference}/cancel/")
    assert (response.status_code, response.json()["code"]) == (409, "too_late")
    assert Booking.objects.get(reference=reference).status == "confirmed"


def test_nobody_cancels_or_sees_the_qr_of_anothers_booking(visitor_api):
    owner = client_for(UserFactory())
    body = post_booking(owner, SessionFactory()).json()
    response = visitor_api.post(f"{BOOKINGS}{body['reference']}/cancel/")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert Booking.objects.get(reference=body["reference"]).status == "confirmed"
    ticket_id = body["tickets"][0]["id"]
    assert visitor_api.get(f"/api/v1/tickets/{ticket_id}/qr.png").status_code == 404
    qr = owner.get(f"/api/v1/tickets/{ticket_id}/qr.png")
    assert qr.status_code == 200
    assert qr["Content-Type"] == "image/png"
    assert qr.content.startswith(b"\x89PNG")


def test_the_qr_is_served_to_a_client_that_asks_for_a_png(visitor_api):
    """An explicit `Accept: image/png` gets the image, not a 406; errors stay JSON."""
    body = post_booking(visitor_api, SessionFactory()).json()
    url = f"/api/v1/tickets/{body['tickets'][0]['id']}/qr.png"
    qr = visitor_api.get(url, HTTP_ACCEPT="image/png")
    assert (qr.status_code, qr["Content-Type"]) == (200, "image/png")
    missing = visitor_api.get("/api/v1/tickets/999999/qr.png", HTTP_ACCEPT="image/png")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")


def test_booking_rate_limit(visitor_api):
    from django.core.cache import cache

    from expo.bookings.apis import BookingWriteThrottle

    cache.clear()
    session = SessionFactory(capacity=100)
    rates = {**BookingWriteThrottle.THROTTLE_RATES, "booking": "2/min"}
    original = BookingWriteThrottle.THROTTLE_RATES
    BookingWriteThrottle.THROTTLE_RATES = rates
    # One instant: a fixed window's edge between the attempts would start a new count.
    BookingWriteThrottle.timer = lambda self: 1_656_590_400.0
    try:
        codes = [post_booking(visitor_api, session).status_code for _ in range(3)]
        assert visitor_api.get(BOOKINGS).status_code == 200
    finally:
        BookingWriteThrottle.THROTTLE_RATES = original
        del BookingWriteThrottle.timer
        cache.clear()
    assert codes[:2] == [201, 409]
    limited = codes[2]
    assert limited == 429


@pytest.mark.parametrize("party_size", [1, 6])
def test_a_booking_is_six_statements_with_no_savepoint_and_none_after_commit(
    django_assert_num_queries, party_size
):
    """The hot path of a rush (bench/profile_hot_paths.py): each statement here is paid
    by every visitor, so one more is a regression to explain."""
    session = SessionFactory(capacity=50, max_party_size=6)
    visitor = UserFactory()
    _instance, token = AuthToken.objects.create(user=visitor)
    api = APIClient(HTTP_AUTHORIZATION=f"Token {token}")
    on_postgres = connection.vendor == "postgresql"
    with django_assert_num_queries(6 if on_postgres else 9) as captured:
        response = post_booking(api, session, party_size=party_size)
    assert response.status_code == 201
    statements = [query["sql"].split()[0] for query in captured.captured_queries]
    # Inside the test's own transaction, the booking's BEGIN and COMMIT are a savepoint
    # and its release: this one is the booking's transaction, and there is no other.
    # Booking, tickets, outbox row, then the seats: one statement on PostgreSQL.
    writes = ["WITH"] if on_postgres else ["INSERT", "INSERT", "INSERT", "UPDATE"]
    assert statements == [
        "SELECT",  # the token, its account and roles
        "SAVEPOINT",
        "SELECT",  # the visitor's row lock (on PostgreSQL it draws the booking's id)
        "SELECT",  # the session and its venue, the visitor's bookings
        *writes,  # the seats last: the session's row is locked only until COMMIT
        "RELEASE",
    ]
    booking = Booking.objects.get(reference=response.json()["reference"])
    assert booking.tickets.count() == party_size
    assert Notification.objects.filter(booking=booking, kind="booking_confirmed").count() == 1
    session.refresh_from_db()
    assert session.seats_taken == party_size


def test_a_taken_reference_retries_the_booking_with_a_new_one(visitor_api, monkeypatch):
    taken = BookingFactory().reference
    drawn = iter([taken, taken, "H22-FRESH23"])
    monkeypatch.setattr(services, "booking_reference_new", lambda: next(drawn))
    session = SessionFactory(capacity=5)

    response = post_booking(visitor_api, session, party_size=2)

    assert response.status_code == 201, response.json()
    assert response.json()["reference"] == "H22-FRESH23"
    session.refresh_from_db()
    assert session.seats_taken == 2
    assert Ticket.objects.filter(booking__reference="H22-FRESH23").count() == 2
    assert Notification.objects.filter(booking__reference="H22-FRESH23").count() == 1


def test_the_body_is_what_the_documented_serializer_says(visitor_api, visitor):
    session = SessionFactory(capacity=10)
    post_booking(visitor_api, session, party_size=2, attendees=[{"name": "Astrid"}])
    later = SessionFactory(capacity=10, starts_at=session.starts_at + timedelta(days=1))
    post_booking(visitor_api, later, party_size=1)
    visitor_api.post(f"{BOOKINGS}{Booking.objects.get(session=later).reference}/cancel/")

    listed = visitor_api.get(BOOKINGS).json()["results"]

    request = APIRequestFactory().get(BOOKINGS)
    documented = [
        BookingSerializer(booking, context={"request": Request(request)}).data
        for booking in selectors.booking_list(user=visitor)
    ]
    assert len(listed) == 2
    assert listed == json.loads(json.dumps(documented))
