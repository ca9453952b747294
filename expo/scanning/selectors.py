"""Reads for the gates.

`scan_subjects` is the read every scan makes, written in SQL: the ORM took about 2.4 ms
of CPU to build and load its two queries (the entrance with its venue, the ticket with
its booking and session), ten times the database's time (bench/profile_hot_paths.py).
"""

from functools import cache

from django.db import connection

from expo.bookings.models import Booking, Ticket
from expo.core.queries import ModelColumns
from expo.events.models import Entrance, Session, Venue

# The fields a scan reads (expo/scanning/services.py).
_SUBJECTS = ModelColumns(
    (Entrance, "e", ("id", "venue", "mode")),
    (Venue, "v", ("id", "max_occupancy")),
    (
        Ticket,
        "t",
        (
            "id", "booking", "session", "attendee_name", "status", "checked_in",
            "first_checked_in_at", "first_entrance", "last_scan_at",
        ),
    ),
    (Booking, "b", ("id", "reference")),
    (Session, "s", ("id", "title_sv", "title_en", "starts_at", "ends_at", "venue")),
)  # fmt: skip


@cache
def _query() -> str:
    table = _SUBJECTS.table
    return (
        f"SELECT {_SUBJECTS.select} FROM {table(Entrance)} e"  # noqa: S608
        f" JOIN {table(Venue)} v ON v.id = e.venue_id"
        f" LEFT JOIN {table(Ticket)} t ON t.id = %s AND t.session_id = %s"
        f" LEFT JOIN {table(Booking)} b ON b.id = t.booking_id"
        f" LEFT JOIN {table(Session)} s ON s.id = t.session_id"
        " WHERE e.id = %s"
    )


def scan_subjects(
    *, entrance_id: int, ticket_id: int, session_id: int
) -> tuple[Entrance | None, Ticket | None]:
    """The entrance with its venue, and the ticket (if the code's session is its own)
    with its booking and session: one round trip."""
    with connection.cursor() as cursor:
        cursor.execute(_query(), [ticket_id, session_id, entrance_id])
        row = cursor.fetchone()
    if row is None:
        return None, None
    found = _SUBJECTS.instances(row)
    entrance, ticket = found["e"], found["t"]
    entrance.venue = found["v"]
    if ticket is not None:
        ticket.booking, ticket.session = found["b"], found["s"]
    return entrance, ticket
