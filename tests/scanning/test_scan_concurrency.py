"""docs/architecture.md, invariant 2, under real concurrency on PostgreSQL: gates racing
for the same ticket."""

import uuid
from collections import Counter
from datetime import timedelta

import pytest
import time_machine

from expo.bookings import services
from expo.bookings.models import Ticket
from expo.bookings.ticket_codes import ticket_code_sign
from expo.events.models import Entrance, Venue
from expo.scanning.models import Scan
from expo.scanning.services import ScanInput, ticket_scan
from tests.bookings.race import race
from tests.factories import EntranceFactory, SessionFactory, UserFactory, VenueFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def tickets_for(session, count):
    tickets = []
    while len(tickets) < count:
        size = min(session.max_party_size, count - len(tickets))
        booking = services.booking_create(
            visitor=UserFactory(), session_id=session.pk, party_size=size
        )
        tickets.extend(booking.tickets.order_by("id"))
    return tickets


def scan_call(staff, ticket, entrance, direction="in"):
    code = ticket_code_sign(ticket_id=ticket.pk, session_id=ticket.session_id)
    scan = ScanInput(
        code=code, entrance_id=entrance.pk, direction=direction, nonce=uuid.uuid4().hex
    )
    return lambda: ticket_scan(staff=staff, scan=scan)["status"]


def test_20_gates_scanning_one_ticket_admit_it_once():
    session = SessionFactory()
    venue = session.venue
    gates = [EntranceFactory(venue=venue) for _ in range(4)]
    ticket = tickets_for(session, 1)[0]
    staff = UserFactory(role="gate_staff")
    with time_machine.travel(session.starts_at, tick=False):
        results = race([scan_call(staff, ticket, gates[i % 4]) for i in range(20)], workers=20)
    assert Counter(results) == {"accepted": 1, "rejected": 19}
    assert Scan.objects.filter(result="accepted").count() == 1
    venue.refresh_from_db()
    assert venue.inside == 1


def test_occupancy_after_concurrent_entries_and_exits():
    session = SessionFactory(capacity=60, max_party_size=6)
    venue = session.venue
    gate = EntranceFactory(venue=venue, mode=Entrance.Mode.ENTRY_EXIT)
    staff = UserFactory(role="gate_staff")
    tickets = tickets_for(session, 40)
    with time_machine.travel(session.starts_at, tick=False):
        race([scan_call(staff, t, gate) for t in tickets[:30]])  # 30 inside
        # 10 new entries racing 12 exits of people already inside
        calls = [scan_call(staff, t, gate) for t in tickets[30:40]]
        calls += [scan_call(staff, t, gate, "out") for t in tickets[:12]]
        assert set(race(calls)) == {"accepted"}
    venue.refresh_from_db()
    assert venue.inside == 30 + 10 - 12
    assert Ticket.objects.filter(session=session, checked_in=True).count() == venue.inside


def test_venue_full_at_the_boundary_admits_exactly_the_limit():
    venue = VenueFactory(max_occupancy=15)
    session = SessionFactory(venue=venue, capacity=40, max_party_size=6)
    gates = [EntranceFactory(venue=venue) for _ in range(3)]
    staff = UserFactory(role="gate_staff")
    tickets = tickets_for(session, 40)
    with time_machine.travel(session.starts_at - timedelta(minutes=1), tick=False):
        results = race([scan_call(staff, t, gates[i % 3]) for i, t in enumerate(tickets)])
    assert results.count("accepted") == 15
    venue = Venue.objects.get(pk=venue.pk)
    assert venue.inside == 15
    assert Ticket.objects.filter(session=session, checked_in=True).count() == 15
    assert Scan.objects.filter(reason="venue_full").count() == 25
