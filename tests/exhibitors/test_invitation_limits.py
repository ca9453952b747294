"""Invitations follow the no-relay rule of attendee mail (expo/bookings/recipients.py):
a verified inviter, at most MAX_ATTENDEE_RECIPIENTS_PER_DAY addresses a day."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from expo.exhibitors.models import Invitation
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

A = "/api/v1/exhibitor/alfa"


def invite(world, email):
    return client_for(world.owner_a).post(
        f"{A}/members/", {"email": email, "role": "member"}, format="json"
    )


def test_an_unverified_inviter_cannot_invite(world):
    world.owner_a.email_verified_at = None
    world.owner_a.save(update_fields=["email_verified_at"])

    response = invite(world, "someone@example.org")

    assert response.status_code == 403
    assert response.json()["code"] == "email_unverified"
    assert not Invitation.objects.filter(email="someone@example.org").exists()


def test_invitations_are_capped_per_inviting_account_a_day(world, settings):
    settings.MAX_ATTENDEE_RECIPIENTS_PER_DAY = 2  # `world` has invited one address already

    assert invite(world, "second@example.org").status_code == 201
    refused = invite(world, "third@example.org")
    again = invite(world, "second@example.org")  # "send it again" to an address invited today

    assert refused.status_code == 409
    assert refused.json()["code"] == "recipient_limit"
    assert again.status_code == 201
    assert not Invitation.objects.filter(email="third@example.org").exists()
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        assert invite(world, "third@example.org").status_code == 201


def test_accepting_an_invitation_confirms_the_address(world):
    invitee = UserFactory(email="invitee@example.org", email_verified_at=None)

    response = client_for(invitee).post(
        f"/api/v1/exhibitor/invitations/{world.invitation_token}/accept/"
    )

    assert response.status_code == 200
    invitee.refresh_from_db()
    assert invitee.email_verified_at is not None
