"""Every e-mail's footer gives the dates of the expo it is about, not the 2022 edition's."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from expo.bookings import services
from expo.events.models import Expo
from tests.factories import SessionFactory, UserFactory, VenueFactory

pytestmark = pytest.mark.django_db

STARTS = datetime(2026, 6, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def demo_edition_session():
    expo = Expo.objects.create(
        name="H22 City Expo (demo)",
        slug="h22-demo",
        starts_on=date(2026, 5, 28),
        ends_on=date(2026, 7, 1),
    )
    return SessionFactory(
        expo=expo,
        venue=VenueFactory(expo=expo),
        starts_at=STARTS,
        ends_at=STARTS + timedelta(hours=1),
    )


@pytest.mark.parametrize(
    ("language", "dates"),
    [("sv", "28 maj–1 juli 2026"), ("en", "28 May – 1 July 2026")],
)
def test_the_footer_gives_the_sessions_expo_dates(
    demo_edition_session, django_capture_on_commit_callbacks, language, dates
):
    visitor = UserFactory(language=language)
    with (
        time_machine.travel(STARTS - timedelta(days=3), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.booking_create(
            visitor=visitor, session_id=demo_edition_session.pk, party_size=1, attendees=()
        )

    (message,) = mail.outbox
    for body in (message.body, message.alternatives[0].content):
        assert f"H22 City Expo · Helsingborg · {dates}" in body
        assert "2022" not in body


def test_a_proposal_decision_gives_its_expo_dates(django_capture_on_commit_callbacks):
    """A message about no booking: the dates its writer stored with the row."""
    from expo.events.models import Session
    from expo.events.services import session_reject
    from tests.factories import ExhibitorFactory, MembershipFactory

    expo = Expo.objects.create(
        name="Next", slug="next", starts_on=date(2026, 12, 30), ends_on=date(2027, 1, 2)
    )
    host = ExhibitorFactory(expo=expo)
    owner = MembershipFactory(exhibitor=host, role="owner").user
    owner.language = "en"
    owner.save(update_fields=["language"])
    session = SessionFactory(
        expo=expo, venue=VenueFactory(expo=expo), host=host, status=Session.Status.PENDING
    )

    with django_capture_on_commit_callbacks(execute=True):
        session_reject(session_id=session.pk, reason="Too close to another talk.", rejected_by=None)

    (message,) = mail.outbox
    assert "H22 City Expo · Helsingborg · 30 December 2026 – 2 January 2027" in message.body
