"""The OpenAPI schema stays truthful: it generates, validates and warns about nothing."""

import json

import pytest
import yaml
from django.core.management import call_command


@pytest.mark.django_db
def test_schema_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    paths = schema["paths"]
    for path in [
        "/api/v1/sessions/",
        "/api/v1/bookings/",
        "/api/v1/bookings/{reference}/cancel/",
        "/api/v1/sessions/{session_id}/waitlist/",
        "/api/v1/waitlist/{entry_id}/accept/",
        "/api/v1/scans/",
        "/api/v1/scans/batch/",
        "/api/v1/scans/keys/",
        "/api/v1/scans/revoked/",
        "/api/v1/venues/{slug}/occupancy/",
        "/api/v1/sessions/{session_id}/attendance/",
        "/api/v1/auth/token/",
        "/api/v1/me/",
    ]:
        assert path in paths, path


def test_schema_and_docs_are_served(client, db):
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


# --- Responses match what the schema documents (found by schemathesis) ---------------------


def _openapi_to_jsonschema(node):
    """OpenAPI 3.0's `nullable: true` as JSON Schema's null type; refs stay as they are."""
    if isinstance(node, list):
        return [_openapi_to_jsonschema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _openapi_to_jsonschema(value) for key, value in node.items()}
    if converted.pop("nullable", False):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


@pytest.fixture(scope="module")
def openapi(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return _openapi_to_jsonschema(SchemaGenerator().get_schema(request=None, public=True))


def assert_matches(openapi, component: str, instance):
    import jsonschema

    schema = {"$ref": f"#/components/schemas/{component}", "components": openapi["components"]}
    jsonschema.validate(instance, schema)


@pytest.mark.django_db
def test_sessions_without_host_or_exhibition_match_the_schema(openapi, api, staff_api):
    from tests.factories import SessionFactory

    session = SessionFactory()
    assert session.host is None and session.exhibition is None
    assert_matches(openapi, "PaginatedSessionList", api.get("/api/v1/sessions/").json())
    assert_matches(openapi, "Session", api.get(f"/api/v1/sessions/{session.pk}/").json())
    staff_view = staff_api.get(f"/api/v1/sessions/{session.pk}/").json()
    assert_matches(openapi, "StaffSession", staff_view)


@pytest.mark.django_db
def test_a_waitlist_entry_without_a_booking_matches_the_schema(openapi, visitor_api):
    from expo.bookings import services
    from tests.factories import SessionFactory, UserFactory

    session = SessionFactory(capacity=1)
    services.booking_create(visitor=UserFactory(), session_id=session.pk, party_size=1)
    entry = visitor_api.post(
        f"/api/v1/sessions/{session.pk}/waitlist/", {"party_size": 1}, format="json"
    ).json()
    assert entry["booking"] is None
    assert_matches(openapi, "WaitlistEntry", entry)
    assert_matches(
        openapi, "PaginatedWaitlistEntryList", visitor_api.get("/api/v1/waitlist/").json()
    )


@pytest.mark.django_db
def test_the_revocation_list_is_documented_as_the_paginated_list_it_is(openapi, gate_staff):
    from tests.conftest import client_for

    operation = openapi["paths"]["/api/v1/scans/revoked/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"since", "page", "page_size"}
    response = client_for(gate_staff).get("/api/v1/scans/revoked/", {"since": ""}).json()
    assert_matches(openapi, "PaginatedRevokedTicketList", response)


@pytest.mark.django_db
def test_stand_opening_hours_match_the_schema(openapi, api):
    """Local wall-clock times: not OpenAPI's `time` format, which requires an offset."""
    from datetime import time

    from tests.factories import StandFactory

    stand = StandFactory(opens_at=time(9, 30), closes_at=time(18, 0))
    for component in ("Stand", "StandInputRequest"):
        for field in ("opens_at", "closes_at"):
            documented = openapi["components"]["schemas"][component]["properties"][field]
            assert '"format": "time"' not in json.dumps(documented)
    exhibitor = api.get(f"/api/v1/exhibitors/{stand.exhibitor.slug}/").json()
    assert exhibitor["stands"][0]["opens_at"] == "09:30:00"
    assert_matches(openapi, "Stand", exhibitor["stands"][0])
