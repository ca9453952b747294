"""Outages degrade instead of failing: with Redis away requests go on; with the database
away every request answers 503 with ``Retry-After``, never 500.

These run in-process with the failure simulated at the connection; the same outages on
real servers that a test stops and starts are in tests/faults/.
"""

import json as json_module
import logging

import pytest
import redis
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import RequestFactory

from expo.bookings.models import Booking
from expo.core.throttling import FailOpenThrottleMixin
from expo.core.views import server_error
from expo.notifications.models import Notification
from tests.bookings.smtp_sink import free_port
from tests.bookings.test_mail_e2e import publishing
from tests.factories import SessionFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough pass phrase"


@pytest.fixture
def redis_away(settings):
    """The cache (throttle counters) on a port where nothing listens."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"login": "10/min", "register": "20/hour", "booking": "30/min"},
    }


def _visitor():
    user = UserFactory(role="visitor")
    user.set_password(PASSWORD)
    user.save()
    return user


def test_with_redis_away_bookings_logins_and_signups_go_on(api, redis_away, caplog):
    visitor, session = _visitor(), SessionFactory()

    with caplog.at_level(logging.WARNING, logger="expo.core.throttling"):
        token = api.post(
            "/api/v1/auth/token/", {"email": visitor.email, "password": PASSWORD}, format="json"
        )
        api.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
        booked = api.post(
            "/api/v1/bookings/", {"session": session.pk, "party_size": 1}, format="json"
        )
        signed_up = api.post(
            "/api/v1/auth/register/",
            {"email": "new@example.org", "password": PASSWORD, "name": "Ny", "language": "sv"},
            format="json",
        )

    assert (token.status_code, booked.status_code, signed_up.status_code) == (200, 201, 201)
    assert Booking.objects.filter(visitor=visitor, session=session).exists()
    assert any("cache is unavailable" in record.getMessage() for record in caplog.records)


def test_with_redis_away_the_login_page_logs_in(client, redis_away):
    visitor = _visitor()

    response = client.post("/login/", {"username": visitor.email, "password": PASSWORD})

    assert response.status_code == 302
    assert client.get("/bookings/").status_code == 200


def test_without_the_fail_open_guard_a_redis_outage_fails_the_request(api, redis_away, monkeypatch):
    """Control: the outage above is real, and only the guard keeps the requests going."""

    def unguarded(self, request, view):
        return super(FailOpenThrottleMixin, self).allow_request(request, view)

    monkeypatch.setattr(FailOpenThrottleMixin, "allow_request", unguarded)
    api.force_authenticate(_visitor())

    with pytest.raises(redis.ConnectionError):
        api.post("/api/v1/bookings/", {"session": SessionFactory().pk, "party_size": 1})


def test_a_booking_whose_task_cannot_be_queued_stands_and_waits_for_the_sweep(
    visitor_api, caplog, django_capture_on_commit_callbacks
):
    session = SessionFactory()
    closed = f"redis://127.0.0.1:{free_port()}/0"

    with (
        publishing(broker_url=closed, queue="nowhere"),
        caplog.at_level(logging.WARNING, logger="expo.notifications.outbox"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = visitor_api.post(
            "/api/v1/bookings/", {"session": session.pk, "party_size": 1}, format="json"
        )

    assert response.status_code == 201
    row = Notification.objects.get(booking__reference=response.json()["reference"])
    assert row.status == Notification.Status.PENDING
    assert any("the sweep will send it" in record.getMessage() for record in caplog.records)


@pytest.fixture
def database_away(monkeypatch):
    """Call it and every query fails from then on, as while PostgreSQL restarts."""

    def refuse(self):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')

    return lambda: monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", refuse)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/sessions/"),
        ("post", "/api/v1/bookings/"),
        ("post", "/api/v1/auth/token/"),
        ("get", "/api/v1/me/calendar.ics?token=x"),
    ],
)
def test_with_the_database_away_the_api_answers_503_with_retry_after(
    api, method, path, visitor, database_away
):
    api.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    database_away()
    body = {"email": visitor.email, "password": PASSWORD, "session": 1, "party_size": 1}
    response = api.post(path, body, format="json") if method == "post" else api.get(path)

    assert response.status_code == 503
    assert response.json()["code"] == "service_unavailable"
    assert int(response["Retry-After"]) > 0


@pytest.mark.parametrize("language", ["sv", "en"])
def test_with_the_database_away_pages_answer_a_503_page_in_the_visitors_language(
    client, visitor, database_away, language
):
    titles = {"sv": "Tillfälligt otillgänglig", "en": "Briefly unavailable"}
    client.force_login(visitor)  # the session is in the database too
    database_away()

    for path in ("/", "/bookings/", "/login/"):
        response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 503, path
        assert int(response["Retry-After"]) > 0
        assert f'lang="{language}"' in response.content.decode()
        assert titles[language] in response.content.decode()


@pytest.mark.parametrize(("path", "json"), [("/sessions/1/", False), ("/api/v1/me/", True)])
def test_a_database_outage_met_outside_a_view_answers_503_too(path, json):
    """Django's handler500 runs while the exception is handled (a middleware saving the
    session): a database outage is told apart from a bug there as well."""
    request = RequestFactory().get(path)
    try:
        raise OperationalError("the database system is shutting down")
    except OperationalError:
        response = server_error(request)

    assert response.status_code == 503
    assert response.has_header("Retry-After")
    if json:
        assert json_module.loads(response.content)["code"] == "service_unavailable"


def test_a_bug_outside_a_view_is_still_a_500():
    request = RequestFactory().get("/api/v1/me/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500
