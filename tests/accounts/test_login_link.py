"""Sign-in by e-mail link: the API, one-time use, expiry, limits and the mail itself."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from expo.accounts import services
from expo.accounts.models import LoginLink, User
from expo.accounts.signals import LOGIN_LINK
from expo.notifications.models import Notification
from expo.notifications.services import notification_deliver
from tests.accounts.test_auth_api import assert_error, throttle_rates, token_client
from tests.bookings.race import race
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LINK = "/api/v1/auth/login-link/"
REDEEM = "/api/v1/auth/login-link/redeem/"
TOKEN_IN_MAIL = re.compile(r"/login/link/([A-Za-z0-9_-]+)/")


def request_link(capture, email: str, **extra) -> str:
    """Ask for a link as a visitor would and return the token from the mail sent."""
    sent = len(mail.outbox)
    with capture(execute=True):
        response = APIClient().post(LINK, {"email": email, **extra}, format="json")
    assert response.status_code == 202, response.content
    assert len(mail.outbox) == sent + 1
    return TOKEN_IN_MAIL.search(mail.outbox[-1].body).group(1)


def redeem(token: str):
    return APIClient().post(REDEEM, {"token": token}, format="json")


def test_known_and_unknown_addresses_get_the_same_answer(django_capture_on_commit_callbacks):
    UserFactory(email="known@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        known = APIClient().post(LINK, {"email": "known@example.org"}, format="json")
        unknown = APIClient().post(LINK, {"email": "nobody@example.org"}, format="json")
    assert known.status_code == unknown.status_code == 202
    assert known.content == unknown.content
    assert sorted(message.to[0] for message in mail.outbox) == [
        "known@example.org",
        "nobody@example.org",
    ]
    assert not User.objects.filter(email="nobody@example.org").exists()  # not before use


def test_the_token_is_stored_nowhere(django_capture_on_commit_callbacks):
    token = request_link(django_capture_on_commit_callbacks, "ny@example.org")
    link = LoginLink.objects.get()
    assert token not in link.token_hash
    notification = Notification.objects.get(kind=LOGIN_LINK)
    assert notification.status == Notification.Status.SENT
    assert token not in str(notification.context)
    assert token not in notification.key


def test_first_use_creates_a_verified_visitor_and_the_token_works(
    django_capture_on_commit_callbacks,
):
    token = request_link(
        django_capture_on_commit_callbacks, "Ny.Besokare@Example.org", language="en"
    )
    response = redeem(token)
    assert response.status_code == 200, response.content
    user = User.objects.get(email="ny.besokare@example.org")
    assert user.email_verified
    assert user.language == "en"
    assert not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == ["visitor"]
    me = token_client(response.json()["token"]).get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["email"] == "ny.besokare@example.org"


def test_an_existing_account_is_signed_in_not_duplicated(django_capture_on_commit_callbacks):
    user = UserFactory(email="vera@example.org", language="sv")
    token = request_link(django_capture_on_commit_callbacks, "vera@example.org", language="en")
    assert "Logga in" in mail.outbox[-1].body  # the account's language, not the request's
    response = redeem(token)
    assert response.status_code == 200
    assert AuthToken.objects.get().user_id == user.pk
    assert User.objects.filter(email="vera@example.org").count() == 1


def test_a_link_works_once(django_capture_on_commit_callbacks):
    token = request_link(django_capture_on_commit_callbacks, "ny@example.org")
    assert redeem(token).status_code == 200
    assert_error(redeem(token), 400, "invalid_link")
    assert AuthToken.objects.count() == 1


def test_an_expired_link_is_refused(django_capture_on_commit_callbacks):
    token = request_link(django_capture_on_commit_callbacks, "ny@example.org")
    with time_machine.travel(timezone.now() + timedelta(minutes=15, seconds=1)):
        assert_error(redeem(token), 400, "invalid_link")
    assert not User.objects.filter(email="ny@example.org").exists()


def test_a_forged_link_is_refused(django_capture_on_commit_callbacks):
    token = request_link(django_capture_on_commit_callbacks, "ny@example.org")
    assert_error(redeem(token[:-1] + ("A" if token[-1] != "A" else "B")), 400, "invalid_link")
    assert_error(redeem(""), 400, "invalid", fields=["token"])


def test_a_closed_account_gets_no_link(django_capture_on_commit_callbacks):
    UserFactory(email="gone@example.org", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = APIClient().post(LINK, {"email": "gone@example.org"}, format="json")
    assert response.status_code == 202
    assert mail.outbox == []
    assert not LoginLink.objects.exists()


def test_an_address_gets_a_few_links_at_a_time_whatever_the_throttles(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(services.LOGIN_LINKS_PER_ADDRESS + 2):
            response = APIClient().post(LINK, {"email": "ny@example.org"}, format="json")
            assert response.status_code == 202
    assert len(mail.outbox) == services.LOGIN_LINKS_PER_ADDRESS


def test_next_keeps_only_a_path_on_this_site():
    services.login_link_request(email="a@example.org", next_url="/sessions/4/")
    services.login_link_request(email="b@example.org", next_url="https://evil.example/")
    services.login_link_request(email="c@example.org", next_url="//evil.example/")
    nexts = dict(LoginLink.objects.values_list("email", "next"))
    assert nexts == {"a@example.org": "/sessions/4/", "b@example.org": "", "c@example.org": ""}


def test_a_link_mailed_after_it_expired_is_skipped(django_capture_on_commit_callbacks):
    services.login_link_request(email="late@example.org")  # broker down: nothing queued
    row = Notification.objects.get(kind=LOGIN_LINK)
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert notification_deliver(key=row.key) == "skipped"
    assert mail.outbox == []


def test_erasure_forgets_the_links(django_capture_on_commit_callbacks):
    user = UserFactory(email="vera@example.org")
    services.login_link_request(email="vera@example.org")
    services.user_erase(user=user)
    assert not LoginLink.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_redeems_at_once_make_one_token(django_capture_on_commit_callbacks):
    token = request_link(django_capture_on_commit_callbacks, "race@example.org")
    results = race([lambda: redeem(token)] * 10, workers=10)
    statuses = sorted(response.status_code for response in results)
    assert statuses == [200] + [400] * 9
    assert AuthToken.objects.count() == 1
    assert User.objects.filter(email="race@example.org").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_links_to_a_new_address_used_at_once_make_one_account(
    django_capture_on_commit_callbacks,
):
    tokens = [request_link(django_capture_on_commit_callbacks, "twice@example.org") for _ in "ab"]
    results = race([lambda token=token: redeem(token) for token in tokens], workers=2)
    assert [response.status_code for response in results] == [200, 200]
    assert User.objects.filter(email="twice@example.org").count() == 1
    assert AuthToken.objects.count() == 2


# --- Pages -------------------------------------------------------------------------------


def test_the_page_form_answers_the_same_for_known_and_unknown_addresses(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="known@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/login/link/", {"email": "known@example.org", "next": "/"})
        unknown = client.post("/login/link/", {"email": "nobody@example.org", "next": "/"})
    assert known.status_code == unknown.status_code == 200

    def page(response, local_part):
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.text)
        return text.replace(f"{local_part}@", "X@")

    assert page(known, "known") == page(unknown, "nobody")
    assert len(mail.outbox) == 2


def test_the_link_page_asks_first_then_signs_in_and_returns(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/login/link/", {"email": "ny@example.org", "next": "/bookings/"})
    path = TOKEN_IN_MAIL.search(mail.outbox[-1].body).group(0)

    opened = client.get(path)  # what a mail scanner does
    assert opened.status_code == 200
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(email="ny@example.org").exists()

    confirmed = client.post(path)
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/bookings/"
    assert client.session["_auth_user_id"] == str(User.objects.get(email="ny@example.org").pk)

    client.logout()
    again = client.post(path)
    assert again.status_code == 400
    assert "_auth_user_id" not in client.session


def test_a_next_pointing_elsewhere_is_never_followed(client):
    services.login_link_request(email="ny@example.org", next_url="https://evil.example/")
    # Even a link stored with a foreign `next` (written before the check existed) stays home.
    LoginLink.objects.update(next="https://evil.example/")
    token = "x"
    LoginLink.objects.update(token_hash=services._login_link_hash(token))
    response = client.post(f"/login/link/{token}/")
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_sign_in_links_asked_for_one_address_are_rate_limited():
    cache.clear()
    with override_settings(REST_FRAMEWORK=throttle_rates(login_link_email="2/hour")):
        answers = [
            APIClient().post(
                LINK, {"email": "Ny@example.org"}, format="json", REMOTE_ADDR=f"192.0.2.{n}"
            )
            for n in range(3)
        ]
    cache.clear()
    assert [answer.status_code for answer in answers] == [202, 202, 429]
    assert_error(answers[2], 429, "rate_limited")


def test_sign_in_links_asked_from_one_client_address_are_rate_limited():
    cache.clear()
    with override_settings(REST_FRAMEWORK=throttle_rates(login_link="2/hour")):
        answers = [
            APIClient().post(
                LINK, {"email": f"n{n}@example.org"}, format="json", REMOTE_ADDR="192.0.2.1"
            )
            for n in range(3)
        ]
    cache.clear()
    assert [answer.status_code for answer in answers] == [202, 202, 429]


def test_expired_links_are_not_kept():
    services.login_link_request(email="old@example.org")
    with time_machine.travel(timezone.now() + timedelta(minutes=15, seconds=1)):
        services.login_link_request(email="new@example.org")
    assert list(LoginLink.objects.values_list("email", flat=True)) == ["new@example.org"]
