"""The catalogue's errors, each with its stable `code` (expo/core/exceptions.py)."""

from expo.core.exceptions import Conflict


class CapacityBelowBooked(Conflict):
    code = "capacity_below_booked"
    default_detail = "The capacity cannot be lower than the seats already booked."


class SessionNotEditable(Conflict):
    code = "session_not_editable"
    default_detail = "A cancelled session cannot be edited."


class SessionNotPending(Conflict):
    code = "session_not_pending"
    default_detail = "Only a session waiting for approval can be changed this way."
