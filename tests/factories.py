"""Factories shared by every app's tests (factory_boy), and `book()`.

`book()` makes a booking the way a visitor does (seats counted, tickets, outbox rows);
the Booking, Ticket, WaitlistEntry and Scan factories write rows as stored, for tests
that read them and must not depend on the booking rules.
"""

from datetime import date, timedelta

import factory
from django.utils import timezone

from expo.accounts.models import User
from expo.accounts.services import user_set_role
from expo.bookings.models import Booking, Ticket, WaitlistEntry
from expo.bookings.services import Attendee, booking_create, booking_reference_new
from expo.events.models import Entrance, Exhibition, Expo, Session, Theme, Venue
from expo.exhibitors.models import Exhibitor, Membership, Stand
from expo.scanning.models import Scan


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"visitor{n}@example.org")
    name = factory.Faker("name")
    language = "en"
    # Verified unless a test says otherwise: most tests are about what a usual visitor
    # does; the unverified path is tested in tests/bookings/test_no_relay.py.
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        obj.save()
        if create:
            user_set_role(user=obj, role=extracted or "visitor")


class ExpoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expo
        django_get_or_create = ("slug",)

    name = "H22 City Expo"
    slug = "h22"
    starts_on = date(2022, 5, 30)
    ends_on = date(2022, 7, 3)


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    expo = factory.SubFactory(ExpoFactory)
    name = factory.Sequence(lambda n: f"Venue {n}")
    slug = factory.Sequence(lambda n: f"venue-{n}")
    address = "Hamntorget 1, Helsingborg"


class EntranceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entrance

    venue = factory.SubFactory(VenueFactory)
    name = factory.Sequence(lambda n: f"Gate {n}")


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    slug = factory.Sequence(lambda n: f"theme-{n}")
    name_sv = factory.Sequence(lambda n: f"Tema {n}")
    name_en = factory.Sequence(lambda n: f"Theme {n}")


class ExhibitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exhibition

    expo = factory.SubFactory(ExpoFactory)
    venue = factory.SubFactory(VenueFactory)
    slug = factory.Sequence(lambda n: f"exhibition-{n}")
    title_sv = factory.Sequence(lambda n: f"Utställning {n}")
    title_en = factory.Sequence(lambda n: f"Exhibition {n}")
    starts_on = date(2022, 5, 30)
    ends_on = date(2022, 7, 3)


class ExhibitorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exhibitor

    expo = factory.SubFactory(ExpoFactory)
    name = factory.Sequence(lambda n: f"Exhibitor {n} AB")
    slug = factory.Sequence(lambda n: f"exhibitor-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory, role="exhibitor")
    exhibitor = factory.SubFactory(ExhibitorFactory)
    role = Membership.Role.MEMBER


class StandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stand

    exhibitor = factory.SubFactory(ExhibitorFactory)
    venue = factory.SubFactory(VenueFactory)
    code = factory.Sequence(lambda n: f"A{n}")


class SessionFactory(factory.django.DjangoModelFactory):
    """A published session tomorrow, open for booking."""

    class Meta:
        model = Session

    expo = factory.SubFactory(ExpoFactory)
    venue = factory.SubFactory(VenueFactory)
    title_sv = factory.Sequence(lambda n: f"Visning {n}")
    title_en = factory.Sequence(lambda n: f"Tour {n}")
    kind = Session.Kind.TOUR
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1))
    capacity = 20
    max_party_size = 6
    status = Session.Status.PUBLISHED


def book(visitor=None, session=None, *names, party_size=None, attendees=(), capture=None):
    """A confirmed booking through the real service: seats, tickets and outbox rows.

    `names` go on the tickets in order, or `attendees` (`Attendee(name, email)`) when
    addresses matter; the party is as large as either, at least 1, unless `party_size`
    says otherwise. With `capture` (pytest-django's `django_capture_on_commit_callbacks`)
    the commit hooks run, so the confirmation goes out as after a real commit.
    """
    visitor = visitor or UserFactory()
    session = session or SessionFactory()
    attendees = list(attendees) or [Attendee(name=name) for name in names]

    def create():
        return booking_create(
            visitor=visitor,
            session_id=session.pk,
            party_size=party_size or max(len(attendees), 1),
            attendees=attendees,
        )

    if capture is None:
        return create()
    with capture(execute=True):
        return create()


class BookingFactory(factory.django.DjangoModelFactory):
    """A confirmed booking row; its seats are not counted on the session (use `book()`)."""

    class Meta:
        model = Booking

    reference = factory.LazyFunction(booking_reference_new)
    visitor = factory.SubFactory(UserFactory)
    session = factory.SubFactory(SessionFactory)
    party_size = 1


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ticket

    booking = factory.SubFactory(BookingFactory)
    session = factory.LazyAttribute(lambda o: o.booking.session)
    attendee_name = factory.Faker("name")


class WaitlistEntryFactory(factory.django.DjangoModelFactory):
    """A party waiting for seats (status `waiting`, no offer yet)."""

    class Meta:
        model = WaitlistEntry

    session = factory.SubFactory(SessionFactory)
    visitor = factory.SubFactory(UserFactory)
    party_size = 1


class ScanFactory(factory.django.DjangoModelFactory):
    """An accepted entry scan of a ticket at an entrance of its session's venue."""

    class Meta:
        model = Scan

    ticket = factory.SubFactory(TicketFactory)
    entrance = factory.LazyAttribute(lambda o: EntranceFactory(venue=o.ticket.session.venue))
    scanned_by = factory.SubFactory(UserFactory, role="gate_staff")
    direction = Scan.Direction.IN
    nonce = factory.Sequence(lambda n: f"scan-{n:08d}")
    scanned_at = factory.LazyFunction(timezone.now)
    result = Scan.Result.ACCEPTED
    response = factory.LazyAttribute(lambda o: {"result": "accepted"})
