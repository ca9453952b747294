"""The visitor's pages for everyone, in the system's Chromium (tests/browser.py): keyboard
only, 360 px phones and 200 % zoom, Swedish and English, axe-core on every page, and the
focus on the answer after every form post.

200 % zoom on a 1280 px screen leaves a 640 px CSS viewport at two device pixels per CSS
pixel; that is how it is emulated here.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from expo.bookings import errors
from expo.bookings.models import Booking
from tests.browser import (
    PHONE,
    assert_fits,
    assert_no_serious_axe_violations,
    browser_context,
    screenshot,
)
from tests.factories import ExpoFactory, SessionFactory, UserFactory, book

PASSWORD = "correct horse battery"
ZOOM_200 = {"width": 640, "height": 450}
MOST_TABS = 60


def focused(page) -> dict:
    """What has the keyboard focus: its tag, text, accessible label bits and role."""
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          return {
            tag: el.tagName.toLowerCase(),
            text: (el.innerText || el.value || "").trim(),
            name: el.getAttribute("name") || "",
            type: el.getAttribute("type") || "",
            classes: el.className || "",
            label: el.labels && el.labels[0] ? el.labels[0].innerText.trim() : "",
          };
        }"""
    )


def tab_to(page, matches, what: str) -> dict:
    """Press Tab until the focused element `matches`; fail if it never comes."""
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        element = focused(page)
        if matches(element):
            return element
    raise AssertionError(f"{what} is not reachable with Tab")


def tab_count_from_main(page, matches) -> int:
    """Tab stops from the start of the content (where the skip link lands) to `matches`."""
    page.focus("main")
    for count in range(1, MOST_TABS + 1):
        page.keyboard.press("Tab")
        if matches(focused(page)):
            return count
    raise AssertionError("never reached")


@pytest.mark.django_db(transaction=True)
def test_log_in_book_two_seats_and_cancel_with_the_keyboard_only_on_a_phone(live_server, chromium):
    today = timezone.localdate()
    ExpoFactory(starts_on=today, ends_on=today + timedelta(days=30))
    session = SessionFactory(
        title_en="Harbour walk",
        starts_at=timezone.now() + timedelta(days=2),
        capacity=20,
        max_party_size=4,
    )
    visitor = UserFactory(email="kim@example.org", name="Kim Lund", language="en")
    context = browser_context(chromium, viewport=PHONE, language="en")
    page = context.new_page()

    page.goto(f"{live_server.url}/sessions/{session.pk}/")
    tab_to(page, lambda e: e["text"] == "Log in to book", "the log-in link")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/login/\?next="))

    tab_to(page, lambda e: e["name"] == "username", "the e-mail field")
    page.keyboard.type("kim@example.org")
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/sessions/{session.pk}/")
    assert_fits(page, "the session page")
    screenshot(page, "keyboard-1-session-phone")

    tab_to(page, lambda e: e["name"] == "party_size", "the number of tickets")
    page.keyboard.press("ArrowDown")  # 1 → 2
    assert page.evaluate("document.activeElement.value") == "2"
    tab_to(page, lambda e: e["tag"] == "button" and e["text"] == "Book", "the Book button")
    page.keyboard.press("Enter")
    page.wait_for_url("**/bookings/H22-*/")

    booking = Booking.objects.get(visitor=visitor)
    assert booking.party_size == 2
    assert page.locator(".ticket").count() == 2
    # The confirmation has the focus: a screen reader reads it first.
    assert "You are booked!" in focused(page)["text"]
    screenshot(page, "keyboard-2-booked-phone")

    tab_to(page, lambda e: e["text"] == "Cancel booking", "the cancel link")
    page.keyboard.press("Enter")
    page.wait_for_url("**/cancel/")
    tab_to(page, lambda e: e["text"] == "Yes, cancel the booking", "the confirm button")
    page.keyboard.press("Space")
    page.wait_for_url(f"**/bookings/{booking.reference}/")
    assert "Your booking is cancelled" in focused(page)["text"]
    screenshot(page, "keyboard-3-cancelled-phone")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    context.close()


@pytest.mark.django_db(transaction=True)
def test_a_refused_booking_takes_the_focus_to_its_error_at_the_form(live_server, chromium):
    session = SessionFactory(title_en="Harbour walk", capacity=20, max_party_size=4)
    visitor = UserFactory(email="kim@example.org", language="en")
    book(visitor, SessionFactory(starts_at=session.starts_at, ends_at=session.ends_at))
    context = browser_context(chromium, viewport=PHONE, language="en")
    page = context.new_page()
    page.goto(f"{live_server.url}/login/?next=/sessions/{session.pk}/")
    page.get_by_label("E-mail").fill("kim@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/sessions/{session.pk}/")

    page.get_by_label("Number of tickets").select_option("2")
    page.locator("summary", has_text="Names on the tickets").click()
    page.get_by_label("Ticket 2").fill("Bo Ek")
    page.get_by_role("button", name="Book", exact=True).click()
    page.wait_for_load_state()

    active = focused(page)
    assert "error-summary" in active["classes"]
    assert str(errors.Overlap.default_detail) in active["text"]
    assert page.evaluate("document.activeElement.closest('form') !== null")
    assert page.get_by_label("Number of tickets").input_value() == "2"
    assert page.get_by_label("Ticket 2").input_value() == "Bo Ek"
    assert page.title().startswith("Error: ")
    screenshot(page, "booking-error-phone")
    assert_no_serious_axe_violations(page, "the refused booking")
    context.close()


@pytest.mark.django_db(transaction=True)
def test_registration_errors_get_a_summary_with_the_focus_and_a_changed_title(
    live_server, chromium
):
    context = browser_context(chromium, viewport=PHONE, language="sv")
    page = context.new_page()
    page.goto(f"{live_server.url}/register/")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "error-summary" in focused(page)["classes"]
    assert page.title().startswith("Fel: ")
    screenshot(page, "register-error-sv-phone")
    assert_no_serious_axe_violations(page, "the refused registration (sv)")
    context.close()


@pytest.mark.django_db(transaction=True)
def test_programme_results_come_before_the_filters_on_a_phone(live_server, chromium):
    today = timezone.localdate()
    ExpoFactory(starts_on=today, ends_on=today + timedelta(days=30))
    SessionFactory(title_en="Harbour walk", starts_at=timezone.now() + timedelta(days=2))
    context = browser_context(chromium, viewport=PHONE, language="en")
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert not page.locator("#filter-venue").is_visible()
    first_session = page.locator(".card__title a").first
    assert first_session.bounding_box()["y"] < PHONE["height"]  # on the first screen
    # The hero's two links, the one filters button, then the first session.
    tabs = tab_count_from_main(page, lambda e: e["text"] == "Harbour walk")
    assert tabs == 4, f"{tabs} Tab stops before the first session"
    # One button unfolds them, with the keyboard too.
    tab_to(page, lambda e: e["tag"] == "summary", "the filters button")
    page.keyboard.press("Enter")
    assert page.locator("#filter-venue").is_visible()
    context.close()

    wide = browser_context(chromium, viewport={"width": 1280, "height": 900}, language="en")
    page = wide.new_page()
    page.goto(live_server.url + "/")
    assert page.locator("#filter-venue").is_visible()  # room for both: unfolded
    wide.close()


@pytest.mark.django_db(transaction=True)
def test_the_date_fields_calendar_button_shows_a_focus_ring(live_server, chromium):
    today = timezone.localdate()
    ExpoFactory(starts_on=today, ends_on=today + timedelta(days=30))
    context = browser_context(chromium, viewport={"width": 1280, "height": 900}, language="en")
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.locator("summary", has_text="Search and filter").focus()
    # Into the date field and through its parts (day, month, year, calendar button): the
    # ring stays on while any part of it has the focus.
    tab_to(page, lambda e: e["name"] == "date", "the date field")
    for _ in range(4):
        if focused(page)["name"] != "date":
            break
        ring = page.evaluate(
            """() => {
              const style = getComputedStyle(document.querySelector("#filter-date"));
              return [style.outlineStyle, style.outlineWidth];
            }"""
        )
        assert ring == ["solid", "3px"]
        page.keyboard.press("Tab")
    context.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_visitor_page_passes_axe_on_a_phone_and_at_200_percent_zoom(
    live_server, chromium, language
):
    today = timezone.localdate()
    ExpoFactory(starts_on=today, ends_on=today + timedelta(days=30))
    session = SessionFactory(starts_at=timezone.now() + timedelta(days=2), capacity=10)
    visitor = UserFactory(email="axe@example.com", language=language)
    booking = book(visitor, SessionFactory(starts_at=timezone.now() + timedelta(days=3)), "Al")
    public = [
        ("programme", "/"),
        ("session", f"/sessions/{session.pk}/"),
        ("exhibitions", "/exhibitions/"),
        ("venues", "/venues/"),
        ("exhibitors", "/exhibitors/"),
        ("login", "/login/"),
        ("register", "/register/"),
        ("password-reset", "/password/reset/"),
        ("accessibility", "/accessibility/"),
        ("privacy", "/privacy/"),
        ("contact", "/contact/"),
    ]
    own = [
        ("bookings", "/bookings/"),
        ("booking", f"/bookings/{booking.reference}/"),
        ("cancel", f"/bookings/{booking.reference}/cancel/"),
        ("account", "/account/"),
        ("account-delete", "/account/delete/"),
        ("password-change", "/password/change/"),
        ("session-logged-in", f"/sessions/{session.pk}/"),
    ]
    for size, viewport, scale in (("360px", PHONE, 1), ("zoom200", ZOOM_200, 2)):
        context = browser_context(
            chromium, viewport=viewport, language=language, device_scale_factor=scale
        )
        page = context.new_page()
        for name, path in public:
            check_page(page, live_server.url + path, f"{name}-{language}-{size}")
        page.goto(live_server.url + "/login/")
        page.fill("input[name=username]", "axe@example.com")
        page.fill("input[name=password]", PASSWORD)
        page.click("main form.stack button[type=submit]")
        page.wait_for_load_state()
        for name, path in own:
            check_page(page, live_server.url + path, f"{name}-{language}-{size}")
        context.close()


def check_page(page, url: str, name: str) -> None:
    page.goto(url)
    assert page.evaluate("document.documentElement.lang") in ("sv", "en")
    assert_fits(page, name)
    screenshot(page, f"inclusion-{name}")
    assert_no_serious_axe_violations(page, name)
