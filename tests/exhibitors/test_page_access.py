"""Who may open each exhibitor page (HTML): one row per URL name of the exhibitors' pages.

Roles: anonymous, visitor, member of A (`owner_a`), member of B, gate staff, expo staff.
Anonymous people are sent to log in; people without the exhibitor role get the 403 page
in their language; members of another organisation get 404 for A's pages, as if A did
not exist. `test_every_page_has_a_row` walks the URL resolver, so a page added to
`expo/exhibitors/urls_pages.py` without a row here fails.
"""

import pytest
from django.conf import settings
from django.urls import get_resolver

from expo.exhibitors.models import Lead, Membership, Stand
from tests.exhibitors.conftest import World

pytestmark = pytest.mark.django_db

ACTORS = ("anonymous", "visitor", "owner_a", "member_b", "gate_staff", "expo_staff")
LOGIN = "login"


def org_page(ok: int = 200) -> dict:
    return {
        "anonymous": LOGIN,
        "visitor": 403,
        "owner_a": ok,
        "member_b": 404,
        "gate_staff": 403,
        "expo_staff": 403,
    }


PUBLIC = dict.fromkeys(ACTORS, 200)
A = "/exhibitor/alfa"

# (URL name, method, path from the world, expected per actor)
ROWS = [
    ("guide", "get", lambda w: "/exhibitors/", PUBLIC),
    ("detail", "get", lambda w: "/exhibitors/alfa/", PUBLIC),
    ("invitation", "get", lambda w: f"/exhibitor/invitations/{w.invitation_token}/", PUBLIC),
    (
        "portal",
        "get",
        lambda w: "/exhibitor/",
        {
            "anonymous": LOGIN,
            "visitor": 403,
            "owner_a": 302,  # one organisation: straight into it
            "member_b": 302,
            "gate_staff": 403,
            "expo_staff": 403,
        },
    ),
    ("overview", "get", lambda w: f"{A}/", org_page()),
    ("profile", "get", lambda w: f"{A}/profile/", org_page()),
    ("stands", "get", lambda w: f"{A}/stands/", org_page()),
    ("stand", "get", lambda w: f"{A}/stands/{w.stand_a.pk}/", org_page()),
    ("stand-delete", "post", lambda w: f"{A}/stands/{w.stand_a.pk}/delete/", org_page(302)),
    ("team", "get", lambda w: f"{A}/team/", org_page()),
    (
        "member-remove",
        "post",
        lambda w: f"{A}/team/{w.colleague_a.pk}/remove/",
        org_page(302),
    ),
    ("member-role", "post", lambda w: f"{A}/team/{w.colleague_a.pk}/role/", org_page(302)),
    (
        "invitation-revoke",
        "post",
        lambda w: f"{A}/team/invitations/{w.invitation_a.pk}/revoke/",
        org_page(302),
    ),
    ("sessions", "get", lambda w: f"{A}/sessions/", org_page()),
    ("session-propose", "get", lambda w: f"{A}/sessions/propose/", org_page()),
    ("session", "get", lambda w: f"{A}/sessions/{w.published_a.pk}/", org_page()),
    (
        "session-csv",
        "get",
        lambda w: f"{A}/sessions/{w.published_a.pk}/attendees.csv",
        org_page(),
    ),
    ("leads", "get", lambda w: f"{A}/leads/", org_page()),
    ("lead-scan", "get", lambda w: f"{A}/leads/scan/", org_page()),
    ("leads-csv", "get", lambda w: f"{A}/leads/export.csv", org_page()),
    ("lead", "get", lambda w: f"{A}/leads/{w.lead_a.pk}/", org_page()),
]


def test_every_page_has_a_row():
    _prefix, pages = get_resolver().namespace_dict["exhibitors"]
    names = {name for name in pages.reverse_dict if isinstance(name, str)}
    assert {row[0] for row in ROWS} == names


@pytest.mark.parametrize("row", ROWS, ids=[f"{row[0]}:{row[1]}" for row in ROWS])
@pytest.mark.parametrize("actor", ACTORS)
def test_page_access(world: World, client, row, actor):
    name, method, path, expected = row
    if actor != "anonymous":
        client.force_login(world.actor(actor))
    before = (Stand.objects.count(), Membership.objects.count(), Lead.objects.count())
    url = path(world)
    body = {"role": "member"} if name == "member-role" else {}
    response = getattr(client, method)(url, body)
    want = expected[actor]
    if want == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(f"{settings.LOGIN_URL}?next=")
    else:
        assert response.status_code == want, (url, actor, response.status_code)
    if response.status_code != 302 or want == LOGIN:
        # A refused post changes nothing.
        assert (Stand.objects.count(), Membership.objects.count(), Lead.objects.count()) == before


@pytest.mark.parametrize("language, words", [("sv", "inte för ditt konto"), ("en", "not for")])
def test_the_refusal_page_speaks_the_visitors_language(world, client, language, words):
    client.force_login(world.visitor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/exhibitor/alfa/")
    assert response.status_code == 403
    assert f'<html lang="{language}">'.encode() in response.content
    assert words in response.content.decode()
