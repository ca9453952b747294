"""The gate page in Chromium: a walk-in issued and admitted after the no-show release, and a
booking found by its reference and admitted ticket by ticket."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from expo.bookings import services
from expo.bookings.models import Ticket
from expo.events.models import Session
from tests.browser import assert_fits, assert_no_serious_axe_violations, browser_context, screenshot
from tests.factories import EntranceFactory, SessionFactory, UserFactory, VenueFactory

pytestmark = pytest.mark.django_db(transaction=True)

GATE = "/gate/"


def _open_gate(chromium, live_server, user, entrance):
    from playwright.sync_api import expect

    client = Client()
    client.force_login(user)
    context = browser_context(chromium)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.goto(live_server.url + GATE)
    page.get_by_role("button", name=entrance.name).click()
    expect(page.locator("#entrance-name")).to_have_text(entrance.name)
    return page


def test_a_walk_in_is_issued_and_admitted_at_the_gate(chromium, live_server):
    from playwright.sync_api import expect

    venue = VenueFactory(name="Dunkers kulturhus")
    entrance = EntranceFactory(venue=venue, name="Norra entrén")
    now = timezone.now()
    session = SessionFactory(
        venue=venue,
        kind=Session.Kind.WORKSHOP,
        title_en="Solder a lamp",
        capacity=2,
        max_party_size=2,
        starts_at=now - timedelta(minutes=20),
        ends_at=now + timedelta(minutes=40),
        no_show_release_minutes=10,
    )
    services.booking_create(
        visitor=UserFactory(), session_id=session.pk, party_size=2, now=now - timedelta(hours=1)
    )
    assert services.tickets_release_no_shows() == 2

    page = _open_gate(chromium, live_server, UserFactory(role="gate_staff"), entrance)
    expect(page.locator(f'[data-session="{session.pk}"]')).to_have_text("2 seats free now")
    page.get_by_label("Name").fill("Gunnel Ek")
    page.get_by_role("button", name="Issue ticket and admit").click()

    expect(page.locator("#walk-in-result")).to_have_text("Ticket issued to Gunnel Ek and admitted.")
    expect(page.locator("#walk-in-result")).to_be_focused()
    expect(page.locator(f'[data-session="{session.pk}"]')).to_have_text("1 seat free now")
    ticket = Ticket.objects.get(attendee_name="Gunnel Ek")
    assert ticket.checked_in and ticket.booking.walk_in
    assert_fits(page, "the gate with walk-ins")
    assert_no_serious_axe_violations(page, "the gate with walk-ins")
    screenshot(page, "gate-walk-in-issued")


def test_a_booking_reference_shows_its_tickets_to_admit(chromium, live_server):
    from playwright.sync_api import expect

    venue = VenueFactory(name="Dunkers kulturhus")
    entrance = EntranceFactory(venue=venue, name="Norra entrén")
    starts = timezone.now() + timedelta(minutes=5)
    session = SessionFactory(venue=venue, starts_at=starts, capacity=5, max_party_size=2)
    booking = services.booking_create(
        visitor=UserFactory(),
        session_id=session.pk,
        party_size=2,
        attendees=[services.Attendee(name="Ada"), services.Attendee(name="Bo")],
    )

    page = _open_gate(chromium, live_server, UserFactory(role="gate_staff"), entrance)
    page.locator("#code").fill(booking.reference.lower())
    page.keyboard.press("Enter")

    admit_ada = page.get_by_role("button", name="Admit Ada")
    expect(admit_ada).to_be_focused()
    admit_ada.click()
    expect(page.locator("#result-word")).to_have_text("ACCEPTED")
    expect(page.locator("#booking-tickets li").first).to_contain_text("Inside")
    expect(page.get_by_role("button", name="Admit Bo")).to_be_visible()
    assert list(booking.tickets.order_by("id").values_list("checked_in", flat=True)) == [
        True,
        False,
    ]
    assert_no_serious_axe_violations(page, "the gate with a booking's tickets")
    screenshot(page, "gate-booking-reference")
