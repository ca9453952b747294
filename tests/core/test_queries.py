"""Hand-written INSERTs store what the ORM would have stored (expo/core/queries.py)."""

from datetime import UTC, datetime

import pytest
from django.db import connection, transaction

from expo.bookings.models import Booking, Ticket
from expo.core.queries import Rows, next_id_sql, rows_insert, rows_insert_together
from expo.notifications.models import Notification
from tests.factories import BookingFactory, UserFactory


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


@pytest.mark.postgres
@pytest.mark.django_db
def test_rows_written_together_get_their_ids_and_the_update_runs_last():
    booking = BookingFactory()
    session = booking.session
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {next_id_sql(Booking)}")
        (drawn,) = cursor.fetchone()
    second = Booking(
        pk=drawn, reference="H22-TOGETHR", visitor=UserFactory(), session=session, party_size=2
    )
    tickets = [Ticket(booking=second, session=session, attendee_name=name) for name in "AB"]
    notes = [
        Notification(key=f"booking:{drawn}:test", kind="booking_confirmed", booking=second),
        Notification(key=f"booking:{drawn}:test", kind="duplicate", booking=second),
    ]
    seats = (
        "UPDATE events_session SET seats_taken = seats_taken + %s"
        " WHERE id = %s AND seats_taken <= capacity - %s"
    )

    with transaction.atomic():
        changed = rows_insert_together(
            Rows([second], with_pk=True),
            Rows(tickets),
            Rows(notes, ignore_conflicts=True),
            then=(seats, [2, session.pk, 2]),
        )

    assert changed == 1
    assert second.pk == drawn and not second._state.adding
    assert [ticket.booking_id for ticket in tickets] == [drawn, drawn]
    stored = Ticket.objects.filter(booking_id=drawn).order_by("pk")
    assert [(t.pk, t.attendee_name) for t in stored] == [(t.pk, t.attendee_name) for t in tickets]
    assert Notification.objects.get(key=f"booking:{drawn}:test").kind == "booking_confirmed"
    session.refresh_from_db()
    assert session.seats_taken == 2


@pytest.mark.postgres
@pytest.mark.django_db
def test_an_update_that_changes_nothing_is_reported_for_the_caller_to_roll_back():
    booking = BookingFactory()
    full = booking.session.capacity
    ticket = Ticket(booking=booking, session=booking.session)
    seats = "UPDATE events_session SET seats_taken = seats_taken + %s WHERE id = %s AND %s"
    with transaction.atomic():
        assert (
            rows_insert_together(Rows([ticket]), then=(seats, [full, booking.session_id, False]))
            == 0
        )
        assert ticket.pk is not None  # written: rolling back is the caller's choice
        assert rows_insert_together(Rows([Ticket(booking=booking, session=booking.session)])) == 0
