"""The messages about bookings and waitlist entries, registered with the outbox.

Each kind is written here: the context its templates see (tickets with inline QR codes,
a calendar file), whom it goes to (the visitor, and attendees with their own address),
and when it became wrong to send (a reminder for a cancelled booking, a lapsed offer).
Also the reminders, written in bulk by beat.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from email.mime.image import MIMEImage
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from expo.bookings.models import Booking, Ticket, WaitlistEntry
from expo.bookings.qr import ticket_qr_pngs
from expo.bookings.ticket_codes import ticket_code_sign
from expo.events.models import Session
from expo.notifications.kinds import MessageKind, message_kind_register, moment, when
from expo.notifications.models import Notification
from expo.notifications.outbox import notification_key, notifications_queue
from expo.notifications.services import BATCH_SIZE, mail_domain

BOOKING_CONFIRMED = "booking_confirmed"
BOOKING_CANCELLED = "booking_cancelled"
REMINDER = "reminder"
WAITLIST_OFFER = "waitlist_offer"
OFFER_EXPIRED = "offer_expired"
SESSION_CANCELLED = "session_cancelled"
SESSION_CHANGED = "session_changed"
TICKET_RELEASED = "ticket_released"

ATTENDEE_KEY_MARK = ":ticket-"


@dataclass(frozen=True)
class TicketLine:
    """A ticket as a message shows it; `content_id` names its inline QR image."""

    ticket: Ticket
    label: str
    content_id: str


class VisitorMessage(MessageKind):
    """A message to the visitor about a booking or a waitlist entry.

    `attendees`: whether attendees with their own address hear about it too (None: no;
    True: only for a ticket still valid; False: for any ticket, a cancellation concerns
    cancelled tickets). `qr`: the valid tickets' codes inline. `calendar`: an .ics file.
    """

    def __init__(self, name, label, subject, *, attendees=None, qr=False, calendar=False):
        super().__init__(name, label, subject)
        self.attendees, self.qr, self.calendar = attendees, qr, calendar

    def load(self, notifications: list) -> None:
        """The bookings and waitlist entries with all their messages show: three queries
        for a whole batch (bookings, their tickets, waitlist entries)."""
        related = ("session__venue", "session__expo", "visitor")
        bookings = Booking.objects.select_related(*related).prefetch_related("tickets")
        bookings = bookings.in_bulk({row.booking_id for row in notifications if row.booking_id})
        entries = WaitlistEntry.objects.select_related(*related).in_bulk(
            {row.waitlist_entry_id for row in notifications if row.waitlist_entry_id}
        )
        for notification in notifications:
            if notification.booking_id:
                notification.booking = bookings[notification.booking_id]
            elif notification.waitlist_entry_id:
                notification.waitlist_entry = entries[notification.waitlist_entry_id]

    def prepare(self, notifications: list) -> None:
        """The QR images of the batch's valid tickets with one cache round trip (and one
        more to keep those drawn for the first time)."""
        if self.qr:
            _attach_qr_images(
                [
                    ticket
                    for notification in notifications
                    if notification.booking_id
                    for ticket in notification.booking.tickets.all()
                    if ticket.status == Ticket.Status.VALID
                ]
            )

    def reader(self, notification):
        return _target(notification).visitor

    def skip_reason(self, notification, now: datetime) -> str:
        target, kind = _target(notification), notification.kind
        if notification.booking_id and target.walk_in and not _walk_in_address(target):
            return "walk-in without an address"
        if notification.booking_id:
            live = target.status == Booking.Status.CONFIRMED
            if kind in (BOOKING_CONFIRMED, REMINDER, SESSION_CHANGED) and not live:
                return "booking cancelled"
            if kind == REMINDER and now >= target.session.starts_at:
                return "session already started"
        elif kind == WAITLIST_OFFER and (
            target.status != WaitlistEntry.Status.OFFERED or target.offer_expires_at <= now
        ):
            return "offer no longer open"
        return ""

    def fan_out(self, notification) -> list:
        """Rows for attendees with their own address, keyed ``<visitor's key>:ticket-<id>``."""
        if self.attendees is None or not notification.booking_id or notification.booking.walk_in:
            return []  # a walk-in's own row already goes to its attendee
        if _attendee_ticket_id(notification):
            return []
        # `mail_attendee` is the no-relay rule, decided when booked (expo/bookings/recipients.py).
        visitor_email = notification.booking.visitor.email.casefold()
        ticket_ids = [
            ticket.pk
            for ticket in notification.booking.tickets.all()
            if ticket.mail_attendee
            and ticket.attendee_email
            and ticket.attendee_email.casefold() != visitor_email
            and (not self.attendees or ticket.status == Ticket.Status.VALID)
        ]
        return [
            Notification(
                key=f"{notification.key}{ATTENDEE_KEY_MARK}{ticket_id}",
                kind=notification.kind,
                booking_id=notification.booking_id,
            )
            for ticket_id in ticket_ids
        ]

    def language(self, notification) -> str:
        """The visitor's; an attendee's copy too, as the attendee has no account."""
        return _target(notification).visitor.language

    def context(self, notification) -> dict:
        """What every template may use; booking and attendee parts are added when they apply."""
        target = _target(notification)
        session, visitor = target.session, target.visitor
        context = {
            "kind": notification.kind,
            "recipient": visitor.email,
            "name": visitor.name,
            "session": session,
            "title": session.title,
            "when": when(session.starts_at, session.ends_at),
            "venue": session.venue,
            "party_size": target.party_size,
            "reason": session.status_reason,
            "site_url": settings.SITE_URL.rstrip("/"),
            "tickets": [],
            "qr_tickets": [],
        }
        if notification.booking_id:
            context.update(self._booking_context(notification, target))
        else:
            context["offer_expires"] = target.offer_expires_at and moment(target.offer_expires_at)
            context["waitlist_url"] = f"{context['site_url']}/waitlist/{target.pk}/"
        return context

    def _booking_context(self, notification, booking: Booking) -> dict:
        tickets = list(booking.tickets.all())
        attendee_ticket_id = _attendee_ticket_id(notification)
        context = {
            "booking": booking,
            "reference": booking.reference,
            "manage_url": f"{settings.SITE_URL.rstrip('/')}/bookings/{booking.reference}/",
        }
        if booking.walk_in:
            # Issued at a gate: the attendee is the reader, the staff account only owns it.
            context.update(
                recipient=tickets[0].attendee_email, name=tickets[0].attendee_name, manage_url=""
            )
        elif attendee_ticket_id is not None:
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
                content_id=f"ticket-{ticket.pk}@{mail_domain()}",
            )
            for number, ticket in enumerate(tickets, start=1)
        ]
        if self.qr:
            context["qr_tickets"] = [
                line for line in context["tickets"] if line.ticket.status == Ticket.Status.VALID
            ]
        return context

    def inline_images(self, context: dict) -> list[MIMEImage]:
        tickets = [line.ticket for line in context["qr_tickets"]]
        _attach_qr_images([ticket for ticket in tickets if not hasattr(ticket, "qr_png")])
        return [_qr_image(line) for line in context["qr_tickets"]]

    def attachments(self, notification) -> list[tuple[str, str, str]]:
        if not self.calendar:
            return []
        from expo.bookings.calendar import session_ics  # written alongside; keeps imports light

        session = _target(notification).session
        ics = session_ics(session, language=translation.get_language())
        return [(f"h22-session-{session.pk}.ics", ics.decode("utf-8"), "text/calendar")]


def _walk_in_address(booking: Booking) -> str:
    return booking.tickets.values_list("attendee_email", flat=True).first() or ""


def _target(notification) -> Booking | WaitlistEntry:
    return notification.booking or notification.waitlist_entry


def _attendee_ticket_id(notification) -> int | None:
    _, mark, ticket_id = notification.key.rpartition(ATTENDEE_KEY_MARK)
    return int(ticket_id) if mark and ticket_id.isdigit() else None


def _attach_qr_images(tickets: list[Ticket]) -> None:
    """Each ticket's QR image as ``ticket.qr_png``, drawn only if never drawn before."""
    if not tickets:
        return
    codes = {
        ticket.pk: ticket_code_sign(ticket_id=ticket.pk, session_id=ticket.session_id)
        for ticket in tickets
    }
    images = ticket_qr_pngs(list(codes.values()))
    for ticket in tickets:
        ticket.qr_png = images[codes[ticket.pk]]


def _qr_image(line: TicketLine) -> MIMEImage:
    image = MIMEImage(line.ticket.qr_png, _subtype="png")
    image.add_header("Content-ID", f"<{line.content_id}>")
    image.add_header("Content-Disposition", "inline", filename=f"ticket-{line.ticket.pk}.png")
    return image


def register() -> None:
    for kind in (
        VisitorMessage(
            BOOKING_CONFIRMED,
            _("Booking confirmation"),
            _("Your tickets: %(title)s"),
            attendees=True,
            qr=True,
            calendar=True,
        ),
        VisitorMessage(
            BOOKING_CANCELLED,
            _("Booking cancelled"),
            _("Booking cancelled: %(title)s"),
            attendees=False,
        ),
        VisitorMessage(
            REMINDER, _("Reminder"), _("Reminder: %(title)s, %(when)s"), attendees=True, qr=True
        ),
        VisitorMessage(WAITLIST_OFFER, _("Waitlist offer"), _("Seats free for you: %(title)s")),
        VisitorMessage(
            OFFER_EXPIRED, _("Waitlist offer expired"), _("Your offer has expired: %(title)s")
        ),
        VisitorMessage(
            SESSION_CANCELLED,
            _("Session cancelled"),
            _("Cancelled: %(title)s"),
            attendees=False,
        ),
        VisitorMessage(
            SESSION_CHANGED,
            _("Session changed"),
            _("New time or place: %(title)s"),
            attendees=True,
            calendar=True,
        ),
        VisitorMessage(
            TICKET_RELEASED,
            _("Ticket released (no-show)"),
            _("Unused tickets released: %(title)s"),
        ),
    ):
        message_kind_register(kind)


# --- Reminders -----------------------------------------------------------------------


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
        booking=OuterRef("pk"), kind=REMINDER, key__endswith=f":{suffix}"
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
                key=notification_key(REMINDER, booking=Booking(pk=pk), suffix=suffix),
                kind=REMINDER,
                booking_id=pk,
            )
            for pk in booking_ids
        ]
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        transaction.on_commit(partial(notifications_queue, [row.key for row in rows]))
        queued += len(rows)
        last_pk = booking_ids[-1]
    return queued
