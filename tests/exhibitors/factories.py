"""Factories for the exhibitor portal's own models (the shared ones are in tests/factories.py)."""

from datetime import timedelta

import factory
from django.utils import timezone

from expo.bookings.services import Attendee, booking_create
from expo.bookings.ticket_codes import ticket_code_sign
from expo.exhibitors.models import Lead, LeadConsent
from tests.factories import ExhibitorFactory, UserFactory


class LeadConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeadConsent

    user = factory.SubFactory(UserFactory)
    consented_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lead

    exhibitor = factory.SubFactory(ExhibitorFactory)
    visitor = factory.SubFactory(UserFactory)
    name = factory.LazyAttribute(lambda o: o.visitor.name)
    email = factory.LazyAttribute(lambda o: o.visitor.email)
    consented_at = factory.LazyFunction(timezone.now)


def book(visitor, session, *names, party_size=None):
    """A confirmed booking through the real service; `names` go on the tickets in order."""
    return booking_create(
        visitor=visitor,
        session_id=session.pk,
        party_size=party_size or max(len(names), 1),
        attendees=[Attendee(name=name) for name in names],
    )


def ticket_code(ticket) -> str:
    return ticket_code_sign(ticket_id=ticket.pk, session_id=ticket.session_id)
