"""The admin: the log-in limits of the API and pages, no way for staff to raise
privileges (their own or anyone's), and API tokens listed without their keys."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from knox.models import AuthToken

from expo.accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # tests.factories.UserFactory's
ADMIN_LOGIN = "/admin/login/"


def user_url(view, *args):
    return reverse(f"admin:accounts_user_{view}", args=args)


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def superuser():
    return User.objects.create_superuser(email="root@h22.example", password=PASSWORD)


@pytest.fixture
def login_limit_3_per_minute():
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "login": "3/min"}
    with (
        override_settings(
            REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
        ),
        time_machine.travel(datetime(2022, 6, 1, 10, 0, 5, tzinfo=UTC), tick=False) as clock,
    ):
        yield clock


def admin_login(client, email, password, ip="203.0.113.7"):
    return client.post(
        ADMIN_LOGIN,
        {"username": email, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- Log-in limits ---------------------------------------------------------------------


def test_admin_login_refused_after_the_limit_even_with_the_right_password(
    client, expo_staff, login_limit_3_per_minute
):
    for _ in range(3):
        assert admin_login(client, expo_staff.email, "guess").status_code == 200

    refused = admin_login(client, expo_staff.email, PASSWORD)

    assert not logged_in(client)
    assert "Too many log-in attempts" in refused.content.decode()
    # The window passes: the right password gets in again.
    login_limit_3_per_minute.shift(60)
    assert admin_login(client, expo_staff.email, PASSWORD).status_code == 302
    assert logged_in(client)


def test_admin_login_limit_per_account_holds_across_addresses(
    client, expo_staff, login_limit_3_per_minute
):
    for n in range(3):
        admin_login(client, expo_staff.email, "guess", ip=f"198.51.100.{n}")

    admin_login(client, expo_staff.email.upper(), PASSWORD, ip="192.0.2.50")

    assert not logged_in(client)


def test_admin_and_api_log_ins_share_one_count(api, client, expo_staff, login_limit_3_per_minute):
    for _ in range(3):
        api.post(
            "/api/v1/auth/token/",
            {"email": expo_staff.email, "password": "guess"},
            format="json",
            REMOTE_ADDR="203.0.113.7",
        )

    admin_login(client, expo_staff.email, PASSWORD, ip="203.0.113.7")

    assert not logged_in(client)


# --- Privileges ------------------------------------------------------------------------


def change_form(user, **changes):
    data = {
        "email": user.email,
        "name": user.name,
        "language": user.language,
        "is_active": "on",
        "_save": "Save",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_staff_cannot_grant_superuser_to_themselves(client, expo_staff):
    client.force_login(expo_staff)
    everything = list(Permission.objects.values_list("pk", flat=True)[:5])

    response = client.post(
        user_url("change", expo_staff.pk),
        change_form(
            expo_staff,
            name="Still Staff",
            is_superuser="on",
            user_permissions=everything,
        ),
    )

    assert response.status_code == 302
    expo_staff.refresh_from_db()
    assert expo_staff.name == "Still Staff"  # the rest of the form was saved
    assert not expo_staff.is_superuser
    assert not expo_staff.user_permissions.exists()


def test_staff_cannot_make_a_visitor_staff(client, expo_staff, visitor):
    client.force_login(expo_staff)
    staff_group = Group.objects.get(name="expo_staff")

    response = client.post(
        user_url("change", visitor.pk),
        change_form(visitor, is_staff="on", is_superuser="on", groups=[staff_group.pk]),
    )

    assert response.status_code == 302
    visitor.refresh_from_db()
    assert (visitor.is_staff, visitor.is_superuser) == (False, False)
    assert list(visitor.groups.values_list("name", flat=True)) == ["visitor"]
    page = client.get(user_url("change", visitor.pk)).content.decode()
    assert 'name="is_superuser"' not in page
    assert 'name="groups"' not in page


def test_staff_cannot_create_an_expo_staff_account(client, expo_staff):
    client.force_login(expo_staff)

    response = client.post(
        user_url("add"),
        {
            "email": "new.boss@h22.example",
            "name": "New Boss",
            "language": "sv",
            "role": "expo_staff",
            "usable_password": "true",
            "password1": "scan-all-day-2022",
            "password2": "scan-all-day-2022",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.has_error("role")
    assert not User.objects.filter(email="new.boss@h22.example").exists()


def test_staff_cannot_take_over_another_admins_account(client, expo_staff, superuser):
    other_staff = UserFactory(role="expo_staff")
    client.force_login(expo_staff)

    for target in (superuser, other_staff):
        password_page = reverse("admin:auth_user_password_change", args=[target.pk])
        assert client.get(password_page).status_code == 403
        client.post(user_url("change", target.pk), change_form(target, email="mine@example.org"))
        target.refresh_from_db()
        assert target.email != "mine@example.org"


def test_superusers_grant_and_take_privileges(client, superuser, visitor):
    client.force_login(superuser)
    staff_group = Group.objects.get_or_create(name="expo_staff")[0]

    response = client.post(
        user_url("change", visitor.pk),
        change_form(visitor, is_staff="on", groups=[staff_group.pk]),
    )

    assert response.status_code == 302
    visitor.refresh_from_db()
    assert visitor.is_staff
    assert visitor.groups.filter(name="expo_staff").exists()


# --- API tokens ------------------------------------------------------------------------


def test_the_token_admin_shows_no_key(client, superuser, visitor):
    instance, token = AuthToken.objects.create(user=visitor)
    client.force_login(superuser)

    pages = [
        client.get(reverse("admin:knox_authtoken_changelist")),
        client.get(reverse("admin:knox_authtoken_change", args=[instance.pk])),
    ]

    for page in pages:
        assert page.status_code == 200
        body = page.content.decode()
        assert visitor.email in body
        assert token not in body
        assert token[:8] not in body  # not even knox's stored prefix
    assert client.get(reverse("admin:knox_authtoken_add")).status_code == 403
