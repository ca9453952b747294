"""The OpenAPI schema stays truthful: it generates, validates and warns about nothing."""

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
