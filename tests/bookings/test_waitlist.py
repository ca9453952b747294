"""The waitlist end to end through the API, with the clock moved forward."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from expo.bookings import services
from expo.bookings.models import Booking, WaitlistEntry
from expo.events.models import Session
from expo.notifications.models import Notification
from tests.conftest import client_for
from tests.factories import SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def full_session(capacity=2, **kwargs):
    session = SessionFactory(capacity=capacity, max_party_size=4, **kwargs)
    holders = [UserFactory() for _ in range(capacity)]
    bookings = [
        services.booking_create(visitor=holder, session_id=session.pk, party_size=1)
        for holder in holders
    ]
    return session, bookings


def join(client, session, party_size=1):
    return client.post(
        f"/api/v1/sessions/{session.pk}/waitlist/", {"party_size": party_size}, format="json"
    )


def test_join_leave_and_position(visitor_api):
    session, _ = full_session()
    first = join(client_for(UserFactory()), session)
    assert first.status_code == 201
    assert first.json()["position"] == 1
    mine = join(visitor_api, session, party_size=2)
    assert (mine.status_code, mine.json()["position"], mine.json()["status"]) == (201, 2, "waiting")
    again = join(visitor_api, session)
    assert (again.status_code, again.json()["code"]) == (409, "already_waiting")
    left = visitor_api.delete(f"/api/v1/waitlist/{mine.json()['id']}/")
    assert (left.status_code, left.json()["status"]) == (200, "left")
    assert visitor_api.get("/api/v1/waitlist/").json()["results"][0]["status"] == "left"


def test_cannot_wait_when_seats_are_free(visitor_api):
    response = join(visitor_api, SessionFactory(capacity=5))
    assert (response.status_code, response.json()["code"]) == (409, "seats_available")


def test_cannot_wait_for_a_closed_session(visitor_api):
    session, _ = full_session(status=Session.Status.PUBLISHED)
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CANCELLED)
    response = join(visitor_api, session)
    assert (response.status_code, response.json()["code"]) == (409, "booking_closed")


def test_offer_expiry_next_offer_and_accept():
    session, bookings = full_session(capacity=2)
    anna, bo = UserFactory(), UserFactory()
    anna_api, bo_api = client_for(anna), client_for(bo)
    anna_entry = join(anna_api, session).json()["id"]
    bo_entry = join(bo_api, session).json()["id"]

    # A seat frees up: Anna, first in line, gets an offer that holds the seat.
    services.booking_cancel(booking_id=bookings[0].pk)
    offer = anna_api.get(f"/api/v1/waitlist/{anna_entry}/").json()
    assert offer["status"] == "offered"
    session.refresh_from_db()
    assert session.seats_taken == 2  # one booked, one held for Anna
    assert Notification.objects.filter(waitlist_entry_id=anna_entry, kind="waitlist_offer").exists()

    # Someone else cannot grab the held seat.
    grab = client_for(UserFactory()).post(
        "/api/v1/bookings/", {"session": session.pk, "party_size": 1}, format="json"
    )
    assert grab.json()["code"] == "sold_out"

    # Anna does not answer within the offer time: it expires and Bo gets the seat.
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert services.waitlist_expire_offers() == 1
        late = anna_api.post(f"/api/v1/waitlist/{anna_entry}/accept/")
        assert (late.status_code, late.json()["code"]) == (409, "offer_not_open")
        assert bo_api.get(f"/api/v1/waitlist/{bo_entry}/").json()["status"] == "offered"
        accepted = bo_api.post(f"/api/v1/waitlist/{bo_entry}/accept/")
    assert accepted.status_code == 201
    assert accepted.json()["status"] == "confirmed"
    assert WaitlistEntry.objects.get(pk=anna_entry).status == "expired"
    assert WaitlistEntry.objects.get(pk=bo_entry).booking.reference == accepted.json()["reference"]
    assert Notification.objects.filter(waitlist_entry_id=anna_entry, kind="offer_expired").exists()
    session.refresh_from_db()
    assert session.seats_taken == 2
    assert Booking.objects.filter(session=session, status="confirmed").count() == 2


def test_declining_an_offer_passes_the_seats_on():
    session, bookings = full_session(capacity=2)
    first, second = UserFactory(), UserFactory()
    first_entry = services.waitlist_join(visitor=first, session_id=session.pk, party_size=1)
    second_entry = services.waitlist_join(visitor=second, session_id=session.pk, party_size=1)
    services.booking_cancel(booking_id=bookings[0].pk)
    response = client_for(first).delete(f"/api/v1/waitlist/{first_entry.pk}/")
    assert response.json()["status"] == "declined"
    second_entry.refresh_from_db()
    assert second_entry.status == "offered"


def test_a_party_that_does_not_fit_is_skipped_for_one_that_does():
    session, bookings = full_session(capacity=2)
    big = services.waitlist_join(visitor=UserFactory(), session_id=session.pk, party_size=3)
    small = services.waitlist_join(visitor=UserFactory(), session_id=session.pk, party_size=1)
    services.booking_cancel(booking_id=bookings[0].pk)
    big.refresh_from_db()
    small.refresh_from_db()
    assert (big.status, small.status) == ("waiting", "offered")


def test_raising_capacity_makes_offers(staff_api):
    session, _ = full_session(capacity=2)
    entry = services.waitlist_join(visitor=UserFactory(), session_id=session.pk, party_size=2)
    staff_api.patch(f"/api/v1/sessions/{session.pk}/", {"capacity": 4}, format="json")
    entry.refresh_from_db()
    assert entry.status == "offered"
    session.refresh_from_db()
    assert session.seats_taken == 4


def test_nobody_touches_anothers_waitlist_entry(visitor_api):
    session, bookings = full_session()
    owner = UserFactory()
    entry = services.waitlist_join(visitor=owner, session_id=session.pk, party_size=1)
    services.booking_cancel(booking_id=bookings[0].pk)
    for response in [
        visitor_api.get(f"/api/v1/waitlist/{entry.pk}/"),
        visitor_api.post(f"/api/v1/waitlist/{entry.pk}/accept/"),
        visitor_api.delete(f"/api/v1/waitlist/{entry.pk}/"),
    ]:
        assert (response.status_code, response.json()["code"]) == (404, "not_found")
    entry.refresh_from_db()
    assert entry.status == "offered"


def test_staff_cancel_of_a_session(staff_api, visitor_api):
    session, _ = full_session(capacity=2)
    entry = services.waitlist_join(visitor=UserFactory(), session_id=session.pk, party_size=1)
    response = staff_api.post(
        f"/api/v1/sessions/{session.pk}/cancel/", {"reason": "Storm"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert not Booking.objects.filter(session=session, status="confirmed").exists()
    assert session.tickets.filter(status="valid").count() == 0
    entry.refresh_from_db()
    assert entry.status == "closed"
    kinds = Notification.objects.filter(kind="session_cancelled")
    assert kinds.filter(booking__isnull=False).count() == 2
    assert kinds.filter(waitlist_entry=entry).count() == 1
    assert staff_api.post(f"/api/v1/sessions/{session.pk}/cancel/").status_code == 200
    denied = visitor_api.post(f"/api/v1/sessions/{session.pk}/cancel/")
    assert (denied.status_code, denied.json()["code"]) == (403, "permission_denied")


def test_moving_a_session_tells_booked_visitors(staff_api):
    session, _ = full_session(capacity=2)
    new_start = session.starts_at + timedelta(hours=2)
    staff_api.patch(
        f"/api/v1/sessions/{session.pk}/",
        {
            "starts_at": new_start.isoformat(),
            "ends_at": (new_start + timedelta(hours=1)).isoformat(),
        },
        format="json",
    )
    assert Notification.objects.filter(kind="session_changed").count() == 2
