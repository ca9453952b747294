"""The staff desk in the system's Chromium: live occupancy without a reload, deciding
proposals, cancelling a session, and axe-core on every new page in Swedish and English.

Screenshots at 360 px and desktop width land in the test artifacts (tests/browser.py).
"""

import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from expo.bookings import messages as bookings_messages
from expo.bookings.ticket_codes import ticket_code_sign
from expo.events.models import Session
from expo.notifications.models import Notification
from tests.browser import (
    DESKTOP,
    PHONE,
    assert_fits,
    assert_no_serious_axe_violations,
    browser_context,
    screenshot,
)
from tests.conftest import client_for
from tests.factories import (
    EntranceFactory,
    ExhibitionFactory,
    ExhibitorFactory,
    ExpoFactory,
    MembershipFactory,
    SessionFactory,
    UserFactory,
    VenueFactory,
    book,
)
from tests.staff.helpers import flagged_scan, proposal, session_today


def _log_in(context, live_server, user) -> None:
    """Hand the browser a logged-in session (the log-in page is tested elsewhere)."""
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


@pytest.mark.django_db(transaction=True)
def test_occupancy_changes_within_seconds_after_a_gate_scan(live_server, chromium):
    from playwright.sync_api import expect

    venue = VenueFactory(name="Dunkers kulturhus", slug="dunkers", max_occupancy=2)
    gate = EntranceFactory(venue=venue, name="Norra entrén")
    starts = timezone.now() + timedelta(minutes=5)  # inside the scan window
    session = SessionFactory(venue=venue, starts_at=starts, ends_at=starts + timedelta(hours=1))
    first, second = book(session=session, party_size=2).tickets.order_by("pk")
    context = browser_context(chromium, viewport=PHONE)
    _log_in(context, live_server, UserFactory(role="expo_staff"))
    page = context.new_page()
    page.goto(live_server.url + "/staff/")
    card = page.locator('[data-venue="dunkers"]')
    expect(card.locator('[data-field="inside"]')).to_have_text("0")
    expect(card.locator('[data-field="level_text"]')).to_have_text("Room to spare")
    page.evaluate("window.notReloaded = true")

    gate_api = client_for(UserFactory(role="gate_staff"))
    for ticket in (first, second):
        code = ticket_code_sign(ticket_id=ticket.pk, session_id=ticket.session_id)
        body = {"code": code, "entrance": gate.pk, "direction": "in", "nonce": uuid.uuid4().hex}
        assert gate_api.post("/api/v1/scans/", body, format="json").data["status"] == "accepted"

    expect(card.locator('[data-field="inside"]')).to_have_text("2", timeout=5_000)
    expect(card.locator('[data-field="level_text"]')).to_have_text("Full")
    expect(card).to_have_class("occupancy occupancy--full")
    expect(card.locator(f'[data-entrance="{gate.pk}"] [data-field="entries"]')).to_have_text("2")
    assert page.evaluate("window.notReloaded") is True
    screenshot(page, "staff-desk-occupancy-full-phone")
    context.close()


@pytest.mark.django_db(transaction=True)
def test_staff_approve_one_proposal_and_reject_another(live_server, chromium):
    from playwright.sync_api import expect

    member = MembershipFactory()
    good = proposal(host=member.exhibitor, proposed_by=member.user, title_en="Solar kit build")
    weak = proposal(host=member.exhibitor, proposed_by=member.user, title_en="Sales pitch")
    context = browser_context(chromium, viewport=DESKTOP)
    _log_in(context, live_server, UserFactory(role="expo_staff"))
    page = context.new_page()
    page.goto(live_server.url + "/staff/")

    page.locator(f"#proposal-{good.pk}").get_by_role("button", name="Approve").click()
    message = page.locator(".messages .message")
    expect(message).to_contain_text("“Solar kit build” is published")
    expect(message).to_be_focused()
    page.goto(live_server.url + "/")
    expect(page.get_by_role("link", name="Solar kit build")).to_be_visible()

    page.goto(live_server.url + "/staff/")
    rejection = page.locator(f"#proposal-{weak.pk}")
    rejection.get_by_label("Reason for the exhibitor").fill("A sales pitch is not a session.")
    rejection.get_by_role("button", name="Reject").click()
    expect(message).to_contain_text("“Sales pitch” is turned down")
    expect(message).to_be_focused()
    weak.refresh_from_db()
    assert (weak.status, weak.status_reason) == ("rejected", "A sales pitch is not a session.")
    expect(page.locator(f"#proposal-{weak.pk}")).to_have_count(0)
    context.close()


@pytest.mark.django_db(transaction=True)
def test_cancel_a_session_after_seeing_whom_the_notice_reaches(live_server, chromium):
    from playwright.sync_api import expect

    session = SessionFactory(title_en="Harbour walk", capacity=10)
    bookings = [book(session=session, party_size=2), book(session=session, party_size=1)]
    context = browser_context(chromium, viewport=PHONE)
    _log_in(context, live_server, UserFactory(role="expo_staff"))
    page = context.new_page()
    page.goto(live_server.url + f"/staff/sessions/{session.pk}/")
    page.get_by_role("link", name="Cancel this session…").click()

    expect(page.locator("[data-reach]")).to_contain_text("The notice reaches 2 people")
    expect(page.locator("[data-reach]")).to_contain_text("2 bookings (3 tickets)")
    assert Session.objects.get(pk=session.pk).status == Session.Status.PUBLISHED
    page.get_by_label("Reason (included in the notice)").fill("Storm warning for the harbour.")
    page.get_by_role("button", name="Yes, cancel and tell them").click()

    message = page.locator(".messages .message")
    expect(message).to_have_text("The session is cancelled. 2 people are being told by e-mail.")
    expect(message).to_be_focused()
    session.refresh_from_db()
    assert (session.status, session.status_reason) == (
        Session.Status.CANCELLED,
        "Storm warning for the harbour.",
    )
    outbox = Notification.objects.filter(kind=bookings_messages.SESSION_CANCELLED)
    assert sorted(outbox.values_list("booking_id", flat=True)) == sorted(b.pk for b in bookings)
    context.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["sv", "en"])
def test_new_pages_have_no_serious_axe_violation(live_server, chromium, at_noon, language):
    today = timezone.localdate()
    expo = ExpoFactory(starts_on=today - timedelta(days=2), ends_on=today + timedelta(days=30))
    venue = VenueFactory(expo=expo, name="Dunkers kulturhus", max_occupancy=100, inside=95)
    VenueFactory(expo=expo, name="Tropical", max_occupancy=None)
    entrance = EntranceFactory(venue=venue, name="Norra entrén")
    exhibition = ExhibitionFactory(
        expo=expo, venue=venue, starts_on=today, ends_on=today + timedelta(days=9)
    )
    session = session_today(venue=venue, exhibition=exhibition, title_en="Harbour walk")
    book(session=session, party_size=2)
    proposal(host=ExhibitorFactory(), title_en="Solar kit build")
    flagged_scan(entrance=entrance, ticket=book(session=session).tickets.get(), reason="venue_full")
    staff = UserFactory(role="expo_staff", language=language)
    pages = [
        ("desk", "/staff/"),
        ("attendance", f"/staff/sessions/{session.pk}/"),
        ("cancel", f"/staff/sessions/{session.pk}/cancel/"),
        ("exhibitions", "/exhibitions/"),
        ("exhibition", f"/exhibitions/{exhibition.slug}/"),
        ("venues", "/venues/"),
        ("venue", f"/venues/{venue.slug}/"),
    ]
    for viewport_name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        context = browser_context(chromium, viewport=viewport, language=language)
        _log_in(context, live_server, staff)
        page = context.new_page()
        for name, path in pages:
            page.goto(live_server.url + path)
            what = f"{path} ({language}, {viewport_name})"
            assert page.locator("html").get_attribute("lang") == language
            assert_fits(page, what)
            screenshot(page, f"staff-{name}-{language}-{viewport_name}")
            assert_no_serious_axe_violations(page, what)
        context.close()
        # The refusal page, as a visitor sees it.
        context = browser_context(chromium, viewport=viewport, language=language)
        _log_in(context, live_server, UserFactory(role="visitor", language=language))
        page = context.new_page()
        page.goto(live_server.url + "/staff/")
        assert_fits(page, f"403 ({language}, {viewport_name})")
        screenshot(page, f"staff-403-{language}-{viewport_name}")
        assert_no_serious_axe_violations(page, f"403 ({language}, {viewport_name})")
        context.close()
