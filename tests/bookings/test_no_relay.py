"""No mail relay: the expo mails attendees' addresses only for a verified booker, at most
MAX_ATTENDEE_RECIPIENTS_PER_DAY other addresses a day; the booker's own tickets always go."""

import email
from datetime import UTC, datetime, timedelta
from email import policy

import pytest
import time_machine
from django.core import mail

from expo.bookings.models import Ticket
from expo.bookings.services import Attendee
from tests.bookings.smtp_sink import ticket_codes_in
from tests.factories import SessionFactory, UserFactory, book

pytestmark = pytest.mark.django_db

STARTS = datetime(2022, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def before_the_expo():
    with time_machine.travel(STARTS - timedelta(days=10), tick=False) as traveller:
        yield traveller


@pytest.fixture
def sessions():
    """Five sessions on one day, none overlapping."""
    return [
        SessionFactory(starts_at=STARTS + timedelta(hours=2 * n), capacity=30) for n in range(5)
    ]


def recipients() -> list[str]:
    return sorted(message.to[0].lower() for message in mail.outbox)


def parsed(message) -> email.message.EmailMessage:
    return email.message_from_bytes(message.message().as_bytes(), policy=policy.default)


def test_unverified_account_mails_no_attendee_but_gets_its_own_tickets(
    sessions, before_the_expo, django_capture_on_commit_callbacks
):
    booker = UserFactory(email="new@example.org", email_verified_at=None)

    booking = book(
        booker,
        sessions[0],
        attendees=[
            Attendee("Me"),
            Attendee("Victim", "victim@example.org"),
            Attendee("Two", "t@x.org"),
        ],
        capture=django_capture_on_commit_callbacks,
    )

    assert recipients() == ["new@example.org"]
    assert len(ticket_codes_in(parsed(mail.outbox[0]))) == 3  # every ticket, to the booker
    # The addresses are kept as given; they are just not mailed.
    tickets = Ticket.objects.filter(booking=booking).order_by("pk")
    assert [t.attendee_email for t in tickets] == ["", "victim@example.org", "t@x.org"]
    assert not any(t.mail_attendee for t in tickets)


def test_verified_account_mails_attendees_and_the_daily_cap_holds(
    settings, sessions, before_the_expo, django_capture_on_commit_callbacks
):
    settings.MAX_ATTENDEE_RECIPIENTS_PER_DAY = 2
    booker = UserFactory(email="me@example.org")  # verified (the factory's default)
    capture = django_capture_on_commit_callbacks

    book(
        booker,
        sessions[0],
        attendees=[Attendee("A", "a@example.org"), Attendee("B", "b@x.org")],
        capture=capture,
    )
    assert recipients() == ["a@example.org", "b@x.org", "me@example.org"]

    # The cap is reached: a third address gets nothing; one already mailed today still does.
    mail.outbox.clear()
    second = book(
        booker,
        sessions[1],
        attendees=[Attendee("B again", "B@x.org"), Attendee("C", "c@example.org"), Attendee("Me")],
        capture=capture,
    )
    assert recipients() == ["b@x.org", "me@example.org"]
    booker_mail = next(m for m in mail.outbox if m.to == ["me@example.org"])
    assert len(ticket_codes_in(parsed(booker_mail))) == 3  # C's ticket reaches the booker
    assert not Ticket.objects.get(booking=second, attendee_name="C").mail_attendee

    # A day later there is room again.
    before_the_expo.shift(timedelta(hours=24, minutes=1))
    mail.outbox.clear()
    book(booker, sessions[2], attendees=[Attendee("C", "c@example.org")], capture=capture)
    assert recipients() == ["c@example.org", "me@example.org"]


def test_the_booker_verifying_later_lets_new_bookings_mail_attendees(
    sessions, before_the_expo, django_capture_on_commit_callbacks
):
    booker = UserFactory(email="me@example.org", email_verified_at=None)
    book(
        booker,
        sessions[0],
        attendees=[Attendee("A", "a@example.org")],
        capture=django_capture_on_commit_callbacks,
    )
    assert recipients() == ["me@example.org"]

    booker.email_verified_at = STARTS - timedelta(days=10)
    booker.save(update_fields=["email_verified_at"])
    mail.outbox.clear()
    book(
        booker,
        sessions[1],
        attendees=[Attendee("A", "a@example.org")],
        capture=django_capture_on_commit_callbacks,
    )

    assert recipients() == ["a@example.org", "me@example.org"]
