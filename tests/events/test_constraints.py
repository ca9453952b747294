"""The database itself refuses impossible catalogue rows."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from expo.events.models import Entrance, Expo, Session
from tests.factories import (
    EntranceFactory,
    ExhibitionFactory,
    ExpoFactory,
    SessionFactory,
    StandFactory,
    UserFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db


def refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_session_must_end_after_it_starts():
    now = timezone.now()
    refused(lambda: SessionFactory(starts_at=now, ends_at=now))


def test_seats_taken_never_exceeds_capacity():
    session = SessionFactory(capacity=5)
    refused(lambda: Session.objects.filter(pk=session.pk).update(seats_taken=6))


def test_capacity_cannot_be_negative():
    session = SessionFactory()
    refused(lambda: Session.objects.filter(pk=session.pk).update(capacity=-1))


def test_party_size_at_least_one():
    refused(lambda: SessionFactory(max_party_size=0))


def test_booking_window_is_ordered():
    now = timezone.now()
    refused(
        lambda: SessionFactory(booking_opens_at=now, booking_closes_at=now - timedelta(hours=1))
    )


def test_expo_and_exhibition_dates_are_ordered():
    refused(
        lambda: Expo.objects.create(
            name="x", slug="x", starts_on=date(2022, 7, 3), ends_on=date(2022, 5, 30)
        )
    )
    refused(lambda: ExhibitionFactory(starts_on=date(2022, 7, 3), ends_on=date(2022, 5, 30)))


def test_slugs_are_unique():
    VenueFactory(slug="sundstorget")
    refused(lambda: VenueFactory(slug="sundstorget"))


def test_stand_code_unique_per_venue_but_not_across_venues():
    stand = StandFactory(code="A1")
    refused(lambda: StandFactory(code="A1", venue=stand.venue))
    StandFactory(code="A1")  # another venue: fine


def test_entrance_name_unique_per_venue():
    entrance = EntranceFactory(name="Norra")
    refused(lambda: Entrance.objects.create(venue=entrance.venue, name="Norra"))


def test_venue_inside_counter_not_negative():
    venue = VenueFactory()
    refused(lambda: type(venue).objects.filter(pk=venue.pk).update(inside=-1))


def test_user_email_unique_whatever_the_case():
    UserFactory(email="anna@example.org")
    refused(lambda: UserFactory(email="anna@example.org"))
    from expo.accounts.models import User

    refused(lambda: User.objects.create_user(email="ANNA@example.org", password="x"))


def test_one_expo_per_slug():
    """Straight to the model: `ExpoFactory` gets-or-creates by slug and would hide a duplicate."""
    ExpoFactory(slug="h22")
    refused(
        lambda: Expo.objects.create(
            name="H22 again", slug="h22", starts_on=date(2022, 5, 30), ends_on=date(2022, 7, 3)
        )
    )
    assert Expo.objects.filter(slug="h22").count() == 1
