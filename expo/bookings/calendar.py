"""iCalendar files: one session to add to a calendar, and a visitor's personal feed.

Both build their events with `_session_event`, so a session looks the same in an
e-mail attachment, a download and a subscribed feed. Times are written in UTC (no
VTIMEZONE needed); calendar apps show them in the reader's own zone.
"""

from datetime import UTC, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext
from icalendar import Alarm, Calendar, Event

from expo.accounts.models import User
from expo.bookings.models import Booking
from expo.events.models import Session
from expo.events.selectors import PUBLIC_SESSION_STATUSES

UID_DOMAIN = "h22.example"
CALENDAR_NAME = "H22 City Expo"
PRODUCT_ID = "-//H22 City Expo//Bookings//EN"
REMINDER_BEFORE = timedelta(hours=2)
# Subscribed calendars poll; hourly keeps a cancelled session from lingering for a day.
FEED_REFRESH = timedelta(hours=1)


def calendar_session_get(*, session_id: int) -> Session | None:
    """A session anyone may put in a calendar: published, or cancelled so clients drop it."""
    return (
        Session.objects.filter(pk=session_id, status__in=PUBLIC_SESSION_STATUSES)
        .select_related("venue")
        .first()
    )


def session_ics(session: Session, *, language: str) -> bytes:
    """One session as an ``.ics`` file, in `language` (``sv`` or ``en``)."""
    calendar = _calendar()
    with translation.override(language):
        calendar.add_component(_session_event(session, uid=f"session-{session.pk}@{UID_DOMAIN}"))
    return calendar.to_ical()


def visitor_calendar_bookings(*, user: User) -> QuerySet[Booking]:
    """The visitor's own confirmed bookings, sessions and venues in the same query.

    Deliberately not `selectors.booking_list`: that one shows staff everyone's bookings,
    and a personal feed is personal for staff too.
    """
    return (
        Booking.objects.filter(visitor=user, status=Booking.Status.CONFIRMED)
        .select_related("session__venue")
        .order_by("session__starts_at", "pk")
    )


def visitor_calendar_ics(user: User) -> bytes:
    """The personal feed behind the secret calendar link: one event per confirmed booking."""
    calendar = _calendar()
    calendar.add("x-wr-calname", CALENDAR_NAME)
    calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", FEED_REFRESH)
    with translation.override(user.language):
        for booking in visitor_calendar_bookings(user=user):
            note = ngettext(
                "Booking %(reference)s, %(count)d ticket.",
                "Booking %(reference)s, %(count)d tickets.",
                booking.party_size,
            ) % {"reference": booking.reference, "count": booking.party_size}
            event = _session_event(
                booking.session, uid=f"booking-{booking.reference}@{UID_DOMAIN}", note=note
            )
            calendar.add_component(event)
    return calendar.to_ical()


def _calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    return calendar


def _session_event(session: Session, *, uid: str, note: str = "") -> Event:
    """A VEVENT for `session` in the active language; `note` leads the description.

    Expects `session.venue` loaded (select_related) when called in a loop.
    """
    venue = session.venue
    cancelled = session.status == Session.Status.CANCELLED
    event = Event()
    event.add("uid", uid)
    # DTSTAMP of a published calendar is when the information last changed (RFC 5545
    # 3.8.7.2); the wall clock would make every poll look like an update.
    event.add("dtstamp", session.updated_at.astimezone(UTC))
    event.add("last-modified", session.updated_at.astimezone(UTC))
    event.add("dtstart", session.starts_at.astimezone(UTC))
    event.add("dtend", session.ends_at.astimezone(UTC))
    event.add("summary", session.title)
    event.add("location", ", ".join(part for part in (venue.name, venue.address) if part))
    if venue.latitude is not None and venue.longitude is not None:
        event.add("geo", (float(venue.latitude), float(venue.longitude)))
    description = "\n\n".join(part for part in (note, session.description) if part)
    if description:
        event.add("description", description)
    event.add("url", session_public_url(session))
    event.add("categories", [str(session.get_kind_display())])
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    if not cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", -REMINDER_BEFORE)
        alarm.add("description", session.title)
        event.add_component(alarm)
    return event


def session_public_url(session: Session) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("session-detail", kwargs={"pk": session.pk})
