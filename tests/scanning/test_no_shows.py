"""Workshops lose seats to people who never come: unscanned tickets are released."""

import uuid
from datetime import timedelta

import pytest
import time_machine

from expo.bookings import services
from expo.bookings.models import Ticket, WaitlistEntry
from expo.bookings.ticket_codes import ticket_code_sign
from expo.events.models import Session
from expo.notifications.models import Notification
from expo.scanning.services import ScanInput, ticket_scan
from tests.factories import EntranceFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_unscanned_tickets_are_released_and_offered_to_the_waitlist():
    session = SessionFactory(
        kind=Session.Kind.WORKSHOP, capacity=3, max_party_size=3, no_show_release_minutes=10
    )
    came = services.booking_create(visitor=UserFactory(), session_id=session.pk, party_size=1)
    absent = services.booking_create(visitor=UserFactory(), session_id=session.pk, party_size=2)
    waiting = services.waitlist_join(visitor=UserFactory(), session_id=session.pk, party_size=2)
    gate = EntranceFactory(venue=session.venue)
    present = came.tickets.get()
    with time_machine.travel(session.starts_at + timedelta(minutes=2), tick=False):
        scan = ScanInput(
            code=ticket_code_sign(ticket_id=present.pk, session_id=session.pk),
            entrance_id=gate.pk,
            direction="in",
            nonce=uuid.uuid4().hex,
        )
        assert ticket_scan(staff=UserFactory(role="gate_staff"), scan=scan)["status"] == "accepted"
        assert services.tickets_release_no_shows() == 0  # too soon
    with time_machine.travel(session.starts_at + timedelta(minutes=11), tick=False):
        assert services.tickets_release_no_shows() == 2
        assert services.tickets_release_no_shows() == 0  # once only
    assert set(absent.tickets.values_list("status", flat=True)) == {Ticket.Status.RELEASED}
    assert Notification.objects.filter(booking=absent, kind="ticket_released").count() == 1
    waiting.refresh_from_db()
    assert waiting.status == WaitlistEntry.Status.OFFERED
    assert waiting.offer_expires_at <= session.ends_at
    session.refresh_from_db()
    assert session.seats_taken == 3  # one present, two held for the offer
    # a released ticket is refused at the gate
    released = absent.tickets.first()
    with time_machine.travel(session.starts_at + timedelta(minutes=12), tick=False):
        scan = ScanInput(
            code=ticket_code_sign(ticket_id=released.pk, session_id=session.pk),
            entrance_id=gate.pk,
            direction="in",
            nonce=uuid.uuid4().hex,
        )
        result = ticket_scan(staff=UserFactory(role="gate_staff"), scan=scan)
    assert result["reason"] == "cancelled"


def test_sessions_without_the_setting_keep_their_no_shows():
    session = SessionFactory(capacity=3)
    services.booking_create(visitor=UserFactory(), session_id=session.pk, party_size=2)
    with time_machine.travel(session.starts_at + timedelta(minutes=30), tick=False):
        assert services.tickets_release_no_shows() == 0
    assert not Ticket.objects.filter(status=Ticket.Status.RELEASED).exists()
