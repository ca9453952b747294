"""Hand-written INSERTs store what the ORM would have stored (expo/core/queries.py)."""

from datetime import UTC, datetime

import pytest
from django.db import transaction

from expo.bookings.models import Ticket
from expo.core.queries import rows_insert
from expo.notifications.models import Notification
from tests.factories import BookingFactory


@pytest.mark.django_db
def test_inserted_rows_get_their_ids_defaults_and_the_orms_conversions():
    booking = BookingFactory()
    tickets = [
        Ticket(booking=booking, session=booking.session, attendee_name="Åsa"),
        Ticket(booking=booking, session=booking.session, attendee_email="b@example.com"),
    ]
    rows_insert(tickets)

    assert all(ticket.pk for ticket in tickets) and tickets[0].pk != tickets[1].pk
    assert not tickets[0]._state.adding
    stored = {ticket.pk: ticket for ticket in Ticket.objects.filter(booking=booking)}
    assert stored[tickets[0].pk].attendee_name == "Åsa"
    assert stored[tickets[1].pk].attendee_email == "b@example.com"
    assert stored[tickets[1].pk].status == Ticket.Status.VALID  # the field's default
    assert stored[tickets[1].pk].checked_in is False


@pytest.mark.django_db
def test_an_insert_that_ignores_conflicts_keeps_the_first_row():
    booking = BookingFactory()
    first = Notification(key="booking:1:test", kind="booking_confirmed", booking=booking)
    sent_at = datetime(2022, 6, 30, 12, 0, tzinfo=UTC)
    with transaction.atomic():
        rows_insert([first])
        rows_insert(
            [
                Notification(key="booking:1:test", kind="other", booking=booking),
                Notification(
                    key="booking:1:again",
                    kind="other",
                    booking=booking,
                    context={"seats": 2},
                    sent_at=sent_at,
                ),
            ],
            ignore_conflicts=True,
        )

    assert Notification.objects.get(key="booking:1:test").kind == "booking_confirmed"
    again = Notification.objects.get(key="booking:1:again")
    assert again.context == {"seats": 2} and again.sent_at == sent_at  # JSON, time zone
    assert again.created_at is not None  # its default, set in Python as the ORM does
