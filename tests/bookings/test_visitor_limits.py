"""Scan-only accounts book nothing on any path; the waitlist is throttled and capped
per visitor like bookings are."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from expo.bookings.apis import BookingWriteThrottle
from expo.bookings.models import Booking, WaitlistEntry
from tests.conftest import client_for
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()
    yield
    cache.clear()


def full_session(**kwargs):
    session = SessionFactory(capacity=2, **kwargs)
    session.seats_taken = 2
    session.save(update_fields=["seats_taken"])
    return session


def test_scan_only_accounts_cannot_book_or_join_waitlists_through_the_pages(client, gate_staff):
    client.force_login(gate_staff)
    open_session, sold_out = SessionFactory(), full_session()

    booked = client.post(f"/sessions/{open_session.pk}/book/", {"party_size": 1})
    waiting = client.post(f"/sessions/{sold_out.pk}/waitlist/", {"party_size": 1})

    assert (booked.status_code, waiting.status_code) == (403, 403)
    assert not Booking.objects.exists()
    assert not WaitlistEntry.objects.exists()


def test_scan_only_accounts_cannot_join_waitlists_through_the_api(gate_staff):
    response = client_for(gate_staff).post(
        f"/api/v1/sessions/{full_session().pk}/waitlist/", {"party_size": 1}, format="json"
    )

    assert response.status_code == 403
    assert not WaitlistEntry.objects.exists()


@override_settings(MAX_OPEN_WAITLIST_ENTRIES_PER_VISITOR=2)
def test_open_waitlist_entries_are_capped_per_visitor(visitor_api, client, visitor):
    sessions = [full_session() for _ in range(3)]
    for session in sessions[:2]:
        response = visitor_api.post(
            f"/api/v1/sessions/{session.pk}/waitlist/", {"party_size": 1}, format="json"
        )
        assert response.status_code == 201

    refused = visitor_api.post(
        f"/api/v1/sessions/{sessions[2].pk}/waitlist/", {"party_size": 1}, format="json"
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "waitlist_limit"
    client.force_login(visitor)
    page = client.post(f"/sessions/{sessions[2].pk}/waitlist/", {"party_size": 1}, follow=True)
    assert page.status_code == 200
    assert WaitlistEntry.objects.filter(visitor=visitor).count() == 2

    # Leaving one makes room.
    entry = WaitlistEntry.objects.filter(visitor=visitor).first()
    assert visitor_api.delete(f"/api/v1/waitlist/{entry.pk}/").status_code in (200, 204)
    again = visitor_api.post(
        f"/api/v1/sessions/{sessions[2].pk}/waitlist/", {"party_size": 1}, format="json"
    )
    assert again.status_code == 201


def test_waitlist_joins_are_throttled_on_the_api_and_the_pages(
    visitor_api, client, visitor, monkeypatch
):
    # DRF's scoped throttles read their rates once, at import.
    rates = {**BookingWriteThrottle.THROTTLE_RATES, "waitlist": "2/min"}
    monkeypatch.setattr(BookingWriteThrottle, "THROTTLE_RATES", rates)
    # One instant: a fixed window's edge between the joins would start a new count.
    monkeypatch.setattr(BookingWriteThrottle, "timer", lambda self: 1_656_590_400.0)
    sessions = [full_session() for _ in range(4)]

    codes = [
        visitor_api.post(
            f"/api/v1/sessions/{session.pk}/waitlist/", {"party_size": 1}, format="json"
        ).status_code
        for session in sessions[:3]
    ]
    client.force_login(visitor)
    page = client.post(f"/sessions/{sessions[3].pk}/waitlist/", {"party_size": 1}, follow=True)

    assert codes == [201, 201, 429]
    assert "Too many attempts" in page.content.decode()
    assert WaitlistEntry.objects.filter(visitor=visitor).count() == 2
