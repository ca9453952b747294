"""Schemathesis against a live test server: no 5xx, and every answer as the schema says.

Each API operation is a test (so xdist spreads them). Its schema examples and random
inputs are sent as anonymous, a visitor, an exhibitor member and expo staff; the coverage
phase's many boundary and invalid values only as expo staff, who gets past every role
check to the input validation those values are for. The server and its users live for
the module, not per test: flushing the database after each of the ~70 operations would
cost more than the fuzzing itself.
"""

import json

import pytest
import schemathesis
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from knox.models import AuthToken
from pytest_django.live_server_helper import LiveServer
from schemathesis.checks import not_a_server_error, response_schema_conformance
from schemathesis.generation.meta import TestPhase

from tests.factories import ExhibitorFactory, MembershipFactory, UserFactory

# The server's users are committed by the module's fixture; each test's own transaction
# only makes pytest-django create the test database.
pytestmark = pytest.mark.django_db

# Small on purpose: CI runs this twice (PostgreSQL, SQLite) on two cores.
MAX_EXAMPLES = 10
CHECKS = [not_a_server_error, response_schema_conformance]


def _openapi() -> dict:
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


schema = schemathesis.openapi.from_dict(_openapi())
# Examples and boundary values from the schema, then random inputs; no stateful chains,
# and no probing of methods the schema does not list (the authorisation matrix does).
schema.config.phases.update(phases=["examples", "coverage", "fuzzing"])
schema.config.phases.coverage.unexpected_methods = set()
schema.config.generation.update(max_examples=MAX_EXAMPLES, database="none", deterministic=True)
# Erasing the account or revoking the token would log the role out for every later
# request; both are covered by tests/accounts.
schema = schema.exclude(method="DELETE", path_regex=r"^/api/v1/(me|auth/token)/$")


@pytest.fixture(scope="module")
def api(django_db_setup, django_db_blocker):
    """(server URL, headers per role); the database is flushed when the module is done."""
    with django_db_blocker.unblock():
        users = {
            "visitor": UserFactory(role="visitor"),
            "exhibitor": MembershipFactory(exhibitor=ExhibitorFactory()).user,
            "expo_staff": UserFactory(role="expo_staff"),
        }
        roles = {"anonymous": {}} | {
            role: {"Authorization": f"Token {AuthToken.objects.create(user=user)[1]}"}
            for role, user in users.items()
        }
        server = LiveServer("localhost:0")
        try:
            yield server.url, roles
        finally:
            server.stop()
            call_command("flush", interactive=False, verbosity=0)


@schema.parametrize()
def test_api_answers_every_role_within_its_schema(case, api):
    url, roles = api
    if case.meta is not None and case.meta.phase.name == TestPhase.COVERAGE:
        roles = {"expo_staff": roles["expo_staff"]}
    for headers in roles.values():
        case.call_and_validate(base_url=url, headers=headers, checks=CHECKS)
