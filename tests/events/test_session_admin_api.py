"""Expo staff create and edit sessions through the API; nobody else can."""

from datetime import timedelta

import pytest
from django.utils import timezone

from expo.events.models import Session
from tests.conftest import client_for
from tests.factories import SessionFactory, ThemeFactory, UserFactory, VenueFactory

pytestmark = pytest.mark.django_db


def session_payload(venue, **overrides):
    starts = timezone.now() + timedelta(days=3)
    payload = {
        "title_sv": "Guidad tur i Oceanhamnen",
        "title_en": "Guided tour of Oceanhamnen",
        "kind": "tour",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=1)).isoformat(),
        "venue": venue.slug,
        "capacity": 25,
        "max_party_size": 4,
        "status": "published",
    }
    payload.update(overrides)
    return payload


def test_staff_creates_a_session(staff_api):
    venue = VenueFactory()
    theme = ThemeFactory(slug="livskvalitet")
    response = staff_api.post(
        "/api/v1/sessions/", session_payload(venue, themes=["livskvalitet"]), format="json"
    )
    assert response.status_code == 201, response.json()
    session = Session.objects.get(pk=response.json()["id"])
    assert session.expo == venue.expo
    assert list(session.themes.all()) == [theme]
    assert response.json()["seats_left"] == 25


def test_staff_create_validates_times_and_references(staff_api):
    venue = VenueFactory()
    starts = timezone.now() + timedelta(days=3)
    backwards = session_payload(venue, ends_at=(starts - timedelta(hours=1)).isoformat())
    backwards["starts_at"] = starts.isoformat()
    response = staff_api.post("/api/v1/sessions/", backwards, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "ends_at" in response.json()["fields"]

    unknown_venue = {**session_payload(venue), "venue": "nowhere", "capacity": -1}
    response = staff_api.post("/api/v1/sessions/", unknown_venue, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"venue", "capacity"}
    assert Session.objects.count() == 0


@pytest.mark.parametrize(
    "times",
    [
        # Valid instants, but the visitor's day of the session (booking) or the scanning
        # window would overflow Python's calendar: a 500 for whoever touched it later.
        {"starts_at": "9999-12-31T23:00:00Z", "ends_at": "9999-12-31T23:59:00Z"},
        {"starts_at": "0001-01-01T00:00:00Z", "ends_at": "0001-01-01T01:00:00Z"},
        {"booking_opens_at": "0001-01-01T00:00:00Z"},
    ],
)
def test_session_times_at_the_edge_of_the_calendar_are_refused(staff_api, times):
    venue = VenueFactory()
    response = staff_api.post("/api/v1/sessions/", session_payload(venue, **times), format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "invalid"
    assert set(times) <= set(response.json()["fields"])
    assert Session.objects.count() == 0

    session = SessionFactory(venue=venue)
    before = (session.starts_at, session.ends_at, session.booking_opens_at)
    response = staff_api.patch(f"/api/v1/sessions/{session.pk}/", times, format="json")
    assert response.status_code == 400, response.json()
    assert set(times) <= set(response.json()["fields"])
    session.refresh_from_db()
    assert (session.starts_at, session.ends_at, session.booking_opens_at) == before


def test_staff_edits_a_session(staff_api):
    session = SessionFactory(capacity=10)
    response = staff_api.patch(
        f"/api/v1/sessions/{session.id}/", {"capacity": 40, "title_en": "New"}, format="json"
    )
    assert response.status_code == 200
    session.refresh_from_db()
    assert (session.capacity, session.title_en) == (40, "New")


def test_capacity_cannot_drop_below_booked_seats(staff_api):
    session = SessionFactory(capacity=10)
    Session.objects.filter(pk=session.pk).update(seats_taken=8)
    response = staff_api.patch(f"/api/v1/sessions/{session.id}/", {"capacity": 5}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "capacity_below_booked"
    session.refresh_from_db()
    assert session.capacity == 10


@pytest.mark.parametrize("role, status", [(None, 401), ("visitor", 403), ("gate_staff", 403)])
def test_only_expo_staff_may_write_sessions(api, role, status):
    session = SessionFactory()
    client = client_for(UserFactory(role=role)) if role else api
    create = client.post("/api/v1/sessions/", session_payload(session.venue), format="json")
    edit = client.patch(f"/api/v1/sessions/{session.id}/", {"capacity": 1}, format="json")
    assert (create.status_code, edit.status_code) == (status, status)
    expected_code = "not_authenticated" if status == 401 else "permission_denied"
    assert create.json()["code"] == edit.json()["code"] == expected_code
    assert Session.objects.count() == 1
    session.refresh_from_db()
    assert session.capacity == 20


def test_token_authentication_for_staff(api, expo_staff):
    from knox.models import AuthToken

    _instance, token = AuthToken.objects.create(user=expo_staff)
    session = SessionFactory()
    response = api.patch(
        f"/api/v1/sessions/{session.id}/",
        {"capacity": 33},
        format="json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert response.status_code == 200
