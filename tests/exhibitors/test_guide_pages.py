"""The public exhibitor guide: /exhibitors/ (search and filters) and /exhibitors/<slug>/,
and the links to it from the programme and the session page."""

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from expo.events.models import Session
from expo.exhibitors.models import Exhibitor
from tests.factories import (
    ExhibitorFactory,
    SessionFactory,
    StandFactory,
    ThemeFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [exhibitor.name for exhibitor in response.context["page"].object_list]


def test_search_and_filters(world, client):
    harbour = VenueFactory(expo=world.expo, slug="hamnen", name="Hamnen", area="Söder")
    energy = ThemeFactory(slug="energi", name_sv="Energi", name_en="Energy")
    StandFactory(exhibitor=world.b, venue=harbour, code="H7")
    world.published_a.themes.add(energy)
    hidden = ExhibitorFactory(expo=world.expo, name="Alfa Hemlig", status="hidden")
    StandFactory(exhibitor=hidden, venue=harbour, code="H8")

    assert names(client.get("/exhibitors/")) == ["Alfa Energi AB", "Beta Bygg AB"]
    assert names(client.get("/exhibitors/?q=alfa")) == ["Alfa Energi AB"]
    assert names(client.get("/exhibitors/?q=bygg beta")) == ["Beta Bygg AB"]
    assert names(client.get("/exhibitors/?theme=energi")) == ["Alfa Energi AB"]
    assert names(client.get("/exhibitors/?venue=hamnen")) == ["Beta Bygg AB"]
    assert names(client.get("/exhibitors/?area=Söder")) == ["Beta Bygg AB"]
    assert names(client.get("/exhibitors/?area=Söder&q=alfa")) == []
    page = client.get("/exhibitors/?venue=nowhere&theme=nothing")
    assert page.status_code == 200 and names(page) == []


def test_a_theme_counts_only_through_published_sessions(world, client):
    theme = ThemeFactory(slug="bygg")
    world.pending_a.themes.add(theme)
    assert names(client.get("/exhibitors/?theme=bygg")) == []


def test_exhibitor_page(world, client):
    world.stand_a.opens_at, world.stand_a.closes_at = time(10), time(17, 30)
    world.stand_a.save()
    world.a.website = "https://alfa.example"
    world.a.description_en = "Solar roofs for every school."
    world.a.save()
    past = SessionFactory(
        expo=world.expo,
        venue=world.venue,
        host=world.a,
        title_en="Yesterday's talk",
        starts_at=timezone.now() - timedelta(days=1, hours=1),
        ends_at=timezone.now() - timedelta(days=1),
    )
    client.cookies["django_language"] = "en"
    response = client.get("/exhibitors/alfa/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Solar roofs for every school." in body
    assert 'href="https://alfa.example"' in body
    assert "Dunkers kulturhus" in body and ">A1<" in body
    assert "Open daily 10:00–17:30" in body
    sessions = response.context["sessions"]
    assert [session.pk for session in sessions] == [world.published_a.pk]  # not pending, past
    assert f'href="/sessions/{world.published_a.pk}/"' in body
    assert "27 seats left" in body  # 30 seats, three booked
    assert past.title_en not in body


def test_hidden_or_unknown_exhibitors_are_not_found(world, client):
    Exhibitor.objects.filter(pk=world.b.pk).update(status=Exhibitor.Status.HIDDEN)
    assert client.get("/exhibitors/beta/").status_code == 404
    assert client.get("/exhibitors/nobody/").status_code == 404


def test_programme_and_session_page_link_the_host(world, client):
    link = 'href="/exhibitors/alfa/"'
    assert link in client.get("/").content.decode()
    assert link in client.get(f"/sessions/{world.published_a.pk}/").content.decode()
    Exhibitor.objects.filter(pk=world.a.pk).update(status=Exhibitor.Status.HIDDEN)
    assert link not in client.get(f"/sessions/{world.published_a.pk}/").content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_guide_query_count_does_not_grow_with_exhibitors(world, client):
    one = _queries(client, "/exhibitors/")
    for number in range(8):
        exhibitor = ExhibitorFactory(expo=world.expo)
        StandFactory(exhibitor=exhibitor, venue=world.venue, code=f"Z{number}")
        StandFactory(exhibitor=exhibitor, venue=VenueFactory(expo=world.expo), code=f"Y{number}")
    assert _queries(client, "/exhibitors/") == one


def test_exhibitor_page_query_count_does_not_grow_with_stands_or_sessions(world, client):
    one = _queries(client, "/exhibitors/alfa/")
    for number in range(6):
        StandFactory(exhibitor=world.a, venue=VenueFactory(expo=world.expo), code=f"S{number}")
        session = SessionFactory(expo=world.expo, venue=world.venue, host=world.a)
        session.themes.add(ThemeFactory())
    assert Session.objects.filter(host=world.a, status="published").count() == 7
    assert _queries(client, "/exhibitors/alfa/") == one
