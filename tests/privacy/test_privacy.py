"""GDPR export and erasure gathered from every app, and retention after an expo ends."""

import json
import uuid
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from expo.accounts.models import User
from expo.accounts.services import user_erase
from expo.bookings.models import Ticket
from expo.bookings.services import Attendee, booking_create
from expo.bookings.ticket_codes import ticket_code_sign
from expo.exhibitors.models import ContactWithdrawal, Invitation, Lead, Membership
from expo.exhibitors.services import invitation_create
from expo.notifications.models import Notification
from expo.privacy import services as privacy
from expo.privacy.selectors import user_data_export
from expo.scanning.models import Scan
from expo.scanning.services import ScanInput, ticket_scan
from tests.exhibitors.factories import LeadConsentFactory, LeadFactory
from tests.factories import (
    EntranceFactory,
    ExhibitorFactory,
    ExpoFactory,
    MembershipFactory,
    SessionFactory,
    UserFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db

PERSONAL = ("Greta", "greta@example.org", "Sven Gäst", "sven@example.org")


def dump(*models) -> str:
    return json.dumps(
        [row for model in models for row in model.objects.values()], default=str, ensure_ascii=False
    )


def scanned(ticket, *, at):
    with time_machine.travel(at, tick=False):
        return ticket_scan(
            staff=UserFactory(role="gate_staff"),
            scan=ScanInput(
                code=ticket_code_sign(ticket_id=ticket.pk, session_id=ticket.session_id),
                entrance_id=EntranceFactory(venue=ticket.session.venue).pk,
                direction="in",
                nonce=uuid.uuid4().hex,
            ),
        )


@pytest.fixture
def greta(django_capture_on_commit_callbacks):
    """A visitor who booked for herself and a guest, was scanned in, was invited to one
    organisation and invited someone to her own."""
    user = UserFactory(name="Greta Garbo", email="greta@example.org")
    session = SessionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(
            visitor=user,
            session_id=session.pk,
            party_size=2,
            attendees=[
                Attendee(name="Greta Garbo"),
                Attendee(name="Sven Gäst", email="sven@example.org"),
            ],
        )
        own = MembershipFactory(user=user, role=Membership.Role.OWNER).exhibitor
        invitation_create(
            exhibitor=own, email="colleague@example.org", role="member", invited_by=user
        )
        invitation_create(
            exhibitor=ExhibitorFactory(),
            email="greta@example.org",
            role="member",
            invited_by=UserFactory(),
        )
    scanned(booking.tickets.order_by("id").first(), at=session.starts_at)
    LeadConsentFactory(user=user)
    LeadFactory(visitor=user)
    return user


def test_erasure_leaves_no_personal_data_in_invitations_outbox_rows_or_scans(greta):
    before = dump(Invitation, Notification, Scan, Ticket)
    for text in PERSONAL:
        assert text in before, text  # the fixture did put the person everywhere

    user_erase(user=greta)

    after = dump(Invitation, Notification, Scan, Ticket, Lead)
    for text in PERSONAL:
        assert text not in after, text
    # The colleague's invitation stays usable, only its mention of Greta is gone.
    assert Invitation.objects.filter(email="colleague@example.org").exists()
    assert not Invitation.objects.filter(email="greta@example.org").exists()
    assert Scan.objects.count() == 1  # the scan log keeps its row


def test_export_covers_invitations_outbox_rows_and_scans(greta):
    data = user_data_export(user=greta)
    assert [i["exhibitor"]["slug"] for i in data["exhibitor_invitations"]] == [
        Invitation.objects.get(email="greta@example.org").exhibitor.slug
    ]
    (scan,) = data["scans"]
    assert (scan["direction"], scan["result"]) == ("in", "accepted")
    (message,) = data["messages"]
    assert (message["kind"], message["email"]) == ("exhibitor_invitation", "greta@example.org")
    assert "accept_link" not in message["context"]  # the link's seed is no fact about her
    # Every app answers: bookings, waitlist, leads, memberships.
    assert {"bookings", "waitlist_entries", "lead_sharing", "exhibitor_memberships"} <= set(data)


def test_accounts_asks_the_registry_and_imports_no_higher_app():
    import expo.accounts.selectors as selectors
    import expo.accounts.services as services

    for module in (selectors, services):
        source = Path(module.__file__).read_text(encoding="utf-8")
        assert "expo.bookings" not in source and "expo.exhibitors" not in source
    names = {handler.name for handler in privacy._registry}
    assert {"bookings", "exhibitors"} <= names


# --- Retention ----------------------------------------------------------------------------


@pytest.fixture
def two_expos(settings, django_capture_on_commit_callbacks):
    """Expo `old` ended 100 days ago, `recent` 10 days ago; the same data in each."""
    settings.PERSONAL_DATA_RETENTION_DAYS = 90
    today = timezone.localdate()
    made = {}
    for slug, ended in (("old", 100), ("recent", 10)):
        expo = ExpoFactory(
            slug=slug,
            starts_on=today - timedelta(days=ended + 3),
            ends_on=today - timedelta(days=ended),
        )
        starts_at = timezone.now() - timedelta(days=ended + 1)
        session = SessionFactory(
            expo=expo,
            venue=VenueFactory(expo=expo),
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
        )
        visitor = UserFactory(name=f"Visitor {slug}", email=f"visitor-{slug}@example.org")
        with django_capture_on_commit_callbacks(execute=True):
            booking = booking_create(
                visitor=visitor,
                session_id=session.pk,
                party_size=1,
                attendees=[Attendee(name=f"Attendee {slug}", email=f"att-{slug}@example.org")],
                now=starts_at - timedelta(days=1),
            )
        scanned(booking.tickets.get(), at=starts_at)
        exhibitor = ExhibitorFactory(expo=expo, slug=f"org-{slug}")
        LeadFactory(exhibitor=exhibitor, visitor=visitor)
        ContactWithdrawal.objects.create(
            user=UserFactory(), exhibitor=exhibitor, withdrawn_at=timezone.now()
        )
        with (
            time_machine.travel(starts_at - timedelta(days=20), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            invitation_create(
                exhibitor=exhibitor,
                email=f"invitee-{slug}@example.org",
                role="member",
                invited_by=UserFactory(),
            )
        made[slug] = expo
    return made


def purge(*args) -> str:
    out = StringIO()
    call_command("purge_personal_data", *args, stdout=out)
    return out.getvalue()


EXPECTED = {
    "bookings.ticket_names": 1,
    "scanning.scan_results": 1,
    # The invitation e-mail; rows about a booking hold no address or facts of their own.
    "bookings.messages": 1,
    "exhibitors.leads": 1,
    "exhibitors.invitations": 1,
    "exhibitors.contact_withdrawals": 1,
}


def report_of(output: str) -> dict[str, int]:
    lines = [line.strip().split(": ") for line in output.splitlines()[1:]]
    return {kind: int(count) for kind, count in lines if kind != "total"}


def test_retention_dry_run_lists_what_it_would_erase_and_erases_nothing(two_expos):
    before = dump(Ticket, Scan, Notification, Lead, Invitation, ContactWithdrawal)
    output = purge("--dry-run")
    assert output.startswith("Would erase")
    assert report_of(output) == EXPECTED
    assert "total: 6" in output
    assert dump(Ticket, Scan, Notification, Lead, Invitation, ContactWithdrawal) == before


def test_retention_erases_an_ended_expo_and_keeps_a_recent_one(two_expos):
    assert report_of(purge()) == EXPECTED
    everything = dump(Ticket, Scan, Notification, Lead, Invitation)
    for text in ("Attendee old", "att-old@", "invitee-old@", "visitor-old@"):
        assert text not in everything, text
    for text in ("Attendee recent", "att-recent@", "invitee-recent@", "visitor-recent@"):
        assert text in everything, text
    assert not ContactWithdrawal.objects.filter(exhibitor__expo=two_expos["old"]).exists()
    # Accounts are the people's own: retention leaves them (and their bookings) be.
    assert User.objects.filter(email="visitor-old@example.org").exists()
    # Nothing left to erase: a second run finds nothing.
    assert set(report_of(purge("--dry-run")).values()) == {0}


def test_retention_runs_on_beat(settings):
    from expo.privacy.tasks import purge_personal_data

    entries = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "expo.privacy.tasks.purge_personal_data" in entries
    assert purge_personal_data.run() == privacy.personal_data_purge(dry_run=True)
