import pytest
from django.db import connection
from rest_framework.test import APIClient

from tests.browser import chromium  # noqa: F401 - fixture
from tests.factories import UserFactory
from tests.faults.services import private_postgres, private_redis  # noqa: F401 - fixtures


def pytest_collection_modifyitems(config, items):
    """Tests that need PostgreSQL or Redis say so when skipped on the embedded default."""
    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://...")
    skip_redis = pytest.mark.skip(reason="needs Redis: set REDIS_URL=redis://...")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not settings.REDIS_URL:
            item.add_marker(skip_redis)


@pytest.fixture
def api():
    return APIClient()


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def visitor():
    return UserFactory(role="visitor")


@pytest.fixture
def expo_staff():
    return UserFactory(role="expo_staff")


@pytest.fixture
def gate_staff():
    return UserFactory(role="gate_staff")


@pytest.fixture
def visitor_api(visitor):
    return client_for(visitor)


@pytest.fixture
def staff_api(expo_staff):
    return client_for(expo_staff)


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"
