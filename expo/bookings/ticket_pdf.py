"""Tickets as a PDF, one to an A4 page: what a visitor prints or keeps offline.

reportlab draws it: the maintained, pure-Python PDF toolkit on PyPI with no system
libraries to install (unlike HTML-to-PDF renderers, which need Pango or a browser), so
the web image stays as it is. Its built-in Helvetica covers Swedish and English text.
The QR is the same PNG the ticket e-mail carries (expo/bookings/qr.py).
"""

import io
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Image, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table

from expo.bookings.models import Booking
from expo.bookings.qr import ticket_qr_png
from expo.bookings.selectors import PrintableTicket

QR_SIZE = 95 * mm  # a gate camera locks on from arm's length, even on a creased print-out
_BASE = ParagraphStyle("base", fontName="Helvetica", fontSize=12, leading=16)
_SMALL = ParagraphStyle("small", parent=_BASE, fontSize=10, leading=13)
_TITLE = ParagraphStyle("title", parent=_BASE, fontName="Helvetica-Bold", fontSize=20, leading=25)
_NAME = ParagraphStyle("name", parent=_BASE, fontName="Helvetica-Bold", fontSize=16, leading=20)
_CODE = ParagraphStyle(
    "code", parent=_BASE, fontName="Courier-Bold", fontSize=18, leading=22, alignment=1
)


def session_time_text(booking: Booking) -> str:
    """E.g. «Onsdag 1 juni 2022, 14:00–15:00» on Helsingborg's clock, in the active language."""
    zone = ZoneInfo(settings.EXPO_TIME_ZONE)
    starts = timezone.localtime(booking.session.starts_at, zone)
    ends = timezone.localtime(booking.session.ends_at, zone)
    day = capfirst(date_format(starts, "l j F Y"))
    return f"{day}, {date_format(starts, 'H:i')}–{date_format(ends, 'H:i')}"


def booking_tickets_pdf(
    *, booking: Booking, tickets: list[PrintableTicket], entrances: list[str]
) -> bytes:
    """The PDF of `tickets`, one a page, in the active language."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"H22 City Expo {booking.reference}",
        author="H22 City Expo",
        lang=get_language() or settings.LANGUAGE_CODE,
    )
    story = []
    for index, line in enumerate(tickets):
        if index:
            story.append(PageBreak())
        story += _ticket_page(booking, line, entrances)
    document.build(story)
    return buffer.getvalue()


def _ticket_page(booking: Booking, line: PrintableTicket, entrances: list[str]) -> list:
    session, venue = booking.session, booking.session.venue

    def text(value: str, style=_BASE) -> Paragraph:
        return Paragraph(escape(value), style)

    number = _("Ticket %(number)s of %(total)s") % {"number": line.number, "total": line.total}
    where = venue.name + (f", {venue.address}" if venue.address else "")
    facts = [
        (_("When"), session_time_text(booking)),
        (_("Where"), where),
        (_("Entrance"), ", ".join(entrances) or _("Any entrance of the venue")),
        (_("Booking"), booking.reference),
    ]
    table = Table(
        [[text(label, _SMALL), text(value)] for label, value in facts],
        colWidths=[35 * mm, None],
        hAlign="LEFT",
    )
    qr = Image(io.BytesIO(ticket_qr_png(line.code)), width=QR_SIZE, height=QR_SIZE)
    return [
        text("H22 City Expo", _SMALL),
        Spacer(1, 4 * mm),
        text(session.title, _TITLE),
        Spacer(1, 3 * mm),
        text(f"{number} · {line.name or _('Guest')}", _NAME),
        Spacer(1, 4 * mm),
        qr,
        text(line.short_code, _CODE),
        Spacer(1, 6 * mm),
        table,
        Spacer(1, 6 * mm),
        text(_("Show this code at the entrance: one code per person, scanned once."), _SMALL),
    ]
