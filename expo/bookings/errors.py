"""Why a booking, cancellation or waitlist request is refused: a stable code each."""

from django.utils.translation import gettext_lazy as _
from rest_framework import status

from expo.core.exceptions import Conflict, ExpoError, InvalidInput


class SoldOut(Conflict):
    code = "sold_out"
    default_detail = _("There are not enough seats left for your party.")


class BookingClosed(Conflict):
    code = "booking_closed"
    default_detail = _("This session cannot be booked now.")


class Overlap(Conflict):
    code = "overlap"
    default_detail = _("You already have a booking at the same time.")


class AlreadyBooked(Conflict):
    code = "already_booked"
    default_detail = _("You have already booked this session.")


class DailyLimitReached(Conflict):
    code = "daily_limit"
    default_detail = _("You have reached the number of bookings allowed per day.")


class InvalidPartySize(InvalidInput):
    default_detail = _("The party size is outside what this session allows.")


class TooLate(Conflict):
    code = "too_late"
    default_detail = _("The session has already started.")


class IdempotencyMismatch(ExpoError):
    code = "idempotency_mismatch"
    http_status = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("This Idempotency-Key was used with a different request.")


class IdempotencyInProgress(Conflict):
    code = "idempotency_in_progress"
    default_detail = _("A request with this Idempotency-Key is still being processed.")


class AlreadyWaiting(Conflict):
    code = "already_waiting"
    default_detail = _("You are already on the waitlist for this session.")


class WaitlistLimitReached(Conflict):
    code = "waitlist_limit"
    default_detail = _("You are already waiting for as many sessions as one visitor may.")


class SeatsAvailable(Conflict):
    code = "seats_available"
    default_detail = _("There are seats for your party: book them instead of waiting.")


class OfferNotOpen(Conflict):
    code = "offer_not_open"
    default_detail = _("This waitlist offer is no longer open.")


class SessionAlreadyCancelled(Conflict):
    code = "session_cancelled"
    default_detail = _("This session is already cancelled.")


class WalkInsClosed(Conflict):
    code = "walk_ins_closed"
    default_detail = _(
        "Seats are given at the door only after the no-show release, until the session ends."
    )
