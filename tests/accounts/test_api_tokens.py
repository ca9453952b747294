"""API tokens: only a hash is stored, each log-in is one device's token, and a token
stops working when it expires or is revoked (django-rest-knox)."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient, APIRequestFactory

from expo.accounts.authentication import TokenAuthentication
from expo.accounts.tasks import purge_expired_api_tokens
from expo.core.permissions import is_gate_staff, is_scan_only
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
ME = "/api/v1/me/"
PASSWORD = "correct horse battery"  # tests.factories.UserFactory's


def log_in(email) -> str:
    response = APIClient().post(TOKEN, {"email": email, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_a_token_is_not_stored_in_plain_text():
    user = UserFactory()
    token = log_in(user.email)

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {AuthToken._meta.db_table}")
        stored = [str(value) for row in cursor.fetchall() for value in row]
    assert stored
    assert not any(token in value for value in stored)
    assert with_token(token).get(ME).json()["id"] == user.pk


def test_a_token_is_unusable_after_it_expires():
    user = UserFactory()
    token = log_in(user.email)
    ttl = timedelta(days=settings.API_TOKEN_TTL_DAYS)
    assert AuthToken.objects.get(user=user).expiry <= timezone.now() + ttl

    with time_machine.travel(timezone.now() + ttl - timedelta(minutes=1)):
        assert with_token(token).get(ME).status_code == 200
    with time_machine.travel(timezone.now() + ttl + timedelta(minutes=1)):
        response = with_token(token).get(ME)

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_expired_tokens_are_purged_by_the_housekeeping_task_and_live_ones_kept():
    user = UserFactory()
    old_token = log_in(user.email)
    ttl = timedelta(days=settings.API_TOKEN_TTL_DAYS)
    with time_machine.travel(timezone.now() + ttl - timedelta(hours=1)):
        new_token = log_in(user.email)

    with time_machine.travel(timezone.now() + ttl + timedelta(minutes=1)):
        assert purge_expired_api_tokens.delay().get() == 1
        assert with_token(old_token).get(ME).status_code == 401
        assert with_token(new_token).get(ME).status_code == 200
    assert AuthToken.objects.filter(user=user).count() == 1


def test_a_token_its_account_and_roles_are_read_in_one_query(django_assert_num_queries):
    gate = UserFactory(role="gate_staff")
    visitor = UserFactory()
    for user, gate_staff in ((gate, True), (visitor, False)):
        request = APIRequestFactory().get(ME, HTTP_AUTHORIZATION=f"Token {log_in(user.email)}")
        with django_assert_num_queries(1):
            authenticated, _token = TokenAuthentication().authenticate(request)
            assert authenticated == user
            assert is_gate_staff(authenticated) is gate_staff
            assert is_scan_only(authenticated) is gate_staff


def test_a_token_is_unusable_after_revoke_and_other_devices_stay_logged_in():
    user = UserFactory()
    phone, laptop = log_in(user.email), log_in(user.email)

    assert with_token(phone).post("/api/v1/auth/logout/").status_code == 204

    assert with_token(phone).get(ME).status_code == 401
    assert with_token(laptop).get(ME).status_code == 200
    assert AuthToken.objects.filter(user=user).count() == 1


def test_delete_on_the_token_endpoint_logs_out_only_that_device():
    user = UserFactory()
    phone, laptop = log_in(user.email), log_in(user.email)

    assert with_token(phone).delete(TOKEN).status_code == 204

    assert with_token(phone).get(ME).status_code == 401
    assert with_token(laptop).get(ME).status_code == 200


def test_logout_all_revokes_every_device_of_the_person_only():
    user, other = UserFactory(), UserFactory()
    phone, laptop, theirs = log_in(user.email), log_in(user.email), log_in(other.email)

    assert with_token(phone).post("/api/v1/auth/logout-all/").status_code == 204

    assert with_token(phone).get(ME).status_code == 401
    assert with_token(laptop).get(ME).status_code == 401
    assert with_token(theirs).get(ME).status_code == 200


def test_logout_needs_a_log_in():
    assert APIClient().post("/api/v1/auth/logout/").status_code == 401
    assert APIClient().post("/api/v1/auth/logout-all/").status_code == 401
