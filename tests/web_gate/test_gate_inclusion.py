"""The gate page for everyone: an old answer stays readable, a camera that cannot start is
a device problem (not a refused ticket), a long venue name wraps on a 360 px phone."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from expo.bookings import services
from expo.bookings.ticket_codes import ticket_code_sign
from expo.events.models import Entrance
from tests.browser import PHONE, assert_fits, browser_context, screenshot
from tests.factories import EntranceFactory, SessionFactory, UserFactory, VenueFactory
from tests.web_gate.test_gate_page import _log_in

GATE = "/gate/"
# Counts the buzzes a refused ticket gives, where a phone would vibrate.
COUNT_BUZZES = "window.buzzes = 0; navigator.vibrate = () => { window.buzzes += 1; return true; };"


@pytest.fixture(autouse=True)
def _sync_orm_beside_playwright(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _entrance(venue_name="Dunkers kulturhus"):
    venue = VenueFactory(name=venue_name, max_occupancy=300)
    entrance = EntranceFactory(venue=venue, name="Norra entrén", mode=Entrance.Mode.ENTRY_EXIT)
    starts = timezone.now() + timedelta(minutes=5)
    session = SessionFactory(venue=venue, starts_at=starts, ends_at=starts + timedelta(hours=1))
    return entrance, session


def _open(context, live_server, entrance):
    from playwright.sync_api import expect

    _log_in(context, live_server, UserFactory(role="gate_staff"))
    page = context.new_page()
    page.goto(live_server.url + GATE)
    page.get_by_role("button", name=entrance.name).click()
    expect(page.locator("#entrance-name")).to_have_text(entrance.name)
    return page


@pytest.mark.django_db(transaction=True)
def test_a_camera_that_cannot_start_is_a_device_problem(live_server, chromium):
    from playwright.sync_api import expect

    entrance, _ = _entrance()
    # No camera in this browser and no permission for one: getUserMedia refuses.
    context = browser_context(chromium, viewport=PHONE)
    context.add_init_script(COUNT_BUZZES)
    page = _open(context, live_server, entrance)
    page.get_by_role("button", name="Scan with camera").click()

    problem = page.locator("#camera-problem")
    expect(problem).to_be_visible()
    expect(problem).to_contain_text("The camera could not be started.")
    expect(page.locator("#code")).to_be_focused()
    # Not a ticket's answer: no red panel, no buzz, nothing among the scans.
    expect(page.locator("#result")).to_have_class("gate-result gate-result--ready")
    expect(page.locator("#recent-list li")).to_have_count(0)
    assert page.evaluate("window.buzzes") == 0
    expect(problem).to_have_css("background-color", "rgb(255, 255, 255)")
    screenshot(page, "gate-camera-problem-phone")

    # The field still takes a hand scanner: a refused code does buzz, and is listed.
    page.keyboard.type("NOT-A-TICKET")
    page.keyboard.press("Enter")
    expect(page.locator("#result")).to_have_class(re.compile(r"\bgate-result--rejected\b"))
    expect(page.locator("#recent-list li")).to_have_count(1)
    assert page.evaluate("window.buzzes") == 1
    context.close()


@pytest.mark.django_db(transaction=True)
def test_an_old_answer_stays_readable_and_says_its_age(live_server, chromium):
    from playwright.sync_api import expect

    entrance, session = _entrance()
    booking = services.booking_create(
        visitor=UserFactory(),
        session_id=session.pk,
        party_size=1,
        attendees=[services.Attendee(name="Dana Lind")],
    )
    ticket = booking.tickets.get()
    context = browser_context(chromium, viewport=PHONE)
    page = context.new_page()
    # The page's clock, moved by the test: no waiting for real seconds.
    page.clock.install()
    _log_in(context, live_server, UserFactory(role="gate_staff"))
    page.goto(live_server.url + GATE)
    page.get_by_role("button", name=entrance.name).click()
    expect(page.locator("#entrance-name")).to_have_text(entrance.name)

    page.keyboard.type(ticket_code_sign(ticket_id=ticket.pk, session_id=ticket.session_id))
    page.keyboard.press("Enter")
    result = page.locator("#result")
    expect(result).to_have_class("gate-result gate-result--accepted")
    age = page.locator("#result-age")
    expect(age).to_be_hidden()

    page.clock.run_for(12_000)
    expect(age).to_have_text("12 seconds ago")
    expect(result).to_have_css("opacity", "1")
    expect(result).to_have_class("gate-result gate-result--accepted")
    # The age is not part of the live answer, which a screen reader would repeat each second.
    assert age.evaluate("node => node.closest('[aria-live]')") is None
    page.clock.run_for(60_000)
    expect(age).to_have_text("1 minute ago")
    screenshot(page, "gate-answer-with-age-phone")

    # A new scan starts afresh.
    page.keyboard.type("NOT-A-TICKET")
    page.keyboard.press("Enter")
    expect(result).to_have_class(re.compile(r"\bgate-result--rejected\b"))
    expect(age).to_be_hidden()
    context.close()


@pytest.mark.django_db(transaction=True)
def test_a_long_venue_name_wraps_on_a_phone(live_server, chromium):
    from playwright.sync_api import expect

    name = "Dunkers kulturhus och Helsingborgs stadsbibliotek, konsthallen vid Sundstorget"
    entrance, _ = _entrance(venue_name=name)
    context = browser_context(chromium, viewport=PHONE)
    page = _open(context, live_server, entrance)
    venue = page.locator("#venue-name")
    expect(venue).to_have_text(name)
    line = page.locator("#change-entrance").bounding_box()["height"]
    holder = page.locator(".gate-entrance")
    assert holder.evaluate("node => node.scrollWidth <= node.clientWidth")
    assert holder.bounding_box()["height"] > line, "the venue name should wrap onto more lines"
    box = venue.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert_fits(page, "the gate with a long venue name")
    screenshot(page, "gate-long-venue-name-phone")
    context.close()
