"""The demo expo: plausible, valid, idempotent, movable in time, with working logins."""

import io
from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q

from expo.accounts.models import User
from expo.core.permissions import user_roles
from expo.demo.loader import DEMO_PASSWORD, DEMO_USERS
from expo.demo.programme import demo_plan
from expo.events.models import Entrance, Exhibition, Expo, Session, Theme, Venue
from expo.events.selectors import session_filter_available, session_filter_date, session_list
from expo.exhibitors.models import Exhibitor, Membership, Stand

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def load_demo(**options) -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    models = (Expo, Venue, Entrance, Theme, Exhibition, Exhibitor, Membership, Stand, Session)
    counts = {model.__name__: model.objects.count() for model in models}
    counts["session themes"] = Session.themes.through.objects.count()
    counts["exhibition themes"] = Exhibition.themes.through.objects.count()
    counts["users"] = User.objects.count()
    return counts


def local_schedule() -> Counter:
    """Each session as (days after the expo's first day, Stockholm clock time, title)."""
    first_day = Expo.objects.get(slug="h22").starts_on
    schedule = Counter()
    for starts_at, title in Session.objects.values_list("starts_at", "title_sv"):
        local = starts_at.astimezone(STOCKHOLM)
        schedule[(local.date() - first_day).days, local.time(), title] += 1
    return schedule


@pytest.mark.django_db
def test_load_demo_fills_a_plausible_expo_and_a_second_run_adds_nothing():
    output = load_demo()

    expo = Expo.objects.get(slug="h22")
    assert (expo.name, expo.starts_on, expo.ends_on, expo.time_zone) == (
        "H22 City Expo",
        date(2022, 5, 30),
        date(2022, 7, 3),
        "Europe/Stockholm",
    )
    assert expo.venues.count() >= 12
    assert not expo.venues.annotate(gates=Count("entrances")).filter(gates=0).exists()
    assert not expo.venues.filter(Q(max_occupancy__isnull=True) | Q(latitude__isnull=True))
    assert set(Theme.objects.values_list("slug", flat=True)) == {
        "livskvalitet",
        "innovativ-stadsplanering",
        "nya-satt-att-styra-staden",
        "framtidens-skola",
        "minskad-klimatpaverkan",
        "de-aldres-behov",
        "trygghet",
    }
    assert 95 <= expo.exhibitors.count() <= 110
    assert not expo.exhibitors.annotate(n=Count("stands")).filter(n=0).exists()
    assert 15 <= expo.exhibitions.count() <= 25
    assert not expo.exhibitions.filter(themes__isnull=True).exists()
    assert 1500 <= expo.sessions.count() <= 3000
    kinds = set(expo.sessions.values_list("kind", flat=True))
    assert {"talk", "tour", "workshop", "demo", "performance"} <= kinds
    assert expo.sessions.filter(host__isnull=False).exists()
    assert expo.sessions.filter(status=Session.Status.CANCELLED).exists()
    assert expo.sessions.filter(kind="workshop", no_show_release_minutes__isnull=False).exists()
    assert "2022-05-30" in output and "visitor@h22.example" in output

    counts = row_counts()
    load_demo()
    assert row_counts() == counts


@pytest.mark.django_db
def test_every_published_session_is_valid_and_on_an_expo_day():
    load_demo()
    expo = Expo.objects.get(slug="h22")
    published = expo.sessions.filter(status=Session.Status.PUBLISHED)

    assert published.count() > 0.9 * expo.sessions.count()
    invalid = published.filter(
        Q(ends_at__lte=F("starts_at"))
        | Q(capacity__lt=10)
        | Q(capacity__gt=300)
        | Q(max_party_size__lt=2)
        | Q(max_party_size__gt=8)
        | Q(max_party_size__gt=F("capacity"))
        | Q(booking_opens_at__isnull=True)
        | Q(booking_opens_at__gte=F("starts_at"))
        | Q(booking_closes_at__gt=F("starts_at"))
        | Q(title_sv="")
        | Q(title_en="")
        | Q(description_sv="")
        | Q(description_en="")
        | Q(themes__isnull=True)
        | ~Q(venue__expo=F("expo"))
    )
    assert list(invalid[:5]) == []
    for starts_at, ends_at, opens_at in published.values_list(
        "starts_at", "ends_at", "booking_opens_at"
    ):
        local_start, local_end = starts_at.astimezone(STOCKHOLM), ends_at.astimezone(STOCKHOLM)
        assert expo.starts_on <= local_start.date() <= expo.ends_on
        assert time(8) <= local_start.time() and local_end.date() == local_start.date()
        assert starts_at - opens_at == timedelta(days=14)
    for session in published.order_by("?")[:25]:
        session.full_clean()


@pytest.mark.django_db
def test_demo_users_can_log_in_and_there_is_something_to_book_on_1_june():
    load_demo()

    for demo_user in DEMO_USERS:
        user = User.objects.get(email=demo_user.email)
        assert user.check_password(DEMO_PASSWORD)
        assert demo_user.role in user_roles(user)
    vera = User.objects.get(email="visitor@h22.example")
    assert (vera.name, vera.language) == ("Vera Besökare", "sv")
    assert User.objects.get(email="visitor.en@h22.example").language == "en"
    staff = User.objects.get(email="staff@h22.example")
    assert staff.is_staff and staff.is_superuser
    owner = Membership.objects.get(user__email="exhibitor@h22.example")
    assert owner.role == Membership.Role.OWNER
    assert owner.exhibitor.hosted_sessions.exists()

    day_before = datetime(2022, 5, 31, 12, tzinfo=STOCKHOLM)
    on_1_june = session_filter_date(session_list(now=day_before), date(2022, 6, 1))
    assert session_filter_available(on_1_june, True).count() >= 20


@pytest.mark.django_db
def test_start_moves_the_loaded_expo_keeping_stockholm_clock_times():
    load_demo()
    counts, schedule = row_counts(), local_schedule()

    # Winter: the 2022 sessions were in summer time, so a shift in UTC would be an hour off.
    output = load_demo(start="2027-01-04")

    expo = Expo.objects.get(slug="h22")
    assert (expo.starts_on, expo.ends_on) == (date(2027, 1, 4), date(2027, 2, 7))
    first = Session.objects.order_by("starts_at").first()
    assert first.starts_at.astimezone(STOCKHOLM).date() == date(2027, 1, 4)
    assert Exhibition.objects.order_by("starts_on").first().starts_on == date(2027, 1, 4)
    assert row_counts() == counts
    assert local_schedule() == schedule
    assert "0 sessions added" in output


def test_a_fresh_plan_starts_on_the_start_day():
    plan = demo_plan(scale=1, start=date(2025, 3, 3))

    first = min(session.starts_at for session in plan.sessions)
    last = max(session.ends_at for session in plan.sessions)
    assert first.astimezone(STOCKHOLM).date() == date(2025, 3, 3)
    assert last.astimezone(STOCKHOLM).date() <= date(2025, 4, 6)


def test_scale_adds_partners_and_sessions_without_changing_the_first_round():
    one, three = (
        demo_plan(scale=1, start=date(2022, 5, 30)),
        demo_plan(scale=3, start=date(2022, 5, 30)),
    )

    assert len(three.exhibitors) == 3 * len(one.exhibitors)
    assert 2.8 * len(one.sessions) <= len(three.sessions) <= 3.2 * len(one.sessions)
    assert three.sessions[: len(one.sessions)] == one.sessions
    assert len({partner.slug for partner in three.exhibitors}) == len(three.exhibitors)


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"start": "30/05/2022"}, "--start"),
        ({"start": "2022-02-30"}, "--start"),
        ({"scale": 0}, "--scale"),
    ],
)
def test_load_demo_refuses_bad_options(options, problem):
    with pytest.raises(CommandError, match=problem):
        load_demo(**options)


@pytest.mark.django_db
def test_a_copy_from_today_sits_next_to_the_real_programme():
    from datetime import date

    from expo.demo.loader import demo_load
    from expo.events.models import Expo, Session

    demo_load()
    summary = demo_load(start=date(2031, 3, 3), as_copy=True)
    assert set(Expo.objects.values_list("slug", flat=True)) == {"h22", "h22-demo"}
    assert summary.starts_on == date(2031, 3, 3)
    assert summary.venues >= 12
    real = Session.objects.filter(expo__slug="h22")
    copy = Session.objects.filter(expo__slug="h22-demo")
    assert real.count() == copy.count()
    assert real.order_by("starts_at").first().starts_at.year == 2022
    assert copy.order_by("starts_at").first().starts_at.date() == date(2031, 3, 3)
    assert copy.values("venue").distinct().count() == real.values("venue").distinct().count()
