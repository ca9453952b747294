"""Confirming the e-mail address and choosing a new password: links mailed through the
outbox, each working once, with no secret stored in the outbox row."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from knox.models import AuthToken
from rest_framework.test import APIClient

from expo.accounts.models import User
from expo.notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # tests.factories.UserFactory's
NEW_PASSWORD = "Sundet-vid-Kärnan-22"


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()
    yield
    cache.clear()


def link_in(message, path_start: str) -> str:
    """The path of the one link in a mail that starts with `path_start`."""
    (url,) = set(re.findall(r"https?://\S+?" + re.escape(path_start) + r"\S*/", message.body))
    return urlsplit(url).path


def only_mail_to(address):
    (message,) = [message for message in mail.outbox if message.to == [address]]
    return message


# --- E-mail verification ---------------------------------------------------------------


def test_verification_link_from_sign_up_confirms_the_address_once(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = APIClient().post(
            "/api/v1/auth/register/",
            {"email": "greta@example.org", "password": NEW_PASSWORD, "name": "Greta"},
            format="json",
        )
    assert response.status_code == 201
    user = User.objects.get(email="greta@example.org")
    message = only_mail_to("greta@example.org")
    link = link_in(message, "/verify/")
    # Only the user is stored; the link is made when the mail is rendered.
    row = Notification.objects.get(user=user, kind="email_verification")
    assert row.context == {}
    assert link.split("/")[-2] not in str(Notification.objects.filter(pk=row.pk).values().get())

    # Opening the link (as a mail scanner does) changes nothing; the button does.
    assert client.get(link).status_code == 200
    user.refresh_from_db()
    assert user.email_verified_at is None
    assert client.post(link).status_code == 302
    user.refresh_from_db()
    assert user.email_verified_at is not None

    again = client.post(link)
    assert again.status_code == 400
    assert "expired or was already used" in again.content.decode()


def test_verification_through_the_api(django_capture_on_commit_callbacks):
    user = UserFactory(email_verified_at=None)
    client = APIClient()
    client.force_authenticate(user)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/api/v1/me/verify-email/").status_code == 202
        # A second request at once sends nothing more (no inbox flooding).
        assert client.post("/api/v1/me/verify-email/").status_code == 202
    _, _, uid, token, _ = link_in(only_mail_to(user.email), "/verify/").split("/")

    response = APIClient().post(
        "/api/v1/auth/verify-email/", {"uid": uid, "token": token}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["email_verified"] is True
    again = APIClient().post(
        "/api/v1/auth/verify-email/", {"uid": uid, "token": token}, format="json"
    )
    assert again.status_code == 400
    assert again.json()["code"] == "invalid_link"


def test_a_forged_verification_link_is_refused(client):
    user = UserFactory(email_verified_at=None)
    forged = APIClient().post(
        "/api/v1/auth/verify-email/", {"uid": "MQ", "token": "abc-123"}, format="json"
    )
    assert forged.json()["code"] == "invalid_link"
    assert client.post("/verify/xx/abc-123/").status_code == 400
    user.refresh_from_db()
    assert user.email_verified_at is None


# --- Password reset and change ---------------------------------------------------------


def test_password_reset_flow_works_end_to_end(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="ingrid@example.se")
    old_token = AuthToken.objects.create(user=user)[1]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/password/reset/", {"email": "Ingrid@Example.se"})
    assert response.status_code == 302
    assert response["Location"] == "/password/reset/done/"
    message = only_mail_to("ingrid@example.se")
    assert message.subject == "Choose a new password for H22 City Expo"
    link = link_in(message, "/password/reset/")

    form = client.get(link, follow=True)
    assert form.status_code == 200
    assert form.context["validlink"]
    set_password_url = form.redirect_chain[-1][0]
    weak = client.post(
        set_password_url, {"new_password1": "Kärnan-1310", "new_password2": "Kärnan-1310"}
    )
    assert weak.status_code == 200  # eleven characters: too short
    done = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert done["Location"] == "/password/reset/complete/"

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not AuthToken.objects.filter(user=user).exists()  # old devices logged out
    assert APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {old_token}").status_code == (
        401
    )
    login = client.post("/login/", {"username": "ingrid@example.se", "password": NEW_PASSWORD})
    assert login.status_code == 302
    assert "_auth_user_id" in client.session
    # The link worked once.
    client.post("/logout/")
    assert not client.get(link, follow=True).context["validlink"]


def test_password_reset_answers_the_same_for_an_unknown_address(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/password/reset/", {"email": "nobody@example.se"})

    assert response.status_code == 302
    assert response["Location"] == "/password/reset/done/"
    assert mail.outbox == []


def test_password_change_page(client):
    user = UserFactory()
    other_device = AuthToken.objects.create(user=user)[1]
    client.force_login(user)
    assert client.get("/password/change/").status_code == 200

    response = client.post(
        "/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.get("/bookings/").status_code == 200  # this browser stays logged in
    me = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {other_device}")
    assert me.status_code == 401


def test_password_change_needs_a_log_in(client):
    response = client.get("/password/change/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
