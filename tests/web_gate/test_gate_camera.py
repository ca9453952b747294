"""The gate reads tickets with the camera in browsers without BarcodeDetector.

Chromium's fake camera films a ticket's QR; `window.BarcodeDetector` is deleted before the
page loads, so the page decodes through the barcode-detector ponyfill and its WebAssembly,
served by this site under its real Content-Security-Policy (no `bypass_csp`) and kept by
the gate's service worker for a gate with no network.
"""

from datetime import timedelta

import pytest
from django.templatetags.static import static
from django.utils import timezone

from expo.bookings import services
from expo.bookings.ticket_codes import ticket_code_sign
from expo.events.models import Entrance
from expo.scanning.models import Scan
from tests.browser import (
    PHONE,
    chromium_filming,
    qr_video,
    screenshot,
    without_native_barcode_detector,
)
from tests.factories import EntranceFactory, SessionFactory, UserFactory, VenueFactory
from tests.web_gate.test_gate_page import _log_in, _wait_for_the_service_worker

GATE = "/gate/"
WASM = "vendor/zxing-wasm/zxing_reader.wasm"


@pytest.fixture(autouse=True)
def _sync_orm_beside_playwright(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _ticket_at_a_gate():
    venue = VenueFactory(name="Dunkers kulturhus", max_occupancy=300)
    entrance = EntranceFactory(venue=venue, name="Norra entrén", mode=Entrance.Mode.ENTRY_EXIT)
    starts = timezone.now() + timedelta(minutes=5)
    session = SessionFactory(venue=venue, starts_at=starts, ends_at=starts + timedelta(hours=1))
    booking = services.booking_create(
        visitor=UserFactory(),
        session_id=session.pk,
        party_size=1,
        attendees=[services.Attendee(name="Dana Lind")],
    )
    ticket = booking.tickets.get()
    return entrance, ticket, ticket_code_sign(ticket_id=ticket.pk, session_id=ticket.session_id)


def _gate(browser, live_server):
    context = browser.new_context(viewport=PHONE, locale="en-GB", permissions=["camera"])
    context.set_default_timeout(15_000)
    without_native_barcode_detector(context)
    _log_in(context, live_server, UserFactory(role="gate_staff"))
    return context


def _pick(page, entrance):
    from playwright.sync_api import expect

    page.get_by_role("button", name=entrance.name).click()
    expect(page.locator("#entrance-name")).to_have_text(entrance.name)
    expect(page.locator("#data-status")).to_contain_text("1 session")


@pytest.mark.django_db(transaction=True)
def test_the_gate_scans_with_the_camera_without_a_native_detector(live_server, tmp_path):
    from playwright.sync_api import expect

    entrance, ticket, code = _ticket_at_a_gate()
    with chromium_filming(qr_video(code, tmp_path / "ticket.y4m")) as browser:
        context = _gate(browser, live_server)
        page = context.new_page()
        asked = []
        page.on("request", lambda request: asked.append(request.url))
        page.goto(live_server.url + GATE)
        assert page.evaluate("'BarcodeDetector' in window") is False
        _pick(page, entrance)
        page.get_by_role("button", name="Scan with camera").click()
        # The camera keeps filming the same QR: later reads are "already checked in", so
        # the first answer is read from the list of scans, oldest last.
        first = page.locator("#recent-list li").last
        expect(first).to_have_class("is-accepted", timeout=30_000)
        expect(first).to_contain_text("Dana Lind")
        screenshot(page, "gate-camera-ponyfill-accepted")
        context.close()
    # The WebAssembly came from this site; nothing was asked of a CDN.
    assert live_server.url + static(WASM) in asked
    assert all(url.startswith(live_server.url) for url in asked), asked
    first = Scan.objects.filter(ticket=ticket).order_by("scanned_at").first()
    assert (first.result, first.offline, first.entrance_id) == ("accepted", False, entrance.pk)


@pytest.mark.django_db(transaction=True)
def test_the_gate_scans_with_the_camera_offline_without_a_native_detector(live_server, tmp_path):
    from playwright.sync_api import expect

    entrance, ticket, code = _ticket_at_a_gate()
    with chromium_filming(qr_video(code, tmp_path / "ticket.y4m")) as browser:
        context = _gate(browser, live_server)
        page = context.new_page()
        page.goto(live_server.url + GATE)
        _wait_for_the_service_worker(page, live_server)
        _pick(page, entrance)

        # Reloaded with no network: the page, the ponyfill and its WebAssembly come from
        # the service worker's copy (the camera was never started online).
        context.set_offline(True)
        expect(page.locator("#offline-banner")).to_be_visible()
        response = page.reload()
        assert response.ok and response.from_service_worker
        assert page.evaluate("'BarcodeDetector' in window") is False
        expect(page.locator("#entrance-name")).to_have_text(entrance.name)
        page.get_by_role("button", name="Scan with camera").click()
        first = page.locator("#recent-list li").last
        expect(first).to_have_class("is-accepted", timeout=30_000)
        # Offline the device knows the signed ticket number, not the name.
        expect(first).to_contain_text(f"Ticket #{ticket.pk}")
        expect(first.locator(".gate-recent__offline")).to_be_visible()
        screenshot(page, "gate-camera-ponyfill-offline-accepted")

        context.set_offline(False)
        page.get_by_role("button", name="Stop camera").click()
        context.set_offline(False)
        expect(page.locator("#offline-banner")).to_be_hidden(timeout=20_000)
        expect(page.locator("#sync-summary")).to_be_visible(timeout=20_000)
        context.close()
    first = Scan.objects.filter(ticket=ticket).order_by("scanned_at").first()
    assert (first.result, first.offline) == ("accepted", True)
