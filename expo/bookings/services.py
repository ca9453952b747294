"""Booking, cancellation and the waitlist: every rule that protects a seat lives here.

Lock order, to keep concurrent paths free of deadlocks: a session row first (always
`FOR NO KEY UPDATE`, so inserts referencing it are not blocked), then its bookings or
waitlist entries. `booking_create` never locks the session: it takes seats with one
conditional UPDATE as its last statement, so the hot row is held only until commit.
"""

import functools
import hashlib
import json
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from expo.accounts.models import User
from expo.bookings import errors, messages
from expo.bookings.models import Booking, IdempotencyKey, Ticket, WaitlistEntry
from expo.bookings.recipients import attendee_addresses_to_mail
from expo.bookings.selectors import booking_context, visitor_row_lock, walk_ins_open_at
from expo.core import metrics
from expo.core.exceptions import NotFound
from expo.core.permissions import is_scan_only
from expo.core.queries import Rows, rows_insert, rows_insert_together
from expo.events.models import Session
from expo.events.selectors import expo_day_bounds
from expo.notifications.outbox import (
    notification_rows,
    notifications_add,
    notifications_written,
)

# Unambiguous on paper and over the phone: no 0/O, 1/I/L.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 7


@dataclass(frozen=True)
class Attendee:
    name: str = ""
    email: str = ""


def booking_reference_new() -> str:
    return "H22-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


REFERENCE_ATTEMPTS = 5


def _retried_on_collision(service):
    """Run `service` in a transaction, and again if the database refused a row it wrote.

    A booking reference is random: two bookings draw the same one about once in 27
    billion, and then the unique index refuses the second. Retrying the whole transaction
    with a new reference costs nothing on the way that happens every time, where a
    savepoint around each insert would cost two statements per booking. A retry also runs
    the service's checks again, so a duplicate booking that only a constraint caught gets
    the same answer as one the checks caught (`AlreadyBooked`).
    """

    @functools.wraps(service)
    def retrying(*args, **kwargs):
        for _attempt in range(REFERENCE_ATTEMPTS - 1):
            try:
                with transaction.atomic():
                    return service(*args, **kwargs)
            except IntegrityError:
                continue
        with transaction.atomic():
            return service(*args, **kwargs)

    return retrying


# --- Rules -----------------------------------------------------------------------------


def _sold_out(*, seats_left: int) -> errors.SoldOut:
    """The refusal to raise, counted for the metrics whatever the transaction does next."""
    metrics.SOLD_OUT_REFUSALS.inc()
    return errors.SoldOut(extra={"waitlist_open": True, "seats_left": seats_left})


def _count_booking_on_commit(booking: Booking) -> None:
    """Counted once it commits: a booking rolled back (a lost race, an error) never was."""
    seats = booking.party_size

    def count() -> None:
        metrics.BOOKINGS.inc()
        metrics.BOOKED_SEATS.inc(seats)

    transaction.on_commit(count)


def _check_party_size(session: Session, party_size: int) -> None:
    if not 1 <= party_size <= session.max_party_size:
        raise errors.InvalidPartySize(
            fields={"party_size": [f"Must be between 1 and {session.max_party_size}."]}
        )


def _check_booking_window(session: Session, now: datetime) -> None:
    if session.status != Session.Status.PUBLISHED:
        raise errors.BookingClosed(extra={"reason": session.status})
    if session.booking_opens_at and now < session.booking_opens_at:
        raise errors.BookingClosed(extra={"reason": "not_open_yet"})
    if now >= session.starts_at:
        raise errors.BookingClosed(extra={"reason": "started"})
    if session.booking_closes_at and now >= session.booking_closes_at:
        raise errors.BookingClosed(extra={"reason": "closed"})


def _lock_visitor(visitor: User) -> int:
    """Serialise one visitor's bookings so the per-visitor rules below cannot race.

    Returns the id drawn for a booking on PostgreSQL, else 0 (`visitor_row_lock`).
    Precondition: inside a transaction. Other visitors are not blocked.
    """
    if is_scan_only(visitor):
        raise PermissionDenied()  # gate accounts scan and nothing else, on every path
    booking_id = visitor_row_lock(visitor_id=visitor.pk)
    if booking_id is None:
        raise PermissionDenied()  # erased or deactivated since the request was authenticated
    return booking_id


def _check_visitor_may_book(visitor: User, session: Session) -> None:
    """The rules of `_refuse_unless_may_book`, on the visitor's bookings near `session`.

    Precondition: the caller holds the visitor's row lock (`_lock_visitor`).
    """
    day_start, day_end = expo_day_bounds(timezone.localtime(session.starts_at).date())
    nearby = Booking.objects.filter(visitor=visitor, status=Booking.Status.CONFIRMED).filter(
        Q(session_id=session.pk)
        | Q(session__starts_at__lt=session.ends_at, session__ends_at__gt=session.starts_at)
        | Q(session__starts_at__gte=day_start, session__starts_at__lt=day_end)
    )
    booked = nearby.values_list("session_id", "session__starts_at", "session__ends_at")
    _refuse_unless_may_book(session, list(booked))


def _refuse_unless_may_book(session: Session, booked: list[tuple[int, datetime, datetime]]):
    """No second booking of a session, no overlaps, at most N bookings a day.

    `booked`: (session id, starts, ends) of the visitor's confirmed bookings, at least
    those near `session` in time.
    """
    day_start, day_end = expo_day_bounds(timezone.localtime(session.starts_at).date())
    if any(session_id == session.pk for session_id, _, _ in booked):
        raise errors.AlreadyBooked()
    if any(start < session.ends_at and end > session.starts_at for _, start, end in booked):
        raise errors.Overlap()
    same_day = sum(1 for _, start, _ in booked if day_start <= start < day_end)
    if same_day >= settings.MAX_BOOKINGS_PER_VISITOR_PER_DAY:
        raise errors.DailyLimitReached()


@functools.cache
def _take_seats_statement() -> str:
    table = connection.ops.quote_name(Session._meta.db_table)
    return (
        f"UPDATE {table} SET seats_taken = seats_taken + %s"  # noqa: S608
        " WHERE id = %s AND status = %s AND seats_taken <= capacity - %s"
    )


def _take_seats(session: Session, seats: int) -> None:
    """One conditional UPDATE; the database decides who gets the last seat.

    docs/architecture.md, invariant 1. Written by hand: the ORM's UPDATE cost five times
    its CPU (bench/profile_hot_paths.py).
    """
    with connection.cursor() as cursor:
        cursor.execute(*_take_seats_sql(session, seats))
        taken = cursor.rowcount
    if not taken:
        raise _sold_out(seats_left=0)


def _take_seats_sql(session: Session, seats: int) -> tuple[str, list]:
    return _take_seats_statement(), [seats, session.pk, Session.Status.PUBLISHED, seats]


def _insert_booking(
    *,
    visitor: User,
    session: Session,
    party_size: int,
    attendees: Sequence[Attendee],
    now: datetime,
    booking_id: int,
    seats: int = 0,
) -> Booking:
    """Booking, one ticket per seat and the confirmation, and `seats` taken.

    With an id drawn beforehand (`_lock_visitor` on PostgreSQL) all of it is one
    statement; otherwise three INSERTs and the seats' UPDATE, last either way so the
    session's row stays locked the shortest time.
    Preconditions: the caller holds the visitor's row lock (the attendee mail cap) and
    runs in `_retried_on_collision` (the reference).
    """
    booking = Booking(
        pk=booking_id or None,
        reference=booking_reference_new(),
        visitor=visitor,
        session=session,
        party_size=party_size,
    )
    if not booking_id:
        rows_insert([booking])
    named = list(attendees)[:party_size]
    named += [Attendee()] * (party_size - len(named))
    if not named[0].name:
        named[0] = Attendee(name=visitor.name, email=named[0].email)
    mailed = attendee_addresses_to_mail(
        visitor=visitor, emails=[attendee.email for attendee in named], now=now
    )
    booking.tickets_created = [
        Ticket(
            booking=booking,
            session=session,
            attendee_name=attendee.name,
            attendee_email=attendee.email,
            mail_attendee=attendee.email.lower() in mailed,
        )
        for attendee in named
    ]
    confirmation = notification_rows(messages.BOOKING_CONFIRMED, bookings=[booking])
    if booking_id:
        taken = rows_insert_together(
            Rows([booking], with_pk=True),
            Rows(booking.tickets_created),
            Rows(confirmation, ignore_conflicts=True),
            then=_take_seats_sql(session, seats) if seats else None,
        )
        if seats and not taken:
            raise _sold_out(seats_left=0)
    else:
        rows_insert(booking.tickets_created)
        rows_insert(confirmation, ignore_conflicts=True)
        if seats:
            _take_seats(session, seats)
    notifications_written(confirmation)
    _count_booking_on_commit(booking)
    return booking


# --- Bookings --------------------------------------------------------------------------


@_retried_on_collision
def booking_create(
    *,
    visitor: User,
    session_id: int,
    party_size: int,
    attendees: Sequence[Attendee] = (),
    now: datetime | None = None,
) -> Booking:
    """Book seats for a party: a booking, its tickets and the confirmation e-mail.

    The visitor's row is locked first; one read then brings the session and the
    visitor's bookings (`booking_context`); the seats are taken by the last statement.
    """
    now = now or timezone.now()
    booking_id = _lock_visitor(visitor)
    context = booking_context(visitor_id=visitor.pk, session_id=session_id)
    session = context.session
    if session is None or session.status in (Session.Status.DRAFT, Session.Status.PENDING):
        raise NotFound()
    _check_party_size(session, party_size)
    _check_booking_window(session, now)
    if session.seats_left < party_size:  # a cheap early answer; `_take_seats` decides
        raise _sold_out(seats_left=session.seats_left)
    _refuse_unless_may_book(session, context.booked)
    return _insert_booking(
        visitor=visitor,
        session=session,
        party_size=party_size,
        attendees=attendees,
        now=now,
        booking_id=booking_id,
        seats=party_size,
    )


def booking_cancel(*, booking_id: int, by_staff: bool = False, now: datetime | None = None):
    """Cancel a booking: tickets revoked, seats freed and offered to the waitlist.

    Idempotent: cancelling a cancelled booking returns it unchanged.
    """
    now = now or timezone.now()
    session_id = Booking.objects.values_list("session_id", flat=True).get(pk=booking_id)
    with transaction.atomic():
        session = _lock_session(session_id)
        booking = Booking.objects.select_for_update().get(pk=booking_id)
        if booking.status == Booking.Status.CANCELLED:
            return booking
        if now >= session.starts_at and not by_staff:
            raise errors.TooLate()
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_at = now
        booking.cancelled_by_staff = by_staff
        booking.save(update_fields=["status", "cancelled_at", "cancelled_by_staff"])
        # Tickets already released as no-shows gave their seats back then.
        freed = _revoke_tickets(Ticket.objects.filter(booking=booking), now)
        notifications_add(messages.BOOKING_CANCELLED, bookings=[booking])
        _release_seats(session, freed, now)
    return booking


def _lock_session(session_id: int) -> Session:
    return Session.objects.select_for_update(no_key=True).get(pk=session_id)


def _revoke_tickets(tickets, now: datetime) -> int:
    return tickets.filter(status=Ticket.Status.VALID).update(
        status=Ticket.Status.CANCELLED, revoked_at=now
    )


def _release_seats(session: Session, seats: int, now: datetime) -> None:
    """Give seats back and offer them to the waitlist. Caller holds the session lock."""
    if seats:
        session.seats_taken -= seats
        Session.objects.filter(pk=session.pk).update(seats_taken=F("seats_taken") - seats)
    waitlist_offer_free_seats(session=session, now=now)


# --- Waitlist --------------------------------------------------------------------------


def waitlist_offer_free_seats(*, session: Session, now: datetime) -> list[WaitlistEntry]:
    """Offer free seats to the first waiting parties that fit, holding the seats.

    Precondition: the caller holds `session`'s row lock and `session.seats_taken` is fresh.
    """
    assert connection.in_atomic_block
    free = session.capacity - session.seats_taken
    if free <= 0 or session.status != Session.Status.PUBLISHED or now >= _offers_close(session):
        return []
    candidates = list(
        WaitlistEntry.objects.select_for_update()
        .filter(session=session, status=WaitlistEntry.Status.WAITING, party_size__lte=free)
        .order_by("created_at", "id")[:free]
    )
    offered = []
    for entry in candidates:
        if entry.party_size <= free:
            offered.append(entry)
            free -= entry.party_size
    if not offered:
        return []
    expires_at = min(
        now + timedelta(minutes=settings.WAITLIST_OFFER_MINUTES), _offers_close(session)
    )
    WaitlistEntry.objects.filter(pk__in=[entry.pk for entry in offered]).update(
        status=WaitlistEntry.Status.OFFERED, offered_at=now, offer_expires_at=expires_at
    )
    held = sum(entry.party_size for entry in offered)
    Session.objects.filter(pk=session.pk).update(seats_taken=F("seats_taken") + held)
    session.seats_taken += held
    notifications_add(messages.WAITLIST_OFFER, waitlist_entries=offered)
    return offered


def _offers_close(session: Session) -> datetime:
    """Offers end at the start, or at the end where no-shows' seats are released."""
    return session.ends_at if session.no_show_release_minutes is not None else session.starts_at


@transaction.atomic
def waitlist_join(
    *, visitor: User, session_id: int, party_size: int, now: datetime | None = None
) -> WaitlistEntry:
    """Queue a whole party for a session that cannot seat it now."""
    now = now or timezone.now()
    session = Session.objects.select_related("venue").filter(pk=session_id).first()
    if session is None or session.status in (Session.Status.DRAFT, Session.Status.PENDING):
        raise NotFound()
    _check_party_size(session, party_size)
    _check_booking_window(session, now)
    _lock_visitor(visitor)
    if Booking.objects.filter(
        visitor=visitor, session=session, status=Booking.Status.CONFIRMED
    ).exists():
        raise errors.AlreadyBooked()
    open_entries = WaitlistEntry.objects.filter(
        visitor=visitor, status__in=WaitlistEntry.OPEN_STATUSES
    )
    if open_entries.filter(session=session).exists():
        raise errors.AlreadyWaiting()
    # Like the daily booking cap: one account cannot queue for the whole programme.
    if open_entries.count() >= settings.MAX_OPEN_WAITLIST_ENTRIES_PER_VISITOR:
        raise errors.WaitlistLimitReached()
    someone_waiting = WaitlistEntry.objects.filter(
        session=session, status=WaitlistEntry.Status.WAITING
    ).exists()
    if session.seats_left >= party_size and not someone_waiting:
        raise errors.SeatsAvailable(extra={"seats_left": session.seats_left})
    return WaitlistEntry.objects.create(session=session, visitor=visitor, party_size=party_size)


@_retried_on_collision
def waitlist_accept(*, entry_id: int, visitor: User, now: datetime | None = None) -> Booking:
    """Turn an open offer into a booking; the seats were held when it was offered."""
    now = now or timezone.now()
    booking_id = _lock_visitor(visitor)  # the visitor's row before the entry, as everywhere
    entry = (
        WaitlistEntry.objects.select_for_update()
        .filter(pk=entry_id, visitor=visitor)
        .select_related("session")
        .first()
    )
    if entry is None:
        raise NotFound()
    if entry.status != WaitlistEntry.Status.OFFERED or entry.offer_expires_at <= now:
        raise errors.OfferNotOpen(extra={"status": entry.status})
    session = entry.session
    if session.status != Session.Status.PUBLISHED or now >= _offers_close(session):
        raise errors.BookingClosed()
    _check_visitor_may_book(visitor, session)
    booking = _insert_booking(
        visitor=visitor,
        session=session,
        party_size=entry.party_size,
        attendees=(),
        now=now,
        booking_id=booking_id,
    )
    entry.status = WaitlistEntry.Status.ACCEPTED
    entry.booking = booking
    entry.save(update_fields=["status", "booking"])
    return booking


def waitlist_leave(*, entry_id: int, visitor: User, now: datetime | None = None) -> WaitlistEntry:
    """Leave the queue, or decline an open offer so its seats go to the next party."""
    now = now or timezone.now()
    session_id = (
        WaitlistEntry.objects.filter(pk=entry_id, visitor=visitor)
        .values_list("session_id", flat=True)
        .first()
    )
    if session_id is None:
        raise NotFound()
    with transaction.atomic():
        session = _lock_session(session_id)
        entry = WaitlistEntry.objects.select_for_update().get(pk=entry_id)
        if entry.status == WaitlistEntry.Status.WAITING:
            entry.status = WaitlistEntry.Status.LEFT
            entry.save(update_fields=["status"])
        elif entry.status == WaitlistEntry.Status.OFFERED:
            entry.status = WaitlistEntry.Status.DECLINED
            entry.save(update_fields=["status"])
            _release_seats(session, entry.party_size, now)
    return entry


def waitlist_expire_offers(*, now: datetime | None = None) -> int:
    """Expire lapsed offers and pass their seats on. Run periodically by Celery beat."""
    now = now or timezone.now()
    session_ids = (
        WaitlistEntry.objects.filter(status=WaitlistEntry.Status.OFFERED, offer_expires_at__lte=now)
        .values_list("session_id", flat=True)
        .distinct()
    )
    expired_count = 0
    for session_id in list(session_ids):
        with transaction.atomic():
            session = _lock_session(session_id)
            lapsed = list(
                WaitlistEntry.objects.select_for_update().filter(
                    session_id=session_id,
                    status=WaitlistEntry.Status.OFFERED,
                    offer_expires_at__lte=now,
                )
            )
            if not lapsed:
                continue
            WaitlistEntry.objects.filter(pk__in=[entry.pk for entry in lapsed]).update(
                status=WaitlistEntry.Status.EXPIRED
            )
            notifications_add(messages.OFFER_EXPIRED, waitlist_entries=lapsed)
            _release_seats(session, sum(entry.party_size for entry in lapsed), now)
            expired_count += len(lapsed)
    return expired_count


def tickets_release_no_shows(*, now: datetime | None = None) -> int:
    """Free the seats of tickets nobody scanned N minutes into a session that asks for it.

    The seats go to the waitlist as short offers (until the session ends) and the
    visitor is told. Run periodically by Celery beat.
    """
    now = now or timezone.now()
    due = (
        Session.objects.filter(
            status=Session.Status.PUBLISHED,
            no_show_release_minutes__isnull=False,
            ends_at__gt=now,
            starts_at__lte=now,
            tickets__status=Ticket.Status.VALID,
            tickets__first_checked_in_at__isnull=True,
        )
        .values_list("pk", "starts_at", "no_show_release_minutes")
        .distinct()
    )
    released = 0
    for session_id, starts_at, minutes in list(due):
        if now < starts_at + timedelta(minutes=minutes):
            continue
        with transaction.atomic():
            session = _lock_session(session_id)
            unscanned = Ticket.objects.filter(
                session=session, status=Ticket.Status.VALID, first_checked_in_at__isnull=True
            )
            booking_ids = set(unscanned.values_list("booking_id", flat=True))
            count = unscanned.update(status=Ticket.Status.RELEASED, revoked_at=now)
            notifications_add(
                messages.TICKET_RELEASED,
                bookings=Booking.objects.filter(pk__in=booking_ids),
            )
            _release_seats(session, count, now)
            released += count
    return released


# --- Walk-ins --------------------------------------------------------------------------


@_retried_on_collision
def walk_in_issue(
    *, session_id: int, staff: User, name: str, email: str = "", now: datetime | None = None
) -> Ticket:
    """One seat for someone at the door: a booking owned by `staff`, a ticket naming them.

    The seat is taken like any booking's (docs/architecture.md, invariant 1), so it can
    only be one that no booking and no open waitlist offer holds. With an address, the
    attendee gets the usual confirmation with the ticket (`messages.py`, walk-ins).
    """
    now = now or timezone.now()
    session = Session.objects.filter(pk=session_id).first()
    if session is None or session.status in (Session.Status.DRAFT, Session.Status.PENDING):
        raise NotFound()
    opens_at = walk_ins_open_at(session)
    if (
        session.status != Session.Status.PUBLISHED
        or opens_at is None
        or not opens_at <= now < session.ends_at
    ):
        raise errors.WalkInsClosed(extra={"opens_at": opens_at and opens_at.isoformat()})
    booking = Booking.objects.create(
        reference=booking_reference_new(),
        visitor=staff,
        session=session,
        party_size=1,
        walk_in=True,
    )
    ticket = Ticket.objects.create(
        booking=booking,
        session=session,
        attendee_name=name,
        attendee_email=email,
        mail_attendee=bool(email),
    )
    if email:
        notifications_add(messages.BOOKING_CONFIRMED, bookings=[booking])
    _count_booking_on_commit(booking)
    try:
        _take_seats(session, 1)
    except errors.SoldOut:
        raise errors.SoldOut(extra={"seats_left": 0}) from None
    return ticket


# --- Sessions --------------------------------------------------------------------------


def session_bookings_cancel(*, session: Session, now: datetime) -> None:
    """A cancelled session takes its bookings and waitlist with it; everyone is told.

    Precondition: inside the cancellation's transaction with the session's row locked
    (`expo.events.services.session_cancel`). Waitlist entries are closed before bookings
    are cancelled, so an offer accepted concurrently is committed first and then
    cancelled with the rest.
    """
    assert connection.in_atomic_block
    open_entries = list(
        WaitlistEntry.objects.select_for_update().filter(
            session=session, status__in=WaitlistEntry.OPEN_STATUSES
        )
    )
    WaitlistEntry.objects.filter(pk__in=[entry.pk for entry in open_entries]).update(
        status=WaitlistEntry.Status.CLOSED
    )
    bookings = list(
        Booking.objects.select_for_update().filter(session=session, status=Booking.Status.CONFIRMED)
    )
    Booking.objects.filter(pk__in=[booking.pk for booking in bookings]).update(
        status=Booking.Status.CANCELLED, cancelled_at=now, cancelled_by_staff=True
    )
    _revoke_tickets(Ticket.objects.filter(session=session), now)
    notifications_add(messages.SESSION_CANCELLED, bookings=bookings, waitlist_entries=open_entries)


def session_bookings_tell_moved(*, session: Session) -> None:
    """Tell everyone booked that the session's time or place changed.

    Precondition: inside the change's transaction.
    """
    bookings = Booking.objects.filter(session=session, status=Booking.Status.CONFIRMED)
    version = session.updated_at.strftime("%Y%m%d%H%M%S%f")
    notifications_add(messages.SESSION_CHANGED, bookings=bookings, suffix=version)


# --- Idempotency -----------------------------------------------------------------------


def request_fingerprint(*, method: str, path: str, body) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def idempotent_request(
    *,
    user: User,
    key: str,
    fingerprint: str,
    perform: Callable[[], tuple[int, dict]],
    now: datetime | None = None,
) -> tuple[int, dict]:
    """Run `perform` once per (user, key); a retry gets the first response back.

    docs/architecture.md, invariant 3. The key row is inserted first in the same
    transaction as the work: a racing duplicate blocks on the unique index until the
    first commits, then replays its stored response. If the work fails, the key goes
    with it and may be retried.
    """
    now = now or timezone.now()
    with transaction.atomic():
        IdempotencyKey.objects.filter(user=user, key=key, expires_at__lte=now).delete()
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(
                    user=user,
                    key=key,
                    request_hash=fingerprint,
                    expires_at=now + settings.IDEMPOTENCY_KEY_TTL,
                )
        except IntegrityError:
            record = IdempotencyKey.objects.get(user=user, key=key)
            if record.request_hash != fingerprint:
                raise errors.IdempotencyMismatch() from None
            if record.response_status is None:
                raise errors.IdempotencyInProgress() from None
            return record.response_status, record.response_body
        status, body = perform()
        record.response_status = status
        record.response_body = body
        record.save(update_fields=["response_status", "response_body"])
    return status, body


def idempotency_keys_purge(*, now: datetime | None = None) -> int:
    deleted, _ = IdempotencyKey.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
