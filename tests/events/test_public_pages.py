"""The public exhibition and venue pages: what a visitor finds, and a query count that
does not grow with the number of items shown."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from expo.events.models import Entrance
from tests.factories import (
    EntranceFactory,
    ExhibitionFactory,
    ExpoFactory,
    SessionFactory,
    ThemeFactory,
    VenueFactory,
)
from tests.staff.helpers import noon_today, session_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_noon():
    with time_machine.travel(noon_today(), tick=True):
        yield noon_today()


@pytest.fixture
def running_expo(at_noon):
    today = timezone.localdate()
    return ExpoFactory(starts_on=today - timedelta(days=3), ends_on=today + timedelta(days=30))


def test_exhibition_page_by_slug_and_by_id(client, running_expo):
    venue = VenueFactory(name="Dunkers kulturhus", slug="dunkers", expo=running_expo)
    theme = ThemeFactory(name_en="Climate")
    exhibition = ExhibitionFactory(
        expo=running_expo,
        venue=venue,
        slug="h22-labs",
        title_en="H22 Labs",
        starts_on=date(2026, 6, 1),
        ends_on=date(2026, 6, 30),
    )
    exhibition.themes.add(theme)
    SessionFactory(exhibition=exhibition, venue=venue, title_en="Lab tour")
    SessionFactory(venue=venue, title_en="Elsewhere")

    by_slug = client.get("/exhibitions/h22-labs/")
    by_id = client.get(f"/exhibitions/{exhibition.pk}/")

    assert by_slug.status_code == by_id.status_code == 200
    html = by_slug.content.decode()
    assert "H22 Labs" in html and "Climate" in html
    assert 'href="/venues/dunkers/"' in html
    assert "Lab tour" in html and "Elsewhere" not in html
    assert by_id.context["exhibition"] == exhibition
    assert client.get("/exhibitions/no-such/").status_code == 404
    assert client.get("/exhibitions/999999/").status_code == 404


@pytest.mark.parametrize("key", ["²", "99999999999999999999999", "-1", "%20"])
def test_odd_exhibition_keys_are_404_not_500(client, key):
    ExhibitionFactory()
    assert client.get(f"/exhibitions/{key}/").status_code == 404


def test_exhibitions_list_links_each(client):
    exhibition = ExhibitionFactory(title_en="Smart harbour")
    html = client.get("/exhibitions/").content.decode()
    assert f'href="/exhibitions/{exhibition.slug}/"' in html
    assert "Smart harbour" in html


def test_venue_page_has_address_map_entrances_and_today(client, running_expo, at_noon):
    venue = VenueFactory(
        expo=running_expo,
        slug="dunkers",
        address="Kungsgatan 11",
        latitude=Decimal("56.046"),
        longitude=Decimal("12.694"),
    )
    EntranceFactory(venue=venue, name="North door", mode=Entrance.Mode.ENTRY)
    session_today(venue=venue, title_en="Noon talk")
    SessionFactory(venue=venue, title_en="Next week", starts_at=at_noon + timedelta(days=7))
    ExhibitionFactory(
        expo=running_expo,
        venue=venue,
        title_en="Open now",
        starts_on=timezone.localdate() - timedelta(days=1),
        ends_on=timezone.localdate() + timedelta(days=1),
    )

    html = client.get("/venues/dunkers/").content.decode()

    assert "Kungsgatan 11" in html
    assert "https://www.openstreetmap.org/?mlat=56.046000&amp;mlon=12.694000" in html
    assert "North door (entry only)" in html
    assert "Noon talk" in html and "Next week" not in html
    assert "Open now" in html
    assert 'href="/?venue=dunkers"' in html
    assert client.get("/venues/nowhere/").status_code == 404


def test_session_page_links_its_venue_and_exhibition(client):
    exhibition = ExhibitionFactory(slug="labs")
    session = SessionFactory(exhibition=exhibition, venue=exhibition.venue)
    html = client.get(f"/sessions/{session.pk}/").content.decode()
    assert f'href="/venues/{session.venue.slug}/"' in html
    assert 'href="/exhibitions/labs/"' in html


def test_programme_links_exhibitions_and_venues(client):
    html = client.get("/").content.decode()
    assert 'href="/exhibitions/"' in html and 'href="/venues/"' in html


def _catalogue(count: int, expo, venue):
    theme = ThemeFactory()
    for _ in range(count):
        exhibition = ExhibitionFactory(expo=expo, venue=venue)
        exhibition.themes.add(theme, ThemeFactory())
        session = session_today(venue=venue, exhibition=exhibition)
        session.themes.add(theme)
        EntranceFactory(venue=VenueFactory(expo=expo))
        EntranceFactory(venue=venue)


@pytest.mark.parametrize("page", ["exhibitions", "venues", "venue", "exhibition"])
def test_query_count_is_constant(client, running_expo, django_assert_num_queries, page):
    venue = VenueFactory(expo=running_expo, slug="main")
    exhibition = ExhibitionFactory(expo=running_expo, venue=venue, slug="main-show")
    url = {
        "exhibitions": "/exhibitions/",
        "venues": "/venues/",
        "venue": "/venues/main/",
        "exhibition": "/exhibitions/main-show/",
    }[page]

    def more(count):
        _catalogue(count, running_expo, venue)
        for _ in range(count):
            session_today(venue=venue, exhibition=exhibition)

    more(1)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    more(6)
    with django_assert_num_queries(len(few)):
        response = client.get(url)
    shown = {
        "exhibitions": lambda c: len(c["exhibitions"]),
        "venues": lambda c: len(c["venues"]),
        "venue": lambda c: len(c["sessions_today"]) + len(c["entrances"]),
        "exhibition": lambda c: len(c["sessions"]),
    }[page](response.context)
    assert shown >= 7
