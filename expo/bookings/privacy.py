"""What bookings, tickets and the outbox hold about people (`expo.core.privacy`).

Erasure and retention both keep the rows that figures rest on (bookings, tickets,
outbox rows) and take out what names or reaches a person: attendee names and
addresses, recipients and stored message facts. Scans: expo/scanning/privacy.py.
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet

from expo.bookings.models import (
    Booking,
    IdempotencyKey,
    Ticket,
    WaitlistEntry,
)
from expo.bookings.services import booking_cancel, waitlist_leave
from expo.core.privacy import PersonalData
from expo.notifications.models import Notification

FINAL_STATUSES = (
    Notification.Status.SENT,
    Notification.Status.FAILED,
    Notification.Status.SKIPPED,
)


class BookingsPersonalData(PersonalData):
    name = "bookings"

    # --- Export ------------------------------------------------------------------------

    def export(self, *, user) -> dict:
        """Scoped by `visitor=user` rather than the role-aware booking selectors: staff
        export their own data, not everyone's, nor the walk-ins they issued at a gate.
        A fixed number of queries."""
        notifications = Prefetch(
            "notifications", queryset=Notification.objects.order_by("created_at")
        )
        tickets = Prefetch("tickets", queryset=Ticket.objects.order_by("id"))
        bookings = (
            Booking.objects.filter(visitor=user, walk_in=False)
            .select_related("session__venue")
            .prefetch_related(tickets, notifications)
            .order_by("created_at", "pk")
        )
        entries = (
            WaitlistEntry.objects.filter(visitor=user)
            .select_related("session__venue", "booking")
            .prefetch_related(notifications)
            .order_by("created_at", "pk")
        )
        return {
            "bookings": [_booking_export(booking) for booking in bookings],
            "waitlist_entries": [_waitlist_export(entry) for entry in entries],
            "messages": [
                {
                    "kind": row.kind,
                    "email": row.email,
                    "status": row.status,
                    "created_at": row.created_at,
                    "sent_at": row.sent_at,
                    # The facts the message was written from; a link's seed is no fact.
                    "context": {k: v for k, v in row.context.items() if k != "accept_link"},
                }
                for row in _messages_to(user).order_by("created_at", "pk")
            ],
        }

    # --- Erasure -----------------------------------------------------------------------

    def erase(self, *, user, now: datetime) -> None:
        """Give back what the person holds, then take their name out of every row.

        Future bookings are cancelled through `booking_cancel` (seats freed, the waitlist
        moves on) and open waitlist entries are left. Session rows are locked in
        primary-key order across bookings and waitlist entries (`booking_cancel` and
        `waitlist_leave` take them), so two sessions are never locked in opposite orders.
        """
        upcoming = Booking.objects.filter(
            visitor=user, status=Booking.Status.CONFIRMED, session__starts_at__gt=now
        ).values_list("session_id", "pk")
        waiting = WaitlistEntry.objects.filter(
            visitor=user, status__in=WaitlistEntry.OPEN_STATUSES
        ).values_list("session_id", "pk")
        giving_back = sorted(
            [(session_id, 0, pk) for session_id, pk in upcoming]
            + [(session_id, 1, pk) for session_id, pk in waiting]
        )
        for _session_id, is_waitlist, pk in giving_back:
            if is_waitlist:
                waitlist_leave(entry_id=pk, visitor=user, now=now)
            else:
                booking_cancel(booking_id=pk, now=now)

        Ticket.objects.filter(booking__visitor=user).update(attendee_name="", attendee_email="")
        # Stored booking responses, replayed on retries, carry attendee names.
        IdempotencyKey.objects.filter(user=user).delete()
        rows = Notification.objects.filter(
            Q(booking__visitor=user) | Q(waitlist_entry__visitor=user)
        )
        # Nobody is left to write to: the cancellations above, unsent reminders and
        # offers. `skipped` is final, so no retry or sweep picks these rows up again.
        rows.filter(status=Notification.Status.PENDING).update(
            status=Notification.Status.SKIPPED, last_error="recipient erased"
        )
        # Errors quote refused addresses.
        rows.exclude(last_error="recipient erased").update(last_error="", context={})
        # Messages about no booking name their reader by row or by address; the row keeps
        # pointing at the (anonymised) account, so it still has a target.
        personal = _messages_to(user)
        personal.filter(status=Notification.Status.PENDING).update(
            status=Notification.Status.SKIPPED
        )
        personal.update(user=user, email="", context={}, last_error="")

    # --- Retention ---------------------------------------------------------------------

    def purge(self, *, ended_before: date, now: datetime, dry_run: bool) -> dict[str, int]:
        past = Q(session__expo__ends_on__lt=ended_before)
        tickets = Ticket.objects.filter(past).exclude(attendee_name="", attendee_email="")
        about_bookings = Notification.objects.filter(
            Q(booking__session__expo__ends_on__lt=ended_before)
            | Q(waitlist_entry__session__expo__ends_on__lt=ended_before)
        )
        # Messages about no booking carry no expo: their facts go once they are as old as
        # the retention period and will never be sent again.
        about_people = Notification.objects.filter(
            booking__isnull=True,
            waitlist_entry__isnull=True,
            status__in=FINAL_STATUSES,
            created_at__lt=now - timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS),
        )
        messages = Notification.objects.filter(
            Q(pk__in=about_bookings.values("pk")) | Q(pk__in=about_people.values("pk"))
        ).exclude(email="", context={}, last_error="")
        counts = {
            "ticket_names": tickets.count(),
            "messages": messages.count(),
        }
        if not dry_run:
            tickets.update(attendee_name="", attendee_email="")
            # A row to an address alone has nothing left once the address goes
            # (`notification_has_target`): the row goes.
            messages.filter(
                booking__isnull=True, waitlist_entry__isnull=True, user__isnull=True
            ).delete()
            messages.update(email="", context={}, last_error="")
        return counts


personal_data = BookingsPersonalData()


def _messages_to(user) -> QuerySet[Notification]:
    """Messages about no booking (invitations, proposal decisions) to this person."""
    return Notification.objects.filter(
        Q(user=user) | Q(email__iexact=user.email),
        booking__isnull=True,
        waitlist_entry__isnull=True,
    )


def _booking_export(booking: Booking) -> dict:
    return {
        "reference": booking.reference,
        "status": booking.status,
        "party_size": booking.party_size,
        "created_at": booking.created_at,
        "cancelled_at": booking.cancelled_at,
        "session": _session_export(booking.session),
        "tickets": [
            {
                "id": ticket.pk,
                "attendee_name": ticket.attendee_name,
                "attendee_email": ticket.attendee_email,
                "status": ticket.status,
                "checked_in": ticket.checked_in,
                "first_checked_in_at": ticket.first_checked_in_at,
                "last_scan_at": ticket.last_scan_at,
            }
            for ticket in booking.tickets.all()
        ],
        "notifications": _notifications_export(booking),
    }


def _waitlist_export(entry: WaitlistEntry) -> dict:
    return {
        "id": entry.pk,
        "status": entry.status,
        "party_size": entry.party_size,
        "created_at": entry.created_at,
        "offered_at": entry.offered_at,
        "offer_expires_at": entry.offer_expires_at,
        "booking": entry.booking.reference if entry.booking else None,
        "session": _session_export(entry.session),
        "notifications": _notifications_export(entry),
    }


def _session_export(session) -> dict:
    return {
        "id": session.pk,
        "title": session.title,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "venue": session.venue.name,
    }


def _notifications_export(target) -> list[dict]:
    """The e-mails about a booking or waitlist entry: what, whether and when sent."""
    return [
        {
            "kind": notification.kind,
            "status": notification.status,
            "created_at": notification.created_at,
            "sent_at": notification.sent_at,
        }
        for notification in target.notifications.all()
    ]
