"""The shared test helpers: `book()` takes the real path, the row factories do not."""

import pytest

from tests.factories import (
    BookingFactory,
    ScanFactory,
    SessionFactory,
    TicketFactory,
    WaitlistEntryFactory,
    book,
)

pytestmark = pytest.mark.django_db


def test_book_takes_seats_and_writes_the_confirmation():
    session = SessionFactory(capacity=5)

    booking = book(session=session, party_size=2)

    session.refresh_from_db()
    assert session.seats_taken == 2
    assert booking.tickets.count() == 2
    assert booking.notifications.filter(kind="booking_confirmed").exists()


def test_book_names_the_tickets_in_order():
    booking = book(None, None, "Astrid", "Bo")
    assert list(booking.tickets.order_by("pk").values_list("attendee_name", flat=True)) == [
        "Astrid",
        "Bo",
    ]


def test_row_factories_write_consistent_rows_without_the_rules():
    scan = ScanFactory()
    ticket = scan.ticket

    assert ticket.session == ticket.booking.session
    assert scan.entrance.venue == ticket.session.venue
    assert TicketFactory().booking.status == "confirmed"
    assert WaitlistEntryFactory().status == "waiting"
    # Rows as stored: no seats counted, no outbox rows.
    booking = BookingFactory()
    assert booking.session.seats_taken == 0
    assert not booking.notifications.exists()
