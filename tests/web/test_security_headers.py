"""Content-Security-Policy on every page, and pages that need nothing from elsewhere.

The header test walks the URL configuration, so a page added later is covered without
touching this file. The browser tests record what Chromium actually loads and what the
policy refused.
"""

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from expo.bookings.services import booking_create
from expo.exhibitors.services import invitation_create
from tests.browser import launched_chromium
from tests.factories import ExhibitorFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def _page_routes(patterns=None, prefix="") -> list[str]:
    """Every route but the JSON API under /api/v1/ (its docs and schema included)."""
    routes = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route != "api/v1/":
                routes += _page_routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            routes.append(route)
    return routes


def _concrete(route: str, values: dict) -> str:
    """A URL for a route: converters filled with real objects' values, regexes tamed."""
    if route.startswith("^"):  # admin's catch-all and the API's JSON 404
        route = route.lstrip("^").rstrip("$")
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values.get(m[1], "1")), route)
        route = route.replace("\\", "").replace("(.+)", "x").replace(".*", "")
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values.get(m[1], "1")), route)
    return "/" + route


def _csp(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.fixture
def pages():
    visitor = UserFactory(role="visitor")
    session = SessionFactory()
    booking = booking_create(visitor=visitor, session_id=session.pk, party_size=1)
    staff = UserFactory(role="expo_staff", is_superuser=True)
    issued = invitation_create(
        exhibitor=ExhibitorFactory(), email="x@example.org", role="member", invited_by=staff
    )
    values = {
        "session_id": session.pk,
        "reference": booking.reference,
        "token": issued.token,
        "object_id": session.pk,
        "path": "nothing.png",
        "app_label": "events",
    }
    return [_concrete(route, values) for route in _page_routes()], staff


# WebAssembly may compile (the QR reader, static/expo/qr-camera.js); nothing else loosens.
SCRIPT_SRC = ["'self'", "'wasm-unsafe-eval'"]


def test_csp_header_on_every_page(pages, client):
    urls, staff = pages
    assert {"/", "/gate/", "/admin/", "/api/docs/", "/login/"} <= set(urls)
    assert any(url.startswith("/admin/events/session/") for url in urls)
    client.force_login(staff)
    for url in urls:
        response = client.get(url)
        policy = _csp(response)
        assert policy, f"no Content-Security-Policy on {url} ({response.status_code})"
        assert policy["script-src"] == SCRIPT_SRC, url
        assert policy["default-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]


def test_csp_header_on_error_pages_too(client):
    assert _csp(client.get("/no-such-page/"))["script-src"] == SCRIPT_SRC
    assert _csp(client.get("/api/v1/no-such-endpoint/"))["script-src"] == SCRIPT_SRC


def test_templates_hold_no_inline_script():
    """Pages render our templates; none may rely on inline script or event handlers."""
    base = Path(settings.BASE_DIR)
    roots = [base / "templates", *base.glob("expo/*/templates")]
    for template in (path for root in roots for path in root.rglob("*.html")):
        if "email" in template.parts:
            continue  # mail is not a page; mail clients run no script anyway
        text = template.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag, f"inline <script> in {template}"
        assert not re.search(r"\son[a-z]+\s*=", text), f"inline event handler in {template}"


# --- In a browser --------------------------------------------------------------------------


@pytest.fixture
def browser(monkeypatch):
    # As in tests/web/test_browser.py: the ORM calls between browser steps are synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with launched_chromium() as browser:
        context = browser.new_context(locale="en-GB")
        context.set_default_timeout(15_000)
        try:
            yield context
        finally:
            context.close()


def _watch(page) -> tuple[list[str], list[str]]:
    """Every URL the page requests, and every refusal the policy reports."""
    requested, refused = [], []
    page.on("request", lambda request: requested.append(request.url))
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return requested, refused


def _log_in(context, live_server, user) -> None:
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


def _foreign(requested: list[str], origin: str) -> list[str]:
    def origin_of(url):
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}"

    return [url for url in requested if not url.startswith("data:") and origin_of(url) != origin]


@pytest.mark.django_db(transaction=True)
def test_swagger_ui_page_loads_nothing_from_another_origin(live_server, browser):
    page = browser.new_page()
    requested, refused = _watch(page)
    page.goto(live_server.url + "/api/docs/")
    page.locator(".swagger-ui .info .title").filter(has_text="H22 City Expo API").wait_for()
    page.locator(".opblock").first.wait_for()  # the schema was fetched and rendered
    page.wait_for_load_state("networkidle")
    assert any("/static/drf_spectacular_sidecar/" in url for url in requested)
    assert any("/api/schema/" in url for url in requested)
    assert _foreign(requested, live_server.url) == []
    assert refused == []


@pytest.mark.django_db(transaction=True)
def test_admin_and_pages_work_under_the_policy(live_server, browser):
    """The admin's scripts (filters, date widgets, actions) and our pages raise no CSP
    refusal in a real browser."""
    staff = UserFactory(role="expo_staff", is_superuser=True)
    session = SessionFactory(starts_at=timezone.now() + timedelta(days=2))
    _log_in(browser, live_server, staff)
    page = browser.new_page()
    requested, refused = _watch(page)
    for path in (
        "/admin/",
        "/admin/events/session/",
        f"/admin/events/session/{session.pk}/change/",
        "/admin/bookings/scan/?review=open",
        "/",
        f"/sessions/{session.pk}/",
    ):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        assert page.locator("body").inner_text(), path
    # The admin's own script did run: the change form's calendar widget is there.
    page.goto(live_server.url + f"/admin/events/session/{session.pk}/change/")
    page.locator(".datetimeshortcuts").first.wait_for()
    assert _foreign(requested, live_server.url) == []
    assert refused == []
