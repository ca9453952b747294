"""A visitor on a phone, in a real browser: log in, filter, book for two, see the QR tickets.

Drives the system Chromium (`/usr/bin/chromium`, installed by `make install`) through
Playwright against pytest-django's live server. Playwright never downloads a browser
here. Without Chromium the test is skipped, except under CI (`CI` set), where a missing
browser must fail the build instead of silently passing it.
"""

import os
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from expo.bookings.models import Booking
from expo.events.models import Session
from tests.browser import PHONE, launched_chromium
from tests.factories import ExpoFactory, SessionFactory, UserFactory, VenueFactory

SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp"))
STOCKHOLM = ZoneInfo("Europe/Stockholm")
PASSWORD = "correct horse battery"


@pytest.fixture
def browser_page(monkeypatch):
    # Playwright's sync API keeps an event loop in this thread; the ORM calls the test
    # makes between browser steps are still synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with launched_chromium() as browser:
        context = browser.new_context(viewport=PHONE, locale="en-GB", device_scale_factor=2)
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=STOCKHOLM)


def _assert_fits_the_phone(page, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{what} scrolls sideways: {width}px wide"


@pytest.mark.django_db(transaction=True)
def test_visitor_books_for_two_on_a_phone(live_server, browser_page):
    page = browser_page
    today = timezone.localdate(timezone.now(), STOCKHOLM)
    day = today + timedelta(days=2)
    ExpoFactory(starts_on=today, ends_on=today + timedelta(days=30))
    harbour = VenueFactory(
        name="Oceanhamnen",
        address="Oceanhamnen, 252 25 Helsingborg",
        latitude="56.040100",
        longitude="12.688900",
    )
    library = VenueFactory(name="Helsingborgs stadsbibliotek")
    workshop = SessionFactory(
        title_en="Workshop: Digital security for everyone",
        title_sv="Workshop: Digital säkerhet för alla",
        description_en="Hands-on: passwords, two-factor log-in and safe payments.",
        kind=Session.Kind.WORKSHOP,
        venue=harbour,
        starts_at=_at(day, 13),
        ends_at=_at(day, 14),
        capacity=12,
        max_party_size=4,
    )
    SessionFactory(
        title_en="Guided tour: The classroom of the future",
        kind=Session.Kind.TOUR,
        venue=library,
        starts_at=_at(day, 10),
        ends_at=_at(day, 11),
    )
    SessionFactory(
        title_en="Workshop on another day",
        kind=Session.Kind.WORKSHOP,
        venue=library,
        starts_at=_at(day + timedelta(days=1), 10),
        ends_at=_at(day + timedelta(days=1), 11),
    )
    visitor = UserFactory(email="anna@example.org", name="Anna Svensson", language="en")

    # Log in from the programme and land back on it.
    page.goto(live_server.url + "/")
    _assert_fits_the_phone(page, "the programme")
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Log in").click()
    page.get_by_label("E-mail").fill("anna@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("link", name="My bookings").is_visible()

    # Filter: workshops on that day with free seats (folded behind one button on a phone).
    page.locator("summary", has_text="Search and filter").click()
    page.get_by_label("Day", exact=True).fill(day.isoformat())
    page.get_by_label("Kind", exact=True).select_option("workshop")
    page.get_by_label("Only with free seats").check()
    page.get_by_role("button", name="Show sessions").click()
    page.wait_for_url("**/?*kind=workshop*")
    cards = page.locator(".card")
    assert cards.count() == 1
    assert "Digital security" in cards.first.inner_text()
    assert "12 seats left" in cards.first.inner_text()
    _assert_fits_the_phone(page, "the filtered programme")
    page.screenshot(path=str(SCREENSHOTS / "h22-phone-programme.png"), full_page=True)

    # Book two seats, naming the second ticket.
    cards.first.get_by_role("link").first.click()
    page.wait_for_url(f"**/sessions/{workshop.pk}/")
    assert (
        page.get_by_role("link", name="Show on map")
        .get_attribute("href")
        .startswith("https://www.openstreetmap.org/?mlat=56.040100")
    )
    _assert_fits_the_phone(page, "the session page")
    page.get_by_label("Number of tickets").select_option("2")
    page.get_by_text("Names on the tickets (optional)").click()
    page.get_by_label("Ticket 2", exact=True).fill("Bo Svensson")
    page.screenshot(path=str(SCREENSHOTS / "h22-phone-session.png"), full_page=True)
    page.get_by_role("button", name="Book", exact=True).click()
    page.wait_for_url("**/bookings/H22-*/")

    booking = Booking.objects.get(visitor=visitor, session=workshop)
    assert booking.party_size == 2
    assert page.url.endswith(f"/bookings/{booking.reference}/")
    assert page.get_by_text("You are booked!").is_visible()

    # Both tickets show a QR image that actually loaded (session cookie, owner only).
    qr_images = page.locator("img.ticket__qr")
    assert qr_images.count() == 2
    page.wait_for_function(  # a function: the page's CSP refuses `eval` of a string
        "() => Array.from(document.querySelectorAll('img.ticket__qr'))"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
    assert "Bo Svensson" in page.locator(".tickets").inner_text()
    assert "Anna Svensson" in page.locator(".tickets").inner_text()
    _assert_fits_the_phone(page, "the tickets page")
    page.screenshot(path=str(SCREENSHOTS / "h22-phone-tickets.png"), full_page=True)

    # My bookings lists it.
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="My bookings").click()
    page.wait_for_url("**/bookings/")
    assert booking.reference in page.locator("main").inner_text()
    _assert_fits_the_phone(page, "my bookings")
    page.screenshot(path=str(SCREENSHOTS / "h22-phone-bookings.png"), full_page=True)
