"""GDPR: a person downloads everything held about them, or has it erased."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from expo.accounts.models import User
from expo.accounts.services import user_erase
from expo.bookings.models import Booking, IdempotencyKey, Ticket, WaitlistEntry
from expo.bookings.services import Attendee, booking_cancel, booking_create, waitlist_join
from expo.events.models import Session
from expo.exhibitors.models import Membership
from expo.notifications.models import Notification
from tests.conftest import client_for
from tests.factories import MembershipFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"
EXPORT = "/api/v1/me/export/"
TOKEN = "/api/v1/auth/token/"
PASSWORD = "correct horse battery"  # tests.factories.UserFactory's


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()
    yield
    cache.clear()


def later(session, hours=2):
    """A session that does not overlap `session`."""
    starts_at = session.ends_at + timedelta(hours=hours)
    return {"starts_at": starts_at, "ends_at": starts_at + timedelta(hours=1)}


def log_in(email, password=PASSWORD):
    return APIClient().post(TOKEN, {"email": email, "password": password}, format="json")


def token_client(user) -> APIClient:
    client = APIClient()
    key = log_in(user.email).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def move_to_the_past(session):
    starts_at = timezone.now() - timedelta(days=2)
    Session.objects.filter(pk=session.pk).update(
        starts_at=starts_at, ends_at=starts_at + timedelta(hours=1)
    )


# --- Export --------------------------------------------------------------------------


def test_export_holds_everything_about_me_and_nothing_about_others(visitor, visitor_api):
    other = UserFactory(name="Sven Svensson", email="sven@example.org")
    talk = SessionFactory(title_en="Harbour walk", capacity=3)
    full = SessionFactory(capacity=1, **later(talk))
    mine = booking_create(
        visitor=visitor,
        session_id=talk.pk,
        party_size=2,
        attendees=[Attendee(name="Astrid"), Attendee(name="Bo", email="bo@example.org")],
    )
    theirs = booking_create(
        visitor=other,
        session_id=talk.pk,
        party_size=1,
        attendees=[Attendee(name="Sven Svensson", email="sven.attendee@example.org")],
    )
    booking_create(visitor=other, session_id=full.pk, party_size=1)
    entry = waitlist_join(visitor=visitor, session_id=full.pk, party_size=1)
    MembershipFactory(user=visitor, exhibitor__name="Kärnan AB", role=Membership.Role.OWNER)
    MembershipFactory(user=other, exhibitor__name="Other AB")
    Notification.objects.filter(booking=mine).update(status="sent", sent_at=timezone.now())

    response = visitor_api.get(EXPORT)

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="h22-my-data.json"'
    data = response.json()
    assert data["profile"] == {
        "id": visitor.pk,
        "email": visitor.email,
        "name": visitor.name,
        "language": "en",
        "date_joined": data["profile"]["date_joined"],
        "last_login": None,
        "roles": ["visitor"],
    }
    (booking,) = data["bookings"]
    assert booking["reference"] == mine.reference
    assert booking["status"] == "confirmed"
    assert booking["session"]["title"] == "Harbour walk"
    assert [(t["attendee_name"], t["attendee_email"]) for t in booking["tickets"]] == [
        ("Astrid", ""),
        ("Bo", "bo@example.org"),
    ]
    assert {t["status"] for t in booking["tickets"]} == {"valid"}
    assert booking["tickets"][0]["checked_in"] is False
    (notification,) = booking["notifications"]
    assert notification["kind"] == "booking_confirmed"
    assert notification["status"] == "sent"
    assert notification["sent_at"]
    (waiting,) = data["waitlist_entries"]
    assert (waiting["id"], waiting["status"], waiting["session"]["id"]) == (
        entry.pk,
        "waiting",
        full.pk,
    )
    assert [(m["exhibitor"]["name"], m["role"]) for m in data["exhibitor_memberships"]] == [
        ("Kärnan AB", "owner")
    ]
    text = response.content.decode()
    for foreign in (other.email, "Sven Svensson", "sven.attendee@example.org", "Other AB"):
        assert foreign not in text
    assert theirs.reference not in text


def test_staff_export_only_their_own_bookings(staff_api):
    booking_create(visitor=UserFactory(), session_id=SessionFactory().pk, party_size=1)
    data = staff_api.get(EXPORT).json()
    assert data["bookings"] == []
    assert data["profile"]["roles"] == ["expo_staff"]


@override_settings(MAX_BOOKINGS_PER_VISITOR_PER_DAY=100)
def test_export_runs_a_fixed_number_of_queries(visitor, visitor_api, django_assert_max_num_queries):
    first = SessionFactory()
    booking_create(visitor=visitor, session_id=first.pk, party_size=2)
    visitor_api.get(EXPORT)  # authentication and language caches are warm
    with django_assert_max_num_queries(20) as few:
        assert len(visitor_api.get(EXPORT).json()["bookings"]) == 1
    previous = first
    for _ in range(15):
        previous = SessionFactory(**later(previous, hours=0))
        booking_create(visitor=visitor, session_id=previous.pk, party_size=3)
    with django_assert_max_num_queries(20) as many:
        assert len(visitor_api.get(EXPORT).json()["bookings"]) == 16
    assert len(many.captured_queries) == len(few.captured_queries)


def test_export_and_erase_need_a_login(api):
    assert api.get(EXPORT).status_code == 401
    assert api.delete(ME).status_code == 401


# --- Erasure -------------------------------------------------------------------------


def test_erase_gives_back_seats_and_forgets_the_person(visitor):
    client = token_client(visitor)
    old_email, old_token = visitor.email, visitor.calendar_token
    other = UserFactory(name="Sven Svensson")
    upcoming = SessionFactory(capacity=5)
    past = SessionFactory(capacity=5, **later(upcoming))
    full = SessionFactory(capacity=1, **later(past))
    future_booking = booking_create(
        visitor=visitor,
        session_id=upcoming.pk,
        party_size=2,
        attendees=[Attendee(name="Astrid", email="astrid@example.org"), Attendee(name="Bo")],
    )
    past_booking = booking_create(visitor=visitor, session_id=past.pk, party_size=1)
    move_to_the_past(past)
    theirs = booking_create(
        visitor=other,
        session_id=upcoming.pk,
        party_size=1,
        attendees=[Attendee(name="Sven Svensson", email="sven@example.org")],
    )
    booking_create(visitor=other, session_id=full.pk, party_size=1)
    entry = waitlist_join(visitor=visitor, session_id=full.pk, party_size=1)
    MembershipFactory(user=visitor)
    IdempotencyKey.objects.create(
        user=visitor, key="k", request_hash="h", expires_at=timezone.now() + timedelta(hours=1)
    )

    response = client.delete(ME)

    assert response.status_code == 204
    user = User.objects.get(pk=visitor.pk)
    assert user.email == f"erased-{visitor.pk}@erased.invalid"
    assert user.name == ""
    assert not user.has_usable_password()
    assert user.is_active is False
    assert user.erased_at is not None
    assert user.calendar_token != old_token
    # Seats of the upcoming session are free again; the rows stay, without names.
    upcoming.refresh_from_db()
    assert upcoming.seats_taken == 1
    future_booking.refresh_from_db()
    assert future_booking.status == Booking.Status.CANCELLED
    past_booking.refresh_from_db()
    assert past_booking.status == Booking.Status.CONFIRMED
    assert Booking.objects.filter(visitor=user).count() == 2
    mine = Ticket.objects.filter(booking__visitor=user)
    assert mine.count() == 3
    assert set(mine.values_list("attendee_name", "attendee_email")) == {("", "")}
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.LEFT
    assert not Membership.objects.filter(user=user).exists()
    assert not IdempotencyKey.objects.filter(user=user).exists()
    assert not AuthToken.objects.filter(user=user).exists()
    # The API token, the password and the calendar link are all dead.
    assert client.delete(ME).status_code == 401
    assert client.get(ME).status_code == 401
    assert log_in(old_email).json()["code"] == "invalid_credentials"
    assert log_in(user.email).status_code == 400
    assert APIClient().get(f"/api/v1/me/calendar.ics?token={old_token}").status_code == 404
    assert APIClient().get(f"/api/v1/me/calendar.ics?token={user.calendar_token}").status_code == (
        404
    )
    # Someone else's data is untouched.
    other.refresh_from_db()
    assert other.name == "Sven Svensson"
    assert other.is_active
    theirs.refresh_from_db()
    assert theirs.status == Booking.Status.CONFIRMED
    assert theirs.tickets.get().attendee_name == "Sven Svensson"
    assert log_in(other.email).status_code == 200


def test_erase_moves_the_waitlist_on(visitor):
    session = SessionFactory(capacity=2)
    booking_create(visitor=visitor, session_id=session.pk, party_size=2)
    waiting = waitlist_join(visitor=UserFactory(), session_id=session.pk, party_size=2)

    assert client_for(visitor).delete(ME).status_code == 204

    waiting.refresh_from_db()
    assert waiting.status == WaitlistEntry.Status.OFFERED
    session.refresh_from_db()
    assert session.seats_taken == 2  # now held for the offer


def test_erase_declines_an_open_offer_and_frees_its_seats(visitor):
    session = SessionFactory(capacity=1)
    first = booking_create(visitor=UserFactory(), session_id=session.pk, party_size=1)
    entry = waitlist_join(visitor=visitor, session_id=session.pk, party_size=1)
    booking_cancel(booking_id=first.pk)
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.OFFERED

    user_erase(user=visitor)

    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.DECLINED
    session.refresh_from_db()
    assert session.seats_taken == 0


def test_erase_sends_no_more_mail_to_the_person(visitor):
    session = SessionFactory()
    mine = booking_create(visitor=visitor, session_id=session.pk, party_size=1)
    theirs = booking_create(visitor=UserFactory(), session_id=session.pk, party_size=1)

    user_erase(user=visitor)

    assert set(Notification.objects.filter(booking=mine).values_list("status", "last_error")) == {
        ("skipped", "recipient erased")
    }
    assert Notification.objects.get(booking=theirs).status == "pending"


def test_erase_twice_changes_nothing_more(visitor):
    user_erase(user=visitor)
    erased = User.objects.get(pk=visitor.pk)
    again = user_erase(user=erased)
    assert (again.erased_at, again.calendar_token) == (erased.erased_at, erased.calendar_token)


def test_erased_counts_still_add_up(visitor):
    session = SessionFactory(capacity=5)
    booking_create(visitor=visitor, session_id=session.pk, party_size=2)
    move_to_the_past(session)
    user_erase(user=visitor)
    assert Ticket.objects.filter(session=session, status="valid").count() == 2
    assert Booking.objects.get(session=session).party_size == 2
    session.refresh_from_db()
    assert session.seats_taken == 2


def test_erasure_forgets_names_in_the_scan_log():
    import uuid

    import time_machine

    from expo.bookings.ticket_codes import ticket_code_sign
    from expo.scanning.models import Scan
    from expo.scanning.services import ScanInput, ticket_scan
    from tests.factories import EntranceFactory

    session = SessionFactory()
    visitor = UserFactory(name="Greta Garbo")
    booking = booking_create(visitor=visitor, session_id=session.pk, party_size=1)
    ticket = booking.tickets.get()
    gate = EntranceFactory(venue=session.venue)
    with time_machine.travel(session.starts_at, tick=False):
        ticket_scan(
            staff=UserFactory(role="gate_staff"),
            scan=ScanInput(
                code=ticket_code_sign(ticket_id=ticket.pk, session_id=session.pk),
                entrance_id=gate.pk,
                direction="in",
                nonce=uuid.uuid4().hex,
            ),
        )
    assert Scan.objects.get().response["ticket"]["attendee_name"] == "Greta Garbo"
    user_erase(user=visitor)
    assert Scan.objects.get().response["ticket"]["attendee_name"] == ""
