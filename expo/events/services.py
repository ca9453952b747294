"""Writes to the catalogue. It tells the apps above it through `signals.py`, sent inside
the change's transaction; it never calls them (docs/architecture.md)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone

from expo.core.exceptions import InvalidInput, NotFound
from expo.events import signals
from expo.events.errors import CapacityBelowBooked, SessionNotEditable, SessionNotPending
from expo.events.models import Session

# When a session's times may fall. Instants near the ends of Python's calendar (year 1,
# year 9999) parse, but overflow once shown in the expo's time zone, opened for scanning
# or counted into a visitor's day: a booking or a scan would answer 500.
SESSION_TIMES_FROM = datetime(2000, 1, 1, tzinfo=UTC)
SESSION_TIMES_UNTIL = datetime(3000, 1, 1, tzinfo=UTC)


def _check_times_in_range(**times) -> None:
    errors = {
        name: [f"Pick a time from {SESSION_TIMES_FROM:%Y} to {SESSION_TIMES_UNTIL.year - 1}."]
        for name, value in times.items()
        if value is not None and not SESSION_TIMES_FROM <= value < SESSION_TIMES_UNTIL
    }
    if errors:
        raise InvalidInput("Some fields are not valid.", fields=errors)


def _check_times(*, starts_at, ends_at, booking_opens_at, booking_closes_at) -> None:
    _check_times_in_range(
        starts_at=starts_at,
        ends_at=ends_at,
        booking_opens_at=booking_opens_at,
        booking_closes_at=booking_closes_at,
    )
    errors = {}
    if ends_at <= starts_at:
        errors["ends_at"] = ["The session must end after it starts."]
    if booking_opens_at and booking_closes_at and booking_closes_at <= booking_opens_at:
        errors["booking_closes_at"] = ["Booking must close after it opens."]
    if errors:
        raise InvalidInput("Some fields are not valid.", fields=errors)


@transaction.atomic
def session_create(*, data: dict, proposed_by=None) -> Session:
    """A new session; its expo is its venue's."""
    themes = data.pop("themes", [])
    _check_times(
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        booking_opens_at=data.get("booking_opens_at"),
        booking_closes_at=data.get("booking_closes_at"),
    )
    session = Session.objects.create(expo=data["venue"].expo, proposed_by=proposed_by, **data)
    session.themes.set(themes)
    return session


@transaction.atomic
def session_update(*, session_id: int, data: dict) -> Session:
    """Edit a session. Capacity may not drop below the seats already taken.

    The session row is locked so that a concurrent booking cannot slip between the
    capacity check and the write.
    """
    session = Session.objects.select_for_update(no_key=True).get(pk=session_id)
    if session.status == Session.Status.CANCELLED:
        raise SessionNotEditable()
    before = (session.starts_at, session.ends_at, session.venue_id)
    themes = data.pop("themes", None)
    for field, value in data.items():
        setattr(session, field, value)
    _check_times(
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        booking_opens_at=session.booking_opens_at,
        booking_closes_at=session.booking_closes_at,
    )
    if session.capacity < session.seats_taken:
        raise CapacityBelowBooked(extra={"seats_taken": session.seats_taken})
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError as exc:  # a constraint we did not foresee: still the contract's shape
        raise InvalidInput(str(exc)) from exc
    if themes is not None:
        session.themes.set(themes)
    if before != (session.starts_at, session.ends_at, session.venue_id):
        signals.session_moved.send(sender=Session, session=session)
    # More capacity (or a newly published session) may seat parties on the waitlist.
    signals.session_seats_may_be_free.send(sender=Session, session=session, now=timezone.now())
    return session


def session_cancel(*, session_id: int, reason: str = "", now: datetime | None = None) -> Session:
    """Staff cancel a session: it holds no seats any more, and every booking and waitlist
    entry goes with it (`signals.session_cancelled`, received by bookings).

    Idempotent. The session's row is locked first, so no booking or offer can slip in.
    """
    now = now or timezone.now()
    with transaction.atomic():
        session = Session.objects.select_for_update(no_key=True).get(pk=session_id)
        if session.status == Session.Status.CANCELLED:
            return session
        session.status = Session.Status.CANCELLED
        session.status_reason = reason
        session.seats_taken = 0
        session.save(update_fields=["status", "status_reason", "seats_taken", "updated_at"])
        signals.session_cancelled.send(sender=Session, session=session, now=now)
    return session


# --- Sessions proposed by exhibitors --------------------------------------------------


def session_proposal_check(*, host, venue, starts_at, ends_at, now=None) -> None:
    """What a proposal must satisfy beyond a staff-made session: the host's expo, its days,
    and a start still ahead. Raises `InvalidInput` naming the fields."""
    _check_times_in_range(starts_at=starts_at, ends_at=ends_at)
    now = now or timezone.now()
    expo = host.expo
    errors = {}
    if venue.expo_id != host.expo_id:
        errors["venue"] = ["This venue is not part of your expo."]
    zone = ZoneInfo(expo.time_zone)
    first, last = starts_at.astimezone(zone).date(), ends_at.astimezone(zone).date()
    if first < expo.starts_on or last > expo.ends_on:
        errors["starts_at"] = [
            f"The session must take place during the expo ({expo.starts_on} – {expo.ends_on})."
        ]
    elif starts_at <= now:
        errors["starts_at"] = ["The session must start in the future."]
    if errors:
        raise InvalidInput("Some fields are not valid.", fields=errors)


@transaction.atomic
def session_propose(*, host, data: dict, proposed_by) -> Session:
    """An exhibitor's proposal: hosted by them, `pending` until expo staff decide."""
    session_proposal_check(
        host=host, venue=data["venue"], starts_at=data["starts_at"], ends_at=data["ends_at"]
    )
    data = {**data, "host": host, "status": Session.Status.PENDING, "status_reason": ""}
    return session_create(data=data, proposed_by=proposed_by)


@transaction.atomic
def session_approve(*, session_id: int, approved_by) -> Session:
    """Publish a pending proposal and tell the exhibitor. Visitors can book it at once."""
    session = _pending_session_locked(session_id)
    session.status = Session.Status.PUBLISHED
    session.status_reason = ""
    session.save(update_fields=["status", "status_reason", "updated_at"])
    signals.session_proposal_decided.send(sender=Session, session=session, approved=True)
    return session


@transaction.atomic
def session_reject(*, session_id: int, reason: str, rejected_by) -> Session:
    """Turn a proposal down with a reason the exhibitor reads in their e-mail."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(fields={"reason": ["Say why, so the exhibitor can do better."]})
    session = _pending_session_locked(session_id)
    session.status = Session.Status.REJECTED
    session.status_reason = reason
    session.save(update_fields=["status", "status_reason", "updated_at"])
    signals.session_proposal_decided.send(sender=Session, session=session, approved=False)
    return session


def _pending_session_locked(session_id: int) -> Session:
    session = (
        Session.objects.select_for_update(no_key=True, of=("self",))
        .select_related("host", "venue", "expo")
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        raise NotFound()
    if session.status != Session.Status.PENDING:
        raise SessionNotPending(extra={"status": session.status})
    return session
