"""Writes to the catalogue. Booking-side effects (waitlist offers) are called from here."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from expo.bookings.messages import SESSION_CHANGED
from expo.bookings.models import Booking
from expo.bookings.services import waitlist_offer_free_seats
from expo.core.exceptions import Conflict, InvalidInput, NotFound
from expo.events.models import Session
from expo.exhibitors.messages import SESSION_APPROVED, SESSION_REJECTED
from expo.exhibitors.models import Membership
from expo.notifications.outbox import notification_to_person_add, notifications_add


class CapacityBelowBooked(Conflict):
    code = "capacity_below_booked"
    default_detail = "The capacity cannot be lower than the seats already booked."


class SessionNotEditable(Conflict):
    code = "session_not_editable"
    default_detail = "A cancelled session cannot be edited."


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
        _tell_booked_visitors_of_change(session)
    # More capacity (or a newly published session) may seat parties on the waitlist.
    waitlist_offer_free_seats(session=session, now=timezone.now())
    return session


def _tell_booked_visitors_of_change(session: Session) -> None:
    bookings = Booking.objects.filter(session=session, status=Booking.Status.CONFIRMED)
    version = session.updated_at.strftime("%Y%m%d%H%M%S%f")
    notifications_add(SESSION_CHANGED, bookings=bookings, suffix=version)


# --- Sessions proposed by exhibitors --------------------------------------------------


class SessionNotPending(Conflict):
    code = "session_not_pending"
    default_detail = "Only a session waiting for approval can be changed this way."


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
    _tell_proposer(session, SESSION_APPROVED)
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
    _tell_proposer(session, SESSION_REJECTED)
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


def _tell_proposer(session: Session, kind: str) -> None:
    """The member who proposed it, while still a member; else the organisation's owners;
    else its contact address. A session sent back to `pending` and decided again is told
    again: the key carries the moment of the decision."""
    host = session.host
    if host is None:  # a staff-made session put to pending by hand: nobody to tell
        return
    members = Membership.objects.filter(exhibitor=host).select_related("user")
    recipients = [m.user for m in members if m.user_id == session.proposed_by_id]
    if not recipients:
        recipients = [m.user for m in members if m.role == Membership.Role.OWNER]
    context = {
        "session_id": session.pk,
        "title_sv": session.title_sv,
        "title_en": session.title_en,
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
        "venue_name": session.venue.name,
        "exhibitor_name": host.name,
        "exhibitor_slug": host.slug,
        "reason": session.status_reason,
        "session_url": f"{settings.SITE_URL}/sessions/{session.pk}/",
        # For the mail footer (expo/events/templatetags/expo_dates.py).
        "expo_starts_on": session.expo.starts_on.isoformat(),
        "expo_ends_on": session.expo.ends_on.isoformat(),
    }
    stamp = session.updated_at.strftime("%Y%m%d%H%M%S%f")
    for user in recipients:
        notification_to_person_add(
            kind,
            key=f"session:{session.pk}:{kind}:{stamp}:user-{user.pk}",
            user=user,
            email=user.email,
            context=context,
        )
    if not recipients and host.contact_email:
        notification_to_person_add(
            kind,
            key=f"session:{session.pk}:{kind}:{stamp}:contact",
            email=host.contact_email,
            context=context,
        )
