"""Delivering the e-mail outbox: each `Notification` row becomes one e-mail.

A row moves ``pending → sending → sent | failed``, or ``pending → skipped``.
`notification_deliver` locks the row and marks it `sending` in a short transaction that
commits *before* the SMTP conversation; only after the server accepted the message is it
marked `sent`. A retry, a sweep or a duplicate task that finds the row in any other state
than `pending` does nothing, so none of them sends a message twice.

Invariant 4, each message sent once its booking commits and never twice, under faults:

- Redis down at commit: the row waits `pending` and the sweep queues it. The database
  blinking before the SMTP call: the claim rolls back, or the row is put back to
  `pending`, and the task retries with backoff. A worker dying mid-task: see below.
- The `sent` mark is retried until it sticks: the mail is out, so repeating the UPDATE
  is safe, and a mark that failed must never make the message go out again. The mark is
  the record of the SMTP server's acceptance: it is written right after
  ``send_messages`` returns, first retried in the task, then handed to
  `expo.bookings.tasks.mark_notification_sent`, which retries until the database is back.
  Staff's "retry delivery" touches only `failed` rows, so it never resends a message
  whose acceptance was recorded.
- The one window left is a worker dying between the server's acceptance and the mark.
  Its row stays `sending`; once older than a task may live, the sweep sends it once more
  with the same Message-ID (mail clients show one message), and fails it with
  `INTERRUPTED` if that happens a second time. A duplicate is possible there, a missing
  ticket never.

Model notes:

- While a row is `sending`, `sent_at` holds when the attempt began, so the sweep can
  tell a dead attempt from a live one; once `sent`, it is when the server accepted it.
- `interruptions` counts the dead attempts the sweep found.
- A message that became wrong to send (a reminder for a cancelled booking, an offer
  that lapsed while the broker was down) is `skipped`, with the reason in `last_error`:
  not `sent`, which would be a lie, nor `failed`, which would ask staff to act.
- Attendees who gave their own address get their own ticket in their own message, from
  a row of their own keyed ``<visitor's key>:ticket-<id>``. Those rows are written in the
  transaction that claims the visitor's row, so they exist exactly when the visitor's
  message is on its way, and, being unique by key, are never written or sent twice.

Messages about no booking (an exhibitor invitation, a decision on a proposed session)
are rows with a `user` and/or an `email`, rendered from the facts stored in `context`.
"""

import logging
import smtplib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.mime.image import MIMEImage
from email.utils import parseaddr
from functools import partial
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import SafeMIMEMultipart
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from expo.accounts.tokens import email_verification_url, password_reset_url
from expo.bookings.models import Booking, Notification, Ticket, WaitlistEntry
from expo.bookings.outbox import (
    notification_key,
    notification_mark_sent_later,
    notifications_queue,
)
from expo.bookings.qr import ticket_qr_png
from expo.bookings.ticket_codes import ticket_code_sign
from expo.core.exceptions import DATABASE_UNAVAILABLE_ERRORS
from expo.core.secret_links import secret_link_url
from expo.events.models import Session

logger = logging.getLogger(__name__)

Kind = Notification.Kind
Status = Notification.Status

# Worth another try. OSError covers refused connections, resets and timeouts.
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)
INTERRUPTED = "interrupted while sending, twice; check the mail log before retrying"
RESENT_AFTER_INTERRUPTION = "interrupted while sending; sent once more"
BATCH_SIZE = 1000
# A sweep re-queues at most this many batches: while workers chew through a backlog,
# rows that are merely waiting in the queue look stuck too, and their copies are no-ops.
SWEEP_MAX_BATCHES = 5

ATTENDEE_KEY_MARK = ":ticket-"
# Kinds an attendee with their own address hears about, and whether only for a
# ticket that is still valid (a cancellation concerns cancelled tickets).
ATTENDEE_KINDS = {
    Kind.BOOKING_CONFIRMED: True,
    Kind.REMINDER: True,
    Kind.SESSION_CHANGED: True,
    Kind.BOOKING_CANCELLED: False,
    Kind.SESSION_CANCELLED: False,
}
QR_KINDS = {Kind.BOOKING_CONFIRMED, Kind.REMINDER}
CALENDAR_KINDS = {Kind.BOOKING_CONFIRMED, Kind.SESSION_CHANGED}
SUBJECTS = {
    Kind.BOOKING_CONFIRMED: _("Your tickets: %(title)s"),
    Kind.BOOKING_CANCELLED: _("Booking cancelled: %(title)s"),
    Kind.REMINDER: _("Reminder: %(title)s, %(when)s"),
    Kind.WAITLIST_OFFER: _("Seats free for you: %(title)s"),
    Kind.OFFER_EXPIRED: _("Your offer has expired: %(title)s"),
    Kind.SESSION_CANCELLED: _("Cancelled: %(title)s"),
    Kind.SESSION_CHANGED: _("New time or place: %(title)s"),
    Kind.TICKET_RELEASED: _("Unused tickets released: %(title)s"),
    Kind.EXHIBITOR_INVITATION: _("Invitation to %(exhibitor_name)s at H22 City Expo"),
    Kind.SESSION_APPROVED: _("Your session is published: %(title)s"),
    Kind.SESSION_REJECTED: _("Your session proposal was declined: %(title)s"),
    Kind.EMAIL_VERIFICATION: _("Confirm your e-mail address for H22 City Expo"),
    Kind.PASSWORD_RESET: _("Choose a new password for H22 City Expo"),
    Kind.REGISTRATION_ATTEMPT: _("Someone tried to sign up with your address"),
    Kind.LOGIN_LINK: _("Your sign-in link for H22 City Expo"),
}
# Messages to a person rather than about a booking (invitations, proposal decisions)
# whose reader has no account to take a language from: the expo's own.
PERSON_DEFAULT_LANGUAGE = "sv"


class TransientDeliveryError(Exception):
    """SMTP, network or database trouble worth retrying; the row is `pending` again."""


# --- Delivery ------------------------------------------------------------------------


def notification_deliver(*, key: str) -> str:
    """Send the message of one outbox row, at most once, and say what happened.

    Returns ``sent``, ``skipped``, ``failed`` (tries used up, a permanent refusal, or a
    message that cannot be rendered), or, when there was nothing to do, the row's
    status or ``missing``. Raises `TransientDeliveryError` after an SMTP, network or
    database error before the message went out, while tries are left; the row is then
    `pending` for the caller's retry.
    """
    try:
        notification = _claim(key)
    except DATABASE_UNAVAILABLE_ERRORS as exc:  # rolled back: the row is as it was
        raise TransientDeliveryError(f"{key}: database unavailable: {exc!r}") from exc
    if isinstance(notification, str):
        return notification
    try:
        message = _message(notification)
    except DATABASE_UNAVAILABLE_ERRORS as exc:
        _unclaim(notification, f"database unavailable: {exc!r}")
        raise TransientDeliveryError(f"{key}: database unavailable: {exc!r}") from exc
    except Exception as exc:  # a bug, not bad weather: marked failed, no blind retries
        logger.exception("notification %s could not be rendered", key)
        _mark_until_it_sticks(
            notification, Status.FAILED, last_error=f"render error: {exc!r}"[:1000]
        )
        return "failed"
    try:
        _send(message)
    except TRANSIENT_ERRORS as exc:
        return _after_send_error(notification, exc)
    _mark_sent(notification, sent_at=timezone.now())
    return "sent"


@transaction.atomic
def _claim(key: str) -> Notification | str:
    """Lock the row and, if it may go out, mark it `sending`; commits before any SMTP.

    Skips are decided here, under the lock, so they are final. Returns the claimed row
    with its target loaded, or the reason there is nothing to send.
    """
    notification = Notification.objects.select_for_update().filter(key=key).first()
    if notification is None:
        return "missing"
    if notification.status != Status.PENDING:
        return notification.status
    _load_target(notification)
    now = timezone.now()
    reason = _skip_reason(notification, now)
    if reason:
        _mark(notification, Status.SKIPPED, last_error=reason)
        return "skipped"
    # Conditional as well as locked: SQLite (the embedded default) has no row locks.
    if not Notification.objects.filter(pk=notification.pk, status=Status.PENDING).update(
        status=Status.SENDING, attempts=F("attempts") + 1, sent_at=now
    ):
        return Status.SENDING
    notification.attempts += 1
    if notification.attempts == 1:
        _add_attendee_rows(notification)
    return notification


def _load_target(notification: Notification) -> None:
    """The booking or waitlist entry with all a message shows, in one query."""
    related = ("session__venue", "visitor")
    if notification.booking_id:
        notification.booking = Booking.objects.select_related(*related).get(
            pk=notification.booking_id
        )
    elif notification.waitlist_entry_id:
        notification.waitlist_entry = WaitlistEntry.objects.select_related(*related).get(
            pk=notification.waitlist_entry_id
        )


def _skip_reason(notification: Notification, now: datetime) -> str:
    """Why this message would now be wrong or pointless; empty when it should go."""
    target = notification.booking or notification.waitlist_entry
    reader = target.visitor if target else notification.user
    if reader is not None and (reader.erased_at or not reader.is_active):
        return "the reader's account is closed"
    if notification.kind == Kind.EMAIL_VERIFICATION and reader.email_verified:
        return "address already verified"
    if (
        notification.kind == Kind.LOGIN_LINK
        and parse_datetime(notification.context["expires_at"]) <= now
    ):
        return "the link expired before it could be sent"
    if target is None:
        return ""
    kind, session = notification.kind, target.session
    if notification.booking_id:
        live = target.status == Booking.Status.CONFIRMED
        if kind in (Kind.BOOKING_CONFIRMED, Kind.REMINDER, Kind.SESSION_CHANGED) and not live:
            return "booking cancelled"
        if kind == Kind.REMINDER and now >= session.starts_at:
            return "session already started"
    elif kind == Kind.WAITLIST_OFFER and (
        target.status != WaitlistEntry.Status.OFFERED or target.offer_expires_at <= now
    ):
        return "offer no longer open"
    return ""


def _add_attendee_rows(notification: Notification) -> None:
    """Rows for attendees with their own address, queued when the claim commits.

    Precondition: inside the transaction that claims the visitor's row, on its first
    attempt, so the attendee rows commit with that claim or not at all.
    """
    only_valid = ATTENDEE_KINDS.get(notification.kind)
    if only_valid is None or not notification.booking_id or _attendee_ticket_id(notification):
        return
    # `mail_attendee` is the no-relay rule, decided when booked (expo/bookings/recipients.py).
    tickets = (
        Ticket.objects.filter(booking_id=notification.booking_id, mail_attendee=True)
        .exclude(attendee_email="")
        .exclude(attendee_email__iexact=notification.booking.visitor.email)
    )
    if only_valid:
        tickets = tickets.filter(status=Ticket.Status.VALID)
    rows = [
        Notification(
            key=f"{notification.key}{ATTENDEE_KEY_MARK}{ticket_id}",
            kind=notification.kind,
            booking_id=notification.booking_id,
        )
        for ticket_id in tickets.values_list("pk", flat=True)
    ]
    if rows:
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        transaction.on_commit(partial(notifications_queue, [row.key for row in rows]))


def _attendee_ticket_id(notification: Notification) -> int | None:
    _, mark, ticket_id = notification.key.rpartition(ATTENDEE_KEY_MARK)
    return int(ticket_id) if mark and ticket_id.isdigit() else None


def _send(message: EmailMultiAlternatives) -> None:
    """Hand one message to the mail server.

    Hanging up afterwards is kept apart: an error on QUIT after the server accepted the
    message must not count as a failure to send, or the retry would send it again.
    """
    connection = message.get_connection()
    connection.open()
    try:
        connection.send_messages([message])
    finally:
        try:
            connection.close()
        except TRANSIENT_ERRORS:
            logger.warning("closing the SMTP connection failed", exc_info=True)


def _after_send_error(notification: Notification, exc: Exception) -> str:
    """Back to `pending` for another try; `failed` once tries are used up or refused for good."""
    error = f"{type(exc).__name__}: {exc}"[:1000]
    if _is_permanent(exc) or notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
        logger.error(
            "notification %s failed after %d attempts: %s",
            notification.key,
            notification.attempts,
            error,
        )
        _mark_until_it_sticks(notification, Status.FAILED, last_error=error, sent_at=None)
        return "failed"
    _unclaim(notification, error)
    raise TransientDeliveryError(f"{notification.key}: {error}") from exc


def _is_permanent(exc: Exception) -> bool:
    """A 5xx answer (no such mailbox, message refused) will be the same next time."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _reply in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


def _mark(notification: Notification, status: str, **fields) -> None:
    Notification.objects.filter(pk=notification.pk).update(status=status, **fields)


def _unclaim(notification: Notification, error: str) -> None:
    """Nothing went out: back to `pending` for the task's retry.

    Should the database stay away longer than the tries here, the row stays `sending`
    and the sweep sends it once it is older than a task may live.
    """
    _mark_until_it_sticks(notification, Status.PENDING, last_error=error[:1000], sent_at=None)


def _mark_sent(notification: Notification, *, sent_at: datetime) -> None:
    """Record the server's acceptance; retried until it sticks, never by resending.

    Tries here for NOTIFICATION_MARK_RETRY_SECONDS, then leaves the mark to a task that
    retries until the database is back, so this worker is free again.
    """
    if not _mark_until_it_sticks(notification, Status.SENT, sent_at=sent_at, last_error=""):
        notification_mark_sent_later(notification.key, sent_at)


def notification_mark_sent(*, key: str, sent_at: datetime) -> bool:
    """Mark a message the SMTP server accepted as `sent`, whatever became of its row.

    A dead-worker sweep may have put the row back to `pending` (or `failed`) meanwhile;
    the message is out all the same, and marking it stops a second copy. Database errors
    propagate, for the caller's retry.
    """
    return bool(
        Notification.objects.filter(key=key)
        .exclude(status=Status.SENT)
        .update(status=Status.SENT, sent_at=sent_at, last_error="")
    )


def _mark_until_it_sticks(notification: Notification, status: str, **fields) -> bool:
    """`_mark`, retried with backoff through a database outage; False if it never stuck.

    Precondition: outside any transaction, so a broken connection can be dropped and the
    next try opens a new one.
    """
    deadline = time.monotonic() + settings.NOTIFICATION_MARK_RETRY_SECONDS
    delay = 0.1
    while True:
        try:
            _mark(notification, status, **fields)
            return True
        except DATABASE_UNAVAILABLE_ERRORS as exc:
            if not connection.in_atomic_block:
                connection.close()  # broken: the next try must open a new one
            if time.monotonic() + delay > deadline:
                logger.error(
                    "notification %s: could not mark it %s: %r", notification.key, status, exc
                )
                return False
            logger.warning(
                "notification %s: marking it %s failed, retrying: %r", notification.key, status, exc
            )
            time.sleep(delay)
            delay = min(delay * 2, 5)


# --- Staff and beat ------------------------------------------------------------------


def notifications_retry(*, notification_ids) -> int:
    """Send failed messages again (the admin's "Retry delivery"); returns how many.

    They go back to `pending` with a fresh set of tries and are queued after commit.
    Only `failed` rows qualify: a message the SMTP server accepted is marked `sent` (the
    mark is retried until it sticks), so it is never sent again from here. A row failed
    with `INTERRUPTED` lost its worker twice at an unknown moment: check the mail log.
    """
    with transaction.atomic():
        keys = list(
            Notification.objects.select_for_update()
            .filter(pk__in=notification_ids, status=Status.FAILED)
            .values_list("key", flat=True)
        )
        Notification.objects.filter(key__in=keys).update(
            status=Status.PENDING, attempts=0, sent_at=None
        )
        transaction.on_commit(partial(notifications_queue, keys))
    return len(keys)


def notifications_sweep(*, now: datetime | None = None) -> int:
    """Re-queue rows stuck in `pending`; send rows a dead worker left `sending` once more.

    Run every minute by beat. A row is stuck when it has been pending for
    NOTIFICATION_SWEEP_AFTER_MINUTES: its task was never queued (the broker was down at
    commit) or was lost. Re-queuing one that is merely waiting costs a no-op task, as
    the row lock lets only one copy send. Returns the number of rows re-queued.
    """
    now = now or timezone.now()
    requeued = _resend_interrupted(now)
    stuck = (
        Notification.objects.filter(
            status=Status.PENDING,
            created_at__lte=now - timedelta(minutes=settings.NOTIFICATION_SWEEP_AFTER_MINUTES),
        )
        .order_by("pk")
        .values_list("pk", "key")
    )
    last_pk = 0
    for _batch in range(SWEEP_MAX_BATCHES):
        rows = list(stuck.filter(pk__gt=last_pk)[:BATCH_SIZE])
        if not rows:
            break
        notifications_queue([key for _pk, key in rows])
        requeued += len(rows)
        last_pk = rows[-1][0]
    return requeued


def _resend_interrupted(now: datetime) -> int:
    """`sending` for longer than a task may live: its worker died. Send it once more.

    Celery kills a task after CELERY_TASK_TIME_LIMIT, so an older attempt is certainly
    over; whether the SMTP server had accepted the message is unknown. A missing ticket
    is worse than a duplicate with the same Message-ID, so the row goes back to
    `pending` and is queued, once; a row interrupted again is failed for staff to check.
    Returns how many were queued.
    """
    cutoff = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    dead = Notification.objects.filter(
        Q(sent_at__lte=cutoff) | Q(sent_at__isnull=True, created_at__lte=cutoff),
        status=Status.SENDING,
    )
    keys = list(dead.filter(interruptions=0).values_list("key", flat=True)[:BATCH_SIZE])
    for key in keys:
        logger.warning("notification %s was interrupted while sending; sending it once more", key)
    resent = Notification.objects.filter(key__in=keys, status=Status.SENDING).update(
        status=Status.PENDING,
        interruptions=F("interruptions") + 1,
        last_error=RESENT_AFTER_INTERRUPTION,
        sent_at=None,
    )
    for key in dead.filter(interruptions__gt=0).values_list("key", flat=True)[:BATCH_SIZE]:
        logger.warning("notification %s: %s", key, INTERRUPTED)
    dead.filter(interruptions__gt=0).update(
        status=Status.FAILED,
        interruptions=F("interruptions") + 1,
        last_error=INTERRUPTED,
        sent_at=None,
    )
    if keys:
        notifications_queue(keys)
    return resent


def reminders_queue_due(*, now: datetime | None = None) -> int:
    """Write and queue the reminders now due, in bulk; returns how many. Run by beat.

    For each offset N in REMINDER_OFFSETS_HOURS, a confirmed booking of a published
    session starting in (now + the next smaller offset, now + N hours] gets one row keyed
    ``booking:<id>:reminder:<N>h``. The lower bound makes a late run (beat was down)
    send only the nearest reminder, not a 24 h and a 2 h one minutes apart. A booking
    made after ``starts_at - N`` skips offset N: its confirmation is fresher than that
    reminder would be (booked at 13:00 for 14:00: no reminder at all).
    """
    now = now or timezone.now()
    offsets = sorted(settings.REMINDER_OFFSETS_HOURS, reverse=True)
    floors = [*offsets[1:], 0]
    return sum(
        _reminders_queue_offset(hours=hours, floor_hours=floor, now=now)
        for hours, floor in zip(offsets, floors, strict=True)
    )


def _reminders_queue_offset(*, hours: int, floor_hours: int, now: datetime) -> int:
    """One offset, in batches: one indexed SELECT of booking ids and one INSERT each."""
    suffix = f"{hours}h"
    already = Notification.objects.filter(
        booking=OuterRef("pk"), kind=Kind.REMINDER, key__endswith=f":{suffix}"
    )
    due = (
        Booking.objects.filter(
            status=Booking.Status.CONFIRMED,
            session__status=Session.Status.PUBLISHED,
            session__starts_at__gt=now + timedelta(hours=floor_hours),
            session__starts_at__lte=now + timedelta(hours=hours),
            created_at__lte=F("session__starts_at") - timedelta(hours=hours),
        )
        .filter(~Exists(already))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    queued, last_pk = 0, 0
    while booking_ids := list(due.filter(pk__gt=last_pk)[:BATCH_SIZE]):
        rows = [
            Notification(
                key=notification_key(Kind.REMINDER, booking=Booking(pk=pk), suffix=suffix),
                kind=Kind.REMINDER,
                booking_id=pk,
            )
            for pk in booking_ids
        ]
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        transaction.on_commit(partial(notifications_queue, [row.key for row in rows]))
        queued += len(rows)
        last_pk = booking_ids[-1]
    return queued


# --- Messages ------------------------------------------------------------------------


class TicketEmail(EmailMultiAlternatives):
    """Text and HTML with inline images, shaped as mail clients expect::

    mixed [ related [ alternative [ text, html ], image, image, ... ], attachment, ... ]
    """

    def __init__(self, *args, inline_images=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.inline_images = list(inline_images)

    def _create_alternatives(self, msg):
        msg = super()._create_alternatives(msg)
        if not self.inline_images:
            return msg
        related = SafeMIMEMultipart(
            _subtype="related", encoding=self.encoding or settings.DEFAULT_CHARSET
        )
        related.attach(msg)
        for image in self.inline_images:
            related.attach(image)
        return related


def _message(notification: Notification) -> TicketEmail:
    """The e-mail for a claimed row, in its reader's language.

    An attendee's copy is in the visitor's language: the attendee has no account.
    """
    target = notification.booking or notification.waitlist_entry
    with translation.override(_language(notification, target)):
        if target is None:
            context = _person_context(notification)
        else:
            context = _context(notification, target)
        template = f"email/{notification.kind}"
        message = TicketEmail(
            subject=str(SUBJECTS[notification.kind]) % context,
            body=render_to_string(f"{template}.txt", context),
            to=[context["recipient"]],
            headers={"Message-ID": _message_id(notification.key)},
            inline_images=[_qr_image(line) for line in context["qr_tickets"]],
        )
        message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
        if target is not None and notification.kind in CALENDAR_KINDS:
            message.attach(*_calendar_file(target.session))
    return message


def _language(notification: Notification, target: Booking | WaitlistEntry | None) -> str:
    if target is not None:
        return target.visitor.language
    if notification.user_id:
        return notification.user.language
    return notification.context.get("language") or PERSON_DEFAULT_LANGUAGE


def _context(notification: Notification, target: Booking | WaitlistEntry) -> dict:
    """What every template may use; booking and attendee parts are added when they apply."""
    session, visitor = target.session, target.visitor
    context = {
        "kind": notification.kind,
        "recipient": visitor.email,
        "name": visitor.name,
        "session": session,
        "title": session.title,
        "when": _when(session.starts_at, session.ends_at),
        "venue": session.venue,
        "party_size": target.party_size,
        "reason": session.status_reason,
        "site_url": settings.SITE_URL.rstrip("/"),
        "tickets": [],
        "qr_tickets": [],
    }
    if notification.booking_id:
        context.update(_booking_context(notification, target))
    else:
        context["offer_expires"] = target.offer_expires_at and _moment(target.offer_expires_at)
        context["waitlist_url"] = f"{context['site_url']}/waitlist/{target.pk}/"
    return context


def _booking_context(notification: Notification, booking: Booking) -> dict:
    tickets = list(booking.tickets.all())
    attendee_ticket_id = _attendee_ticket_id(notification)
    context = {
        "booking": booking,
        "reference": booking.reference,
        "manage_url": f"{settings.SITE_URL.rstrip('/')}/bookings/{booking.reference}/",
    }
    if attendee_ticket_id is not None:
        tickets = [ticket for ticket in tickets if ticket.pk == attendee_ticket_id]
        context.update(
            recipient=tickets[0].attendee_email,
            name=tickets[0].attendee_name,
            booked_by=booking.visitor.name or booking.visitor.email,
            manage_url="",  # the booking is the visitor's to manage
        )
    context["tickets"] = [
        TicketLine(
            ticket=ticket,
            label=ticket.attendee_name or gettext("Guest %(number)d") % {"number": number},
            content_id=f"ticket-{ticket.pk}@{_mail_domain()}",
        )
        for number, ticket in enumerate(tickets, start=1)
    ]
    if notification.kind in QR_KINDS:
        context["qr_tickets"] = [
            line for line in context["tickets"] if line.ticket.status == Ticket.Status.VALID
        ]
    return context


@dataclass(frozen=True)
class TicketLine:
    """A ticket as a message shows it; `content_id` names its inline QR image."""

    ticket: Ticket
    label: str
    content_id: str


def _person_context(notification: Notification) -> dict:
    """A message about no booking: the facts its writer stored with the row."""
    data, user = notification.context, notification.user
    starts_at, ends_at = (parse_datetime(data.get(name) or "") for name in ("starts_at", "ends_at"))
    expires_at = parse_datetime(data.get("expires_at") or "")
    return {
        **data,
        "kind": notification.kind,
        "recipient": notification.email or user.email,
        "name": user.name if user else "",
        "title": data.get(f"title_{translation.get_language()}") or data.get("title_sv", ""),
        "when": _when(starts_at, ends_at) if starts_at and ends_at else "",
        "venue": {"name": data.get("venue_name", "")},
        "expires": _moment(expires_at) if expires_at else "",
        "inviter": data.get("invited_by_name") or data.get("invited_by_email", ""),
        "accept_url": secret_link_url(data["accept_link"]) if data.get("accept_link") else "",
        "site_url": settings.SITE_URL.rstrip("/"),
        "tickets": [],
        "qr_tickets": [],
        **_account_links(notification),
    }


def _account_links(notification: Notification) -> dict:
    """One-time links of a person's own account mails, made now: the row holds no secret."""
    if notification.kind == Kind.EMAIL_VERIFICATION:
        return {"verify_url": email_verification_url(notification.user)}
    if notification.kind == Kind.PASSWORD_RESET:
        return {"reset_url": password_reset_url(notification.user)}
    if notification.kind == Kind.LOGIN_LINK:  # the row keeps the seed, the token is made now
        return {"login_url": secret_link_url(notification.context["login_link"])}
    return {}


def _qr_image(line: TicketLine) -> MIMEImage:
    ticket = line.ticket
    code = ticket_code_sign(ticket_id=ticket.pk, session_id=ticket.session_id)
    image = MIMEImage(ticket_qr_png(code), _subtype="png")
    image.add_header("Content-ID", f"<{line.content_id}>")
    image.add_header("Content-Disposition", "inline", filename=f"ticket-{ticket.pk}.png")
    return image


def _calendar_file(session: Session) -> tuple[str, str, str]:
    from expo.bookings.calendar import session_ics  # written alongside; keeps imports light

    ics = session_ics(session, language=translation.get_language())
    return f"h22-session-{session.pk}.ics", ics.decode("utf-8"), "text/calendar"


def _when(starts_at: datetime, ends_at: datetime) -> str:
    """E.g. «onsdag 1 juni 2022 kl. 14:00–15:00», «Wednesday 1 June 2022 at 14:00–15:00»."""
    end = timezone.localtime(ends_at, ZoneInfo(settings.EXPO_TIME_ZONE))
    return _moment(starts_at, until=date_format(end, "H:i"))


def _moment(value: datetime, *, until: str = "") -> str:
    """A time as the expo's visitors read it: their language, Helsingborg's clock."""
    local = timezone.localtime(value, ZoneInfo(settings.EXPO_TIME_ZONE))
    time = date_format(local, "H:i") + (f"–{until}" if until else "")
    return gettext("%(date)s at %(time)s") % {"date": date_format(local, "l j F Y"), "time": time}


def _mail_domain() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "h22.example"


def _message_id(key: str) -> str:
    """Stable per row: should the one unclosable window ever resend, clients see one mail."""
    return f"<{key.replace(':', '.')}@{_mail_domain()}>"
