"""The e-mail outbox: every message goes out once, in the visitor's language, with
tickets that scan; failures retry, then wait in the admin; reminders come on time.

Celery runs eagerly here and mail goes to Django's locmem outbox; the same paths on a
real worker, broker and SMTP server are in test_mail_e2e.py.
"""

import email
import logging
import math
import smtplib
from datetime import UTC, datetime, timedelta
from email import policy

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone

from expo.accounts.models import User
from expo.bookings import services
from expo.bookings.messages import VisitorMessage, reminders_queue_due
from expo.bookings.models import Booking, Ticket
from expo.bookings.services import Attendee
from expo.bookings.ticket_codes import ticket_code_verify
from expo.events.models import Session
from expo.events.services import session_cancel
from expo.notifications import services as notifications
from expo.notifications.kinds import message_kind_choices
from expo.notifications.models import Notification
from expo.notifications.outbox import notification_key
from expo.notifications.services import (
    BATCH_SIZE,
    INTERRUPTED,
    TransientDeliveryError,
    _message_id,
    notification_deliver,
    notifications_retry,
    notifications_sweep,
)
from expo.notifications.tasks import deliver_notification
from tests.bookings.smtp_sink import attachments_of, html_of, ticket_codes_in
from tests.factories import SessionFactory, UserFactory, VenueFactory, book

pytestmark = pytest.mark.django_db

Status = Notification.Status
# Wednesday 1 June 2022, 14:00 in Helsingborg.
STARTS = datetime(2022, 6, 1, 12, 0, tzinfo=UTC)


class FlakySmtpBackend(EmailBackend):
    """Django's test outbox behind a mail server that fails `failures` times first."""

    failures = 0
    error = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    def send_messages(self, messages):
        if FlakySmtpBackend.failures > 0:
            FlakySmtpBackend.failures -= 1
            raise FlakySmtpBackend.error
        return super().send_messages(messages)


@pytest.fixture
def flaky_smtp(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakySmtpBackend"
    yield FlakySmtpBackend
    FlakySmtpBackend.failures = 0
    FlakySmtpBackend.error = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def session():
    venue = VenueFactory(name="Oceanhamnen", address="Oceanhamnen 1, Helsingborg")
    return SessionFactory(
        venue=venue,
        title_sv="Visning av Oceanhamnen",
        title_en="Tour of Oceanhamnen",
        starts_at=STARTS,
        ends_at=STARTS + timedelta(hours=1),
    )


@pytest.fixture
def before_the_expo():
    with time_machine.travel(STARTS - timedelta(days=10), tick=False) as traveller:
        yield traveller


def parsed(message) -> email.message.EmailMessage:
    """A locmem message as a mail client would read it off the wire."""
    return email.message_from_bytes(message.message().as_bytes(), policy=policy.default)


def row(booking, kind="booking_confirmed") -> Notification:
    return Notification.objects.get(key=notification_key(kind, booking=booking))


# --- The confirmation ----------------------------------------------------------------


def test_confirmation_has_a_scannable_qr_per_ticket_and_the_calendar_file(
    visitor, session, before_the_expo, django_capture_on_commit_callbacks
):
    booking = book(visitor, session, party_size=2, capture=django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    message = parsed(mail.outbox[0])
    assert message["To"] == visitor.email
    codes = ticket_codes_in(message)
    tickets = list(booking.tickets.order_by("pk"))
    assert len(codes) == 2
    for ticket in tickets:
        claim = ticket_code_verify(codes[f"ticket-{ticket.pk}@h22.example"])
        assert (claim.ticket_id, claim.session_id) == (ticket.pk, session.pk)
        assert f'src="cid:ticket-{ticket.pk}@h22.example"' in html_of(message)
    (ics,) = attachments_of(message).values()
    assert ics.get_content_type() == "text/calendar"
    assert "BEGIN:VEVENT" in ics.get_content()
    assert f"/bookings/{booking.reference}/" in message.get_body(("plain",)).get_content()
    sent = row(booking)
    assert (sent.status, sent.attempts, sent.last_error) == (Status.SENT, 1, "")
    assert sent.sent_at is not None


@pytest.mark.parametrize(
    ("language", "subject", "when"),
    [
        ("sv", "Dina biljetter: Visning av Oceanhamnen", "onsdag 1 juni 2022 kl. 14:00–15:00"),
        ("en", "Your tickets: Tour of Oceanhamnen", "Wednesday 1 June 2022 at 14:00–15:00"),
    ],
)
def test_confirmation_is_in_the_visitors_language_and_the_expos_time(
    session, before_the_expo, django_capture_on_commit_callbacks, language, subject, when
):
    visitor = UserFactory(language=language)
    booking = book(visitor, session, capture=django_capture_on_commit_callbacks)

    (message,) = mail.outbox
    assert message.subject == subject
    for body in (message.body, message.alternatives[0].content):
        assert when in body
        assert "Oceanhamnen 1, Helsingborg" in body
        assert booking.reference in body


def test_an_attendee_with_an_address_gets_only_their_own_ticket(
    visitor, session, before_the_expo, django_capture_on_commit_callbacks
):
    booking = book(
        visitor,
        session,
        party_size=3,
        attendees=[Attendee("Astrid"), Attendee("Bo", "bo@example.org"), Attendee("Cia")],
        capture=django_capture_on_commit_callbacks,
    )

    by_recipient = {message.to[0]: parsed(message) for message in mail.outbox}
    assert sorted(by_recipient) == sorted([visitor.email, "bo@example.org"])
    bo = Ticket.objects.get(booking=booking, attendee_name="Bo")
    assert len(ticket_codes_in(by_recipient[visitor.email])) == 3
    (code,) = ticket_codes_in(by_recipient["bo@example.org"]).values()
    assert ticket_code_verify(code).ticket_id == bo.pk
    assert "/bookings/" not in html_of(by_recipient["bo@example.org"])  # not Bo's to manage
    assert set(Notification.objects.values_list("key", "status")) == {
        (f"booking:{booking.pk}:booking_confirmed", Status.SENT),
        (f"booking:{booking.pk}:booking_confirmed:ticket-{bo.pk}", Status.SENT),
    }


def test_delivering_the_same_message_twice_sends_it_once(
    visitor, session, before_the_expo, django_capture_on_commit_callbacks
):
    booking = book(visitor, session, capture=django_capture_on_commit_callbacks)

    assert notification_deliver(key=row(booking).key) == Status.SENT
    assert len(mail.outbox) == 1
    assert row(booking).attempts == 1


# --- Failures ------------------------------------------------------------------------


def test_smtp_failing_twice_then_succeeding_delivers_once(
    visitor, session, before_the_expo, django_capture_on_commit_callbacks, flaky_smtp
):
    flaky_smtp.failures = 2

    booking = book(visitor, session, capture=django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    delivered = row(booking)
    assert (delivered.status, delivered.attempts, delivered.last_error) == (Status.SENT, 3, "")


def test_a_transient_error_puts_the_row_back_for_the_retry(
    visitor, session, before_the_expo, flaky_smtp
):
    booking = book(visitor, session)
    flaky_smtp.failures = 1

    with pytest.raises(TransientDeliveryError):
        notification_deliver(key=row(booking).key)

    waiting = row(booking)
    assert (waiting.status, waiting.attempts) == (Status.PENDING, 1)
    assert "SMTPServerDisconnected" in waiting.last_error
    assert notification_deliver(key=waiting.key) == "sent"


def test_after_the_last_try_the_row_is_failed_and_staff_can_retry_it(
    client,
    expo_staff,
    visitor,
    session,
    before_the_expo,
    django_capture_on_commit_callbacks,
    flaky_smtp,
    settings,
):
    flaky_smtp.failures = 99

    booking = book(visitor, session, capture=django_capture_on_commit_callbacks)

    failed = row(booking)
    assert (failed.status, failed.attempts) == (Status.FAILED, settings.NOTIFICATION_MAX_ATTEMPTS)
    assert "SMTPServerDisconnected" in failed.last_error
    assert mail.outbox == []

    flaky_smtp.failures = 0
    client.force_login(expo_staff)
    changelist = reverse("admin:notifications_notification_changelist")
    listed = client.get(changelist, {"status__exact": "failed"})
    assert failed.key in listed.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist, {"action": "retry_delivery", "_selected_action": [failed.pk]}
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert row(booking).status == Status.SENT


def test_a_permanent_refusal_fails_at_once(visitor, session, before_the_expo, flaky_smtp):
    booking = book(visitor, session)
    flaky_smtp.failures = 1
    flaky_smtp.error = smtplib.SMTPRecipientsRefused({visitor.email: (550, b"No such user")})

    assert notification_deliver(key=row(booking).key) == "failed"

    assert (row(booking).status, row(booking).attempts) == (Status.FAILED, 1)


def test_retry_only_touches_failed_rows(visitor, session, before_the_expo):
    booking = book(visitor, session)
    assert notifications_retry(notification_ids=[row(booking).pk]) == 0
    assert row(booking).status == Status.PENDING


# --- The sweep -----------------------------------------------------------------------


def test_the_sweep_sends_rows_left_pending_and_never_resends(
    visitor, session, before_the_expo, django_capture_on_commit_callbacks
):
    # As if the broker was down at commit: the row is written, no task was queued.
    booking = book(visitor, session)
    before_the_expo.shift(timedelta(minutes=1))
    assert notifications_sweep() == 0  # too fresh: its task may still be on its way

    before_the_expo.shift(timedelta(minutes=5))
    assert notifications_sweep() == 1
    assert len(mail.outbox) == 1
    assert row(booking).status == Status.SENT

    before_the_expo.shift(timedelta(minutes=10))
    assert notifications_sweep() == 0
    assert len(mail.outbox) == 1


def test_a_row_left_sending_by_a_dead_worker_is_sent_once_more_then_failed(
    visitor, session, before_the_expo, caplog
):
    booking = book(visitor, session)
    # A worker claimed it and died: the server may or may not have taken the message.
    Notification.objects.filter(pk=row(booking).pk).update(
        status=Status.SENDING, attempts=1, sent_at=timezone.now()
    )

    before_the_expo.shift(timedelta(minutes=2))
    notifications_sweep()
    assert row(booking).status == Status.SENDING  # may be a slow task, still alive
    assert mail.outbox == []

    before_the_expo.shift(timedelta(minutes=10))
    with caplog.at_level(logging.WARNING, logger="expo.notifications.services"):
        assert notifications_sweep() == 1

    resent = row(booking)
    assert (resent.status, resent.interruptions) == (Status.SENT, 1)
    assert any(resent.key in record.getMessage() for record in caplog.records)
    (message,) = mail.outbox
    # The same Message-ID every copy of this row carries: clients show one message.
    assert message.extra_headers["Message-ID"] == _message_id(resent.key)

    # The once is used up: interrupted again, the row is failed for staff to check.
    Notification.objects.filter(pk=resent.pk).update(status=Status.SENDING)
    before_the_expo.shift(timedelta(minutes=10))
    notifications_sweep()
    flagged = row(booking)
    assert (flagged.status, flagged.last_error) == (Status.FAILED, INTERRUPTED)
    assert len(mail.outbox) == 1


def _database_down_once(
    monkeypatch, name, *, owner=notifications, when=lambda *args, **kwargs: True
):
    """`<owner>.<name>` raises the error a lost database raises, once."""
    real = getattr(owner, name)
    calls = []

    def flaky(*args, **kwargs):
        if not calls and when(*args, **kwargs):
            calls.append(1)
            raise OperationalError("server closed the connection unexpectedly")
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, flaky)
    return calls


@pytest.mark.parametrize(
    ("owner", "step"),
    [(VisitorMessage, "load"), (notifications, "_message")],
    ids=["claim", "render"],
)
def test_a_database_error_before_smtp_puts_the_row_back_for_the_retry(
    visitor, session, before_the_expo, monkeypatch, owner, step
):
    booking = book(visitor, session)
    failed_once = _database_down_once(monkeypatch, step, owner=owner)

    with pytest.raises(TransientDeliveryError):
        notification_deliver(key=row(booking).key)

    assert failed_once
    assert row(booking).status == Status.PENDING
    assert mail.outbox == []
    # The task retries with backoff (tasks.deliver_notification); no sweep needed.
    assert deliver_notification.delay(row(booking).key).get() == "sent"
    assert len(mail.outbox) == 1


def test_the_sent_mark_is_retried_until_it_sticks_never_by_resending(
    visitor, session, before_the_expo, monkeypatch
):
    booking = book(visitor, session)
    failed_once = _database_down_once(
        monkeypatch, "_mark", when=lambda notification, status, **fields: status == Status.SENT
    )

    assert notification_deliver(key=row(booking).key) == "sent"

    assert failed_once
    assert row(booking).status == Status.SENT
    assert len(mail.outbox) == 1


def test_a_sent_mark_the_task_cannot_write_is_left_to_its_own_task(
    visitor, session, before_the_expo, monkeypatch, settings, django_capture_on_commit_callbacks
):
    """The mail is out while the database stays away: neither the sweep nor staff's retry
    sends it again, since the mark reaches the row later through its own task."""
    settings.NOTIFICATION_MARK_RETRY_SECONDS = 0
    booking = book(visitor, session)
    _database_down_once(
        monkeypatch, "_mark", when=lambda notification, status, **fields: status == Status.SENT
    )

    assert notification_deliver(key=row(booking).key) == "sent"

    delivered = row(booking)
    assert delivered.status == Status.SENT
    before_the_expo.shift(timedelta(minutes=30))
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications_sweep() == 0
        assert notifications_retry(notification_ids=[delivered.pk]) == 0
    assert len(mail.outbox) == 1


# --- Other messages ------------------------------------------------------------------


def test_waitlist_offer_says_until_when_and_links_to_the_offer(
    session, before_the_expo, django_capture_on_commit_callbacks, settings
):
    Session.objects.filter(pk=session.pk).update(capacity=1)
    first, waiting = UserFactory(language="sv"), UserFactory(language="en")
    booking = book(first, session)
    entry = services.waitlist_join(visitor=waiting, session_id=session.pk, party_size=1)

    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking_id=booking.pk)

    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert by_recipient[first.email].subject == "Bokningen avbokad: Visning av Oceanhamnen"
    offer = by_recipient[waiting.email]
    assert offer.subject == "Seats free for you: Tour of Oceanhamnen"
    entry.refresh_from_db()
    expires = timezone.localtime(entry.offer_expires_at, timezone.get_fixed_timezone(120))
    assert f"until Sunday 22 May 2022 at {expires:%H:%M}" in offer.body
    assert f"{settings.SITE_URL}/waitlist/{entry.pk}/" in offer.body


def test_an_offer_that_lapsed_before_delivery_is_skipped(
    session, before_the_expo, django_capture_on_commit_callbacks
):
    Session.objects.filter(pk=session.pk).update(capacity=1)
    booking = book(UserFactory(), session)
    entry = services.waitlist_join(visitor=UserFactory(), session_id=session.pk, party_size=1)
    services.booking_cancel(booking_id=booking.pk)  # the offer's task is lost
    before_the_expo.shift(timedelta(hours=1))

    offer = Notification.objects.get(waitlist_entry=entry, kind="waitlist_offer")
    assert notification_deliver(key=offer.key) == "skipped"

    offer.refresh_from_db()
    assert offer.status == Status.SKIPPED
    assert offer.last_error
    assert mail.outbox == []


def test_a_cancelled_session_tells_booked_and_waiting_visitors(
    session, before_the_expo, django_capture_on_commit_callbacks
):
    Session.objects.filter(pk=session.pk).update(capacity=1)
    booked, waiting = UserFactory(), UserFactory()
    book(booked, session)
    services.waitlist_join(visitor=waiting, session_id=session.pk, party_size=1)

    with django_capture_on_commit_callbacks(execute=True):
        session_cancel(session_id=session.pk, reason="The ferry is not running.")

    assert sorted(message.to[0] for message in mail.outbox) == sorted([booked.email, waiting.email])
    for message in mail.outbox:
        assert message.subject == "Cancelled: Tour of Oceanhamnen"
        assert "The ferry is not running." in message.body


def test_a_changed_session_sends_the_new_time_and_calendar_file(
    visitor, session, before_the_expo, django_capture_on_commit_callbacks
):
    from expo.events.services import session_update

    book(visitor, session)
    with django_capture_on_commit_callbacks(execute=True):
        session_update(
            session_id=session.pk,
            data={"starts_at": STARTS + timedelta(hours=2), "ends_at": STARTS + timedelta(hours=3)},
        )

    (message,) = mail.outbox
    assert "Wednesday 1 June 2022 at 16:00–17:00" in message.body
    assert list(attachments_of(parsed(message))) == [f"h22-session-{session.pk}.ics"]


def test_an_invitation_goes_to_the_address_in_the_inviters_language(
    before_the_expo, django_capture_on_commit_callbacks
):
    from expo.exhibitors.services import invitation_create
    from tests.factories import ExhibitorFactory

    inviter = UserFactory(name="Eva Ek", language="sv")
    with django_capture_on_commit_callbacks(execute=True):
        issued = invitation_create(
            exhibitor=ExhibitorFactory(name="Alfa Energi AB"),
            email="sara@example.org",
            role="member",
            invited_by=inviter,
        )

    (message,) = mail.outbox
    assert message.to == ["sara@example.org"]
    assert message.subject == "Inbjudan till Alfa Energi AB på H22 City Expo"
    assert issued.token in message.body
    assert "Eva Ek bjuder in dig" in message.body
    assert "söndag 5 juni 2022" in message.body  # the link works for two weeks


def test_an_approved_proposal_tells_who_proposed_it(
    before_the_expo, django_capture_on_commit_callbacks
):
    from expo.events.services import session_approve
    from tests.factories import MembershipFactory

    member = MembershipFactory(user=UserFactory(language="en", role="exhibitor"))
    proposal = SessionFactory(
        host=member.exhibitor,
        proposed_by=member.user,
        status=Session.Status.PENDING,
        title_en="Solar roofs",
        starts_at=STARTS,
        ends_at=STARTS + timedelta(hours=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        session_approve(session_id=proposal.pk, approved_by=UserFactory(role="expo_staff"))

    (message,) = mail.outbox
    assert message.to == [member.user.email]
    assert message.subject == "Your session is published: Solar roofs"
    assert "Wednesday 1 June 2022 at 14:00–15:00" in message.body


# --- Reminders -----------------------------------------------------------------------


def _run_reminders_at(moment, capture):
    with time_machine.travel(moment, tick=False), capture(execute=True):
        return reminders_queue_due()


def _reminders_sent() -> dict[str, int]:
    counts = {}
    for message in mail.outbox:
        if message.subject.startswith(("Reminder", "Påminnelse")):
            counts[message.to[0]] = counts.get(message.to[0], 0) + 1
    return counts


def test_each_booking_gets_each_due_reminder_exactly_once(
    session, django_capture_on_commit_callbacks
):
    early, cancelled, late, last_minute = (UserFactory() for _ in range(4))
    with time_machine.travel(STARTS - timedelta(days=3), tick=False):
        book(early, session)
        dropped = book(cancelled, session)
    with time_machine.travel(STARTS - timedelta(hours=30), tick=False):
        services.booking_cancel(booking_id=dropped.pk)
    with time_machine.travel(STARTS - timedelta(hours=10), tick=False):
        book(late, session)
    with time_machine.travel(STARTS - timedelta(hours=1), tick=False):
        book(last_minute, session)  # the confirmation is reminder enough

    moments = [
        STARTS - timedelta(hours=25),
        STARTS - timedelta(hours=24) + timedelta(minutes=1),
        STARTS - timedelta(hours=23),
        STARTS - timedelta(hours=2) + timedelta(minutes=1),
        STARTS - timedelta(minutes=90),
        STARTS - timedelta(minutes=30),
        STARTS + timedelta(minutes=1),
    ]
    queued = [_run_reminders_at(moment, django_capture_on_commit_callbacks) for moment in moments]

    assert queued == [0, 1, 0, 2, 0, 0, 0]
    assert _reminders_sent() == {early.email: 2, late.email: 1}
    keys = set(Notification.objects.filter(kind="reminder").values_list("key", flat=True))
    early_booking = Booking.objects.get(visitor=early)
    late_booking = Booking.objects.get(visitor=late)
    assert keys == {
        f"booking:{early_booking.pk}:reminder:24h",
        f"booking:{early_booking.pk}:reminder:2h",
        f"booking:{late_booking.pk}:reminder:2h",
    }


def test_a_late_run_sends_only_the_nearest_reminder(session, django_capture_on_commit_callbacks):
    visitor = UserFactory()
    with time_machine.travel(STARTS - timedelta(days=3), tick=False):
        book(visitor, session)

    # Beat was down all day; one hour before the start only the 2 h reminder makes sense.
    assert _run_reminders_at(STARTS - timedelta(hours=1), django_capture_on_commit_callbacks) == 1

    assert Notification.objects.get(kind="reminder").key.endswith(":reminder:2h")


def test_no_reminder_goes_out_once_the_booking_is_cancelled_or_the_session_started(
    session, django_capture_on_commit_callbacks
):
    stays, cancels = UserFactory(), UserFactory()
    capture = django_capture_on_commit_callbacks
    with time_machine.travel(STARTS - timedelta(days=3), tick=False):
        book(stays, session, capture=capture)
        dropped = book(cancels, session, capture=capture)
    # Reminder rows written, but their tasks lost (broker down): the sweep finds them.
    with time_machine.travel(STARTS - timedelta(hours=2), tick=False):
        assert reminders_queue_due() == 2
        with capture(execute=True):
            services.booking_cancel(booking_id=dropped.pk)

    with time_machine.travel(STARTS + timedelta(minutes=5), tick=False):
        assert notifications_sweep() == 2

    assert _reminders_sent() == {}
    assert set(
        Notification.objects.filter(kind="reminder").values_list("status", "last_error")
    ) == {
        (Status.SKIPPED, "booking cancelled"),
        (Status.SKIPPED, "session already started"),
    }


def test_reminders_carry_the_tickets_again(visitor, session, django_capture_on_commit_callbacks):
    with time_machine.travel(STARTS - timedelta(days=3), tick=False):
        booking = book(visitor, session, party_size=2)

    _run_reminders_at(STARTS - timedelta(hours=24), django_capture_on_commit_callbacks)

    (message,) = mail.outbox
    codes = ticket_codes_in(parsed(message))
    assert sorted(ticket_code_verify(code).ticket_id for code in codes.values()) == sorted(
        booking.tickets.values_list("pk", flat=True)
    )


def test_ten_thousand_due_reminders_take_a_fixed_number_of_queries_per_batch(
    django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    venue = VenueFactory()
    starts = STARTS
    with time_machine.travel(starts - timedelta(days=2), tick=False):
        visitors = User.objects.bulk_create(
            User(email=f"crowd{number}@example.org", name=f"Crowd {number}")
            for number in range(100)
        )
        sessions = Session.objects.bulk_create(
            Session(
                expo=venue.expo,
                venue=venue,
                title_sv=f"Visning {number}",
                starts_at=starts + timedelta(minutes=number % 60),
                ends_at=starts + timedelta(hours=1, minutes=number % 60),
                capacity=100,
                status=Session.Status.PUBLISHED,
            )
            for number in range(100)
        )
        Booking.objects.bulk_create(
            (
                Booking(
                    reference=f"H22-T{number:06d}",
                    visitor=visitors[number % 100],
                    session=sessions[number // 100],
                    party_size=1,
                )
                for number in range(10_000)
            ),
            batch_size=2000,
        )
    # SQLite takes at most 999 parameters a statement, so Django splits each batch's
    # INSERT; still a fixed number of statements per batch, never one per reminder.
    fields = [field for field in Notification._meta.concrete_fields if not field.primary_key]
    inserts_per_batch = math.ceil(
        BATCH_SIZE / connection.ops.bulk_batch_size(fields, [Notification()] * BATCH_SIZE)
    )
    batches = 10_000 // BATCH_SIZE
    # Per offset one SELECT that finds the end; per batch one SELECT and its INSERT(s).
    # 22 on PostgreSQL, whatever the count per batch.
    most = 2 + batches * (1 + inserts_per_batch)

    with (
        time_machine.travel(starts - timedelta(minutes=30), tick=False),
        django_capture_on_commit_callbacks(execute=False) as queued,
        django_assert_max_num_queries(most),
    ):
        assert reminders_queue_due() == 10_000

    assert len(queued) == batches  # one delivery hand-off per batch, after commit
    assert Notification.objects.filter(kind="reminder", status=Status.PENDING).count() == 10_000


# --- Admin ---------------------------------------------------------------------------


def test_staff_open_the_booking_pages_of_the_admin(
    client, expo_staff, visitor, session, before_the_expo
):
    Session.objects.filter(pk=session.pk).update(capacity=1)
    booking = book(visitor, session)
    entry = services.waitlist_join(visitor=UserFactory(), session_id=session.pk, party_size=1)
    services.idempotent_request(
        user=visitor, key="k1", fingerprint="f", perform=lambda: (201, {"ok": True})
    )
    client.force_login(expo_staff)
    pages = [
        reverse("admin:bookings_booking_changelist"),
        reverse("admin:bookings_booking_change", args=[booking.pk]),
        reverse("admin:bookings_waitlistentry_changelist"),
        reverse("admin:bookings_waitlistentry_change", args=[entry.pk]),
        reverse("admin:notifications_notification_changelist"),
        reverse("admin:notifications_notification_change", args=[row(booking).pk]),
        reverse("admin:bookings_idempotencykey_changelist"),
    ]
    for page in pages:
        assert client.get(page).status_code == 200, page
    assert client.get(reverse("admin:bookings_booking_add")).status_code == 403


def test_staff_cancel_a_booking_from_the_admin(
    client, expo_staff, visitor, session, before_the_expo, django_capture_on_commit_callbacks
):
    booking = book(visitor, session)
    client.force_login(expo_staff)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:bookings_booking_changelist"),
            {"action": "cancel_bookings", "_selected_action": [booking.pk]},
        )

    booking.refresh_from_db()
    assert (booking.status, booking.cancelled_by_staff) == (Booking.Status.CANCELLED, True)
    assert [message.subject for message in mail.outbox] == [
        "Booking cancelled: Tour of Oceanhamnen"
    ]


def test_every_account_mail_accounts_asks_for_is_a_message_kind():
    """accounts names its mails without importing notifications; the names must be kinds."""
    from expo.accounts import signals

    asked = {signals.EMAIL_VERIFICATION, signals.PASSWORD_RESET, signals.REGISTRATION_ATTEMPT}
    assert asked <= {name for name, _label in message_kind_choices()}
