"""The refusal page and the menu: each role is told in its language, and sees its places.

Who may open which page is the site-wide matrix's (tests/core/test_authorisation_matrix.py).
"""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "visitor", "member_a", "member_b", "gate_staff", "expo_staff")


@pytest.fixture
def world():
    users = {
        "anonymous": None,
        "visitor": UserFactory(role="visitor"),
        "member_a": MembershipFactory().user,
        "member_b": MembershipFactory().user,
        "gate_staff": UserFactory(role="gate_staff"),
        "expo_staff": UserFactory(role="expo_staff"),
    }
    return users, {"staff:desk": reverse("staff:desk")}


@pytest.mark.parametrize("role", ["visitor", "member_a", "gate_staff"])
def test_the_refusal_page_speaks_the_users_language(client, world, role):
    users, urls = world
    client.force_login(users[role])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    response = client.get(urls["staff:desk"])
    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="sv">' in html
    assert "Den här sidan är inte för ditt konto" in html


# --- The menu: each role sees links to its own places ------------------------------------

MENUS = {
    "anonymous": {
        "/",
        "/exhibitors/",
        "/exhibitions/",
        "/venues/",
        "/login/?next=/venues/",
        "/register/",
    },
    "visitor": {
        "/",
        "/exhibitors/",
        "/exhibitions/",
        "/venues/",
        "/bookings/",
        "/account/",
    },
    "member_a": {
        "/",
        "/exhibitors/",
        "/exhibitions/",
        "/venues/",
        "/bookings/",
        "/exhibitor/",
        "/account/",
    },
    "gate_staff": {"/gate/"},  # scanning and nothing else
    "expo_staff": {
        "/",
        "/exhibitors/",
        "/exhibitions/",
        "/venues/",
        "/bookings/",
        "/staff/",
        "/gate/",
        "/admin/",
        "/account/",
    },
}


MENUS["member_b"] = MENUS["member_a"]


@pytest.mark.parametrize("role", ROLES)
def test_menu_links_to_the_roles_own_places(client, world, role):
    users, _urls = world
    if users[role] is not None:
        client.force_login(users[role])
    html = client.get("/venues/").content.decode()
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S)[0]
    assert set(re.findall(r'<a href="([^"]+)"', nav)) == MENUS[role]
    assert ("Log out" in nav) == (role != "anonymous")
