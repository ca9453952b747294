"""The gate page (/gate/): who may open it, and a gate on a phone losing its network.

The browser test drives the system Chromium (`/usr/bin/chromium`) through Playwright
against pytest-django's live server; Playwright never downloads a browser here. Without
Chromium it is skipped, except under CI (`CI` set), where that fails the build.
Screenshots land in `SCREENSHOT_DIR` (default /tmp).
"""

import json
import os
import re
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.signals import request_started
from django.shortcuts import resolve_url
from django.templatetags.static import static
from django.test import Client
from django.utils import timezone
from django.utils.crypto import get_random_string

from expo.bookings import services
from expo.bookings.models import Ticket
from expo.bookings.ticket_codes import ticket_code_sign
from expo.events.models import Entrance
from expo.scanning import services as scanning
from expo.scanning.models import Scan
from tests.browser import PHONE, launched_chromium
from tests.factories import (
    EntranceFactory,
    ExpoFactory,
    SessionFactory,
    UserFactory,
    VenueFactory,
)


@pytest.fixture(autouse=True)
def _sync_orm_beside_playwright(monkeypatch):
    """Playwright's sync API runs an event loop in the test thread; the ORM calls the
    test makes between browser steps are still plain synchronous calls."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


GATE = "/gate/"
SERVICE_WORKER = "/gate/sw.js"
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp"))


# --- Who may open the page ----------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_is_sent_to_log_in(client):
    response = client.get(GATE)
    assert response.status_code == 302
    assert response["Location"] == f"{resolve_url('accounts:login')}?next={GATE}"


@pytest.mark.django_db
def test_a_visitor_gets_a_403_page(client, visitor):
    client.force_login(visitor)
    response = client.get(GATE)
    assert response.status_code == 403
    assert b"gate-config" not in response.content
    assert b"gate.js" not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["gate_staff", "expo_staff"])
def test_staff_get_the_scanner_with_a_csrf_cookie(client, role):
    client.force_login(UserFactory(role=role))
    response = client.get(GATE)
    assert response.status_code == 200
    assert settings.CSRF_COOKIE_NAME in response.cookies  # the page only uses fetch()
    config = response.context["gate_config"]
    assert config["urls"]["scan"] == "/api/v1/scans/"
    assert config["urls"]["batch"] == "/api/v1/scans/batch/"
    assert config["urls"]["occupancy"] == "/api/v1/venues/venue-slug/occupancy/"
    assert config["scanOpensMinutes"] == settings.SCAN_OPENS_MINUTES_BEFORE_START
    assert b'id="gate-config"' in response.content
    assert b"expo/gate.js" in response.content


@pytest.mark.django_db
def test_the_page_speaks_the_active_language(client, gate_staff):
    client.force_login(gate_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    response = client.get(GATE)
    assert b'<html lang="sv">' in response.content


# --- In a browser ---------------------------------------------------------------------------


@pytest.fixture
def browser_context():
    with launched_chromium() as browser:
        context = browser.new_context(viewport=PHONE, locale="en-GB", device_scale_factor=2)
        context.set_default_timeout(15_000)
        try:
            yield context
        finally:
            context.close()


def _log_in(context, live_server, user) -> None:
    """Gate staff are not `is_staff`, so no admin log-in: hand the browser a session."""
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


def _code(ticket) -> str:
    return ticket_code_sign(ticket_id=ticket.pk, session_id=ticket.session_id)


def _tampered(code: str) -> str:
    """One character of the signature changed: base32 of 80 bytes has no spare bits."""
    last = code[-1]
    return code[:-1] + ("A" if last != "A" else "B")


def _assert_fits_the_phone(page, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{what} scrolls sideways: {width}px wide"


def _scan(page, code: str) -> None:
    """Like a hand scanner: keystrokes to whatever has the focus, then Enter."""
    page.keyboard.type(code)
    page.keyboard.press("Enter")


@pytest.mark.django_db(transaction=True)
def test_a_gate_keeps_scanning_through_a_network_outage(live_server, browser_context):
    from playwright.sync_api import expect

    today = timezone.localdate()
    ExpoFactory(starts_on=today, ends_on=today + timedelta(days=30))
    venue = VenueFactory(name="Dunkers kulturhus", max_occupancy=300)
    north = EntranceFactory(venue=venue, name="Norra entrén", mode=Entrance.Mode.ENTRY_EXIT)
    EntranceFactory(name="Hamnporten")  # another venue's gate, to pick between
    # Starts in a few minutes: inside the scan window whenever the test runs.
    starts = timezone.now() + timedelta(minutes=5)
    session = SessionFactory(
        venue=venue,
        title_en="Guided tour: The harbour of the future",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        capacity=20,
    )
    party = services.booking_create(
        visitor=UserFactory(),
        session_id=session.pk,
        party_size=3,
        attendees=[
            services.Attendee(name="Anna Svensson"),
            services.Attendee(name="Bo Svensson"),
            services.Attendee(name="Cecilia Svensson"),
        ],
    )
    anna, bo, cecilia = party.tickets.order_by("id")
    cancelled_booking = services.booking_create(
        visitor=UserFactory(), session_id=session.pk, party_size=1
    )
    cancelled = cancelled_booking.tickets.get()
    forged = _tampered(_code(cecilia))
    gate_staff = UserFactory(role="gate_staff")

    context = browser_context
    _log_in(context, live_server, gate_staff)
    page = context.new_page()
    page.goto(live_server.url + GATE)

    # Pick the entrance; the page downloads what it needs to work offline.
    expect(page.get_by_role("button", name="Hamnporten")).to_be_visible()
    _assert_fits_the_phone(page, "the entrance picker")
    page.screenshot(path=str(SCREENSHOTS / "gate-pick.png"))
    page.get_by_role("button", name="Norra entrén").click()
    expect(page.locator("#entrance-name")).to_have_text("Norra entrén")
    expect(page.locator("#data-status")).to_contain_text("1 session")
    expect(page.locator("#occupancy")).to_have_text("0 / 300 inside")
    _assert_fits_the_phone(page, "the scanner")
    page.screenshot(path=str(SCREENSHOTS / "gate-ready.png"))

    # Online: the server admits Anna once.
    result = page.locator("#result")
    _scan(page, _code(anna))
    expect(result).to_have_class("gate-result gate-result--accepted")
    expect(result).to_contain_text("ACCEPTED")
    expect(result).to_contain_text("Anna Svensson")
    expect(page.locator("#code")).to_be_focused()  # ready for the next one at once
    expect(page.locator("#code")).to_have_value("")
    expect(result).to_contain_text("Guided tour: The harbour of the future")
    assert Ticket.objects.get(pk=anna.pk).checked_in
    _assert_fits_the_phone(page, "an accepted scan")
    page.screenshot(path=str(SCREENSHOTS / "gate-accepted.png"))

    _scan(page, _code(anna))
    expect(result).to_have_class("gate-result gate-result--rejected")
    expect(result).to_contain_text("REJECTED")
    expect(result).to_contain_text("Already checked in at")
    _assert_fits_the_phone(page, "a rejected scan")
    page.screenshot(path=str(SCREENSHOTS / "gate-rejected.png"))

    # A booking is cancelled while the gate is still online: its revocation comes down.
    services.booking_cancel(booking_id=cancelled_booking.pk)
    page.get_by_role("button", name="Update now").click()
    expect(page.locator("#data-status")).to_contain_text("1 cancelled")
    # The focus is on that button now; the scanner's keystrokes still reach the field.

    # The network drops: the page notices by itself and verifies on the device.
    context.set_offline(True)
    expect(page.locator("#offline-banner")).to_be_visible()
    expect(page.locator("#net-text")).to_have_text("Offline")

    _scan(page, _code(bo))
    expect(result).to_have_class("gate-result gate-result--accepted gate-result--offline")
    expect(result).to_contain_text("Checked offline on this device")
    expect(result).to_contain_text("Guided tour: The harbour of the future")
    expect(page.locator("#offline-banner")).to_contain_text("1 scan waiting to be sent.")
    assert not Ticket.objects.get(pk=bo.pk).checked_in  # nothing reached the server
    _assert_fits_the_phone(page, "the offline banner")
    page.screenshot(path=str(SCREENSHOTS / "gate-offline-accepted.png"))

    _scan(page, _code(bo))  # this device let Bo in a moment ago
    expect(result).to_have_class("gate-result gate-result--rejected gate-result--offline")
    expect(result).to_contain_text("Already checked in at")

    _scan(page, forged)
    expect(result).to_have_class("gate-result gate-result--rejected gate-result--offline")
    expect(result).to_contain_text("Not a valid ticket")
    page.screenshot(path=str(SCREENSHOTS / "gate-offline-forged.png"))

    _scan(page, _code(cancelled))
    expect(result).to_have_class("gate-result gate-result--rejected gate-result--offline")
    expect(result).to_contain_text("This ticket has been cancelled.")

    # Meanwhile another gate, still online, lets Cecilia in; this one cannot know.
    other_gate = EntranceFactory(venue=venue, name="Södra entrén")
    scanning.ticket_scan(
        staff=gate_staff,
        scan=scanning.ScanInput(
            code=_code(cecilia),
            entrance_id=other_gate.pk,
            direction="in",
            nonce=uuid.uuid4().hex,
        ),
    )
    _scan(page, _code(cecilia))
    expect(result).to_have_class("gate-result gate-result--accepted gate-result--offline")
    expect(page.locator("#offline-banner")).to_contain_text("2 scans waiting to be sent.")
    waiting = "Object.keys(localStorage).filter(k => k.startsWith('h22gate.v1.queue.')).length"
    assert page.evaluate(waiting) == 2  # kept on the device, should the tab be closed
    page.screenshot(path=str(SCREENSHOTS / "gate-offline-queue.png"), full_page=True)

    # Back online: the queue goes up by itself and the disagreement is shown.
    context.set_offline(False)
    summary = page.locator("#sync-summary")
    expect(summary).to_contain_text("2 offline scans sent to the server.", timeout=20_000)
    expect(summary).to_contain_text("1 was judged differently by the server:")
    expect(summary).to_contain_text("Cecilia Svensson: server says Already checked in at")
    expect(page.locator("#offline-banner")).to_be_hidden()
    assert page.evaluate(waiting) == 0
    expect(page.locator("#occupancy")).to_have_text("3 / 300 inside")  # Anna, Cecilia, Bo

    bo.refresh_from_db()
    assert bo.checked_in
    bo_scan = Scan.objects.get(ticket=bo, offline=True)
    assert (bo_scan.result, bo_scan.entrance_id) == ("accepted", north.pk)
    cecilia_scan = Scan.objects.get(ticket=cecilia, offline=True)
    assert (cecilia_scan.result, cecilia_scan.reason) == ("rejected", "already_checked_in")
    # Refusals made offline changed nothing at the gate, so they were never uploaded.
    assert not Scan.objects.filter(ticket=cancelled).exists()
    assert Scan.objects.filter(offline=True).count() == 2
    _assert_fits_the_phone(page, "the sync summary")
    page.screenshot(path=str(SCREENSHOTS / "gate-synced.png"), full_page=True)

    # Anna leaves through the same gate (it scans exits too).
    page.get_by_role("radio", name="Out").check()
    expect(page.locator("#code-label")).to_have_text("EXIT: scan tickets of people leaving")
    _scan(page, _code(anna))
    expect(result).to_have_class("gate-result gate-result--accepted")
    expect(result).to_contain_text("EXIT OK")
    assert not Ticket.objects.get(pk=anna.pk).checked_in
    expect(page.locator("#occupancy")).to_have_text("2 / 300 inside")

    # The entrance is remembered for the next shift.
    page.reload()
    expect(page.locator("#entrance-name")).to_have_text("Norra entrén")
    expect(page.locator("#code")).to_be_focused()


@pytest.mark.django_db(transaction=True)
def test_the_gate_answers_in_swedish(live_server, browser_context):
    from playwright.sync_api import expect

    entrance = EntranceFactory(name="Västra entrén", mode=Entrance.Mode.ENTRY)
    session = SessionFactory(venue=entrance.venue)
    booking = services.booking_create(visitor=UserFactory(), session_id=session.pk, party_size=1)
    context = browser_context
    _log_in(context, live_server, UserFactory(role="gate_staff"))
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "sv", "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(live_server.url + GATE)
    page.get_by_role("button", name="Västra entrén").click()
    expect(page.locator("#direction")).to_be_hidden()  # an entry-only gate scans no exits
    expect(page.locator("#code-label")).to_have_text("Skanna eller skriv biljettkoden")

    _scan(page, _code(booking.tickets.get()))  # the session is tomorrow
    result = page.locator("#result")
    expect(result).to_contain_text("NEKAD")
    expect(result).to_contain_text("För tidigt: insläppet öppnar")
    _assert_fits_the_phone(page, "the Swedish page")
    page.screenshot(path=str(SCREENSHOTS / "gate-sv-too-early.png"))


# --- Reloaded without network (the service worker) ---------------------------------------


def test_the_service_worker_script_is_public_and_never_cached(client):
    response = client.get(SERVICE_WORKER)  # no log-in: an expired session must not break it
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert response["Service-Worker-Allowed"] == GATE
    head, _, source = response.content.decode().partition("\n")
    assert head.startswith("self.GATE_SW = ") and head.endswith(";")
    config = json.loads(head.removeprefix("self.GATE_SW = ").removesuffix(";"))
    # The same URLs the page writes with {% static %}, whatever the storage.
    assert config["assets"] == [
        static("vendor/barcode-detector/ponyfill.js"),
        static("vendor/zxing-wasm/zxing_reader.wasm"),
        static("expo/qr-camera.js"),
        static("expo/gate.js"),
        static("expo/gate.css"),
        static("expo/gate-walkin.js"),
        static("expo/gate-walkin.css"),
        "/gate/jsi18n/en.js",
        "/gate/jsi18n/sv.js",
    ]
    assert config["page"] == GATE
    assert config["cacheName"].startswith(config["cachePrefix"])
    assert 'addEventListener("fetch"' in source
    assert client.get(SERVICE_WORKER).content == response.content  # same files, same worker


def test_a_changed_gate_file_renames_the_cache(client, monkeypatch):
    """A deploy must replace the kept files: the cache name follows their contents."""
    before = client.get(SERVICE_WORKER).content.partition(b"\n")[0]
    real_find = finders.find

    def edited(path, *args, **kwargs):
        found = real_find(path, *args, **kwargs)
        if path != "expo/gate.css":
            return found
        copy = Path(tempfile.mkdtemp()) / "gate.css"
        copy.write_bytes(Path(found).read_bytes() + b"\n/* edited */\n")
        return str(copy)

    monkeypatch.setattr(finders, "find", edited)
    after = client.get(SERVICE_WORKER).content.partition(b"\n")[0]
    assert before != after


@pytest.mark.django_db
def test_the_page_tells_the_script_where_the_worker_is(client, gate_staff):
    client.force_login(gate_staff)
    config = client.get(GATE).context["gate_config"]
    assert config["urls"]["serviceWorker"] == SERVICE_WORKER
    assert config["urls"]["page"] == GATE


@contextmanager
def _requests_to_the_server():
    """Paths the live server is asked for, seen from Django (not from the browser)."""
    paths = []

    def note(sender, environ=None, **kwargs):
        paths.append(environ.get("PATH_INFO") if environ else None)

    request_started.connect(note, weak=False)
    try:
        yield paths
    finally:
        request_started.disconnect(note)


def _wait_for_the_service_worker(page, live_server) -> None:
    """Installed (page and files cached), activated and in control of this page."""
    # A function, not a string: a string predicate is run by `eval`, which the page's
    # Content-Security-Policy refuses.
    page.wait_for_function(
        "() => navigator.serviceWorker.controller !== null"
        " && navigator.serviceWorker.controller.state === 'activated'"
    )
    assert page.evaluate("navigator.serviceWorker.ready.then(r => r.active.state)") == "activated"
    scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == live_server.url + GATE
    assert _kept(page, GATE)
    assert _kept(page, static("expo/gate.js"))
    assert _kept(page, static("expo/gate.css"))
    assert _kept(page, static("vendor/barcode-detector/ponyfill.js"))
    assert _kept(page, static("vendor/zxing-wasm/zxing_reader.wasm"))
    assert _kept(page, "/gate/jsi18n/en.js")


def _kept(page, url: str) -> bool:
    """Whether some cache of this origin holds a usable copy of `url`."""
    script = "url => caches.match(url, {ignoreVary: true}).then(r => Boolean(r && r.ok))"
    return page.evaluate(script, url)


def _gate_with_a_session_soon():
    venue = VenueFactory(name="Dunkers kulturhus", max_occupancy=300)
    entrance = EntranceFactory(venue=venue, name="Norra entrén", mode=Entrance.Mode.ENTRY_EXIT)
    starts = timezone.now() + timedelta(minutes=5)
    session = SessionFactory(venue=venue, starts_at=starts, ends_at=starts + timedelta(hours=1))
    return entrance, session


def _open_the_gate_online(context, live_server, entrance):
    from playwright.sync_api import expect

    _IN_FLIGHT[context] = _requests_in_flight(context)
    page = context.new_page()
    page.goto(live_server.url + GATE)
    _wait_for_the_service_worker(page, live_server)
    page.get_by_role("button", name=entrance.name).click()
    expect(page.locator("#entrance-name")).to_have_text(entrance.name)
    expect(page.locator("#data-status")).to_contain_text("1 session")
    return page


_IN_FLIGHT = {}


def _requests_in_flight(context) -> set:
    """Requests the browser (page or service worker) has sent and not yet seen end."""
    pending = set()

    def sent(request):
        pending.add(request)

    def ended(request):
        pending.discard(request)

    context.on("request", sent)
    context.on("requestfinished", ended)
    context.on("requestfailed", ended)
    return pending


def _go_offline(context, page) -> None:
    """Cut the network once the page is idle, then wait for what was on its way to end.

    A refresh sent just before the cut would still reach the server afterwards, so
    "nothing reached Django while offline" would be about the wrong moment.
    """
    from playwright.sync_api import expect

    expect(page.locator("#occupancy")).to_be_visible()
    page.wait_for_function(
        "() => { const s = window.H22Gate.page.state;"
        " return !s.refreshing && !s.refreshAgain && !s.syncing; }"
    )
    context.set_offline(True)
    pending = _IN_FLIGHT[context]
    deadline = time.monotonic() + 15
    while pending and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert not pending, [request.url for request in pending]


@pytest.mark.django_db(transaction=True)
def test_a_gate_reloaded_without_network_still_opens_and_scans(live_server, browser_context):
    from playwright.sync_api import expect

    entrance, session = _gate_with_a_session_soon()
    booking = services.booking_create(
        visitor=UserFactory(),
        session_id=session.pk,
        party_size=1,
        attendees=[services.Attendee(name="Dana Lind")],
    )
    ticket = booking.tickets.get()
    context = browser_context
    _log_in(context, live_server, UserFactory(role="gate_staff"))
    page = _open_the_gate_online(context, live_server, entrance)

    _go_offline(context, page)
    expect(page.locator("#offline-banner")).to_be_visible()
    with _requests_to_the_server() as asked:
        response = page.reload()
        # The page and both files came from the worker's copy: nothing reached Django.
        assert response.ok and response.from_service_worker
        expect(page.locator("#entrance-name")).to_have_text("Norra entrén")
        expect(page.locator("#offline-banner")).to_be_visible()
        expect(page.locator("#offline-banner")).to_contain_text("OFFLINE")
        expect(page.locator("#net-text")).to_have_text("Offline")
        expect(page.locator("#data-status")).to_contain_text("1 session")
        expect(page.locator("#code")).to_be_focused()
        # gate.css came from the copy too.
        expect(page.locator("body")).to_have_css("background-color", "rgb(246, 246, 248)")
        _assert_fits_the_phone(page, "the page reloaded offline")
        page.screenshot(path=str(SCREENSHOTS / "gate-reloaded-offline.png"))

        result = page.locator("#result")
        _scan(page, _code(ticket))
        expect(result).to_have_class("gate-result gate-result--accepted gate-result--offline")
        expect(result).to_contain_text("Checked offline on this device")
        expect(page.locator("#offline-banner")).to_contain_text("1 scan waiting to be sent.")
        page.screenshot(path=str(SCREENSHOTS / "gate-reloaded-offline-accepted.png"))
    assert asked == []
    assert not Ticket.objects.get(pk=ticket.pk).checked_in

    # Back online, the page served from the copy sends its queue with the CSRF cookie.
    context.set_offline(False)
    expect(page.locator("#sync-summary")).to_contain_text(
        "1 offline scan sent to the server.", timeout=20_000
    )
    expect(page.locator("#offline-banner")).to_be_hidden()
    assert Ticket.objects.get(pk=ticket.pk).checked_in
    scan = Scan.objects.get(ticket=ticket)
    assert (scan.offline, scan.result, scan.entrance_id) == (True, "accepted", entrance.pk)

    # Online again, a reload asks the server first (network first, not the copy).
    with _requests_to_the_server() as asked:
        page.reload()
        expect(page.locator("#net-text")).to_have_text("Online")
    assert GATE in asked


@pytest.mark.django_db(transaction=True)
def test_a_gate_whose_login_ran_out_offline_is_sent_to_log_in(live_server, browser_context):
    from playwright.sync_api import expect

    entrance, session = _gate_with_a_session_soon()
    ticket = services.booking_create(
        visitor=UserFactory(), session_id=session.pk, party_size=1
    ).tickets.get()
    gate_staff = UserFactory(role="gate_staff")
    context = browser_context
    _log_in(context, live_server, gate_staff)
    page = _open_the_gate_online(context, live_server, entrance)

    _go_offline(context, page)
    expect(page.locator("#offline-banner")).to_be_visible()
    # The session ends on the server while the gate has no network.
    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
    SessionStore().delete(
        next(c["value"] for c in context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    )
    page.reload()  # the copy: the server would have redirected to log in
    expect(page.locator("#entrance-name")).to_have_text("Norra entrén")
    _scan(page, _code(ticket))
    expect(page.locator("#result")).to_have_class(
        "gate-result gate-result--accepted gate-result--offline"
    )

    # The network is back but the login is not: the scan waits, the page says log in.
    context.set_offline(False)
    expect(page.locator("#auth-banner")).to_be_visible(timeout=20_000)
    expect(page.locator("#offline-banner")).to_contain_text("1 scan waiting to be sent.")
    assert not Ticket.objects.get(pk=ticket.pk).checked_in
    page.get_by_role("link", name="Log in again").click()
    expect(page).to_have_url(re.compile(r"/login/\?next=/gate/$"))

    # Online, the page itself is not served from the copy to someone logged out.
    page.goto(live_server.url + GATE)
    expect(page).to_have_url(re.compile(r"/login/\?next=/gate/$"))
    assert not _kept(page, GATE)

    # Logged in again: the waiting scan goes up.
    _log_in(context, live_server, gate_staff)
    page.goto(live_server.url + GATE)
    expect(page.locator("#sync-summary")).to_contain_text(
        "1 offline scan sent to the server.", timeout=20_000
    )
    assert Ticket.objects.get(pk=ticket.pk).checked_in
    assert Scan.objects.get(ticket=ticket).offline
    import sys

    from django.db import connection as c

    print("TEST", id(c.connection), c.connection, file=sys.stderr)


@pytest.mark.django_db(transaction=True)
def test_logging_out_drops_the_kept_page(live_server, browser_context):
    from playwright.sync_api import expect

    entrance, _ = _gate_with_a_session_soon()
    context = browser_context
    _log_in(context, live_server, UserFactory(role="gate_staff"))
    page = _open_the_gate_online(context, live_server, entrance)
    # A log-in in another tab rotates the CSRF cookie; this page's forms were written
    # with the old one (as a kept copy of the page would be) and must still work.
    context.add_cookies(
        [
            {
                "name": settings.CSRF_COOKIE_NAME,
                "value": get_random_string(32),
                "url": live_server.url,
            }
        ]
    )
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(lambda url: "/gate/" not in url)
    assert not _kept(page, GATE)
    assert _kept(page, static("expo/gate.js"))  # nothing personal in the static files
    page.goto(live_server.url + GATE)
    expect(page).to_have_url(re.compile(r"/login/\?next=/gate/$"))  # really logged out
