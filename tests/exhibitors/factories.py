"""Factories for the exhibitor portal's own models (the shared ones and `book()` are in
tests/factories.py)."""

from datetime import timedelta

import factory
from django.utils import timezone

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


def ticket_code(ticket) -> str:
    return ticket_code_sign(ticket_id=ticket.pk, session_id=ticket.session_id)
