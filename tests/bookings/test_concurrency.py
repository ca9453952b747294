"""Invariants 1 and 3 under real concurrency on PostgreSQL (threads, separate connections)."""

import random
import time
from collections import Counter

import pytest

from expo.bookings import errors, services
from expo.bookings.models import Booking, Ticket, WaitlistEntry
from expo.events.models import Session
from expo.notifications.models import Notification
from tests.bookings.race import race
from tests.conftest import client_for
from tests.factories import SessionFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def booking_call(visitor, session, party_size=1):
    return lambda: services.booking_create(
        visitor=visitor, session_id=session.pk, party_size=party_size
    )


def outcome(result):
    return type(result).__name__ if isinstance(result, Exception) else "booked"


def test_200_visitors_race_for_50_seats():
    session = SessionFactory(capacity=50)
    visitors = UserFactory.create_batch(200)
    results = race([booking_call(visitor, session) for visitor in visitors])
    assert Counter(outcome(r) for r in results) == {"booked": 50, "SoldOut": 150}
    session.refresh_from_db()
    assert session.seats_taken == 50
    assert Booking.objects.filter(session=session, status="confirmed").count() == 50
    assert Ticket.objects.filter(session=session).count() == 50
    # A loser's rows, written in the statement whose seat UPDATE found no seat, rolled back.
    assert Notification.objects.filter(booking__session=session).count() == 50


def test_mixed_party_sizes_never_exceed_capacity():
    session = SessionFactory(capacity=37, max_party_size=6)
    rng = random.Random(22)
    calls = [booking_call(UserFactory(), session, rng.randint(1, 6)) for _ in range(80)]
    results = race(calls)
    assert {outcome(r) for r in results} <= {"booked", "SoldOut"}
    session.refresh_from_db()
    seats = sum(b.party_size for b in Booking.objects.filter(session=session))
    assert seats == session.seats_taken <= 37
    assert Ticket.objects.filter(session=session).count() == seats
    # the crowd was big enough that the session filled up or almost
    assert seats > 37 - 6


def test_control_read_then_write_oversells(monkeypatch):
    """Shows the race test can fail: the same crowd, with a Python-side check, oversells."""

    def take_seats_read_then_write(session, seats):
        current = Session.objects.get(pk=session.pk)
        if current.capacity - current.seats_taken < seats:
            raise errors.SoldOut()
        time.sleep(0.01)
        return "UPDATE events_session SET seats_taken = %s WHERE id = %s", [
            current.seats_taken + seats,
            session.pk,
        ]

    # The seats' UPDATE, whether alone or in the booking's one statement, loses its guard.
    monkeypatch.setattr(services, "_take_seats_sql", take_seats_read_then_write)
    session = SessionFactory(capacity=10)
    results = race([booking_call(UserFactory(), session) for _ in range(40)])
    booked = sum(1 for r in results if outcome(r) == "booked")
    assert booked > 10  # more bookings than seats: exactly what the real guard prevents


def test_same_idempotency_key_racing_gives_one_booking():
    session = SessionFactory(capacity=10)
    visitor = UserFactory()
    clients = [client_for(visitor) for _ in range(8)]
    body = {"session": session.pk, "party_size": 2}

    def post(client):
        return lambda: client.post(
            "/api/v1/bookings/", body, format="json", HTTP_IDEMPOTENCY_KEY="double-click"
        )

    responses = race([post(client) for client in clients], workers=8)
    assert Booking.objects.filter(visitor=visitor).count() == 1
    references = {r.json()["reference"] for r in responses if r.status_code == 201}
    assert len(references) == 1
    assert all(r.status_code == 201 for r in responses), [r.json() for r in responses]
    session.refresh_from_db()
    assert session.seats_taken == 2


def test_cancellation_racing_waitlist_acceptance_never_oversells():
    for round_number in range(5):
        session = SessionFactory(capacity=4, max_party_size=4)
        holders = UserFactory.create_batch(2)
        bookings = [
            services.booking_create(visitor=v, session_id=session.pk, party_size=2) for v in holders
        ]
        waiting = UserFactory.create_batch(3)
        entries = [
            services.waitlist_join(visitor=v, session_id=session.pk, party_size=2) for v in waiting
        ]
        services.booking_cancel(booking_id=bookings[0].pk)  # offers 2 seats to entries[0]
        entries[0].refresh_from_db()
        assert entries[0].status == "offered"
        calls = [
            lambda e=entries[0]: services.waitlist_accept(entry_id=e.pk, visitor=e.visitor),
            lambda b=bookings[1]: services.booking_cancel(booking_id=b.pk),
            lambda e=entries[1]: services.waitlist_leave(entry_id=e.pk, visitor=e.visitor),
            booking_call(UserFactory(), session, 2),
        ]
        race(calls, workers=4)
        session.refresh_from_db()
        confirmed = sum(
            b.party_size for b in Booking.objects.filter(session=session, status="confirmed")
        )
        held = sum(
            e.party_size for e in WaitlistEntry.objects.filter(session=session, status="offered")
        )
        assert confirmed + held == session.seats_taken <= session.capacity, round_number
