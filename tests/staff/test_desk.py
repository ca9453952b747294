"""The expo staff's desk through Django's test client: what it shows, each decision it
makes through the owning service, and a query count that does not grow with the lists."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from expo.bookings import messages as bookings_messages
from expo.bookings.models import Booking, Ticket, WaitlistEntry
from expo.events.models import Session
from expo.exhibitors import messages as exhibitor_messages
from expo.notifications.models import Notification
from expo.scanning.models import Scan
from expo.staff.selectors import occupancy_level
from tests.factories import EntranceFactory, MembershipFactory, UserFactory, VenueFactory, book
from tests.staff.helpers import flagged_scan, proposal, session_today

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_noon")]

DESK = "/staff/"


@pytest.fixture
def staff_client(client, expo_staff):
    client.force_login(expo_staff)
    return client


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- Occupancy ---------------------------------------------------------------------------


def test_occupancy_levels_say_near_and_full():
    assert occupancy_level(0, None) == "ok"
    assert occupancy_level(89, 100) == "ok"
    assert occupancy_level(90, 100) == "near"
    assert occupancy_level(100, 100) == "full"


def test_desk_shows_inside_and_limit_with_words_for_the_level(staff_client):
    VenueFactory(name="Dunkers", inside=95, max_occupancy=100)
    VenueFactory(name="Tropical", inside=3, max_occupancy=None)
    html = staff_client.get(DESK).content.decode()
    assert 'class="occupancy occupancy--near"' in html
    assert '<span class="occupancy__inside" data-field="inside">95</span>' in html
    assert '<span data-field="limit">100</span>' in html
    assert "Nearly full" in html  # not colour alone
    assert "No limit set" in html


def test_occupancy_json_counts_each_entrance_today(staff_client, gate_staff):
    entrance = EntranceFactory(venue=VenueFactory(slug="dunkers", inside=2, max_occupancy=2))
    session = session_today(venue=entrance.venue)
    ticket = book(session=session).tickets.get()
    accepted = flagged_scan(entrance=entrance, ticket=ticket)
    Scan.objects.filter(pk=accepted.pk).update(
        flagged=False, result=Scan.Result.ACCEPTED, reason="", scanned_at=timezone.now()
    )
    flagged_scan(entrance=entrance, ticket=ticket)  # rejected: not an entry

    response = staff_client.get("/staff/occupancy.json")

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    venue = json.loads(response.content)["venues"][0]
    assert (venue["slug"], venue["inside"], venue["limit"], venue["level"]) == (
        "dunkers",
        2,
        2,
        "full",
    )
    assert venue["level_text"] == "Full"
    assert venue["entrances"] == [{"id": entrance.pk, "entries": 1, "exits": 0}]


def test_occupancy_json_is_two_queries_whatever_the_venues(staff_client):
    def venues(count):
        for _ in range(count):
            EntranceFactory(venue=VenueFactory())

    staff_client.get(DESK)  # the session and the user's groups are read once
    venues(2)
    with CaptureQueriesContext(connection) as few:
        staff_client.get("/staff/occupancy.json")
    venues(10)
    with CaptureQueriesContext(connection) as many:
        response = staff_client.get("/staff/occupancy.json")
    assert len(json.loads(response.content)["venues"]) == 12
    assert len(many) == len(few)
    own = [q["sql"] for q in many.captured_queries if 'FROM "events_' in q["sql"]]
    assert len(own) == 2  # the venues, then their entrances with today's scans


# --- Today's sessions ----------------------------------------------------------------------


def test_todays_sessions_with_booked_checked_in_and_no_shows(staff_client, at_noon):
    started = session_today(title_en="Harbour walk", capacity=10)
    later = session_today(hours_from_noon=3, title_en="Robot demo")
    session_today(hours_from_noon=24 * 2, title_en="Not today")
    tickets = list(book(session=started, party_size=3).tickets.all())
    # It began half an hour ago (booked while it was still ahead).
    Session.objects.filter(pk=started.pk).update(
        starts_at=at_noon - timedelta(minutes=30), ends_at=at_noon + timedelta(minutes=30)
    )
    Ticket.objects.filter(pk=tickets[0].pk).update(
        checked_in=True, first_checked_in_at=timezone.now()
    )
    book(session=later, party_size=2)

    response = staff_client.get(DESK)

    sessions = {s.title_en: s for s in response.context["sessions"]}
    assert set(sessions) == {"Harbour walk", "Robot demo"}
    assert (sessions["Harbour walk"].n_booked, sessions["Harbour walk"].n_checked_in) == (3, 1)
    assert sessions["Harbour walk"].no_shows == 2  # begun: unscanned tickets are no-shows
    assert (sessions["Robot demo"].n_booked, sessions["Robot demo"].no_shows) == (2, 0)
    assert f'href="/staff/sessions/{started.pk}/"' in response.content.decode()


def test_attendance_page_lists_bookings_and_figures(staff_client):
    session = session_today()
    booking = book(session=session, party_size=2)
    response = staff_client.get(f"/staff/sessions/{session.pk}/")
    assert response.status_code == 200
    assert response.context["attendance"]["booked"] == 2
    assert booking.reference in response.content.decode()
    assert f'href="/staff/sessions/{session.pk}/cancel/"' in response.content.decode()


def test_attendance_page_of_a_missing_session_is_404(staff_client):
    assert staff_client.get("/staff/sessions/999999/").status_code == 404


def _many(count: int):
    for _ in range(count):
        session = session_today()
        book(session=session, party_size=2)
        proposal()
        flagged_scan(ticket=book(session=session_today()).tickets.get())
        EntranceFactory(venue=VenueFactory(max_occupancy=50))


def test_desk_query_count_is_constant(staff_client, django_assert_num_queries):
    _many(2)
    with CaptureQueriesContext(connection) as few:
        assert staff_client.get(DESK).status_code == 200
    _many(6)
    with django_assert_num_queries(len(few)):
        response = staff_client.get(DESK)
    assert len(response.context["proposals"]) == 8
    assert len(response.context["flagged"]) == 8


def test_attendance_page_query_count_is_constant(staff_client, django_assert_num_queries):
    session = session_today(capacity=100)
    book(session=session, party_size=2)
    with CaptureQueriesContext(connection) as few:
        staff_client.get(f"/staff/sessions/{session.pk}/")
    for _ in range(8):
        book(session=session, party_size=3)
    with django_assert_num_queries(len(few)):
        response = staff_client.get(f"/staff/sessions/{session.pk}/")
    assert len(response.context["bookings"]) == 9


# --- Proposals ---------------------------------------------------------------------------


def test_approve_publishes_and_tells_the_exhibitor(staff_client):
    member = MembershipFactory()
    session = proposal(host=member.exhibitor, proposed_by=member.user, title_en="Solar kit")
    assert "Solar kit" in staff_client.get(DESK).content.decode()

    response = staff_client.post(f"/staff/sessions/{session.pk}/approve/", follow=True)

    assert response.redirect_chain[-1][0] == "/staff/"
    session.refresh_from_db()
    assert session.status == Session.Status.PUBLISHED
    assert Notification.objects.filter(kind=exhibitor_messages.SESSION_APPROVED).count() == 1
    assert any("Solar kit" in message for message in _messages(response))


def test_reject_needs_a_reason(staff_client):
    session = proposal()
    response = staff_client.post(
        f"/staff/sessions/{session.pk}/reject/", {"reason": "  "}, follow=True
    )
    session.refresh_from_db()
    assert session.status == Session.Status.PENDING
    assert _messages(response) == ["Say why, so the exhibitor can do better."]


def test_reject_with_a_reason(staff_client):
    member = MembershipFactory()
    session = proposal(host=member.exhibitor, proposed_by=member.user)
    staff_client.post(f"/staff/sessions/{session.pk}/reject/", {"reason": "Overlaps the gala."})
    session.refresh_from_db()
    assert (session.status, session.status_reason) == ("rejected", "Overlaps the gala.")
    assert Notification.objects.filter(kind=exhibitor_messages.SESSION_REJECTED).count() == 1


def test_deciding_twice_is_a_message_not_an_error(staff_client):
    session = proposal()
    staff_client.post(f"/staff/sessions/{session.pk}/approve/", follow=True)
    response = staff_client.post(f"/staff/sessions/{session.pk}/approve/", follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert staff_client.post("/staff/sessions/999999/approve/").status_code == 404


def test_decisions_are_posts_only(staff_client):
    session = proposal()
    assert staff_client.get(f"/staff/sessions/{session.pk}/approve/").status_code == 405
    session.refresh_from_db()
    assert session.status == Session.Status.PENDING


# --- Cancelling a session ------------------------------------------------------------------


def test_cancel_confirmation_says_whom_it_reaches_then_cancels(staff_client):
    session = SessionTwoBookingsAndAWaitlist.make()
    page = staff_client.get(f"/staff/sessions/{session.pk}/cancel/")
    assert page.status_code == 200
    reach = page.context["reach"]
    assert (reach.bookings, reach.tickets, reach.waitlist_parties, reach.people) == (2, 3, 1, 3)
    assert 'data-reach="3"' in page.content.decode()
    assert Session.objects.get(pk=session.pk).status == Session.Status.PUBLISHED  # GET: nothing

    response = staff_client.post(
        f"/staff/sessions/{session.pk}/cancel/", {"reason": "Storm warning."}, follow=True
    )

    session.refresh_from_db()
    assert (session.status, session.status_reason) == ("cancelled", "Storm warning.")
    assert not Booking.objects.filter(session=session, status="confirmed").exists()
    outbox = Notification.objects.filter(kind=bookings_messages.SESSION_CANCELLED)
    assert {n.booking.visitor_id for n in outbox if n.booking} == {
        b.visitor_id for b in Booking.objects.filter(session=session)
    }
    assert outbox.filter(waitlist_entry__isnull=False).count() == 1
    assert _messages(response) == ["The session is cancelled. 3 people are being told by e-mail."]


class SessionTwoBookingsAndAWaitlist:
    @staticmethod
    def make() -> Session:
        from expo.bookings.services import waitlist_join

        session = session_today(capacity=3, max_party_size=4)
        book(session=session, party_size=2)
        book(session=session, party_size=1)
        waitlist_join(visitor=UserFactory(), session_id=session.pk, party_size=2)
        assert WaitlistEntry.objects.filter(session=session).count() == 1
        return session


def test_cancelling_a_cancelled_session_again_is_a_message(staff_client):
    session = session_today()
    staff_client.post(f"/staff/sessions/{session.pk}/cancel/", {"reason": ""})
    response = staff_client.get(f"/staff/sessions/{session.pk}/cancel/")
    assert response.status_code == 302
    assert response["Location"] == f"/staff/sessions/{session.pk}/"


# --- Flagged offline admissions --------------------------------------------------------------


def test_flagged_scan_is_listed_then_marked_reviewed(staff_client, expo_staff):
    scan = flagged_scan(ticket=book(session=session_today()).tickets.get(), reason="venue_full")
    html = staff_client.get(DESK).content.decode()
    assert "Venue was full" in html
    assert f'action="/staff/scans/{scan.pk}/review/"' in html

    response = staff_client.post(f"/staff/scans/{scan.pk}/review/", follow=True)

    scan.refresh_from_db()
    assert scan.reviewed_by == expo_staff and scan.reviewed_at is not None
    assert response.redirect_chain[-1][0] == "/staff/"
    assert f"/staff/scans/{scan.pk}/review/" not in response.content.decode()
    again = staff_client.post(f"/staff/scans/{scan.pk}/review/", follow=True)
    assert _messages(again) == ["This admission was already reviewed."]


def test_a_session_that_is_over_is_not_cancelled(staff_client, at_noon):
    session = session_today()
    Session.objects.filter(pk=session.pk).update(
        starts_at=at_noon - timedelta(hours=2), ends_at=at_noon - timedelta(hours=1)
    )
    response = staff_client.post(f"/staff/sessions/{session.pk}/cancel/", follow=True)
    assert Session.objects.get(pk=session.pk).status == Session.Status.PUBLISHED
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert f"/staff/sessions/{session.pk}/cancel/" not in response.content.decode()
