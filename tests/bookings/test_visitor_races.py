"""The per-visitor rules of `booking_create` under real concurrency on PostgreSQL.

`_lock_visitor` serialises one visitor's bookings; without it, `_check_visitor_may_book`
is a read-then-write that two requests of the same visitor pass together. Each race
below has a control that patches the lock out and shows that very race happen, so the
race test is known to be able to fail.

The controls are made reliable rather than lucky: every call of a wave waits at one
barrier (`race`), so the checks run before any booking commits, and each test repeats
the race for several visitors in several waves; one visitor slipping through is enough
for the control. (Measured: without the lock every visitor slipped through.)
"""

from collections import Counter
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from expo.bookings import services
from expo.bookings.models import Booking
from tests.bookings.race import race
from tests.factories import SessionFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

VISITORS = 20  # two calls each: two waves of race()'s twenty threads


@pytest.fixture
def without_visitor_lock(monkeypatch):
    monkeypatch.setattr(services, "_lock_visitor", lambda visitor: None)


@pytest.fixture
def without_one_booking_per_session_constraint():
    """Drop the partial unique index behind `already_booked` for one test, then restore it."""
    constraint = next(
        c
        for c in Booking._meta.constraints
        if c.name == "booking_one_confirmed_per_visitor_session"
    )
    with connection.schema_editor() as editor:
        editor.remove_constraint(Booking, constraint)
    yield
    # Duplicates a control created would stop the index from coming back.
    Booking.objects.update(status=Booking.Status.CANCELLED, cancelled_at=timezone.now())
    with connection.schema_editor() as editor:
        editor.add_constraint(Booking, constraint)


def tomorrow_at(hour: int, minute: int = 0) -> datetime:
    """An instant tomorrow in the expo's time zone, so sessions share one expo day."""
    day = timezone.localdate(timezone=ZoneInfo(settings.EXPO_TIME_ZONE)) + timedelta(days=1)
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(settings.EXPO_TIME_ZONE))


def book(visitor, session):
    return lambda: services.booking_create(visitor=visitor, session_id=session.pk, party_size=1)


def outcome(result) -> str:
    return result.code if isinstance(result, Exception) else "booked"


def confirmed_per_visitor(visitors) -> list[int]:
    return [
        Booking.objects.filter(visitor=v, status=Booking.Status.CONFIRMED).count() for v in visitors
    ]


# --- Two overlapping sessions at once -------------------------------------------------


def race_overlapping_pairs() -> tuple[list[int], Counter]:
    """Each visitor books two overlapping sessions in the same wave."""
    talk = SessionFactory(starts_at=tomorrow_at(10), ends_at=tomorrow_at(11), capacity=50)
    tour = SessionFactory(starts_at=tomorrow_at(10, 30), ends_at=tomorrow_at(11, 30), capacity=50)
    visitors = UserFactory.create_batch(VISITORS)
    # Adjacent calls fall into the same wave: twenty threads, an even wave size.
    results = race([call for v in visitors for call in (book(v, talk), book(v, tour))])
    return confirmed_per_visitor(visitors), Counter(outcome(r) for r in results)


def test_two_overlapping_sessions_at_once_book_exactly_one():
    per_visitor, outcomes = race_overlapping_pairs()
    assert per_visitor == [1] * VISITORS
    assert outcomes == {"booked": VISITORS, "overlap": VISITORS}


@pytest.mark.usefixtures("without_visitor_lock")
def test_control_without_the_lock_overlapping_sessions_are_both_booked():
    per_visitor, outcomes = race_overlapping_pairs()
    assert max(per_visitor) == 2, outcomes  # what the real test's lock prevents


# --- Past the daily limit at once ------------------------------------------------------


def race_past_daily_limit(visitors: int = 4) -> tuple[list[int], Counter]:
    """Each visitor books limit + 4 separate sessions of one day, all in one wave."""
    limit = settings.MAX_BOOKINGS_PER_VISITOR_PER_DAY
    per_day = limit + 4
    sessions = [
        SessionFactory(starts_at=tomorrow_at(8 + i), ends_at=tomorrow_at(8 + i, 45), capacity=50)
        for i in range(per_day)
    ]
    people = UserFactory.create_batch(visitors)
    results = race([book(v, s) for v in people for s in sessions], workers=per_day)
    return confirmed_per_visitor(people), Counter(outcome(r) for r in results)


def test_bookings_at_once_stop_at_the_daily_limit():
    limit = settings.MAX_BOOKINGS_PER_VISITOR_PER_DAY
    per_visitor, outcomes = race_past_daily_limit()
    assert per_visitor == [limit] * 4
    assert outcomes == {"booked": 4 * limit, "daily_limit": 4 * 4}


@pytest.mark.usefixtures("without_visitor_lock")
def test_control_without_the_lock_bookings_pass_the_daily_limit():
    per_visitor, outcomes = race_past_daily_limit()
    assert max(per_visitor) > settings.MAX_BOOKINGS_PER_VISITOR_PER_DAY, outcomes


# --- The same session twice at once ----------------------------------------------------


def race_same_session_twice() -> tuple[list[int], Counter]:
    session = SessionFactory(capacity=50)
    visitors = UserFactory.create_batch(VISITORS)
    results = race([call for v in visitors for call in (book(v, session), book(v, session))])
    return confirmed_per_visitor(visitors), Counter(outcome(r) for r in results)


def test_same_session_twice_at_once_books_once():
    per_visitor, outcomes = race_same_session_twice()
    assert per_visitor == [1] * VISITORS
    assert outcomes == {"booked": VISITORS, "already_booked": VISITORS}


@pytest.mark.usefixtures("without_one_booking_per_session_constraint")
def test_same_session_twice_at_once_books_once_by_the_lock_alone():
    per_visitor, outcomes = race_same_session_twice()
    assert per_visitor == [1] * VISITORS
    assert outcomes == {"booked": VISITORS, "already_booked": VISITORS}


@pytest.mark.usefixtures("without_visitor_lock")
def test_same_session_twice_at_once_books_once_by_the_constraint_alone():
    per_visitor, outcomes = race_same_session_twice()
    assert per_visitor == [1] * VISITORS
    assert outcomes == {"booked": VISITORS, "already_booked": VISITORS}


@pytest.mark.usefixtures("without_visitor_lock", "without_one_booking_per_session_constraint")
def test_control_without_lock_or_constraint_the_same_session_is_booked_twice():
    per_visitor, outcomes = race_same_session_twice()
    assert max(per_visitor) == 2, outcomes
