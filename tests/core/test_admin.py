"""The admin is expo staff's tool: every page opens, lists cost a fixed number of queries,
and saving a row never writes back a live counter that bookings or scans moved meanwhile."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from expo.accounts.models import User
from expo.bookings.models import Booking
from expo.bookings.services import booking_create
from expo.events.admin import SessionAdmin, VenueAdmin
from expo.events.models import Session, Venue
from expo.notifications.models import Notification
from tests.factories import (
    EntranceFactory,
    ExhibitionFactory,
    ExhibitorFactory,
    MembershipFactory,
    SessionFactory,
    StandFactory,
    ThemeFactory,
    UserFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db

ADMIN_APPS = ("accounts", "events", "exhibitors")
ADMIN_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label in ADMIN_APPS),
    key=lambda model: model._meta.label,
)


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def superuser():
    return User.objects.create_superuser(email="root@h22.example", password="x")


@pytest.fixture
def catalogue():
    """One of everything, linked up, so that every list shows a row with its columns."""
    theme = ThemeFactory()
    host = ExhibitorFactory()
    venue = VenueFactory()
    EntranceFactory(venue=venue)
    StandFactory(exhibitor=host, venue=venue)
    MembershipFactory(exhibitor=host)
    session = SessionFactory(venue=venue, host=host, exhibition=ExhibitionFactory(venue=venue))
    session.themes.add(theme)
    return session


@pytest.fixture(params=["superuser", "expo_staff"])
def staff_client(request, client, catalogue):
    user = request.getfixturevalue(request.param)
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda model: model._meta.label)
def test_staff_open_every_admin_page(staff_client, model):
    assert staff_client.get(_url(model, "changelist")).status_code == 200
    assert staff_client.get(_url(model, "changelist"), {"q": "a"}).status_code == 200
    assert staff_client.get(_url(model, "add")).status_code == 200
    obj = model._default_manager.order_by("pk").first()
    assert staff_client.get(_url(model, "change", obj.pk)).status_code == 200


def test_visitors_do_not_get_into_the_admin(client, catalogue):
    client.force_login(UserFactory(role="visitor"))
    response = client.get(_url(Session, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def _session_changelist_queries(client, count):
    Session.objects.all().delete()
    for _ in range(count):
        SessionFactory(host=ExhibitorFactory(), exhibition=ExhibitionFactory())
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_url(Session, "changelist"))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == count
    return len(queries)


def test_session_changelist_costs_the_same_for_3_or_30_sessions(client, expo_staff):
    client.force_login(expo_staff)
    few = _session_changelist_queries(client, 3)
    many = _session_changelist_queries(client, 30)
    assert many == few
    assert many <= 15


# --- Sessions ------------------------------------------------------------------------


def _session_form(venue, **changes):
    data = {
        "title_sv": "Visning av Oceanhamnen",
        "title_en": "Tour of Oceanhamnen",
        "kind": Session.Kind.TOUR,
        "language": Session.Language.SV,
        "status": Session.Status.PUBLISHED,
        "status_reason": "",
        "venue": venue.pk,
        "exhibition": "",
        "host": "",
        "starts_at_0": "2022-06-10",
        "starts_at_1": "10:00",
        "ends_at_0": "2022-06-10",
        "ends_at_1": "11:00",
        "capacity": 20,
        "max_party_size": 6,
        "booking_opens_at_0": "",
        "booking_opens_at_1": "",
        "booking_closes_at_0": "",
        "booking_closes_at_1": "",
        "no_show_release_minutes": "",
        "description_sv": "",
        "description_en": "",
    }
    data.update(changes)
    return data


def test_session_times_are_typed_in_the_expo_time_zone(client, expo_staff):
    client.force_login(expo_staff)
    venue = VenueFactory()
    response = client.post(_url(Session, "add"), _session_form(venue))
    assert response.status_code == 302, response.context["adminform"].form.errors
    session = Session.objects.get()
    # 10:00 in Helsingborg in June is 08:00 UTC; the expo is the venue's.
    assert session.starts_at == datetime(2022, 6, 10, 8, 0, tzinfo=UTC)
    assert session.expo == venue.expo


def test_capacity_cannot_drop_below_the_seats_taken(client, expo_staff):
    client.force_login(expo_staff)
    session = SessionFactory(capacity=20)
    Session.objects.filter(pk=session.pk).update(seats_taken=12)
    response = client.post(
        _url(Session, "change", session.pk), _session_form(session.venue, capacity=10)
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.has_error("capacity", "capacity_below_booked")
    assert Session.objects.get(pk=session.pk).capacity == 20


def _bound_form(model_admin, user, obj, data):
    request = RequestFactory().post("/")
    request.user = user
    form_class = model_admin.get_form(request, obj, change=True)
    form = form_class(data, instance=obj)
    assert form.is_valid(), form.errors
    return request, form


def test_saving_a_session_keeps_seats_booked_meanwhile(superuser):
    session = SessionFactory(capacity=20)
    stale = Session.objects.get(pk=session.pk)  # what the admin loaded
    Session.objects.filter(pk=session.pk).update(seats_taken=7)  # bookings since
    model_admin = SessionAdmin(Session, admin.site)
    data = _session_form(
        session.venue,
        starts_at_0=f"{session.starts_at:%Y-%m-%d}",
        starts_at_1="10:00",
        ends_at_0=f"{session.starts_at + timedelta(days=1):%Y-%m-%d}",
        ends_at_1="10:00",
        capacity=30,
    )
    request, form = _bound_form(model_admin, superuser, stale, data)
    model_admin.save_model(request, form.save(commit=False), form, change=True)
    session.refresh_from_db()
    assert (session.capacity, session.seats_taken) == (30, 7)


def test_saving_a_venue_keeps_the_live_head_count(superuser):
    venue = VenueFactory(max_occupancy=100)
    stale = Venue.objects.get(pk=venue.pk)
    Venue.objects.filter(pk=venue.pk).update(inside=42)  # accepted scans since
    model_admin = VenueAdmin(Venue, admin.site)
    data = {
        "expo": venue.expo.pk,
        "name": venue.name,
        "slug": venue.slug,
        "area": "",
        "address": venue.address,
        "latitude": "",
        "longitude": "",
        "description_sv": "",
        "description_en": "",
        "max_occupancy": 120,
    }
    request, form = _bound_form(model_admin, superuser, stale, data)
    model_admin.save_model(request, form.save(commit=False), form, change=True)
    venue.refresh_from_db()
    assert (venue.max_occupancy, venue.inside) == (120, 42)


def test_cancelling_is_not_a_status_edit(client, expo_staff):
    client.force_login(expo_staff)
    session = SessionFactory()
    form = client.get(_url(Session, "change", session.pk)).context["adminform"].form
    assert Session.Status.CANCELLED not in dict(form.fields["status"].choices)

    Session.objects.filter(pk=session.pk).update(status=Session.Status.CANCELLED)
    form = client.get(_url(Session, "change", session.pk)).context["adminform"].form
    assert not form.fields  # a cancelled session is kept as it was


def test_publish_and_reject_proposed_sessions(client, expo_staff):
    client.force_login(expo_staff)
    proposed = SessionFactory.create_batch(2, status=Session.Status.PENDING)
    cancelled = SessionFactory(status=Session.Status.CANCELLED)
    url = _url(Session, "changelist")

    reject = {"action": "reject", "_selected_action": [proposed[0].pk]}
    client.post(url, {**reject, "confirm": "yes", "reason": "Not this year."})
    client.post(
        url, {"action": "publish", "_selected_action": [s.pk for s in (*proposed, cancelled)]}
    )

    statuses = dict(Session.objects.values_list("pk", "status"))
    assert statuses == {
        proposed[0].pk: Session.Status.REJECTED,
        proposed[1].pk: Session.Status.PUBLISHED,
        cancelled.pk: Session.Status.CANCELLED,
    }


def test_cancelling_sessions_asks_first_then_tells_visitors(client, expo_staff, visitor):
    client.force_login(expo_staff)
    session = SessionFactory()
    booking = booking_create(visitor=visitor, session_id=session.pk, party_size=2)
    url = _url(Session, "changelist")
    selection = {"action": "cancel_sessions", "_selected_action": [session.pk]}

    response = client.post(url, selection)
    assert response.status_code == 200
    assert b"Cancel 1 session" in response.content  # the confirmation page
    assert Session.objects.get(pk=session.pk).status == Session.Status.PUBLISHED

    response = client.post(url, {**selection, "confirm": "yes", "reason": "Storm warning"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.status, session.status_reason, session.seats_taken) == (
        Session.Status.CANCELLED,
        "Storm warning",
        0,
    )
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert Notification.objects.filter(booking=booking, kind="session_cancelled").exists()


# --- People --------------------------------------------------------------------------


def test_staff_create_an_account_with_a_role(client, expo_staff):
    client.force_login(expo_staff)
    response = client.post(
        _url(User, "add"),
        {
            "email": "Gate.7@H22.example",
            "name": "Gate Seven",
            "language": "sv",
            "role": "gate_staff",
            "usable_password": "true",
            "password1": "scan-all-day-2022",
            "password2": "scan-all-day-2022",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(email="gate.7@h22.example")
    assert list(user.groups.values_list("name", flat=True)) == ["gate_staff"]
    assert user.check_password("scan-all-day-2022")
    assert not user.is_staff


def test_an_email_is_taken_whatever_its_case(client, expo_staff):
    client.force_login(expo_staff)
    UserFactory(email="anna@h22.example")
    response = client.post(
        _url(User, "add"),
        {
            "email": "ANNA@h22.example",
            "name": "Anna",
            "language": "sv",
            "role": "visitor",
            "usable_password": "true",
            "password1": "scan-all-day-2022",
            "password2": "scan-all-day-2022",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.has_error("email")
