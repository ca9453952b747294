"""Invariant 1 with walk-ins: gate staff issuing seats at the door while the waitlist
accepts and declines offers and staff cancel, in real threads on PostgreSQL."""

import time
from collections import Counter
from datetime import timedelta

import pytest

from expo.bookings import errors, services
from expo.bookings.models import Ticket, WaitlistEntry
from expo.events.models import Session
from expo.scanning.services import walk_in_admit
from tests.bookings.race import race
from tests.factories import EntranceFactory, SessionFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def released_session():
    """Six seats: three parties of 2 booked, two parties waiting; at 11 minutes in, one
    party came, the other two are released, the waiting parties hold 3 seats by offer
    and one seat is free for the door."""
    session = SessionFactory(
        kind=Session.Kind.WORKSHOP, capacity=6, max_party_size=2, no_show_release_minutes=10
    )
    before = session.starts_at - timedelta(hours=1)
    came, *_ = [
        services.booking_create(
            visitor=UserFactory(), session_id=session.pk, party_size=2, now=before
        )
        for _ in range(3)
    ]
    entries = [
        services.waitlist_join(
            visitor=UserFactory(), session_id=session.pk, party_size=size, now=before
        )
        for size in (2, 1)
    ]
    now = session.starts_at + timedelta(minutes=11)
    Ticket.objects.filter(booking=came).update(
        first_checked_in_at=session.starts_at, checked_in=True
    )
    services.tickets_release_no_shows(now=now)
    assert Ticket.objects.filter(session=session, status="released").count() == 4
    session.refresh_from_db()
    assert session.seats_taken == 5
    return session, came, entries, now


def walk_in_call(staff, entrance, session, now, number):
    return lambda: walk_in_admit(
        staff=staff, entrance_id=entrance.pk, session_id=session.pk, name=f"Gäst {number}", now=now
    )


def seats_in_use(session) -> int:
    """Valid tickets plus seats held by open offers: what capacity must bound."""
    valid = Ticket.objects.filter(session=session, status=Ticket.Status.VALID).count()
    held = sum(
        WaitlistEntry.objects.filter(session=session, status="offered").values_list(
            "party_size", flat=True
        )
    )
    return valid + held


def test_walk_ins_racing_offers_and_cancellations_never_exceed_capacity():
    for round_number in range(3):
        session, came, (first, second), now = released_session()
        entrance = EntranceFactory(venue=session.venue)
        staff = UserFactory.create_batch(2, role="gate_staff")
        calls = [walk_in_call(staff[i % 2], entrance, session, now, i) for i in range(12)]
        calls += [
            lambda: services.waitlist_accept(entry_id=first.pk, visitor=first.visitor, now=now),
            lambda: services.waitlist_leave(entry_id=second.pk, visitor=second.visitor, now=now),
            lambda: services.booking_cancel(booking_id=came.pk, by_staff=True, now=now),
        ]
        results = race(calls, workers=15)
        walk_ins = Counter(type(r).__name__ for r in results[:12])
        assert set(walk_ins) <= {"WalkIn", "SoldOut"}, (round_number, results)
        assert all(not isinstance(r, Exception) for r in results[12:]), results[12:]
        session.refresh_from_db()
        assert seats_in_use(session) == session.seats_taken <= session.capacity, round_number
        # the free seat, plus at most the declined one and the cancelled party's two
        assert 1 <= walk_ins["WalkIn"] <= 4
        admitted = Ticket.objects.filter(session=session, booking__walk_in=True, checked_in=True)
        assert admitted.count() == walk_ins["WalkIn"]


def test_control_read_then_write_gives_more_walk_ins_than_seats(monkeypatch):
    """Shows the race test can fail: with a Python-side check the door oversells."""

    def take_seats_read_then_write(session, seats):
        current = Session.objects.get(pk=session.pk)
        if current.capacity - current.seats_taken < seats:
            raise errors.SoldOut()
        time.sleep(0.01)
        Session.objects.filter(pk=session.pk).update(seats_taken=current.seats_taken + seats)

    monkeypatch.setattr(services, "_take_seats", take_seats_read_then_write)
    session, _, _, now = released_session()
    entrance = EntranceFactory(venue=session.venue)
    staff = UserFactory(role="gate_staff")
    results = race([walk_in_call(staff, entrance, session, now, i) for i in range(12)])
    issued = sum(1 for r in results if not isinstance(r, Exception))
    assert issued > 1  # one seat was free: exactly what the conditional UPDATE prevents
    assert seats_in_use(session) > session.capacity
