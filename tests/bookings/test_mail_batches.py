"""Reminders go out in batches, one SMTP connection each, with every guarantee of a lone
message (docs/architecture.md, invariant 4): claimed before SMTP, marked after the
server accepted it, never twice; one row's failure is that row's alone. QR images are
drawn once per ticket and reused by every later mail, the printable tickets and the API.

Mail goes to a real SMTP server on 127.0.0.1 (aiosmtpd), which tells the connections
apart by the client's port; Celery runs eagerly.
"""

from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
import redis
import time_machine
import zxingcpp
from django.core.cache import cache
from django.core.mail.backends.smtp import EmailBackend
from django.urls import reverse
from PIL import Image

from expo.bookings import messages, qr
from expo.bookings.messages import VisitorMessage, reminders_queue_due
from expo.bookings.models import Ticket
from expo.bookings.ticket_codes import ticket_code_sign, ticket_code_verify
from expo.notifications.models import Notification
from expo.notifications.services import (
    TransientDeliveryError,
    _message_id,
    notification_deliver,
    notifications_deliver,
)
from tests.bookings.smtp_sink import SmtpSink, free_port, ticket_codes_in
from tests.conftest import client_for
from tests.factories import SessionFactory, UserFactory, book

pytestmark = pytest.mark.django_db

Status = Notification.Status
STARTS = datetime(2022, 6, 1, 12, 0, tzinfo=UTC)
DUE = STARTS - timedelta(minutes=90)  # the 2 h reminders are due


@pytest.fixture
def sink(settings):
    """Django's real SMTP backend, talking to a sink on 127.0.0.1."""
    with SmtpSink() as smtp:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        yield smtp


@pytest.fixture(autouse=True)
def empty_qr_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def drawings(monkeypatch):
    """Every QR image drawn, by its code: the real drawing, counted."""
    drawn = []
    draw = qr._draw

    def counted(code):
        drawn.append(code)
        return draw(code)

    monkeypatch.setattr(qr, "_draw", counted)
    return drawn


def booked(count: int, *, party_size: int = 1) -> list:
    """`count` bookings for one session, made days before it; confirmations not sent."""
    session = SessionFactory(starts_at=STARTS, ends_at=STARTS + timedelta(hours=1))
    with time_machine.travel(STARTS - timedelta(days=3), tick=False):
        return [book(UserFactory(), session, party_size=party_size) for _ in range(count)]


def reminder_keys(capture) -> list[str]:
    """Write the due reminders as beat would, without handing them to Celery."""
    with time_machine.travel(DUE, tick=False), capture(execute=False):
        assert reminders_queue_due() > 0
    return list(
        Notification.objects.filter(kind="reminder").order_by("pk").values_list("key", flat=True)
    )


def statuses(keys) -> dict[str, str]:
    return dict(Notification.objects.filter(key__in=keys).values_list("key", "status"))


def test_a_batch_goes_out_over_one_smtp_connection(sink, django_capture_on_commit_callbacks):
    booked(5)
    keys = reminder_keys(django_capture_on_commit_callbacks)

    with time_machine.travel(DUE, tick=False):
        assert notifications_deliver(keys=keys) == dict.fromkeys(keys, Status.SENT)

    assert len(sink.messages) == 5
    assert sink.connections == 1
    assert {message["Message-ID"] for message in sink.messages} == {_message_id(k) for k in keys}
    assert set(statuses(keys).values()) == {Status.SENT}


def test_due_reminders_are_queued_in_batches_of_the_configured_size(
    sink, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_BATCH_SIZE = 3
    booked(7)

    with time_machine.travel(DUE, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert reminders_queue_due() == 7

    sink.wait_for(7)
    assert sink.connections == 3  # 3 + 3 + 1
    assert len({message["Message-ID"] for message in sink.messages}) == 7


def test_a_row_refused_mid_batch_leaves_the_others_sent_and_is_retried_alone(
    sink, django_capture_on_commit_callbacks
):
    bookings = booked(3)
    keys = reminder_keys(django_capture_on_commit_callbacks)
    refused = keys[1]
    sink.fail_for(bookings[1].visitor.email)

    with time_machine.travel(DUE, tick=False), pytest.raises(TransientDeliveryError):
        notifications_deliver(keys=keys)

    assert statuses(keys) == {keys[0]: Status.SENT, refused: Status.PENDING, keys[2]: Status.SENT}
    waiting = Notification.objects.get(key=refused)
    assert (waiting.attempts, "451" in waiting.last_error) == (1, True)
    assert sink.connections == 1  # the server answered: the connection went on

    # The task's retry gives the same keys again: only the row put back goes out.
    with time_machine.travel(DUE + timedelta(minutes=1), tick=False):
        outcome = notifications_deliver(keys=keys)

    assert outcome[refused] == Status.SENT
    assert set(statuses(keys).values()) == {Status.SENT}
    assert sorted(message["Message-ID"] for message in sink.messages) == sorted(
        _message_id(key) for key in keys
    )


def test_a_row_already_sent_or_being_sent_is_not_sent_again_by_a_batch(
    sink, django_capture_on_commit_callbacks
):
    booked(3)
    first, claimed_elsewhere, last = reminder_keys(django_capture_on_commit_callbacks)
    with time_machine.travel(DUE, tick=False):
        assert notification_deliver(key=first) == Status.SENT
    # Another worker's batch holds this one: claimed, its message on its way.
    Notification.objects.filter(key=claimed_elsewhere).update(status=Status.SENDING, attempts=1)

    with time_machine.travel(DUE, tick=False):
        outcome = notifications_deliver(keys=[first, claimed_elsewhere, last])

    assert outcome == {first: Status.SENT, claimed_elsewhere: Status.SENDING, last: Status.SENT}
    assert [message["Message-ID"] for message in sink.messages] == [
        _message_id(first),
        _message_id(last),
    ]
    assert Notification.objects.get(key=first).attempts == 1


def test_a_server_that_hangs_up_mid_batch_costs_one_try_of_one_row(
    sink, monkeypatch, django_capture_on_commit_callbacks
):
    """The message in hand goes back for a retry; the rest go over a new connection."""
    booked(3)
    keys = reminder_keys(django_capture_on_commit_callbacks)
    send, calls = EmailBackend._send, []

    def hang_up_on_the_second(self, message):
        calls.append(message)
        if len(calls) == 2:
            self.connection.close()  # the server went away under this message
        return send(self, message)

    monkeypatch.setattr(EmailBackend, "_send", hang_up_on_the_second)

    with time_machine.travel(DUE, tick=False), pytest.raises(TransientDeliveryError):
        notifications_deliver(keys=keys)

    assert statuses(keys) == {keys[0]: Status.SENT, keys[1]: Status.PENDING, keys[2]: Status.SENT}
    assert sink.connections == 2


def test_a_ticket_qr_is_drawn_once_and_reused_by_later_mail_the_pdf_and_the_api(
    client, sink, drawings, django_capture_on_commit_callbacks
):
    visitor = UserFactory()
    session = SessionFactory(starts_at=STARTS, ends_at=STARTS + timedelta(hours=1))
    with time_machine.travel(STARTS - timedelta(days=3), tick=False):
        booking = book(visitor, session, party_size=2, capture=django_capture_on_commit_callbacks)
    tickets = list(booking.tickets.order_by("pk"))
    codes = [ticket_code_sign(ticket_id=t.pk, session_id=t.session_id) for t in tickets]
    assert sorted(drawings) == sorted(codes)  # the confirmation drew each ticket's image

    with time_machine.travel(DUE, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert reminders_queue_due() == 1
    confirmation, reminder = sink.wait_for(2)
    api = client_for(visitor)
    client.force_login(visitor)
    with time_machine.travel(DUE, tick=False):  # the cache keeps images for weeks, not years
        served = [api.get(reverse("ticket-qr", args=[t.pk])).content for t in tickets]
        pdf = client.get(reverse("bookings:tickets-pdf", args=[booking.reference]))

    assert len(drawings) == 2  # nothing drawn again
    assert pdf.status_code == 200
    for message in (confirmation, reminder):
        images = {
            part["Content-ID"].strip("<>"): part.get_payload(decode=True)
            for part in message.walk()
            if part.get_content_type() == "image/png"
        }
        assert [images[f"ticket-{t.pk}@h22.example"] for t in tickets] == served
        scanned = ticket_codes_in(message).values()
        assert sorted(ticket_code_verify(code).ticket_id for code in scanned) == [
            t.pk for t in tickets
        ]


def test_a_ticket_no_longer_valid_is_not_in_the_mail_though_its_image_is_kept(
    sink, drawings, django_capture_on_commit_callbacks
):
    (booking,) = booked(1, party_size=2)
    kept, released = booking.tickets.order_by("pk")
    for ticket in (kept, released):
        qr.ticket_qr_png(ticket_code_sign(ticket_id=ticket.pk, session_id=ticket.session_id))
    Ticket.objects.filter(pk=released.pk).update(
        status=Ticket.Status.RELEASED, revoked_at=STARTS - timedelta(days=1)
    )
    keys = reminder_keys(django_capture_on_commit_callbacks)

    with time_machine.travel(DUE, tick=False):
        notifications_deliver(keys=keys)

    (message,) = sink.messages
    assert list(ticket_codes_in(message)) == [f"ticket-{kept.pk}@h22.example"]
    assert len(drawings) == 2


def test_the_qr_image_is_the_same_every_time_and_scans(drawings):
    code = ticket_code_sign(ticket_id=123456, session_id=42)

    first = qr._draw(code)

    assert qr._draw(code) == first
    assert qr.ticket_qr_png(code) == first
    (barcode,) = zxingcpp.read_barcodes(Image.open(BytesIO(first)))
    assert barcode.text == code


@pytest.mark.parametrize("count", [2, 6])
def test_a_batch_reads_everything_in_three_queries_and_writes_two_updates_a_message(
    sink, count, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """The rows, their bookings (session, venue, expo, visitor) and their tickets; then
    per message its claim and its `sent` mark, whatever the party size."""
    booked(count, party_size=2)
    keys = reminder_keys(django_capture_on_commit_callbacks)

    with time_machine.travel(DUE, tick=False), django_assert_num_queries(3 + 2 * count + 2):
        # + 2: the claim's atomic block is a savepoint inside the test's transaction
        notifications_deliver(keys=keys)

    assert len(sink.messages) == count


@pytest.fixture
def image_lookups(monkeypatch):
    """Every cache lookup of QR images, by the codes asked for: the real one, counted."""
    lookups = []
    lookup = messages.ticket_qr_pngs

    def counted(codes):
        lookups.append(list(codes))
        return lookup(codes)

    monkeypatch.setattr(messages, "ticket_qr_pngs", counted)
    return lookups


def test_a_batch_looks_up_the_qr_images_of_all_its_tickets_at_once(
    sink, image_lookups, django_capture_on_commit_callbacks
):
    booked(4, party_size=2)
    keys = reminder_keys(django_capture_on_commit_callbacks)

    with time_machine.travel(DUE, tick=False):
        notifications_deliver(keys=keys)

    assert [len(codes) for codes in image_lookups] == [8]
    assert all(len(ticket_codes_in(message)) == 2 for message in sink.messages)


def test_when_the_batch_lookup_fails_each_message_finds_its_own_images(
    sink, image_lookups, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(self, notifications):
        raise RuntimeError("a bug in the shortcut")

    monkeypatch.setattr(VisitorMessage, "prepare", broken)
    booked(2, party_size=2)
    keys = reminder_keys(django_capture_on_commit_callbacks)

    with time_machine.travel(DUE, tick=False):
        assert notifications_deliver(keys=keys) == dict.fromkeys(keys, Status.SENT)

    assert [len(codes) for codes in image_lookups] == [2, 2]
    assert all(len(ticket_codes_in(message)) == 2 for message in sink.messages)


def test_with_the_mail_server_unreachable_every_row_of_the_batch_counts_a_try(
    sink, settings, django_capture_on_commit_callbacks
):
    booked(3)
    keys = reminder_keys(django_capture_on_commit_callbacks)
    settings.EMAIL_PORT = free_port()  # nothing listens there

    with time_machine.travel(DUE, tick=False), pytest.raises(TransientDeliveryError):
        notifications_deliver(keys=keys)

    rows = Notification.objects.filter(key__in=keys)
    assert {(row.status, row.attempts) for row in rows} == {(Status.PENDING, 1)}
    assert all("ConnectionRefusedError" in row.last_error for row in rows)

    settings.EMAIL_PORT = sink.port
    with time_machine.travel(DUE + timedelta(minutes=1), tick=False):
        assert notifications_deliver(keys=keys) == dict.fromkeys(keys, Status.SENT)
    assert sink.connections == 1


@pytest.mark.parametrize(
    "error",
    [
        redis.ConnectionError("Connection refused"),
        redis.OutOfMemoryError("OOM command not allowed"),
    ],
    ids=["unreachable", "full"],
)
def test_a_cache_that_fails_costs_a_drawing_not_a_mail(
    sink, drawings, monkeypatch, error, django_capture_on_commit_callbacks
):
    def failing(*args, **kwargs):
        raise error

    monkeypatch.setattr(qr.cache, "get_many", failing)
    monkeypatch.setattr(qr.cache, "set_many", failing)
    booked(2, party_size=2)
    keys = reminder_keys(django_capture_on_commit_callbacks)

    with time_machine.travel(DUE, tick=False):
        assert notifications_deliver(keys=keys) == dict.fromkeys(keys, Status.SENT)

    assert len(drawings) == 4
    assert all(len(ticket_codes_in(message)) == 2 for message in sink.messages)
