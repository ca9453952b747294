"""A small expo for the portal's tests: two organisations, their people and things."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from expo.bookings.models import Booking
from expo.events.models import Expo, Session, Venue
from expo.exhibitors.models import Exhibitor, Invitation, Lead, Membership, Stand
from expo.exhibitors.services import invitation_create
from tests.exhibitors.factories import LeadConsentFactory, LeadFactory
from tests.factories import (
    ExhibitorFactory,
    ExpoFactory,
    MembershipFactory,
    SessionFactory,
    StandFactory,
    UserFactory,
    VenueFactory,
    book,
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def expo_now() -> Expo:
    """An expo running now, so proposals can be made for it and then booked."""
    today = timezone.localdate()
    return ExpoFactory(
        slug="h22-now", starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=60)
    )


def another_expo(expo: Expo) -> Expo:
    """A second expo at the same time: its venues and tickets are none of this one's."""
    return ExpoFactory(slug="another-expo", starts_on=expo.starts_on, ends_on=expo.ends_on)


@dataclass
class World:
    expo: Expo
    venue: Venue
    a: Exhibitor
    b: Exhibitor
    owner_a: object
    member_a: object
    colleague_a: Membership
    member_b: object
    visitor: object
    gate_staff: object
    expo_staff: object
    stand_a: Stand
    pending_a: Session
    published_a: Session
    booker: object  # shares their contact; booked `published_a` for two
    booking: Booking
    lead_a: Lead
    walk_in: object  # shares their contact; booked but not yet scanned at A's stand
    walk_in_booking: Booking
    invitation_a: Invitation
    invitation_token: str

    def actor(self, name: str):
        return None if name == "anonymous" else getattr(self, name)


@pytest.fixture
def world(expo_now) -> World:
    venue = VenueFactory(expo=expo_now, slug="dunkers", name="Dunkers kulturhus")
    a = ExhibitorFactory(expo=expo_now, slug="alfa", name="Alfa Energi AB")
    b = ExhibitorFactory(expo=expo_now, slug="beta", name="Beta Bygg AB")
    owner_a = MembershipFactory(exhibitor=a, role=Membership.Role.OWNER).user
    member_a = MembershipFactory(exhibitor=a).user
    colleague_a = MembershipFactory(exhibitor=a)
    member_b = MembershipFactory(exhibitor=b, role=Membership.Role.OWNER).user
    published_a = SessionFactory(expo=expo_now, venue=venue, host=a, capacity=30)
    booker = UserFactory(name="Åsa Öberg", email="asa@example.se")
    LeadConsentFactory(user=booker)
    booking = book(booker, published_a, "Åsa Öberg", "Björn")
    walk_in = UserFactory(name="Erik Ek")
    LeadConsentFactory(user=walk_in)
    walk_in_booking = book(walk_in, published_a, "Erik Ek")
    issued = invitation_create(
        exhibitor=a, email="invitee@example.org", role="member", invited_by=owner_a
    )
    return World(
        expo=expo_now,
        venue=venue,
        a=a,
        b=b,
        owner_a=owner_a,
        member_a=member_a,
        colleague_a=colleague_a,
        member_b=member_b,
        visitor=UserFactory(role="visitor"),
        gate_staff=UserFactory(role="gate_staff"),
        expo_staff=UserFactory(role="expo_staff"),
        stand_a=StandFactory(exhibitor=a, venue=venue, code="A1"),
        pending_a=SessionFactory(
            expo=expo_now,
            venue=venue,
            host=a,
            status=Session.Status.PENDING,
            proposed_by=owner_a,
            title_sv="Solceller på taket",
        ),
        published_a=published_a,
        booker=booker,
        booking=booking,
        lead_a=LeadFactory(exhibitor=a, visitor=booker, note="Vill ha offert"),
        walk_in=walk_in,
        walk_in_booking=walk_in_booking,
        invitation_a=issued.invitation,
        invitation_token=issued.token,
    )


def proposal_body(world: World, **changes) -> dict:
    starts = timezone.now() + timedelta(days=3)
    body = {
        "title_sv": "Bygg din egen solcell",
        "title_en": "Build your own solar cell",
        "kind": "workshop",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=1)).isoformat(),
        "venue": world.venue.slug,
        "capacity": 12,
        "max_party_size": 4,
    }
    body.update(changes)
    return body
