"""Publishing and rejecting proposals in the admin tell the exhibitor, as the API does."""

import pytest
from django.core import mail
from django.urls import reverse

from expo.events.models import Session
from expo.notifications.models import Notification
from tests.factories import ExhibitorFactory, MembershipFactory, SessionFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:events_session_changelist")


@pytest.fixture
def proposal():
    host = ExhibitorFactory(name="Alfa Energi AB")
    owner = MembershipFactory(exhibitor=host, role="owner").user
    session = SessionFactory(host=host, proposed_by=owner, status=Session.Status.PENDING)
    return session


@pytest.fixture
def admin_client(client, expo_staff):
    client.force_login(expo_staff)
    return client


def _select(action, *sessions, **extra):
    return {"action": action, "_selected_action": [s.pk for s in sessions], **extra}


def test_publishing_a_proposal_approves_it_and_tells_the_exhibitor(
    admin_client, proposal, django_capture_on_commit_callbacks
):
    draft = SessionFactory(status=Session.Status.DRAFT)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(CHANGELIST, _select("publish", proposal, draft))

    assert response.status_code == 302
    assert set(Session.objects.values_list("status", flat=True)) == {Session.Status.PUBLISHED}
    (row,) = Notification.objects.all()  # a staff-made draft has no exhibitor to tell
    assert (row.kind, row.status) == ("session_approved", "sent")
    (message,) = mail.outbox
    assert message.to == [proposal.proposed_by.email]


def test_rejecting_asks_for_the_reason_and_sends_it_to_the_exhibitor(
    admin_client, proposal, django_capture_on_commit_callbacks
):
    asked = admin_client.post(CHANGELIST, _select("reject", proposal))
    assert asked.status_code == 200
    assert b'name="reason"' in asked.content
    assert Session.objects.get(pk=proposal.pk).status == Session.Status.PENDING

    # No reason: asked again, nothing decided.
    again = admin_client.post(CHANGELIST, _select("reject", proposal, confirm="yes", reason=" "))
    assert again.status_code == 200
    assert b"errornote" in again.content
    assert Session.objects.get(pk=proposal.pk).status == Session.Status.PENDING
    assert not Notification.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        done = admin_client.post(
            CHANGELIST,
            _select("reject", proposal, confirm="yes", reason="Two talks on solar already."),
        )

    assert done.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.status_reason) == (
        Session.Status.REJECTED,
        "Two talks on solar already.",
    )
    (message,) = mail.outbox
    assert message.to == [proposal.proposed_by.email]
    assert "Two talks on solar already." in message.body


def test_reject_leaves_sessions_that_are_not_proposals_alone(admin_client):
    published = SessionFactory()

    response = admin_client.post(
        CHANGELIST, _select("reject", published, confirm="yes", reason="No.")
    )

    assert response.status_code == 302
    assert Session.objects.get(pk=published.pk).status == Session.Status.PUBLISHED
    assert not Notification.objects.exists()
