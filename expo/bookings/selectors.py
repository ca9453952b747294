"""Reads of bookings and waitlist entries, scoped to who is asking
(docs/architecture.md, invariant 6)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from expo.accounts.models import User
from expo.bookings.models import Booking, Ticket, WaitlistEntry
from expo.bookings.ticket_codes import ticket_code_sign
from expo.core.permissions import is_expo_staff
from expo.core.queries import ModelColumns, next_id_sql
from expo.events.models import Entrance, Session, Venue

# How far ahead the gate lists sessions that will take walk-ins.
WALK_IN_LOOKAHEAD = timedelta(hours=1)


def walk_ins_open_at(session: Session) -> datetime | None:
    """Seats go to the door once the no-show release is due (`tickets_release_no_shows`
    in services.py): until then an unscanned ticket still holds its seat and the
    waitlist has first claim. Sessions that never release no-shows take no walk-ins."""
    if session.no_show_release_minutes is None:
        return None
    return session.starts_at + timedelta(minutes=session.no_show_release_minutes)


def booking_list(*, user) -> QuerySet[Booking]:
    """A visitor's own bookings; expo staff see all."""
    queryset = Booking.objects.select_related("session__venue").prefetch_related(
        Prefetch("tickets", queryset=Ticket.objects.order_by("id"))
    )
    # Walk-ins issued by a staff account are the attendees', not that account's own.
    return queryset if is_expo_staff(user) else queryset.filter(visitor=user, walk_in=False)


def booking_get(*, user, reference: str) -> Booking | None:
    return booking_list(user=user).filter(reference=reference.upper()).first()


def waitlist_list(*, user) -> QuerySet[WaitlistEntry]:
    return WaitlistEntry.objects.filter(visitor=user).select_related("session__venue")


def waitlist_position(entry: WaitlistEntry) -> int | None:
    """1 for the next party in line; None once the entry no longer waits."""
    if entry.status != WaitlistEntry.Status.WAITING:
        return None
    ahead = WaitlistEntry.objects.filter(
        session_id=entry.session_id,
        status=WaitlistEntry.Status.WAITING,
        created_at__lte=entry.created_at,
    ).exclude(created_at=entry.created_at, id__gte=entry.id)
    return ahead.count() + 1


def session_attendance(*, session) -> dict:
    """Live numbers for one session: one aggregate query per table."""
    valid = Q(status=Ticket.Status.VALID)
    counts = Ticket.objects.filter(session=session).aggregate(
        n_booked=Count("pk", filter=valid),
        n_checked_in=Count("pk", filter=Q(first_checked_in_at__isnull=False)),
        n_inside=Count("pk", filter=Q(checked_in=True)),
        n_unscanned=Count("pk", filter=valid & Q(first_checked_in_at__isnull=True)),
        n_released=Count("pk", filter=Q(status=Ticket.Status.RELEASED)),
    )
    waitlist = WaitlistEntry.objects.filter(
        session=session, status=WaitlistEntry.Status.WAITING
    ).aggregate(parties=Count("pk"), people=Coalesce(Sum("party_size"), 0))
    started = session.starts_at <= timezone.now()
    return {
        "capacity": session.capacity,
        "seats_left": session.seats_left,
        "booked": counts["n_booked"],
        "checked_in": counts["n_checked_in"],
        "inside": counts["n_inside"],
        # Not yet scanned only counts as a no-show once the session has begun.
        "no_shows": counts["n_unscanned"] if started else 0,
        "released": counts["n_released"],
        "waitlist": waitlist["people"],
        "waitlist_parties": waitlist["parties"],
    }


def revoked_tickets_since(*, since) -> QuerySet[Ticket]:
    """Tickets an offline scanner must refuse: revoked at or after `since`, oldest first."""
    tickets = Ticket.objects.filter(revoked_at__isnull=False)
    if since is not None:
        tickets = tickets.filter(revoked_at__gte=since)
    return tickets.order_by("revoked_at", "id").only("id", "session_id", "revoked_at", "status")


@dataclass(frozen=True)
class PrintableTicket:
    """A ticket as the printed page and the PDF show it, one to a page."""

    ticket: Ticket
    number: int
    total: int
    name: str  # the attendee's, or empty for an unnamed guest
    short_code: str  # read out at a gate without a camera: reference and ticket number
    code: str  # the signed code in the QR


def booking_printable_tickets(*, booking: Booking) -> list[PrintableTicket]:
    """The booking's valid tickets, numbered as on the booking page (of all its tickets).

    Precondition: `booking` comes from `booking_list`, tickets prefetched in id order.
    """
    tickets = list(booking.tickets.all())
    return [
        PrintableTicket(
            ticket=ticket,
            number=number,
            total=len(tickets),
            name=ticket.attendee_name,
            short_code=f"{booking.reference}-{number}",
            code=ticket_code_sign(ticket_id=ticket.pk, session_id=ticket.session_id),
        )
        for number, ticket in enumerate(tickets, start=1)
        if ticket.status == Ticket.Status.VALID
    ]


def venue_entrance_names(*, venue_id: int) -> list[str]:
    return list(Entrance.objects.filter(venue_id=venue_id).values_list("name", flat=True))


def walk_in_sessions(*, venue_id: int, now: datetime) -> list[dict]:
    """The venue's sessions under way or starting within the hour that take walk-ins,
    with the seats free now: those no booking and no open waitlist offer holds."""
    sessions = Session.objects.filter(
        venue_id=venue_id,
        status=Session.Status.PUBLISHED,
        no_show_release_minutes__isnull=False,
        ends_at__gt=now,
        starts_at__lte=now + WALK_IN_LOOKAHEAD,
    ).order_by("starts_at", "pk")
    rows = []
    for session in sessions:
        opens_at = walk_ins_open_at(session)
        is_open = opens_at <= now
        rows.append(
            {
                "session": session,
                "walk_ins_open": is_open,
                "walk_ins_open_at": opens_at,
                "seats_free_now": session.seats_left if is_open else 0,
            }
        )
    return rows


def booking_for_gate(*, reference: str) -> Booking | None:
    """A booking by its reference (`H22-…`, any case) with its tickets, for the gate."""
    return (
        Booking.objects.select_related("session__venue")
        .prefetch_related(Prefetch("tickets", queryset=Ticket.objects.order_by("id")))
        .filter(reference=reference.strip().upper())
        .first()
    )


@dataclass(frozen=True)
class BookingContext:
    """What `booking_create` decides on: the session, and the visitor's bookings."""

    session: Session | None
    # (session id, starts at, ends at) of each of the visitor's confirmed bookings.
    booked: list[tuple[int, datetime, datetime]]


# The session a booking reads (services.py and its answer, serializers.py), the
# visitor's row, and each of the visitor's confirmed bookings with its session's times.
_CONTEXT = ModelColumns(
    (
        Session,
        "s",
        (
            "id", "expo", "venue", "title_sv", "title_en", "kind", "language", "starts_at",
            "ends_at", "capacity", "seats_taken", "max_party_size", "booking_opens_at",
            "booking_closes_at", "status", "no_show_release_minutes",
        ),
    ),
    (Venue, "v", ("id", "slug", "name", "address")),
    (User, "u", ("id",)),
    (Booking, "b", ("id", "session")),
    (Session, "bs", ("id", "starts_at", "ends_at")),
)  # fmt: skip


@cache
def _queries() -> tuple[str, str]:
    table = _CONTEXT.table
    if connection.vendor == "postgresql":
        lock, next_booking_id = " FOR UPDATE", next_id_sql(Booking)
    else:
        lock, next_booking_id = "", "NULL"
    return (
        f"SELECT is_active, {next_booking_id} FROM {table(User)} WHERE id = %s{lock}",  # noqa: S608
        f"SELECT {_CONTEXT.select} FROM {table(User)} u"  # noqa: S608
        f" LEFT JOIN {table(Session)} s ON s.id = %s"
        f" LEFT JOIN {table(Venue)} v ON v.id = s.venue_id"
        f" LEFT JOIN {table(Booking)} b ON b.visitor_id = u.id AND b.status = %s"
        f" LEFT JOIN {table(Session)} bs ON bs.id = b.session_id"
        " WHERE u.id = %s",
    )


def visitor_row_lock(*, visitor_id: int) -> int | None:
    """Lock the visitor's row until the transaction ends; None unless the account is active.

    Serialises one visitor's bookings, so the per-visitor rules cannot race; other
    visitors are not blocked. On PostgreSQL the same statement draws the id of the
    booking that may follow (`rows_insert_together` writes it with its tickets);
    elsewhere the answer is 0 and the booking gets its id when inserted.
    Precondition: inside a transaction.
    """
    assert connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute(_queries()[0], [visitor_id])
        row = cursor.fetchone()
    if not (row and row[0]):
        return None
    return row[1] or 0


def booking_context(*, visitor_id: int, session_id: int) -> BookingContext:
    """The session with its venue, and the visitor's confirmed bookings' times, in one
    round trip and a fraction of the ORM's CPU time (bench/profile_hot_paths.py).

    Read it after `visitor_row_lock`, in a statement of its own: under READ COMMITTED a
    statement that waited for the lock reads its joined rows as they were before it
    waited, and would miss the booking the lock's previous holder just committed.
    """
    with connection.cursor() as cursor:
        cursor.execute(_queries()[1], [session_id, Booking.Status.CONFIRMED, visitor_id])
        rows = [_CONTEXT.instances(row) for row in cursor.fetchall()]
    if not rows:
        return BookingContext(session=None, booked=[])
    session = rows[0]["s"]
    if session is not None:
        session.venue = rows[0]["v"]
    booked = [
        (row["b"].session_id, row["bs"].starts_at, row["bs"].ends_at)
        for row in rows
        if row["b"] is not None
    ]
    return BookingContext(session=session, booked=booked)
