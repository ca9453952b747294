"""Calendar files: one session's .ics, and the personal feed behind a secret link."""

import re
from datetime import UTC, timedelta
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone
from icalendar import Calendar

from expo.bookings.services import booking_cancel, booking_create
from expo.events.models import Session
from tests.factories import SessionFactory, UserFactory, VenueFactory

pytestmark = pytest.mark.django_db

CALENDAR_TOKEN = "/api/v1/me/calendar-token/"


def session_ics_url(session) -> str:
    return f"/api/v1/sessions/{session.pk}/calendar.ics"


def feed_url(token: str) -> str:
    return f"/api/v1/me/calendar.ics?token={token}"


def events(response) -> list:
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content).walk("VEVENT")


def assert_not_found(response):
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "not_found"
    assert body["detail"]


def test_session_ics_has_the_session_in_utc_with_place_and_reminder(api):
    venue = VenueFactory(
        name="Dunkers kulturhus",
        address="Kungsgatan 11, Helsingborg",
        latitude=Decimal("56.047390"),
        longitude=Decimal("12.691620"),
    )
    starts_at = timezone.now().replace(microsecond=0) + timedelta(days=3)
    session = SessionFactory(
        venue=venue,
        title_en="Harbour walk",
        title_sv="Hamnpromenad",
        description_en="Along the quay.",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=90),
    )
    response = api.get(session_ics_url(session), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="h22-session-{session.pk}.ics"'
    )
    (event,) = events(response)
    assert str(event["UID"]) == f"session-{session.pk}@h22.example"
    assert event.decoded("DTSTART") == starts_at.astimezone(UTC)
    assert event.decoded("DTEND") == starts_at + timedelta(minutes=90)
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert re.search(rb"^DTSTART:\d{8}T\d{6}Z\r$", response.content, re.MULTILINE)
    assert str(event["SUMMARY"]) == "Harbour walk"
    assert str(event["LOCATION"]) == "Dunkers kulturhus, Kungsgatan 11, Helsingborg"
    assert (event["GEO"].latitude, event["GEO"].longitude) == (56.04739, 12.69162)
    assert "Along the quay." in str(event["DESCRIPTION"])
    assert str(event["URL"]).endswith(f"/api/v1/sessions/{session.pk}/")
    assert str(event["STATUS"]) == "CONFIRMED"
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == -timedelta(hours=2)


def test_session_ics_speaks_the_requests_language(api):
    session = SessionFactory(title_sv="Hamnpromenad", title_en="Harbour walk")
    sv = events(api.get(session_ics_url(session), HTTP_ACCEPT_LANGUAGE="sv"))
    en = events(api.get(session_ics_url(session), HTTP_ACCEPT_LANGUAGE="en"))
    assert str(sv[0]["SUMMARY"]) == "Hamnpromenad"
    assert str(en[0]["SUMMARY"]) == "Harbour walk"
    assert sv[0]["UID"] == en[0]["UID"]


def test_cancelled_session_is_marked_cancelled_without_a_reminder(api):
    session = SessionFactory(status=Session.Status.CANCELLED)
    response = api.get(session_ics_url(session))
    assert response.status_code == 200
    (event,) = events(response)
    assert str(event["STATUS"]) == "CANCELLED"
    assert not event.walk("VALARM")


@pytest.mark.parametrize(
    "status", [Session.Status.DRAFT, Session.Status.PENDING, Session.Status.REJECTED]
)
def test_unpublished_session_has_no_calendar(api, status):
    assert_not_found(api.get(session_ics_url(SessionFactory(status=status))))


def test_unknown_session_is_a_json_404_even_for_calendar_clients(api):
    response = api.get("/api/v1/sessions/999999/calendar.ics", HTTP_ACCEPT="text/calendar")
    assert_not_found(response)


def test_session_ics_ignores_a_stale_token(api):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api.get(session_ics_url(SessionFactory())).status_code == 200


# --- The personal feed --------------------------------------------------------------


def test_feed_lists_only_the_owners_confirmed_bookings(api, visitor):
    first = SessionFactory(title_en="Harbour walk")
    second = SessionFactory(starts_at=first.ends_at, ends_at=first.ends_at + timedelta(hours=1))
    dropped = SessionFactory(starts_at=second.ends_at, ends_at=second.ends_at + timedelta(hours=1))
    mine = booking_create(visitor=visitor, session_id=first.pk, party_size=2)
    also_mine = booking_create(visitor=visitor, session_id=second.pk, party_size=1)
    cancelled = booking_create(visitor=visitor, session_id=dropped.pk, party_size=1)
    booking_cancel(booking_id=cancelled.pk)
    booking_create(visitor=UserFactory(), session_id=first.pk, party_size=1)

    response = api.get(feed_url(visitor.calendar_token), HTTP_ACCEPT="text/calendar")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == "H22 City Expo"
    feed = calendar.walk("VEVENT")
    assert [str(event["UID"]) for event in feed] == [
        f"booking-{mine.reference}@h22.example",
        f"booking-{also_mine.reference}@h22.example",
    ]
    assert str(feed[0]["SUMMARY"]) == "Harbour walk"  # the visitor's language (en)
    assert mine.reference in str(feed[0]["DESCRIPTION"])
    assert feed[0].decoded("DTSTART") == first.starts_at.replace(microsecond=0)


def test_feed_for_staff_is_still_only_their_own(api, expo_staff):
    booking_create(visitor=UserFactory(), session_id=SessionFactory().pk, party_size=1)
    assert events(api.get(feed_url(expo_staff.calendar_token))) == []


def test_feed_uses_the_visitors_language(api):
    swede = UserFactory(language="sv")
    session = SessionFactory(title_sv="Hamnpromenad", title_en="Harbour walk")
    booking_create(visitor=swede, session_id=session.pk, party_size=1)
    (event,) = events(api.get(feed_url(swede.calendar_token), HTTP_ACCEPT_LANGUAGE="en"))
    assert str(event["SUMMARY"]) == "Hamnpromenad"


@pytest.mark.parametrize("token", ["", "wrong", "x" * 200])
def test_a_wrong_or_missing_token_is_not_found(api, visitor, token):
    booking_create(visitor=visitor, session_id=SessionFactory().pk, party_size=1)
    assert_not_found(api.get(feed_url(token), HTTP_ACCEPT="text/calendar"))
    assert_not_found(api.get("/api/v1/me/calendar.ics"))


def test_inactive_user_has_no_feed(api, visitor):
    token = visitor.calendar_token
    visitor.is_active = False
    visitor.save(update_fields=["is_active"])
    assert_not_found(api.get(feed_url(token)))


def test_calendar_link_is_absolute_and_rotation_revokes_the_old_one(api, visitor, visitor_api):
    current = visitor_api.get(CALENDAR_TOKEN)
    assert current.status_code == 200
    old_url = current.json()["calendar_url"]
    assert old_url.startswith("http://testserver/api/v1/me/calendar.ics?token=")
    assert current.json()["webcal_url"] == "webcal://" + old_url.removeprefix("http://")
    assert api.get(old_url).status_code == 200

    rotated = visitor_api.post(CALENDAR_TOKEN)
    assert rotated.status_code == 200
    new_url = rotated.json()["calendar_url"]
    assert new_url != old_url
    assert_not_found(api.get(old_url))
    assert api.get(new_url).status_code == 200
    assert visitor_api.get(CALENDAR_TOKEN).json()["calendar_url"] == new_url


def test_calendar_link_needs_a_login(api):
    assert api.get(CALENDAR_TOKEN).status_code == 401
    assert api.post(CALENDAR_TOKEN).status_code == 401


@override_settings(MAX_BOOKINGS_PER_VISITOR_PER_DAY=100)
def test_feed_runs_a_fixed_number_of_queries(api, visitor, django_assert_max_num_queries):
    start = timezone.now() + timedelta(days=1)

    def book_sessions(count, offset):
        for i in range(offset, offset + count):
            session = SessionFactory(
                starts_at=start + timedelta(hours=i), ends_at=start + timedelta(hours=i, minutes=50)
            )
            booking_create(visitor=visitor, session_id=session.pk, party_size=1)

    book_sessions(2, 0)
    with django_assert_max_num_queries(2) as few:
        assert len(events(api.get(feed_url(visitor.calendar_token)))) == 2
    book_sessions(30, 2)
    with django_assert_max_num_queries(2) as many:
        assert len(events(api.get(feed_url(visitor.calendar_token)))) == 32
    assert len(many.captured_queries) == len(few.captured_queries)


def test_schema_describes_the_calendar_endpoints(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    session_ics = schema["paths"]["/api/v1/sessions/{session_id}/calendar.ics"]["get"]
    assert "text/calendar" in session_ics["responses"]["200"]["content"]
    assert "404" in session_ics["responses"]
    feed = schema["paths"]["/api/v1/me/calendar.ics"]["get"]
    assert [p["name"] for p in feed["parameters"]] == ["token"]
    assert "text/calendar" in feed["responses"]["200"]["content"]
