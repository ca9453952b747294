"""CSV files that open right in a spreadsheet and cannot attack it.

- UTF-8 with a byte-order mark: without it Excel reads UTF-8 as Windows-1252 and
  «Ängelholm» arrives as «Ã„ngelholm».
- Every field quoted by the `csv` module (RFC 4180, quotes doubled). Comma by default;
  `;` on request, which is what Excel expects where the decimal separator is a comma, as
  in Sweden.
- Formula injection (OWASP "CSV injection"): a visitor's name or an exhibitor's note
  that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would run as a
  formula when the file is opened. Such text cells get a leading apostrophe, which
  spreadsheets show as text. The same goes after a ``;`` or ``,`` inside a cell: a
  Swedish Excel opening a comma file splits on ``;`` whatever the quotes, so
  ``x;=1+2`` would hand it a cell ``=1+2``. Numbers are written as numbers.
"""

import csv
import re
from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _

from expo.bookings.models import Booking
from expo.exhibitors import selectors
from expo.exhibitors.serializers import booking_shares_contact

BOM = "\ufeff"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
DELIMITERS = {"comma": ",", "semicolon": ";"}
_TRIGGER_AFTER_DELIMITER = re.compile(r"([;,])(?=[=+\-@\t\r])")


def csv_cell(value) -> str | int | float:
    """One cell as text a spreadsheet shows and never evaluates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime):
        local = value.astimezone(ZoneInfo(settings.EXPO_TIME_ZONE))
        return local.strftime("%Y-%m-%d %H:%M")
    text = _TRIGGER_AFTER_DELIMITER.sub(r"\1'", str(value))
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def csv_response(
    *, filename: str, header: list[str], rows: Iterable[Iterable], delimiter: str = ","
) -> HttpResponse:
    """An attachment download. Times are in the expo's time zone, as people read them."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Personal data: not for shared caches, nor the browser's.
    response["Cache-Control"] = "no-store"
    response.write(BOM)
    writer = csv.writer(response, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow([csv_cell(title) for title in header])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return response


def session_attendees_csv(*, exhibitor, session, delimiter: str = ",") -> HttpResponse:
    """One row per ticket of the confirmed bookings of an own session (the portal's API
    and its page). The booker's name and e-mail, and the name on their own ticket, only
    where they share them with this exhibitor; guests' names never."""
    bookings = selectors.hosted_session_booking_list(
        exhibitor=exhibitor, session=session, status=Booking.Status.CONFIRMED
    )
    header = [
        _("Booking"),
        _("Ticket"),
        _("Attendee"),
        _("Ticket status"),
        _("Checked in"),
        _("First check-in"),
        _("Booked by"),
        _("Booked by e-mail"),
        _("Party size"),
        _("Booked at"),
    ]

    def rows():
        for booking in bookings:
            shared = booking_shares_contact(booking)
            for ticket in booking.tickets.all():
                yield [
                    booking.reference,
                    ticket.pk,
                    selectors.attendee_name_shared(booking, ticket),
                    ticket.status,
                    ticket.first_checked_in_at is not None,
                    ticket.first_checked_in_at,
                    booking.visitor.name if shared else "",
                    booking.visitor.email if shared else "",
                    booking.party_size,
                    booking.created_at,
                ]

    return csv_response(
        filename=f"{exhibitor.slug}-session-{session.pk}-attendees.csv",
        header=header,
        rows=rows(),
        delimiter=delimiter,
    )


def leads_csv(*, exhibitor, delimiter: str = ",") -> HttpResponse:
    """Leads with their contact, oldest first; withdrawn leads are left out."""
    current = (
        selectors.lead_list(exhibitor=exhibitor)
        .filter(withdrawn_at__isnull=True)
        .order_by("created_at", "id")
    )
    header = [_("Name"), _("E-mail"), _("Note"), _("Scanned by"), _("Scanned at")]
    rows = (
        [
            lead.name,
            lead.email,
            lead.note,
            (lead.scanned_by.name or lead.scanned_by.email) if lead.scanned_by else "",
            lead.created_at,
        ]
        for lead in current
    )
    return csv_response(
        filename=f"{exhibitor.slug}-leads.csv", header=header, rows=rows, delimiter=delimiter
    )
