"""Walk-ins at the gate: seats the no-show release freed and no offer took, issued and
admitted on the spot; and a booking's tickets found by its reference."""

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from expo.bookings import selectors, services
from expo.bookings.models import Booking, Ticket, WaitlistEntry
from expo.bookings.privacy import BookingsPersonalData
from expo.events.models import Session, Venue
from expo.notifications.models import Notification
from expo.notifications.services import notification_deliver
from tests.conftest import client_for
from tests.factories import EntranceFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def released():
    """A workshop of 3: a party of 3 never came, a party of 2 on the waitlist got an offer,
    so one seat is free for the door, 11 minutes in."""
    session = SessionFactory(
        kind=Session.Kind.WORKSHOP, capacity=3, max_party_size=3, no_show_release_minutes=10
    )
    services.booking_create(visitor=UserFactory(), session_id=session.pk, party_size=3)
    waiting = services.waitlist_join(visitor=UserFactory(), session_id=session.pk, party_size=2)
    with time_machine.travel(session.starts_at + timedelta(minutes=11), tick=False):
        assert services.tickets_release_no_shows() == 3
        waiting.refresh_from_db()
        assert waiting.status == WaitlistEntry.Status.OFFERED
        yield session


@pytest.fixture
def gate(released, gate_staff):
    entrance = EntranceFactory(venue=released.venue)
    return client_for(gate_staff), f"/api/v1/entrances/{entrance.pk}/walk-ins/"


def test_a_walk_in_after_the_no_show_release_is_admitted_and_mailed(released, gate):
    client, url = gate
    listed = client.get(url).json()["sessions"]
    assert [(s["id"], s["seats_free_now"], s["walk_ins_open"]) for s in listed] == [
        (released.pk, 1, True)
    ]

    response = client.post(
        url, {"session": released.pk, "name": "Gunnel Ek", "email": "gunnel@example.org"}
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["scan"]["status"] == "accepted"
    ticket = Ticket.objects.get(pk=body["ticket"]["id"])
    assert (ticket.attendee_name, ticket.checked_in, ticket.status) == ("Gunnel Ek", True, "valid")
    assert ticket.booking.walk_in
    released.refresh_from_db()
    assert released.seats_taken == released.capacity  # the offer's 2 seats are still held
    assert Venue.objects.get(pk=released.venue_id).inside == 1
    assert client.get(url).json()["sessions"][0]["seats_free_now"] == 0
    # the same code scanned again is already inside: it is an ordinary ticket
    again = client.post(
        "/api/v1/scans/",
        {
            "code": body["ticket"]["code"],
            "entrance": ticket.first_entrance_id,
            "direction": "in",
            "nonce": uuid.uuid4().hex,
        },
    )
    assert again.json()["reason"] == "already_checked_in"
    # the ticket mail goes to the walk-in, not to the staff account that issued it
    (row,) = Notification.objects.filter(booking=ticket.booking)
    assert notification_deliver(key=row.key) == "sent"
    assert [message.to for message in mail.outbox] == [["gunnel@example.org"]]


def test_no_seat_no_walk_in(released, gate):
    client, url = gate
    assert client.post(url, {"session": released.pk, "name": "Först"}).status_code == 201
    response = client.post(url, {"session": released.pk, "name": "Sist"})
    assert (response.status_code, response.json()["code"]) == (409, "sold_out")
    assert Ticket.objects.filter(attendee_name="Sist").count() == 0
    # without an address nobody is mailed
    assert not Notification.objects.filter(booking__walk_in=True).exists()


def test_no_walk_ins_before_the_no_show_release(gate_staff):
    session = SessionFactory(capacity=10, no_show_release_minutes=10)
    entrance = EntranceFactory(venue=session.venue)
    client = client_for(gate_staff)
    url = f"/api/v1/entrances/{entrance.pk}/walk-ins/"
    with time_machine.travel(session.starts_at + timedelta(minutes=5), tick=False):
        (listed,) = client.get(url).json()["sessions"]
        assert (listed["seats_free_now"], listed["walk_ins_open"]) == (0, False)
        response = client.post(url, {"session": session.pk, "name": "Tidig"})
    assert (response.status_code, response.json()["code"]) == (409, "walk_ins_closed")
    session.refresh_from_db()
    assert session.seats_taken == 0


def test_a_full_venue_issues_no_ticket(released, gate):
    client, url = gate
    Venue.objects.filter(pk=released.venue_id).update(max_occupancy=0)
    response = client.post(url, {"session": released.pk, "name": "Gunnel Ek"})
    assert (response.status_code, response.json()["code"]) == (409, "walk_in_not_admitted")
    assert response.json()["reason"] == "venue_full"
    assert not Booking.objects.filter(walk_in=True).exists()
    released.refresh_from_db()
    assert released.seats_taken == 2  # only the open offer's seats


def test_only_sessions_at_the_entrances_venue(released, gate):
    client, url = gate
    elsewhere = SessionFactory(no_show_release_minutes=10, starts_at=released.starts_at)
    response = client.post(url, {"session": elsewhere.pk, "name": "Fel"})
    assert (response.status_code, list(response.json()["fields"])) == (400, ["session"])
    assert client.get("/api/v1/entrances/999999/walk-ins/").status_code == 404


def test_one_account_issues_many_walk_ins_none_of_them_its_own(released, gate, gate_staff):
    client, url = gate
    entry = WaitlistEntry.objects.get(session=released, status=WaitlistEntry.Status.OFFERED)
    services.waitlist_leave(entry_id=entry.pk, visitor=entry.visitor)  # 2 more seats free
    for name in ("Ada", "Bo", "Cy"):
        assert client.post(url, {"session": released.pk, "name": name}).status_code == 201
    assert Booking.objects.filter(visitor=gate_staff, walk_in=True).count() == 3
    # the attendees' tickets, not the account's own bookings nor its personal data
    assert not selectors.booking_list(user=gate_staff).exists()
    assert BookingsPersonalData().export(user=gate_staff)["bookings"] == []


# --- The booking reference at the gate -------------------------------------------------


def test_a_booking_reference_lists_its_tickets_to_admit_one_by_one(gate_staff):
    session = SessionFactory(capacity=5, max_party_size=3)
    booking = services.booking_create(
        visitor=UserFactory(),
        session_id=session.pk,
        party_size=2,
        attendees=[services.Attendee(name="Ada"), services.Attendee(name="Bo")],
    )
    entrance = EntranceFactory(venue=session.venue)
    client = client_for(gate_staff)
    url = f"/api/v1/scans/booking/{booking.reference.lower()}/?entrance={entrance.pk}"
    with time_machine.travel(session.starts_at, tick=False):
        body = client.get(url).json()
        assert (body["reference"], body["at_this_entrance"]) == (booking.reference, True)
        assert [t["attendee_name"] for t in body["tickets"]] == ["Ada", "Bo"]
        first = body["tickets"][0]
        scan = client.post(
            "/api/v1/scans/",
            {
                "code": first["code"],
                "entrance": entrance.pk,
                "direction": "in",
                "nonce": "n-ada-01",
            },
        )
        assert scan.json()["status"] == "accepted"
        after = client.get(url).json()["tickets"]
    assert [(t["attendee_name"], t["checked_in"]) for t in after] == [("Ada", True), ("Bo", False)]


def test_a_booking_reference_elsewhere_or_unknown(gate_staff):
    session = SessionFactory(capacity=5)
    booking = services.booking_create(visitor=UserFactory(), session_id=session.pk, party_size=1)
    other = EntranceFactory()
    client = client_for(gate_staff)
    url = f"/api/v1/scans/booking/{booking.reference}/"
    assert client.get(f"{url}?entrance={other.pk}").json()["at_this_entrance"] is False
    assert client.get("/api/v1/scans/booking/H22-NOSUCH2/?entrance=1").status_code == 404
    missing = client.get(url)
    assert (missing.status_code, list(missing.json()["fields"])) == (400, ["entrance"])
