"""Bad input never gets a 500 or an HTML page from the API: always the contract's JSON.

Found by fuzzing the API with schemathesis against its own OpenAPI schema, and by hand.
"""

from unittest import mock

import pytest
from django.test import Client, override_settings
from rest_framework.test import APIClient

from expo.bookings.models import Booking
from expo.exhibitors.models import Membership
from tests.conftest import client_for
from tests.factories import MembershipFactory, SessionFactory

pytestmark = pytest.mark.django_db


def assert_contract_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert body["code"] == code, body
    assert isinstance(body["detail"], str) and body["detail"]
    return body


# --- Request bodies --------------------------------------------------------------------------

NESTED_JSON = "[" * 50_000 + "]" * 50_000


@pytest.mark.parametrize(
    ("who", "method", "path"),
    [
        (None, "post", "/api/v1/auth/token/"),
        ("visitor", "post", "/api/v1/bookings/"),
        ("visitor", "patch", "/api/v1/me/"),
        # A view with its own `parser_classes`.
        ("owner", "patch", "/api/v1/exhibitor/{slug}/"),
    ],
)
def test_json_nested_too_deeply_is_a_parse_error(who, method, path):
    membership = MembershipFactory(role=Membership.Role.OWNER)
    users = {"visitor": membership.user, "owner": membership.user}
    client = client_for(users[who]) if who else Client()
    response = getattr(client, method)(
        path.format(slug=membership.exhibitor.slug),
        data=NESTED_JSON,
        content_type="application/json",
    )
    assert_contract_error(response, 400, "parse_error")


def test_too_many_form_fields_is_the_contracts_400():
    body = "&".join(f"field{i}=1" for i in range(2_000))
    response = Client().post(
        "/api/v1/auth/token/", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert_contract_error(response, 400, "too_many_fields")


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1_000)
def test_a_body_over_the_upload_limit_is_the_contracts_413():
    response = Client().post(
        "/api/v1/auth/token/",
        data="email=" + "a" * 5_000,
        content_type="application/x-www-form-urlencoded",
    )
    assert_contract_error(response, 413, "request_too_large")


@pytest.mark.parametrize(
    ("content_type", "body", "status", "code"),
    [
        ("text/plain", "hello", 415, "unsupported_media_type"),
        ("application/xml", "<a/>", 415, "unsupported_media_type"),
        ("application/json", "{not json", 400, "parse_error"),
        ("application/json", b'{"session": "\xff"}', 400, "parse_error"),
        ("multipart/form-data", "no boundary", 400, "parse_error"),
        ("application/json", "[]", 400, "invalid"),
        ("application/json", "null", 400, "invalid"),
        ("application/json", "", 400, "invalid"),
    ],
)
def test_wrong_or_broken_bodies_on_a_json_endpoint(visitor_api, content_type, body, status, code):
    response = visitor_api.post("/api/v1/bookings/", data=body, content_type=content_type)
    assert_contract_error(response, status, code)
    assert not Booking.objects.exists()


# --- OPTIONS ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/exhibitor/{slug}/stands/",
        "/api/v1/exhibitor/{slug}/members/",
        "/api/v1/exhibitor/{slug}/sessions/",
        "/api/v1/exhibitor/{slug}/leads/",
        "/api/v1/exhibitor/invitations/some-token/accept/",
        "/api/v1/bookings/",
        "/api/v1/sessions/",
    ],
)
def test_options_describes_the_view_instead_of_failing(path):
    """Views that validate with a serializer of their own have no `serializer_class`."""
    membership = MembershipFactory(role=Membership.Role.OWNER)
    response = client_for(membership.user).options(path.format(slug=membership.exhibitor.slug))
    assert response.status_code == 200
    assert response.json()["name"]


# --- URLs no route matches -------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/sessions/abc/",
        "/api/v1/sessions/-1/",
        "/api/v1/sessions/null,null/calendar.ics",
        "/api/v1/venues/%C3%A5%C3%A4/",
        "/api/v1/tickets/x/qr.png",
        "/api/v1/nothing-here/",
        "/api/v2/sessions/",
        "/api/",
    ],
)
@pytest.mark.parametrize("debug", [False, True])
def test_unknown_api_urls_are_the_contracts_404(settings, path, debug):
    settings.DEBUG = debug  # Django's technical 404 page must not show up either
    response = Client().get(path)
    assert_contract_error(response, 404, "not_found")


def test_unknown_api_url_answers_in_the_request_language():
    response = Client().get("/api/v1/nothing-here/", HTTP_ACCEPT_LANGUAGE="sv")
    assert assert_contract_error(response, 404, "not_found")["detail"] == "Hittades inte."


def test_a_read_without_the_trailing_slash_is_still_redirected():
    response = Client().get("/api/v1/sessions?page=2")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/sessions/?page=2"


@pytest.mark.parametrize("debug", [False, True])
def test_a_write_without_the_trailing_slash_is_refused_not_redirected(settings, debug):
    """A redirected POST comes back as a GET: the booking would be lost behind a 200."""
    settings.DEBUG = debug  # Django raises RuntimeError (a 500) for it in DEBUG
    session = SessionFactory()
    membership = MembershipFactory()
    response = client_for(membership.user).post(
        "/api/v1/bookings", {"session": session.pk, "party_size": 1}, format="json"
    )
    body = assert_contract_error(response, 404, "not_found")
    assert "/api/v1/bookings/" in body["detail"]
    assert not Booking.objects.exists()


def test_the_html_pages_keep_djangos_404():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


# --- Errors Django raises outside the API's views (DEBUG off, as in production) -------------


def test_a_disallowed_host_is_the_contracts_400_under_api():
    response = Client().get("/api/v1/sessions/", HTTP_HOST="evil.example")
    assert_contract_error(response, 400, "bad_request")
    page = Client().get("/", HTTP_HOST="evil.example")
    assert page.status_code == 400
    assert not page["Content-Type"].startswith("application/json")


def test_an_unexpected_error_under_api_is_json_not_djangos_page():
    client = Client(raise_request_exception=False)
    with mock.patch("expo.events.apis.selectors.theme_list", side_effect=RuntimeError("boom")):
        response = client.get("/api/v1/themes/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "server_error"


# --- What the client accepts -----------------------------------------------------------------

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize(
    ("path", "query", "status", "code"),
    [
        ("/api/v1/sessions/999999/", {}, 404, "not_found"),
        ("/api/v1/sessions/", {"page": 0}, 404, "not_found"),
        ("/api/v1/sessions/", {"date": "someday"}, 400, "invalid"),
        ("/api/v1/me/", {}, 401, "not_authenticated"),
    ],
)
def test_a_browser_gets_the_contracts_json_errors_not_html(path, query, status, code):
    response = Client().get(path, query, HTTP_ACCEPT=BROWSER_ACCEPT)
    assert_contract_error(response, status, code)
    assert Client().get("/api/v1/sessions/", HTTP_ACCEPT=BROWSER_ACCEPT).json()["count"] == 0


def test_asking_for_html_or_the_browsable_api_is_not_html():
    assert_contract_error(
        Client().get("/api/v1/sessions/999999/", HTTP_ACCEPT="text/html"), 406, "not_acceptable"
    )
    assert_contract_error(Client().get("/api/v1/sessions/", {"format": "api"}), 404, "not_found")


def test_an_id_beyond_any_table_is_invalid_input_not_a_crash(visitor_api, gate_staff):
    """SQLite cannot take an integer over 2**63 - 1 even as a query parameter."""
    booking = visitor_api.post(
        "/api/v1/bookings/", {"session": 2**64, "party_size": 1}, format="json"
    )
    gate = APIClient()
    gate.force_authenticate(gate_staff)
    scan = gate.post(
        "/api/v1/scans/",
        {"code": "X", "entrance": 2**64, "direction": "in", "nonce": "abcdefgh12"},
        format="json",
    )
    for response, field in ((booking, "session"), (scan, "entrance")):
        assert response.status_code == 400
        assert response.json()["code"] == "invalid"
        assert field in response.json()["fields"]


def test_a_token_that_is_not_utf8_is_refused_as_a_bad_token():
    response = APIClient(HTTP_AUTHORIZATION="Token \u00ff\u00feabc").get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
