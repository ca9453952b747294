"""An exhibitor proposes a session; expo staff approve it into the programme or reject it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from expo.bookings.models import Booking
from expo.events.models import Session
from expo.exhibitors.models import Membership
from expo.notifications.models import Notification
from tests.conftest import client_for
from tests.exhibitors.conftest import another_expo, proposal_body
from tests.factories import MembershipFactory, UserFactory, VenueFactory, book

pytestmark = pytest.mark.django_db

A = "/api/v1/exhibitor/alfa"


def propose(world, **changes):
    return client_for(world.member_a).post(
        f"{A}/sessions/", proposal_body(world, **changes), format="json"
    )


def public_ids(client, **params):
    return [item["id"] for item in client.get("/api/v1/sessions/", params).json()["results"]]


def test_proposal_approved_is_in_the_programme_and_bookable(world, api, visitor_api):
    response = propose(world)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "pending"
    assert body["host"] == {"slug": "alfa", "name": "Alfa Energi AB"}
    session = Session.objects.get(pk=body["id"])
    assert session.proposed_by == world.member_a
    assert (session.expo, session.host) == (world.expo, world.a)

    # Pending: not in the programme, not bookable, not even by its id.
    assert session.pk not in public_ids(api)
    assert api.get(f"/api/v1/sessions/{session.pk}/").status_code == 404
    refused = visitor_api.post(
        "/api/v1/bookings/", {"session": session.pk, "party_size": 1}, format="json"
    )
    assert (refused.status_code, refused.json()["code"]) == (404, "not_found")

    approved = client_for(world.expo_staff).post(f"/api/v1/sessions/{session.pk}/approve/")
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "published"

    assert session.pk in public_ids(api)
    assert session.pk in public_ids(api, exhibitor="alfa", available="true")
    booked = visitor_api.post(
        "/api/v1/bookings/", {"session": session.pk, "party_size": 2}, format="json"
    )
    assert booked.status_code == 201, booked.json()
    assert Booking.objects.get(reference=booked.json()["reference"]).session == session

    told = Notification.objects.get(kind="session_approved")
    assert told.user == world.member_a  # the member who proposed it
    assert told.context["session_id"] == session.pk
    assert told.context["title_sv"] == "Bygg din egen solcell"
    assert told.context["session_url"].endswith(f"/sessions/{session.pk}/")


def test_rejection_with_reason_is_recorded_and_told(world, api):
    session_id = propose(world).json()["id"]
    staff = client_for(world.expo_staff)

    missing = staff.post(f"/api/v1/sessions/{session_id}/reject/", {"reason": " "}, format="json")
    assert (missing.status_code, missing.json()["code"]) == (400, "invalid")
    assert "reason" in missing.json()["fields"]

    response = staff.post(
        f"/api/v1/sessions/{session_id}/reject/",
        {"reason": "Lokalen är bokad för invigningen."},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "rejected"
    session = Session.objects.get(pk=session_id)
    assert (session.status, session.status_reason) == (
        "rejected",
        "Lokalen är bokad för invigningen.",
    )
    told = Notification.objects.get(kind="session_rejected")
    assert told.user == world.member_a
    assert told.email == world.member_a.email
    assert told.context["reason"] == "Lokalen är bokad för invigningen."
    assert told.context["exhibitor_name"] == "Alfa Energi AB"

    # The exhibitor sees why; the public never sees the session.
    own = client_for(world.owner_a).get(f"{A}/sessions/{session_id}/").json()
    assert (own["status"], own["status_reason"]) == (
        "rejected",
        "Lokalen är bokad för invigningen.",
    )
    assert session_id not in public_ids(api)
    # Decided is decided: neither staff nor the exhibitor can act on it as pending again.
    again = staff.post(f"/api/v1/sessions/{session_id}/approve/")
    assert (again.status_code, again.json()["code"]) == (409, "session_not_pending")
    edit = client_for(world.member_a).patch(
        f"{A}/sessions/{session_id}/", {"title_sv": "Nytt försök"}, format="json"
    )
    assert (edit.status_code, edit.json()["code"]) == (409, "session_not_pending")


def test_decision_goes_to_owners_when_the_proposer_has_left(world):
    session_id = propose(world).json()["id"]
    Membership.objects.filter(user=world.member_a).delete()
    client_for(world.expo_staff).post(f"/api/v1/sessions/{session_id}/approve/")
    told = Notification.objects.filter(kind="session_approved")
    assert [n.user for n in told] == [world.owner_a]


def test_only_pending_own_sessions_can_be_edited_or_withdrawn(world):
    client = client_for(world.member_a)
    published = f"{A}/sessions/{world.published_a.pk}/"
    edit = client.patch(published, {"capacity": 1000}, format="json")
    assert (edit.status_code, edit.json()["code"]) == (409, "session_not_pending")
    gone = client.delete(published)
    assert (gone.status_code, gone.json()["code"]) == (409, "session_not_pending")
    assert Session.objects.get(pk=world.published_a.pk).capacity == 30

    pending = f"{A}/sessions/{world.pending_a.pk}/"
    response = client.patch(pending, {"capacity": 40, "title_en": "Rooftop solar"}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["capacity"], response.json()["status"]) == (40, "pending")
    assert client.delete(pending).status_code == 204
    assert not Session.objects.filter(pk=world.pending_a.pk).exists()

    # Another organisation's pending session is simply not there.
    other = MembershipFactory(exhibitor=world.b).user
    assert client_for(other).patch(pending, {"capacity": 5}, format="json").status_code == 404


def test_exhibitors_cannot_set_status_or_host(world):
    response = propose(world, status="published", host="beta")
    assert response.status_code == 201
    session = Session.objects.get(pk=response.json()["id"])
    assert (session.status, session.host) == ("pending", world.a)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"starts_at": "past"}, "starts_at"),
        ({"starts_at": "after_expo"}, "starts_at"),
        ({"venue": "other_expo"}, "venue"),
        ({"ends_at": "before_start"}, "ends_at"),
        ({"capacity": 0}, "capacity"),
    ],
    ids=["in_the_past", "after_the_expo", "venue_of_another_expo", "ends_first", "no_seats"],
)
def test_proposal_validation(world, changes, field):
    now = timezone.now()
    if changes.get("starts_at") == "past":
        changes = {"starts_at": now - timedelta(hours=3), "ends_at": now - timedelta(hours=2)}
    elif changes.get("starts_at") == "after_expo":
        later = now + timedelta(days=90)
        changes = {"starts_at": later, "ends_at": later + timedelta(hours=1)}
    elif changes.get("venue") == "other_expo":
        other = another_expo(world.expo)
        changes = {"venue": VenueFactory(expo=other).slug}
    elif changes.get("ends_at") == "before_start":
        changes = {"ends_at": now + timedelta(days=2)}
    changes = {
        key: value.isoformat() if hasattr(value, "isoformat") else value
        for key, value in changes.items()
    }
    response = propose(world, **changes)
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "invalid"
    assert field in response.json()["fields"]
    assert not Session.objects.filter(title_sv="Bygg din egen solcell").exists()


def test_proposal_at_the_end_of_the_calendar_is_invalid_not_a_500(world):
    times = {"starts_at": "9999-12-31T23:30:00Z", "ends_at": "9999-12-31T23:45:00Z"}
    response = propose(world, **times)
    assert response.status_code == 400, response.json()
    assert set(response.json()["fields"]) == {"starts_at", "ends_at"}
    edit = client_for(world.member_a).patch(
        f"{A}/sessions/{world.pending_a.pk}/", times, format="json"
    )
    assert edit.status_code == 400, edit.json()
    assert "starts_at" in edit.json()["fields"]


def test_attendance_and_bookings_of_own_sessions(world):
    client = client_for(world.member_a)
    detail = client.get(f"{A}/sessions/{world.published_a.pk}/").json()
    assert detail["attendance"]["booked"] == 3
    assert detail["attendance"]["checked_in"] == 0
    bookings = client.get(f"{A}/sessions/{world.published_a.pk}/bookings/").json()
    assert bookings["count"] == 2
    by_reference = {b["reference"]: b for b in bookings["results"]}
    shared = by_reference[world.booking.reference]
    assert shared["contact"] == {"name": "Åsa Öberg", "email": "asa@example.se"}
    # The booker's own ticket; the guest never agreed to share anything.
    assert [t["attendee_name"] for t in shared["tickets"]] == ["Åsa Öberg", None]

    filtered = client.get(
        f"{A}/sessions/{world.published_a.pk}/bookings/", {"status": "cancelled"}
    ).json()
    assert filtered["count"] == 0
    bad = client.get(f"{A}/sessions/{world.published_a.pk}/bookings/", {"status": "nope"})
    assert bad.status_code == 400


def test_bookings_show_no_contact_without_consent(world):
    shy = UserFactory(name="Karin Anonym")
    booking = book(shy, world.published_a, "Karin Anonym")
    results = (
        client_for(world.owner_a)
        .get(f"{A}/sessions/{world.published_a.pk}/bookings/")
        .json()["results"]
    )
    row = next(b for b in results if b["reference"] == booking.reference)
    assert row["contact"] is None
    assert row["tickets"][0]["attendee_name"] is None
    assert row["tickets"][0]["id"]
