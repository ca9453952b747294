"""Signing up, API tokens, /me/ and the rate limits on them."""

import threading
import time
from datetime import UTC, datetime

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.db.models.query import QuerySet
from django.test import RequestFactory, override_settings
from knox.models import AuthToken
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from expo.accounts.models import User
from expo.accounts.throttles import LoginPerAddressThrottle
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/auth/register/"
TOKEN = "/api/v1/auth/token/"
ME = "/api/v1/me/"
PASSWORD = "correct horse battery"  # tests.factories.UserFactory's


def assert_error(response, status, code, *, fields=None):
    """The contract's 4xx body: code and detail always, fields only for validation errors."""
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["detail"], str)
    assert body["detail"]
    if fields is None:
        assert "fields" not in body
    else:
        assert set(fields) <= set(body["fields"]), body["fields"]
    return body


def new_token(user) -> str:
    """A device's API token, as logging in makes it."""
    _instance, token = AuthToken.objects.create(user=user)
    return token


def token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def registration(**overrides):
    data = {
        "email": "Ingrid.Berg@Example.SE",
        "password": "Kärnan-utsikt-1310",
        "name": "Ingrid Berg",
        "language": "en",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()
    yield
    cache.clear()


# --- Register -----------------------------------------------------------------------


def test_register_creates_a_visitor_with_a_lower_case_email(api):
    response = api.post(REGISTER, registration(), format="json")

    assert response.status_code == 201, response.content
    user = User.objects.get()
    assert response.json() == {
        "email": "ingrid.berg@example.se",
        "name": "Ingrid Berg",
        "language": "en",
    }
    assert user.email == "ingrid.berg@example.se"
    assert user.check_password("Kärnan-utsikt-1310")
    assert user.is_active
    assert not user.is_staff
    assert user.groups.filter(name="visitor").exists()
    assert user.email_verified_at is None


def test_register_language_defaults_to_swedish(api):
    response = api.post(REGISTER, registration(language=None), format="json")

    assert response.status_code == 201
    assert response.json()["language"] == "sv"
    assert User.objects.get().language == "sv"


def test_register_answers_a_taken_address_exactly_as_a_new_one(
    api, django_capture_on_commit_callbacks
):
    """`email_taken` told anyone which addresses have accounts; now only the owner hears."""
    owner = UserFactory(email="ingrid.berg@example.se", name="Ingrid B", language="sv")
    with django_capture_on_commit_callbacks(execute=True):
        new = api.post(REGISTER, registration(email="someone.new@example.se"), format="json")
        # The same address in other case.
        taken = api.post(REGISTER, registration(), format="json")

    assert (taken.status_code, new.status_code) == (201, 201)
    assert set(taken.json()) == set(new.json())
    assert taken.json() == {**new.json(), "email": "ingrid.berg@example.se"}
    assert User.objects.filter(email="ingrid.berg@example.se").count() == 1
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)  # untouched
    assert owner.name == "Ingrid B"
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"someone.new@example.se", "ingrid.berg@example.se"}
    assert "/verify/" in by_recipient["someone.new@example.se"].body
    warning = by_recipient["ingrid.berg@example.se"]
    assert "/verify/" not in warning.body
    assert "/password/reset/" in warning.body


def test_register_losing_a_race_for_the_email_answers_201_without_a_second_account(
    api, monkeypatch
):
    """Both sign-ups passed the "is it taken?" check; the unique index turns the second away."""
    UserFactory(email="ingrid.berg@example.se")
    monkeypatch.setattr(QuerySet, "exists", lambda self: False)

    response = api.post(REGISTER, registration(), format="json")

    assert response.status_code == 201
    assert User.objects.filter(email="ingrid.berg@example.se").count() == 1


@pytest.mark.parametrize(
    "password",
    ["short1", "Kärnan-1310", "password123", "12345678901234", "ingrid.berg@example.se"],
    ids=["too-short", "eleven-characters", "too-common", "all-digits", "same-as-email"],
)
def test_register_weak_password_is_400_invalid_on_password(api, password):
    response = api.post(REGISTER, registration(password=password), format="json")

    assert_error(response, 400, "invalid", fields=["password"])
    assert not User.objects.exists()


def test_register_unknown_language_is_400_invalid_on_language(api):
    response = api.post(REGISTER, registration(language="de"), format="json")

    assert_error(response, 400, "invalid", fields=["language"])
    assert not User.objects.exists()


def test_register_missing_fields_are_each_named(api):
    response = api.post(REGISTER, {}, format="json")

    body = assert_error(response, 400, "invalid", fields=["email", "password", "name"])
    assert "language" not in body["fields"]
    assert not User.objects.exists()


def test_register_malformed_email_is_400_invalid_on_email(api):
    response = api.post(REGISTER, registration(email="not-an-address"), format="json")

    assert_error(response, 400, "invalid", fields=["email"])


def test_register_ignores_a_stale_token_the_client_still_sends(api):
    api.credentials(HTTP_AUTHORIZATION="Token revoked-long-ago")

    response = api.post(REGISTER, registration(), format="json")

    assert response.status_code == 201


# --- Token --------------------------------------------------------------------------


def test_token_for_right_credentials_authenticates_later_requests(api):
    user = UserFactory(email="ingrid@example.se")

    response = api.post(TOKEN, {"email": "ingrid@example.se", "password": PASSWORD}, format="json")

    assert response.status_code == 200, response.content
    key = response.json()["token"]
    assert AuthToken.objects.filter(user=user).count() == 1
    assert token_client(key).get(ME).json()["id"] == user.id


def test_each_log_in_gets_its_own_token_for_its_device(api):
    UserFactory(email="ingrid@example.se")
    credentials = {"email": "ingrid@example.se", "password": PASSWORD}

    phone = api.post(TOKEN, credentials, format="json").json()["token"]
    laptop = api.post(TOKEN, credentials, format="json").json()["token"]

    assert phone != laptop
    assert AuthToken.objects.count() == 2
    assert token_client(phone).get(ME).status_code == 200
    assert token_client(laptop).get(ME).status_code == 200


def test_token_email_is_case_insensitive(api):
    user = UserFactory(email="ingrid@example.se")

    response = api.post(
        TOKEN, {"email": "  Ingrid@EXAMPLE.se ", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200
    assert AuthToken.objects.filter(user=user).exists()


@pytest.mark.parametrize(
    "email, password",
    [("ingrid@example.se", "wrong password"), ("nobody@example.se", PASSWORD)],
    ids=["wrong-password", "unknown-email"],
)
def test_token_bad_credentials_is_400_invalid_credentials(api, email, password):
    UserFactory(email="ingrid@example.se")

    response = api.post(TOKEN, {"email": email, "password": password}, format="json")

    assert_error(response, 400, "invalid_credentials")
    assert not AuthToken.objects.exists()


def test_token_for_an_inactive_account_is_400_invalid_credentials(api):
    UserFactory(email="ingrid@example.se", is_active=False)

    response = api.post(TOKEN, {"email": "ingrid@example.se", "password": PASSWORD}, format="json")

    assert_error(response, 400, "invalid_credentials")
    assert not AuthToken.objects.exists()


def test_token_missing_fields_is_400_invalid(api):
    response = api.post(TOKEN, {}, format="json")

    assert_error(response, 400, "invalid", fields=["email", "password"])


def test_token_log_in_ignores_a_stale_token_the_client_still_sends(api):
    UserFactory(email="ingrid@example.se")
    api.credentials(HTTP_AUTHORIZATION="Token revoked-long-ago")

    response = api.post(TOKEN, {"email": "ingrid@example.se", "password": PASSWORD}, format="json")

    assert response.status_code == 200


def test_token_revoke_logs_out_every_client(api):
    user = UserFactory()
    key = new_token(user)
    phone, laptop = token_client(key), token_client(key)

    response = phone.delete(TOKEN)

    assert response.status_code == 204
    assert not AuthToken.objects.filter(user=user).exists()
    assert_error(laptop.get(ME), 401, "authentication_failed")


def test_token_after_revoke_is_a_new_one(api):
    user = UserFactory(email="ingrid@example.se")
    old_key = new_token(user)
    token_client(old_key).delete(TOKEN)

    response = api.post(TOKEN, {"email": "ingrid@example.se", "password": PASSWORD}, format="json")

    assert response.status_code == 200
    assert response.json()["token"] != old_key


def test_token_revoke_anonymous_is_401(api):
    assert_error(api.delete(TOKEN), 401, "not_authenticated")


# --- Me -----------------------------------------------------------------------------


def test_me_anonymous_is_401_not_authenticated_with_a_challenge(api):
    response = api.get(ME)

    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


def test_me_with_an_unknown_token_is_401_authentication_failed():
    assert_error(token_client("no-such-token").get(ME), 401, "authentication_failed")


def test_me_shows_the_person_and_roles():
    user = UserFactory(email="gate@example.se", name="Nils Holm", language="sv", role="gate_staff")
    key = new_token(user)

    response = token_client(key).get(ME)

    assert response.status_code == 200
    assert response.json() == {
        "id": user.id,
        "email": "gate@example.se",
        "name": "Nils Holm",
        "language": "sv",
        "roles": ["gate_staff"],
        "email_verified": True,
    }


def test_me_works_with_the_browser_session(api):
    user = UserFactory()
    api.force_login(user)

    response = api.get(ME)

    assert response.status_code == 200
    assert response.json()["roles"] == ["visitor"]


def test_me_patch_changes_language_and_name():
    user = UserFactory(language="en", name="Old Name")
    key = new_token(user)

    response = token_client(key).patch(ME, {"language": "sv"}, format="json")

    assert response.status_code == 200
    assert response.json()["language"] == "sv"
    user.refresh_from_db()
    assert (user.language, user.name) == ("sv", "Old Name")

    response = token_client(key).patch(ME, {"name": "New Name"}, format="json")

    assert response.json()["name"] == "New Name"
    user.refresh_from_db()
    assert (user.language, user.name) == ("sv", "New Name")


def test_me_patch_cannot_change_email_or_roles():
    user = UserFactory(email="ingrid@example.se")
    key = new_token(user)

    response = token_client(key).patch(
        ME, {"email": "other@example.se", "roles": ["expo_staff"]}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["roles"] == ["visitor"]
    user.refresh_from_db()
    assert user.email == "ingrid@example.se"
    assert not user.is_staff


def test_me_patch_unknown_language_is_400_invalid():
    user = UserFactory(language="en")
    key = new_token(user)

    response = token_client(key).patch(ME, {"language": "fi"}, format="json")

    assert_error(response, 400, "invalid", fields=["language"])
    user.refresh_from_db()
    assert user.language == "en"


def test_me_patch_anonymous_is_401(api):
    assert_error(api.patch(ME, {"language": "sv"}, format="json"), 401, "not_authenticated")


def test_error_detail_follows_the_request_language(api):
    english = api.get(ME, HTTP_ACCEPT_LANGUAGE="en").json()
    swedish = api.get(ME, HTTP_ACCEPT_LANGUAGE="sv").json()

    assert english["code"] == swedish["code"] == "not_authenticated"
    assert english["detail"] != swedish["detail"]


# --- Rate limits --------------------------------------------------------------------


def throttle_rates(**rates):
    """The REST_FRAMEWORK setting with real rates (tests otherwise run with very high ones)."""
    current = settings.REST_FRAMEWORK
    return {
        **current,
        "DEFAULT_THROTTLE_RATES": {**current["DEFAULT_THROTTLE_RATES"], **rates},
    }


@pytest.fixture
def login_limit_10_per_minute():
    # Pinned clock: the login limit counts in fixed one-minute windows.
    with (
        override_settings(REST_FRAMEWORK=throttle_rates(login="10/min")),
        time_machine.travel(datetime(2022, 6, 1, 10, 0, 5, tzinfo=UTC), tick=False) as clock,
    ):
        yield clock


def wrong_login(client, email, ip):
    return client.post(TOKEN, {"email": email, "password": "guess"}, format="json", REMOTE_ADDR=ip)


def test_11th_login_from_one_address_is_429_rate_limited(api, login_limit_10_per_minute):
    UserFactory(email="ingrid@example.se")
    for n in range(10):
        assert_error(
            wrong_login(api, f"target{n}@example.se", "203.0.113.7"), 400, "invalid_credentials"
        )

    response = wrong_login(api, "ingrid@example.se", "203.0.113.7")

    assert_error(response, 429, "rate_limited")
    assert 0 < int(response["Retry-After"]) <= 60
    # Even the right password waits: a limit that yields to a good guess is no limit.
    right = api.post(
        TOKEN,
        {"email": "ingrid@example.se", "password": PASSWORD},
        format="json",
        REMOTE_ADDR="203.0.113.7",
    )
    assert_error(right, 429, "rate_limited")
    assert not AuthToken.objects.exists()
    # Another address is not held back by the first one's guesses.
    assert_error(wrong_login(api, "someone@example.se", "198.51.100.1"), 400, "invalid_credentials")


def test_one_account_guessed_from_many_addresses_is_429_rate_limited(
    api, login_limit_10_per_minute
):
    UserFactory(email="ingrid@example.se")
    for n in range(10):
        assert_error(
            wrong_login(api, "ingrid@example.se", f"198.51.100.{n}"), 400, "invalid_credentials"
        )

    response = wrong_login(api, "INGRID@example.se", "192.0.2.99")

    assert_error(response, 429, "rate_limited")
    assert int(response["Retry-After"]) > 0
    # Other accounts from a fresh address are unaffected.
    assert_error(wrong_login(api, "other@example.se", "192.0.2.100"), 400, "invalid_credentials")


def test_login_limit_lifts_when_the_window_has_passed(api, login_limit_10_per_minute):
    UserFactory(email="ingrid@example.se")
    for _ in range(11):
        wrong_login(api, "ingrid@example.se", "203.0.113.7")
    assert_error(wrong_login(api, "ingrid@example.se", "203.0.113.7"), 429, "rate_limited")

    login_limit_10_per_minute.shift(60)

    response = api.post(
        TOKEN,
        {"email": "ingrid@example.se", "password": PASSWORD},
        format="json",
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 200


class SlowCache:
    """The cache, but each read takes a while, as a network round trip to Redis does."""

    def __init__(self, cache):
        self._cache = cache

    def __getattr__(self, name):
        return getattr(self._cache, name)

    def get(self, *args, **kwargs):
        value = self._cache.get(*args, **kwargs)
        time.sleep(0.005)
        return value


class SlidingWindowThrottle(SimpleRateThrottle):
    """DRF's own read-the-history-then-write-it-back limit, as the control."""

    rate = "10/min"

    def get_cache_key(self, request, view):
        return f"control_{self.get_ident(request)}"


def allowed_in_a_burst(throttle_class, attempts=50):
    request = RequestFactory().post(TOKEN, REMOTE_ADDR="203.0.113.7")
    allowed = []
    start = threading.Barrier(attempts)

    def attempt():
        throttle = throttle_class()
        throttle.cache = SlowCache(cache)
        start.wait()
        allowed.append(throttle.allow_request(request, view=None))

    threads = [threading.Thread(target=attempt) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return allowed.count(True)


def test_login_limit_holds_under_a_simultaneous_burst(login_limit_10_per_minute):
    """Fifty guesses at the same instant: exactly the rate get through."""
    assert allowed_in_a_burst(LoginPerAddressThrottle) == 10


def test_control_a_read_then_write_limit_lets_a_burst_through(login_limit_10_per_minute):
    """Shows the burst test can fail: DRF's sliding window lets more than the rate in."""
    assert allowed_in_a_burst(SlidingWindowThrottle) > 10


def test_registrations_beyond_the_rate_are_429_rate_limited(api):
    with override_settings(REST_FRAMEWORK=throttle_rates(register="3/hour")):
        for n in range(3):
            response = api.post(
                REGISTER, registration(email=f"person{n}@example.se"), format="json"
            )
            assert response.status_code == 201

        response = api.post(REGISTER, registration(email="person3@example.se"), format="json")

    assert_error(response, 429, "rate_limited")
    assert 0 < int(response["Retry-After"]) <= 3600
    assert User.objects.count() == 3
