"""The visitor's HTML pages through Django's test client: programme, session, booking,
waitlist, my bookings, accounts and the language switch."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from expo.accounts.models import User
from expo.bookings import errors, services
from expo.bookings.models import Booking, Ticket, WaitlistEntry
from expo.events.models import Session
from tests.factories import (
    ExhibitionFactory,
    ExhibitorFactory,
    SessionFactory,
    ThemeFactory,
    UserFactory,
    VenueFactory,
    WaitlistEntryFactory,
    book,
)

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at_stockholm(days_ahead: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate(timezone.now(), STOCKHOLM) + timedelta(days=days_ahead)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=STOCKHOLM)


def full_session(**kwargs) -> Session:
    session = SessionFactory(capacity=2, max_party_size=4, **kwargs)
    book(UserFactory(), session, party_size=2)
    return session


@pytest.fixture
def visitor_client(client, visitor):
    client.force_login(visitor)
    return client


# --- Programme -------------------------------------------------------------------------


def test_programme_groups_by_day_in_stockholm_time(client):
    SessionFactory(
        title_en="Harbour walk",
        starts_at=at_stockholm(2, 10, 30),
        ends_at=at_stockholm(2, 11, 30),
    )
    SessionFactory(
        title_en="Robot demo", starts_at=at_stockholm(3, 14), ends_at=at_stockholm(3, 15)
    )

    html = client.get("/").content.decode()

    assert "Harbour walk" in html
    assert "Robot demo" in html
    assert ">10:30</time>–<time" in html  # local time, not UTC
    assert html.count('class="day__heading"') == 2
    assert html.index("Harbour walk") < html.index("Robot demo")


def test_programme_filters(client):
    venue = VenueFactory(name="Dunkers kulturhus")
    theme = ThemeFactory(name_en="Climate")
    workshop = SessionFactory(
        title_en="Solar workshop",
        kind=Session.Kind.WORKSHOP,
        venue=venue,
        starts_at=at_stockholm(2, 9),
        ends_at=at_stockholm(2, 10),
    )
    workshop.themes.add(theme)
    tour = SessionFactory(
        title_en="Harbour tour", starts_at=at_stockholm(3, 9), ends_at=at_stockholm(3, 10)
    )
    sold_out = full_session(title_en="Packed talk", kind=Session.Kind.TALK)

    def titles(query: str) -> set[str]:
        html = client.get("/" + query).content.decode()
        return {
            title for title in ("Solar workshop", "Harbour tour", "Packed talk") if title in html
        }

    assert titles("") == {"Solar workshop", "Harbour tour", "Packed talk"}
    assert titles(f"?venue={venue.slug}") == {"Solar workshop"}
    assert titles(f"?theme={theme.slug}") == {"Solar workshop"}
    assert titles("?kind=workshop") == {"Solar workshop"}
    assert titles("?q=harbour") == {"Harbour tour"}
    assert titles("?available=true") == {"Solar workshop", "Harbour tour"}
    day = timezone.localtime(tour.starts_at, STOCKHOLM).date()
    assert titles(f"?date={day:%Y-%m-%d}") == {"Harbour tour"}
    # A bad date is ignored and explained, never an error page.
    response = client.get("/?date=not-a-day")
    assert response.status_code == 200
    assert "Packed talk" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    # So is a day at the edge of the calendar, whose bounds Python cannot compute.
    response = client.get("/?date=9999-12-31")
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    # The sold-out card offers the waitlist.
    sold_out_card = client.get("/?kind=talk").content.decode()
    assert "Sold out" in sold_out_card
    assert f"/sessions/{sold_out.pk}/#waitlist" in sold_out_card


def test_programme_form_keeps_filters_and_limits_days_to_the_expo(client):
    venue = VenueFactory()
    SessionFactory(venue=venue)
    html = client.get(f"/?venue={venue.slug}&available=true&q=tour").content.decode()
    assert f'<option value="{venue.slug}" selected>' in html
    assert 'name="available" value="true" checked' in html
    assert 'value="tour"' in html
    assert 'min="2022-05-30" max="2022-07-03"' in html


def test_programme_paginates_twenty_a_page(client):
    start = at_stockholm(2, 8)
    for minute in range(25):
        SessionFactory(
            starts_at=start + timedelta(minutes=minute), ends_at=start + timedelta(hours=1)
        )
    first = client.get("/").content.decode()
    second = client.get("/?page=2").content.decode()
    assert first.count('class="card"') == 20
    assert second.count('class="card"') == 5
    assert "?page=2" in first


def _programme_data(count: int, theme, exhibitor, exhibition):
    for _ in range(count):
        session = SessionFactory(host=exhibitor, exhibition=exhibition)
        session.themes.add(theme)


@pytest.mark.parametrize("logged_in", [False, True])
def test_programme_query_count_is_constant(client, visitor, django_assert_num_queries, logged_in):
    if logged_in:
        client.force_login(visitor)
    theme, exhibitor, exhibition = ThemeFactory(), ExhibitorFactory(), ExhibitionFactory()
    _programme_data(5, theme, exhibitor, exhibition)
    with CaptureQueriesContext(connection) as five:
        assert client.get("/").status_code == 200

    _programme_data(25, theme, exhibitor, exhibition)
    with django_assert_num_queries(len(five)):
        response = client.get("/")
    assert response.content.decode().count('class="card"') == 20


# --- Session page ----------------------------------------------------------------------


def test_session_page_shows_everything_a_visitor_needs(client):
    venue = VenueFactory(
        name="Oceanhamnen",
        address="Oceanhamnen, Helsingborg",
        latitude="56.040100",
        longitude="12.688900",
    )
    host = ExhibitorFactory(name="Öresundskraft AB")
    theme = ThemeFactory(name_en="Sustainable energy")
    session = SessionFactory(
        title_en="Energy of the future",
        description_en="How the harbour heats the city.",
        venue=venue,
        host=host,
        capacity=20,
    )
    session.themes.add(theme)

    response = client.get(f"/sessions/{session.pk}/")
    html = response.content.decode()

    assert response.status_code == 200
    for text in (
        "Energy of the future",
        "How the harbour heats the city.",
        "Oceanhamnen, Helsingborg",
        "Öresundskraft AB",
        "Sustainable energy",
        "20 of 20 left",
        f"/api/v1/sessions/{session.pk}/calendar.ics",
        "https://www.openstreetmap.org/?mlat=56.040100&amp;mlon=12.688900",
        f"/login/?next=/sessions/{session.pk}/",
    ):
        assert text in html, text
    calendar = client.get(f"/api/v1/sessions/{session.pk}/calendar.ics")
    assert calendar.status_code == 200


def test_session_page_unknown_or_unpublished_is_404(client):
    draft = SessionFactory(status=Session.Status.DRAFT)
    assert client.get("/sessions/999999/").status_code == 404
    assert client.get(f"/sessions/{draft.pk}/").status_code == 404


def test_logged_in_visitor_sees_the_booking_form(visitor_client):
    session = SessionFactory(max_party_size=4, capacity=3)
    html = visitor_client.get(f"/sessions/{session.pk}/").content.decode()
    assert f'action="/sessions/{session.pk}/book/"' in html
    assert '<option value="3">3</option>' in html
    assert '<option value="4">' not in html  # only what fits right now
    assert 'name="name_4"' in html


# --- Booking ---------------------------------------------------------------------------


def test_booking_through_the_form_creates_it_and_shows_the_tickets(visitor_client, visitor):
    session = SessionFactory(max_party_size=4)

    response = visitor_client.post(
        f"/sessions/{session.pk}/book/", {"party_size": 2, "name_1": "", "name_2": "Bo Ek"}
    )

    booking = Booking.objects.get(visitor=visitor, session=session)
    assert response.status_code == 302
    assert response["Location"] == f"/bookings/{booking.reference}/"
    assert booking.party_size == 2
    names = list(booking.tickets.order_by("id").values_list("attendee_name", flat=True))
    assert names == [visitor.name, "Bo Ek"]
    page = visitor_client.get(response["Location"]).content.decode()
    for ticket in booking.tickets.all():
        assert f'src="/api/v1/tickets/{ticket.pk}/qr.png"' in page
    assert "You are booked!" in page


def test_booking_with_a_party_size_out_of_range_is_refused(visitor_client):
    session = SessionFactory(max_party_size=4)
    response = visitor_client.post(f"/sessions/{session.pk}/book/", {"party_size": 99})
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert not Booking.objects.exists()
    garbage = visitor_client.post(f"/sessions/{session.pk}/book/", {"party_size": "lots"})
    assert garbage.status_code == 400


def test_booking_unknown_session_is_404(visitor_client):
    assert visitor_client.post("/sessions/999999/book/", {"party_size": 1}).status_code == 404


def test_booking_needs_a_login_and_comes_back_to_the_session(client):
    session = SessionFactory()
    response = client.post(f"/sessions/{session.pk}/book/", {"party_size": 1})
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next=/sessions/{session.pk}/"
    assert not Booking.objects.exists()


def test_sold_out_shows_the_message_and_the_waitlist_form(visitor_client, visitor):
    session = full_session()

    page = visitor_client.get(f"/sessions/{session.pk}/").content.decode()
    assert "Sold out" in page
    assert f'action="/sessions/{session.pk}/waitlist/"' in page
    assert f'action="/sessions/{session.pk}/book/"' not in page

    response = visitor_client.post(f"/sessions/{session.pk}/book/", {"party_size": 1})
    assert response.status_code == 409
    assert str(errors.SoldOut.default_detail) in response.content.decode()
    assert not Booking.objects.filter(visitor=visitor).exists()

    joined = visitor_client.post(
        f"/sessions/{session.pk}/waitlist/", {"party_size": 2}, follow=True
    )
    entry = WaitlistEntry.objects.get(visitor=visitor, session=session)
    assert (entry.party_size, entry.status) == (2, WaitlistEntry.Status.WAITING)
    assert "You are on the waitlist for 2 people." in joined.content.decode()


@pytest.mark.parametrize("refusal", [errors.Overlap, errors.AlreadyBooked])
def test_service_refusals_are_shown_on_the_page_not_as_error_pages(
    visitor_client, visitor, refusal
):
    session = SessionFactory()
    if refusal is errors.Overlap:
        book(visitor, SessionFactory(starts_at=session.starts_at, ends_at=session.ends_at))
    else:
        book(visitor, session)
    response = visitor_client.post(f"/sessions/{session.pk}/book/", {"party_size": 1})
    assert response.status_code == 409
    assert str(refusal.default_detail) in response.content.decode()
    assert 'role="alert"' in response.content.decode()


def test_a_refused_booking_keeps_what_was_typed_and_puts_the_error_at_the_form(
    visitor_client, visitor
):
    session = SessionFactory(title_en="Harbour walk", capacity=10, max_party_size=4)
    book(visitor, SessionFactory(starts_at=session.starts_at, ends_at=session.ends_at))

    response = visitor_client.post(
        f"/sessions/{session.pk}/book/",
        {"party_size": 3, "name_1": "Anna Berg", "name_2": "Bo Ek", "name_3": "Cia Lind"},
    )

    assert response.status_code == 409
    html = response.content.decode()
    form = html[html.index(f'action="/sessions/{session.pk}/book/"') :]
    form = form[: form.index("</form>")]
    # The refusal is inside the booking form, first, and marked for the focus script.
    summary = re.search(r'<div class="[^"]*error-summary[^"]*"[^>]*>', form)
    assert summary is not None
    assert "data-focus-first" in summary.group(0)
    assert form.index(str(errors.Overlap.default_detail)) < form.index('name="party_size"')
    assert str(errors.Overlap.default_detail) not in html[: html.index('id="book"')]
    # What the visitor typed is still there: the party size and every name.
    assert re.search(r'<option value="3" selected>', form)
    for name in ("Anna Berg", "Bo Ek", "Cia Lind"):
        assert f'value="{name}"' in form
    assert '<details class="names" open>' in form
    assert "<title>Error: Harbour walk" in html
    assert not Booking.objects.filter(session=session).exists()


def test_started_session_cannot_be_booked(visitor_client):
    session = SessionFactory(
        starts_at=timezone.now() - timedelta(minutes=5), ends_at=timezone.now() + timedelta(hours=1)
    )
    page = visitor_client.get(f"/sessions/{session.pk}/").content.decode()
    assert "already started" in page
    response = visitor_client.post(f"/sessions/{session.pk}/book/", {"party_size": 1}, follow=True)
    assert str(errors.BookingClosed.default_detail) in response.content.decode()


# --- My bookings -----------------------------------------------------------------------


def test_my_bookings_needs_a_login(client):
    response = client.get("/bookings/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/bookings/"


def test_my_bookings_shows_only_mine(visitor_client, visitor):
    mine = book(visitor, SessionFactory(title_en="My session"))
    theirs = book(UserFactory(), SessionFactory(title_en="Their session"))
    html = visitor_client.get("/bookings/").content.decode()
    assert mine.reference in html
    assert "My session" in html
    assert theirs.reference not in html
    assert "Their session" not in html
    assert f"webcal://testserver/api/v1/me/calendar.ics?token={visitor.calendar_token}" in html


def test_staff_also_see_only_their_own_bookings_here(client, expo_staff):
    client.force_login(expo_staff)
    theirs = book(UserFactory(), SessionFactory())
    assert theirs.reference not in client.get("/bookings/").content.decode()
    assert client.get(f"/bookings/{theirs.reference}/").status_code == 404


def test_someone_elses_booking_is_404(visitor_client):
    theirs = book(UserFactory(), SessionFactory())
    assert visitor_client.get(f"/bookings/{theirs.reference}/").status_code == 404
    assert visitor_client.get(f"/bookings/{theirs.reference}/cancel/").status_code == 404
    assert visitor_client.post(f"/bookings/{theirs.reference}/cancel/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Booking.Status.CONFIRMED
    assert visitor_client.get("/bookings/H22-NOPE123/").status_code == 404


def test_cancel_asks_then_cancels(visitor_client, visitor):
    session = SessionFactory()
    booking = book(visitor, session, party_size=2)

    confirm = visitor_client.get(f"/bookings/{booking.reference}/cancel/")
    assert confirm.status_code == 200
    assert "Yes, cancel the booking" in confirm.content.decode()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED  # asking changes nothing

    response = visitor_client.post(f"/bookings/{booking.reference}/cancel/", follow=True)
    booking.refresh_from_db()
    session.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert session.seats_taken == 0
    assert set(booking.tickets.values_list("status", flat=True)) == {Ticket.Status.CANCELLED}
    html = response.content.decode()
    assert "Your booking is cancelled" in html
    assert "/qr.png" not in html  # no usable QR for void tickets


def test_cancel_after_the_start_is_refused_politely(visitor_client, visitor):
    session = SessionFactory()
    booking = book(visitor, session)
    Session.objects.filter(pk=session.pk).update(starts_at=timezone.now() - timedelta(minutes=1))
    response = visitor_client.post(f"/bookings/{booking.reference}/cancel/", follow=True)
    assert response.status_code == 200
    assert str(errors.TooLate.default_detail) in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_waitlist_offer_can_be_accepted_or_declined(visitor_client, visitor):
    session = SessionFactory(capacity=2, max_party_size=4)
    holder = UserFactory()
    holder_booking = book(holder, session, party_size=2)
    entry = services.waitlist_join(visitor=visitor, session_id=session.pk, party_size=2)

    waiting = visitor_client.get("/bookings/").content.decode()
    assert "Number 1 in line." in waiting

    services.booking_cancel(booking_id=holder_booking.pk)  # the seats are offered to us
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.OFFERED
    offered = visitor_client.get("/bookings/").content.decode()
    expires = timezone.localtime(entry.offer_expires_at, STOCKHOLM).strftime("%H:%M")
    assert f"/waitlist/{entry.pk}/accept/" in offered
    assert f"/waitlist/{entry.pk}/leave/" in offered
    assert expires in offered

    response = visitor_client.post(f"/waitlist/{entry.pk}/accept/")
    booking = Booking.objects.get(visitor=visitor, session=session)
    assert response["Location"] == f"/bookings/{booking.reference}/"
    assert booking.party_size == 2


def test_waitlist_offer_declined(visitor_client, visitor):
    session = SessionFactory(capacity=1, max_party_size=2)
    holder_booking = book(UserFactory(), session)
    entry = services.waitlist_join(visitor=visitor, session_id=session.pk, party_size=1)
    services.booking_cancel(booking_id=holder_booking.pk)

    response = visitor_client.post(f"/waitlist/{entry.pk}/leave/", follow=True)
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.DECLINED
    assert "Offer declined" in response.content.decode()
    # Accepting what is no longer open is a message, not an error page.
    again = visitor_client.post(f"/waitlist/{entry.pk}/accept/", follow=True)
    assert str(errors.OfferNotOpen.default_detail) in again.content.decode()
    # Someone else's entry does not exist for us.
    theirs = WaitlistEntryFactory(session=session)
    assert visitor_client.post(f"/waitlist/{theirs.pk}/accept/").status_code == 404
    assert visitor_client.post(f"/waitlist/{theirs.pk}/leave/").status_code == 404
    assert visitor_client.post("/waitlist/999999/accept/").status_code == 404


# --- Accounts --------------------------------------------------------------------------


def test_register_sends_to_log_in_and_remembers_the_language(client):
    response = client.post(
        "/register/?next=/bookings/",
        {
            "name": "Greta Nilsson",
            "email": "Greta@Example.org",
            "password": "sommar i helsingborg 22",
            "language": "sv",
            "next": "/bookings/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Fbookings%2F"
    user = User.objects.get(email="greta@example.org")
    assert (user.name, user.language) == ("Greta Nilsson", "sv")
    assert user.groups.filter(name="visitor").exists()
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sv"
    # Not verified yet, and logging in and booking work all the same.
    assert user.email_verified_at is None
    logged_in = client.post(
        "/login/",
        {"username": "greta@example.org", "password": "sommar i helsingborg 22"},
    )
    assert logged_in.status_code == 302
    assert client.get("/bookings/").status_code == 200


def test_register_page_answers_a_taken_address_like_a_new_one(client, visitor):
    def sign_up(email):
        data = {"name": "X", "email": email, "password": "sommar i helsingborg 22"}
        response = client.post("/register/", {**data, "language": "en"}, follow=True)
        page = response.content.decode().replace(email, "ADDRESS")
        # The CSRF token is masked afresh on every page.
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
        return response.redirect_chain, response.status_code, page

    assert sign_up(visitor.email) == sign_up("new.person@example.org")
    assert User.objects.filter(email=visitor.email).count() == 1
    weak = client.post(
        "/register/", {"name": "X", "email": "x@example.org", "password": "123", "language": "en"}
    )
    assert weak.status_code == 400
    assert not User.objects.filter(email="x@example.org").exists()


def test_login_and_logout(client, visitor):
    page = client.get("/login/?next=/bookings/")
    assert page.status_code == 200
    wrong = client.post("/login/", {"username": visitor.email, "password": "nope"})
    assert wrong.status_code == 200
    assert "not right" in wrong.content.decode()

    response = client.post(
        "/login/",
        {
            "username": visitor.email.upper(),
            "password": "correct horse battery",
            "next": "/bookings/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/bookings/"
    assert client.get("/bookings/").status_code == 200

    assert client.get("/logout/").status_code == 405  # only POST logs out
    logged_out = client.post("/logout/")
    assert logged_out.status_code == 302
    assert client.get("/bookings/").status_code == 302


def test_login_refuses_an_unsafe_next(client, visitor):
    response = client.post(
        "/login/",
        {
            "username": visitor.email,
            "password": "correct horse battery",
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == "/"


def test_login_page_shares_the_api_rate_limit(client, visitor):
    cache.clear()
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "login": "2/min"}
    with override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    ):
        for _ in range(2):
            assert (
                client.post("/login/", {"username": visitor.email, "password": "x"}).status_code
                == 200
            )
        refused = client.post(
            "/login/", {"username": visitor.email, "password": "correct horse battery"}
        )
    cache.clear()
    assert refused.status_code == 429
    assert "Too many attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session


# --- Languages -------------------------------------------------------------------------


def test_language_switch_shows_swedish(client):
    SessionFactory(
        title_sv="Framtidens skola",
        title_en="The school of the future",
        starts_at=at_stockholm(2, 10),
        ends_at=at_stockholm(2, 11),
    )
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in english
    assert "The school of the future" in english

    switched = client.post("/i18n/setlang/", {"language": "sv", "next": "/"})
    assert switched.status_code == 302
    assert switched["Location"] == "/"
    swedish = client.get("/").content.decode()
    assert '<html lang="sv">' in swedish
    assert "Framtidens skola" in swedish
    assert "The school of the future" not in swedish
    weekday = at_stockholm(2, 10).strftime("%w")
    swedish_days = ["Söndag", "Måndag", "Tisdag", "Onsdag", "Torsdag", "Fredag", "Lördag"]
    assert swedish_days[int(weekday)] in swedish  # Django's own Swedish dates
    assert 'value="sv" lang="sv" title="Svenska" aria-current="true"' in swedish


@pytest.mark.django_db
def test_the_offer_e_mail_link_leads_to_the_visitors_entry(client):
    from expo.bookings import services as booking_services
    from tests.factories import SessionFactory, UserFactory

    session = SessionFactory(capacity=1)
    booking_services.booking_create(visitor=UserFactory(), session_id=session.pk, party_size=1)
    visitor = UserFactory()
    entry = booking_services.waitlist_join(visitor=visitor, session_id=session.pk, party_size=1)
    client.force_login(visitor)
    response = client.get(f"/waitlist/{entry.pk}/")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/bookings/#waitlist-{entry.pk}")
    client.force_login(UserFactory())
    assert client.get(f"/waitlist/{entry.pk}/").status_code == 404
