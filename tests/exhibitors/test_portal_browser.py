"""The exhibitor portal and guide in the system's Chromium (tests/browser.py): the flows an
exhibitor goes through, axe-core on every page in Swedish and English, and screenshots
at 360 px and desktop width in the test artifacts."""

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from expo.events.models import Session
from expo.exhibitors.models import Lead, Membership
from tests.browser import (
    DESKTOP,
    PHONE,
    assert_fits,
    assert_no_serious_axe_violations,
    browser_context,
    chromium_filming,
    qr_video,
    screenshot,
    without_native_barcode_detector,
)
from tests.exhibitors.factories import ticket_code
from tests.factories import UserFactory

PASSWORD = "correct horse battery"
pytestmark = pytest.mark.django_db(transaction=True)


def log_in(context, live_server, user) -> None:
    """Hand the browser a logged-in session (the log-in form has its own tests)."""
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


def test_an_invited_person_joins_edits_the_profile_and_adds_a_stand(live_server, chromium, world):
    from playwright.sync_api import expect

    UserFactory(email="invitee@example.org", role="visitor")
    context = browser_context(chromium, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/exhibitor/invitations/{world.invitation_token}/")
    page.get_by_role("link", name="Log in", exact=True).last.click()
    page.fill("input[name=username]", "invitee@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form.stack button[type=submit]")
    page.get_by_role("button", name="Join Alfa Energi AB").click()

    expect(page).to_have_url(f"{live_server.url}/exhibitor/alfa/")
    expect(page.locator(".message--success")).to_be_focused()
    screenshot(page, "exhibitor-joined-phone")

    page.get_by_role("link", name="Profile").click()
    page.get_by_label("Description in English").fill("Solar roofs for every school in town.")
    page.get_by_role("button", name="Save the profile").click()
    expect(page.locator(".message--success")).to_contain_text("The profile is saved.")

    page.get_by_role("link", name="Stands").click()
    page.get_by_label("Venue").select_option("dunkers")
    page.get_by_label("Stand code").fill("C3")
    page.get_by_label("Opens at").fill("09:30")
    page.get_by_label("Closes at").fill("16:00")
    page.get_by_role("button", name="Add the stand").click()
    expect(page.locator(".message--success")).to_contain_text("Stand C3 is added.")
    assert_fits(page, "stands page")

    page.goto(f"{live_server.url}/exhibitors/alfa/")
    expect(page.get_by_text("Solar roofs for every school in town.")).to_be_visible()
    stand = page.locator("li.panel", has_text="C3")
    expect(stand).to_contain_text("Dunkers kulturhus")
    expect(stand).to_contain_text("Open daily 09:30–16:00")
    screenshot(page, "exhibitor-public-page-phone")
    context.close()


def test_a_proposal_approved_on_the_desk_joins_the_programme(live_server, chromium, world):
    from playwright.sync_api import expect

    context = browser_context(chromium, viewport=DESKTOP)
    log_in(context, live_server, world.member_a)
    page = context.new_page()
    page.goto(f"{live_server.url}/exhibitor/alfa/sessions/")
    page.get_by_role("link", name="Propose a session").first.click()
    starts = timezone.localtime(timezone.now() + timedelta(days=4)).replace(hour=13, minute=0)
    page.get_by_label("Title in Swedish").fill("Vätgas i hamnen")
    page.get_by_label("Title in English").fill("Hydrogen in the harbour")
    page.get_by_label("Kind").select_option("talk")
    page.get_by_label("Starts").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Ends").fill((starts + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Venue").select_option("dunkers")
    page.get_by_label("Seats").fill("40")
    page.get_by_role("button", name="Send the proposal").click()

    expect(page).to_have_url(f"{live_server.url}/exhibitor/alfa/sessions/")
    row = page.locator("tr", has_text="Hydrogen in the harbour")
    expect(row).to_contain_text("Pending approval")
    session = Session.objects.get(title_en="Hydrogen in the harbour")
    assert (session.status, session.host_id, session.capacity) == ("pending", world.a.pk, 40)
    assert timezone.localtime(session.starts_at).hour == 13
    screenshot(page, "exhibitor-proposal-pending-desktop")
    context.close()

    # Expo staff approve it on their desk; it is then in the programme for everyone.
    desk = browser_context(chromium, viewport=DESKTOP)
    log_in(desk, live_server, UserFactory(role="expo_staff"))
    page = desk.new_page()
    page.goto(f"{live_server.url}/staff/")
    page.locator(f"#proposal-{session.pk}").get_by_role("button", name="Approve").click()
    expect(page.locator(".messages .message")).to_contain_text("is published")
    page.goto(f"{live_server.url}/sessions/{session.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hydrogen in the harbour")
    page.goto(f"{live_server.url}/?q=Hydrogen")
    expect(page.get_by_role("link", name="Hydrogen in the harbour")).to_be_visible()
    desk.close()
    assert Session.objects.get(pk=session.pk).status == Session.Status.PUBLISHED


def test_the_attendee_csv_downloads_with_consenting_names(live_server, chromium, world):
    context = browser_context(chromium, viewport=DESKTOP, accept_downloads=True)
    log_in(context, live_server, world.owner_a)
    page = context.new_page()
    page.goto(f"{live_server.url}/exhibitor/alfa/sessions/")
    page.get_by_role("link", name=world.published_a.title_en).click()
    page.get_by_label("Separator").select_option("semicolon")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download attendees (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == f"alfa-session-{world.published_a.pk}-attendees.csv"
    raw = Path(download.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Booking", "Ticket", "Attendee"]
    assert [row[2] for row in rows[1:]] == ["Åsa Öberg", "", "Erik Ek"]  # Björn: a guest
    assert {row[0] for row in rows[1:]} == {
        world.booking.reference,
        world.walk_in_booking.reference,
    }
    context.close()


def test_a_consenting_visitor_is_scanned_with_the_camera(live_server, world, tmp_path, monkeypatch):
    from playwright.sync_api import expect

    # As the `chromium` fixture: ORM calls between browser steps stay synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    ticket = world.walk_in_booking.tickets.get()
    video = qr_video(ticket_code(ticket), tmp_path / "ticket.y4m")
    with chromium_filming(video) as browser:
        context = browser_context(browser, viewport=PHONE, permissions=["camera"])
        without_native_barcode_detector(context)
        log_in(context, live_server, world.member_a)
        page = context.new_page()
        page.goto(f"{live_server.url}/exhibitor/alfa/leads/scan/")
        page.get_by_role("button", name="Scan with camera").click()
        card = page.locator(".lead-card")
        expect(card).to_contain_text("Erik Ek")
        expect(card).to_be_focused()
        screenshot(page, "exhibitor-lead-scanned-phone")
        assert Lead.objects.filter(exhibitor=world.a, visitor=world.walk_in).count() == 1

        page.get_by_role("link", name="All leads").first.click()
        expect(page.locator("tr", has_text="Erik Ek")).to_contain_text(world.walk_in.email)
        context.close()


@pytest.mark.parametrize("language", ["sv", "en"])
def test_exhibitor_pages_have_no_serious_axe_violation(live_server, chromium, world, language):
    Membership.objects.filter(user=world.owner_a).update(role=Membership.Role.OWNER)
    world.owner_a.language = language
    world.owner_a.save()
    a = "/exhibitor/alfa"
    public = [("guide", "/exhibitors/"), ("exhibitor", "/exhibitors/alfa/")]
    portal = [
        ("overview", f"{a}/"),
        ("profile", f"{a}/profile/"),
        ("stands", f"{a}/stands/"),
        ("stand", f"{a}/stands/{world.stand_a.pk}/"),
        ("team", f"{a}/team/"),
        ("sessions", f"{a}/sessions/"),
        ("propose", f"{a}/sessions/propose/"),
        ("session", f"{a}/sessions/{world.published_a.pk}/"),
        ("leads", f"{a}/leads/"),
        ("lead-scan", f"{a}/leads/scan/"),
        ("lead", f"{a}/leads/{world.lead_a.pk}/"),
    ]
    nobody = UserFactory(role="exhibitor", language=language)
    for viewport_name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        for who, pages in (
            (None, public),
            (world.owner_a, portal),
            (nobody, [("choose", "/exhibitor/")]),
            (world.visitor, [("403", f"{a}/")]),
        ):
            context = browser_context(chromium, viewport=viewport, language=language)
            if who is not None:
                log_in(context, live_server, who)
            page = context.new_page()
            for name, path in pages:
                page.goto(live_server.url + path)
                what = f"{path} ({language}, {viewport_name})"
                assert page.locator("html").get_attribute("lang") == language, what
                assert_fits(page, what)
                screenshot(page, f"exhibitor-{name}-{language}-{viewport_name}")
                assert_no_serious_axe_violations(page, what)
            if who is world.owner_a:
                # A form sent back with its errors: the summary is focused and accessible.
                page.goto(f"{live_server.url}{a}/stands/")
                page.locator("button[type=submit].button--primary").last.click()
                summary = page.locator(".error-summary")
                summary.wait_for()
                assert summary.evaluate("element => element === document.activeElement")
                screenshot(page, f"exhibitor-stands-errors-{language}-{viewport_name}")
                assert_no_serious_axe_violations(page, f"stands with errors ({language})")
            context.close()
