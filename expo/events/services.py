"""Writes to the catalogue. Booking-side effects (waitlist offers) are called from here."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from expo.bookings.models import Booking, Notification
from expo.bookings.outbox import notifications_add
from expo.bookings.services import waitlist_offer_free_seats
from expo.core.exceptions import Conflict, InvalidInput
from expo.events.models import Session


class CapacityBelowBooked(Conflict):
    code = "capacity_below_booked"
    default_detail = "The capacity cannot be lower than the seats already booked."


class SessionNotEditable(Conflict):
    code = "session_not_editable"
    default_detail = "A cancelled session cannot be edited."


def _check_times(*, starts_at, ends_at, booking_opens_at, booking_closes_at) -> None:
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
    notifications_add(Notification.Kind.SESSION_CHANGED, bookings=bookings, suffix=version)
