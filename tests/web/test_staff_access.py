"""Who may open the staff desk and the public exhibition and venue pages.

One row per URL name of this part of the site, one column per role; the lead folds the
table into the site-wide page-access matrix. POST-only URLs are asked with POST (a GET
answers 405 to everyone).
"""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from expo.events.models import Session
from tests.factories import ExhibitionFactory, MembershipFactory, SessionFactory, UserFactory
from tests.staff.helpers import flagged_scan

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "visitor", "member_a", "member_b", "gate_staff", "expo_staff")
LOGIN = "login"  # sent to /login/?next=<the page>
FORBIDDEN = 403
OK = 200
DONE = 302  # a write, redirected back to the desk

STAFF_ONLY_PAGE = {"anonymous": LOGIN, "expo_staff": OK}
STAFF_ONLY_WRITE = {"anonymous": LOGIN, "expo_staff": DONE}
PUBLIC = dict.fromkeys(ROLES, OK)

# url name: (method, expected per role; a role not named gets 403)
MATRIX = {
    "staff:desk": ("get", STAFF_ONLY_PAGE),
    "staff:occupancy": ("get", STAFF_ONLY_PAGE),
    "staff:session": ("get", STAFF_ONLY_PAGE),
    "staff:cancel": ("get", STAFF_ONLY_PAGE),
    "staff:approve": ("post", STAFF_ONLY_WRITE),
    "staff:reject": ("post", STAFF_ONLY_WRITE),
    "staff:scan-review": ("post", STAFF_ONLY_WRITE),
    "events:exhibitions": ("get", PUBLIC),
    "events:exhibition": ("get", PUBLIC),
    "events:venues": ("get", PUBLIC),
    "events:venue": ("get", PUBLIC),
}


@pytest.fixture
def world():
    member_a, member_b = MembershipFactory(), MembershipFactory()
    session = SessionFactory()
    pending = SessionFactory(status=Session.Status.PENDING, host=member_a.exhibitor)
    exhibition = ExhibitionFactory()
    users = {
        "anonymous": None,
        "visitor": UserFactory(role="visitor"),
        "member_a": member_a.user,
        "member_b": member_b.user,
        "gate_staff": UserFactory(role="gate_staff"),
        "expo_staff": UserFactory(role="expo_staff"),
    }
    return users, {
        "staff:desk": reverse("staff:desk"),
        "staff:occupancy": reverse("staff:occupancy"),
        "staff:session": reverse("staff:session", args=[session.pk]),
        "staff:cancel": reverse("staff:cancel", args=[session.pk]),
        "staff:approve": reverse("staff:approve", args=[pending.pk]),
        "staff:reject": reverse("staff:reject", args=[pending.pk]),
        "staff:scan-review": reverse("staff:scan-review", args=[flagged_scan().pk]),
        "events:exhibitions": reverse("events:exhibitions"),
        "events:exhibition": reverse("events:exhibition", args=[exhibition.slug]),
        "events:venues": reverse("events:venues"),
        "events:venue": reverse("events:venue", args=[session.venue.slug]),
    }


def test_every_url_of_the_desk_and_the_public_catalogue_pages_has_a_row():
    from expo.events import urls_pages as events_pages
    from expo.staff import urls as staff_urls

    names = {f"staff:{p.name}" for p in staff_urls.urlpatterns} | {
        f"events:{p.name}"
        for p in events_pages.urlpatterns
        if p.name.startswith(("exhibition", "venue"))
    }
    assert names == set(MATRIX)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_access(client, world, name, role):
    users, urls = world
    method, expected_by_role = MATRIX[name]
    expected = expected_by_role.get(role, FORBIDDEN)
    if users[role] is not None:
        client.force_login(users[role])
    url = urls[name]
    data = {"reason": "Not this year."} if name == "staff:reject" else {}

    response = getattr(client, method)(url, data)

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('accounts:login')}?next={url}"
    else:
        assert response.status_code == expected, (name, role)
    if expected == FORBIDDEN:
        assert b"This page is not for your account" in response.content


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
    "anonymous": {"/", "/exhibitions/", "/venues/", "/login/?next=/venues/", "/register/"},
    "visitor": {"/", "/exhibitions/", "/venues/", "/bookings/", "/password/change/"},
    "member_a": {
        "/",
        "/exhibitions/",
        "/venues/",
        "/bookings/",
        "/exhibitor/",
        "/password/change/",
    },
    "gate_staff": {"/gate/"},  # scanning and nothing else
    "expo_staff": {
        "/",
        "/exhibitions/",
        "/venues/",
        "/bookings/",
        "/staff/",
        "/gate/",
        "/admin/",
        "/password/change/",
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
