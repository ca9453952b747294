"""The public programme: filters, pagination, the error format and query counts."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from expo.events.models import Session
from tests.factories import (
    ExhibitionFactory,
    ExhibitorFactory,
    SessionFactory,
    StandFactory,
    ThemeFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db

SESSIONS = "/api/v1/sessions/"


def ids(response):
    return {item["id"] for item in response.json()["results"]}


def test_session_item_has_the_contract_fields(api):
    session = SessionFactory(capacity=30)
    item = api.get(SESSIONS).json()["results"][0]
    for field in [
        "id",
        "title",
        "kind",
        "starts_at",
        "ends_at",
        "venue",
        "capacity",
        "seats_left",
        "waitlist_open",
        "max_party_size",
        "status",
    ]:
        assert field in item
    assert item["id"] == session.id
    assert item["seats_left"] == 30
    assert item["venue"]["slug"] == session.venue.slug
    assert item["starts_at"].endswith("Z") or item["starts_at"].endswith("+00:00")


def test_title_follows_the_request_language(api):
    SessionFactory(title_sv="Stadsvandring", title_en="City walk")
    assert api.get(SESSIONS, HTTP_ACCEPT_LANGUAGE="sv").json()["results"][0]["title"] == (
        "Stadsvandring"
    )
    assert api.get(SESSIONS, HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]["title"] == "City walk"


def test_date_filter_uses_the_expo_time_zone(api):
    # 23:30 UTC on 31 May is 01:30 on 1 June in Stockholm (CEST, UTC+2).
    late = SessionFactory(starts_at=datetime(2022, 5, 31, 23, 30, tzinfo=UTC))
    early = SessionFactory(starts_at=datetime(2022, 6, 1, 21, 30, tzinfo=UTC))  # 23:30 local
    SessionFactory(starts_at=datetime(2022, 6, 1, 22, 30, tzinfo=UTC))  # 00:30 on 2 June
    assert ids(api.get(SESSIONS, {"date": "2022-06-01"})) == {late.id, early.id}


def test_invalid_date_is_a_validation_error(api):
    response = api.get(SESSIONS, {"date": "first of june"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "date" in body["fields"]
    assert body["detail"]


@pytest.mark.parametrize(
    "query",
    [
        # Valid dates whose day bounds in Stockholm, or whose UTC instant, Python cannot hold.
        {"date": "9999-12-31"},
        {"date": "0001-01-01"},
        {"starts_after": "9999-12-31T23:59:59-05:00"},
        {"starts_before": "0001-01-01T00:00:00+05:00"},
    ],
)
def test_dates_at_the_edge_of_the_calendar_are_a_validation_error_not_a_500(api, query):
    SessionFactory()
    response = api.get(SESSIONS, query)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["fields"]) == list(query)


def test_far_but_representable_dates_still_filter(api):
    SessionFactory()
    assert api.get(SESSIONS, {"date": "9999-12-30"}).json()["count"] == 0
    assert api.get(SESSIONS, {"starts_before": "0001-01-02T00:00:00Z"}).json()["count"] == 0
    assert api.get(SESSIONS, {"starts_after": "0001-01-02T00:00:00Z"}).json()["count"] == 1


def test_venue_theme_kind_exhibitor_filters(api):
    venue = VenueFactory(slug="hamntorget")
    theme = ThemeFactory(slug="framtidens-skola")
    host = ExhibitorFactory(slug="campus-hbg")
    at_venue = SessionFactory(venue=venue)
    themed = SessionFactory(kind=Session.Kind.WORKSHOP)
    themed.themes.add(theme)
    hosted = SessionFactory(host=host, kind=Session.Kind.TALK)
    assert ids(api.get(SESSIONS, {"venue": "hamntorget"})) == {at_venue.id}
    assert ids(api.get(SESSIONS, {"theme": "framtidens-skola"})) == {themed.id}
    assert ids(api.get(SESSIONS, {"kind": "workshop"})) == {themed.id}
    assert ids(api.get(SESSIONS, {"exhibitor": "campus-hbg"})) == {hosted.id}
    assert ids(api.get(SESSIONS, {"venue": "nowhere"})) == set()


def test_unknown_kind_is_rejected(api):
    response = api.get(SESSIONS, {"kind": "rave"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "kind" in response.json()["fields"]


def test_available_filter(api):
    open_session = SessionFactory(capacity=10)
    full = SessionFactory(capacity=10)
    Session.objects.filter(pk=full.pk).update(seats_taken=10)
    not_yet = SessionFactory(booking_opens_at=timezone.now() + timedelta(days=1))
    past = SessionFactory(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(hours=1)
    )
    closed = SessionFactory(booking_closes_at=timezone.now() - timedelta(minutes=1))
    cancelled = SessionFactory(status=Session.Status.CANCELLED)
    # "Has seats", whatever the clock: the 2022 programme can still be browsed by it.
    assert ids(api.get(SESSIONS, {"available": "true"})) == {
        open_session.id,
        not_yet.id,
        past.id,
        closed.id,
    }
    assert ids(api.get(SESSIONS, {"available": "false"})) == {full.id, cancelled.id}
    window_open = {i["id"] for i in api.get(SESSIONS).json()["results"] if i["booking_open"]}
    assert window_open == {open_session.id, full.id}


def test_waitlist_open_when_a_party_would_not_fit(api):
    session = SessionFactory(capacity=10, max_party_size=4)
    Session.objects.filter(pk=session.pk).update(seats_taken=8)
    item = api.get(f"{SESSIONS}{session.id}/").json()
    assert item["seats_left"] == 2
    assert item["waitlist_open"] is True
    Session.objects.filter(pk=session.pk).update(seats_taken=2)
    assert api.get(f"{SESSIONS}{session.id}/").json()["waitlist_open"] is False


def test_free_text_search_matches_title_description_venue_and_host(api):
    by_title = SessionFactory(title_sv="Framtidens skola", title_en="The school of the future")
    by_venue = SessionFactory(venue=VenueFactory(name="Dunkers kulturhus"))
    by_host = SessionFactory(host=ExhibitorFactory(name="Solcellsbolaget AB"))
    SessionFactory(title_sv="Något annat", title_en="Something else")
    assert ids(api.get(SESSIONS, {"q": "school"})) == {by_title.id}
    assert ids(api.get(SESSIONS, {"q": "SKOLA"})) == {by_title.id}
    assert ids(api.get(SESSIONS, {"q": "dunkers"})) == {by_venue.id}
    assert ids(api.get(SESSIONS, {"q": "solcell"})) == {by_host.id}


def test_drafts_and_pending_sessions_are_hidden_from_visitors(api, staff_api):
    public = SessionFactory()
    draft = SessionFactory(status=Session.Status.DRAFT)
    pending = SessionFactory(status=Session.Status.PENDING)
    assert ids(api.get(SESSIONS)) == {public.id}
    assert api.get(f"{SESSIONS}{draft.id}/").status_code == 404
    assert api.get(f"{SESSIONS}{pending.id}/").json()["code"] == "not_found"
    assert ids(staff_api.get(SESSIONS)) == {public.id, draft.id, pending.id}


def test_pagination_envelope_and_page_size(api):
    SessionFactory.create_batch(25)
    first = api.get(SESSIONS).json()
    assert set(first) == {"count", "next", "previous", "results"}
    assert first["count"] == 25
    assert len(first["results"]) == 20
    assert first["previous"] is None
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 5
    assert second["next"] is None
    assert len(api.get(SESSIONS, {"page_size": 7}).json()["results"]) == 7
    assert api.get(SESSIONS, {"page": 99}).json()["code"] == "not_found"


def test_unknown_session_is_404_in_the_contract_format(api):
    response = api.get(f"{SESSIONS}999999/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert api.get(f"{SESSIONS}abc/").status_code == 404


@pytest.mark.parametrize("page_size", [1, 10, 50])
def test_session_list_runs_a_constant_number_of_queries(api, django_assert_num_queries, page_size):
    themes = ThemeFactory.create_batch(3)
    exhibition = ExhibitionFactory()
    for index in range(50):
        session = SessionFactory(
            host=ExhibitorFactory(), exhibition=exhibition if index % 2 else None
        )
        session.themes.set(themes[: index % 4])
    # count + page + themes prefetch, whatever the page size
    with django_assert_num_queries(3):
        response = api.get(SESSIONS, {"page_size": page_size})
    assert len(response.json()["results"]) == page_size


def test_catalogue_lists_and_details(api):
    venue = VenueFactory(slug="karnan", name="Kärnan")
    theme = ThemeFactory(slug="trygghet")
    exhibition = ExhibitionFactory(slug="framtidens-stad", venue=venue)
    exhibition.themes.add(theme)
    exhibitor = ExhibitorFactory(slug="hbg-stad", name="Helsingborgs stad")
    StandFactory(exhibitor=exhibitor, venue=venue, code="K1")
    assert api.get("/api/v1/venues/karnan/").json()["name"] == "Kärnan"
    assert api.get("/api/v1/themes/trygghet/").status_code == 200
    assert api.get("/api/v1/exhibitions/framtidens-stad/").json()["themes"][0]["slug"] == (
        "trygghet"
    )
    detail = api.get("/api/v1/exhibitors/hbg-stad/").json()
    assert detail["stands"][0]["code"] == "K1"
    for path in ["venues", "themes", "exhibitions", "exhibitors"]:
        body = api.get(f"/api/v1/{path}/").json()
        assert body["count"] == 1
    assert api.get("/api/v1/venues/unknown/").json()["code"] == "not_found"


@pytest.mark.parametrize("path", ["venues", "exhibitors", "exhibitions"])
def test_catalogue_lists_run_a_constant_number_of_queries(api, django_assert_num_queries, path):
    for _ in range(5):
        venue = VenueFactory()
        exhibitor = ExhibitorFactory()
        StandFactory(exhibitor=exhibitor, venue=venue)
        ExhibitionFactory(venue=venue).themes.add(ThemeFactory())
    with django_assert_num_queries(3 if path != "exhibitors" else 4):
        api.get(f"/api/v1/{path}/")
