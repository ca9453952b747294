"""Members: invitations by e-mail, accepting them, roles, and never losing the last owner."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from expo.accounts.models import User
from expo.core.permissions import user_roles
from expo.core.secret_links import secret_link_url
from expo.exhibitors import services
from expo.exhibitors.errors import LastOwner
from expo.exhibitors.models import Invitation, Membership
from expo.notifications.models import Notification
from tests.bookings.race import race
from tests.conftest import client_for
from tests.factories import ExhibitorFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

A = "/api/v1/exhibitor/alfa"


def invite(world, email, role="member"):
    return client_for(world.owner_a).post(
        f"{A}/members/", {"email": email, "role": role}, format="json"
    )


def token_of(notification) -> str:
    url = secret_link_url(notification.context["accept_link"])
    assert url.startswith("http") and url.endswith("/")
    return url.rstrip("/").rsplit("/", 1)[1]


def test_invitation_flow(world):
    response = invite(world, "Sara.Nilsson@Example.org")
    assert response.status_code == 201, response.json()
    assert response.json()["email"] == "sara.nilsson@example.org"
    invitation = Invitation.objects.get(pk=response.json()["id"])
    assert invitation.role == "member"

    mail = Notification.objects.get(key=f"invitation:{invitation.pk}")
    assert mail.kind == "exhibitor_invitation"
    assert mail.email == "sara.nilsson@example.org"
    assert mail.user is None  # no account yet
    assert mail.context["exhibitor_name"] == "Alfa Energi AB"
    assert mail.context["invited_by_name"] == world.owner_a.name
    assert mail.context["has_account"] is False
    token = token_of(mail)
    assert token not in invitation.token_hash  # the database keeps only a hash

    # The link shows what it is for, to anyone holding it.
    preview = client_for(world.visitor).get(f"/api/v1/exhibitor/invitations/{token}/").json()
    assert preview["exhibitor"]["slug"] == "alfa"
    assert (preview["email"], preview["state"]) == ("sara.nilsson@example.org", "open")

    # She signs up with that address (any case), then accepts.
    sara = UserFactory(email="sara.nilsson@example.org", role="visitor")
    accepted = client_for(sara).post(f"/api/v1/exhibitor/invitations/{token}/accept/")
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["slug"] == "alfa"
    assert accepted.json()["role"] == "member"
    membership = Membership.objects.get(user=sara, exhibitor=world.a)
    assert membership.role == "member"
    # A fresh copy, as the next request loads: roles are cached on the user object.
    sara = User.objects.get(pk=sara.pk)
    assert "exhibitor" in user_roles(sara)
    # Accepting twice is harmless; the organisation is now hers to see.
    again = client_for(sara).post(f"/api/v1/exhibitor/invitations/{token}/accept/")
    assert again.status_code == 200
    assert client_for(sara).get(f"{A}/").status_code == 200
    listed = client_for(world.member_a).get(f"{A}/members/").json()
    assert sara.email in [m["user"]["email"] for m in listed["results"]]
    assert client_for(world.owner_a).get(f"{A}/invitations/").json()["count"] == 1  # world's own


def test_an_invitation_for_an_existing_account_names_it(world):
    invite(world, world.visitor.email)
    mail = Notification.objects.filter(kind="exhibitor_invitation").latest("pk")
    assert mail.user == world.visitor
    assert mail.context["has_account"] is True


def test_only_the_invited_address_can_accept(world):
    token = world.invitation_token
    response = client_for(world.visitor).post(f"/api/v1/exhibitor/invitations/{token}/accept/")
    assert (response.status_code, response.json()["code"]) == (403, "wrong_account")
    assert not Membership.objects.filter(user=world.visitor).exists()
    anonymous = client_for(None).post(f"/api/v1/exhibitor/invitations/{token}/accept/")
    assert anonymous.status_code == 401


def test_used_expired_revoked_and_unknown_invitations(world):
    invitee = UserFactory(email="invitee@example.org")
    other = UserFactory(email="other@example.org")
    path = f"/api/v1/exhibitor/invitations/{world.invitation_token}/accept/"

    with time_machine.travel(timezone.now() + timedelta(days=15)):
        expired = client_for(invitee).post(path)
    assert (expired.status_code, expired.json()["code"]) == (409, "invitation_expired")

    assert client_for(invitee).post(path).status_code == 200
    # The same link in someone else's hands (even one now invited too) does nothing.
    Invitation.objects.filter(pk=world.invitation_a.pk).update(email="other@example.org")
    used = client_for(other).post(path)
    assert (used.status_code, used.json()["code"]) == (409, "invitation_used")

    unknown = client_for(invitee).post("/api/v1/exhibitor/invitations/nope/accept/")
    assert unknown.status_code == 404


def test_inviting_again_replaces_the_open_invitation(world):
    first = invite(world, "twice@example.org").json()["id"]
    second = invite(world, "twice@example.org").json()["id"]
    assert first != second
    assert Invitation.objects.get(pk=first).revoked_at is not None
    old_token = token_of(Notification.objects.get(key=f"invitation:{first}"))
    user = UserFactory(email="twice@example.org")
    stale = client_for(user).post(f"/api/v1/exhibitor/invitations/{old_token}/accept/")
    assert stale.status_code == 404
    fresh = token_of(Notification.objects.get(key=f"invitation:{second}"))
    assert (
        client_for(user).post(f"/api/v1/exhibitor/invitations/{fresh}/accept/").status_code == 200
    )


def test_revoked_invitation_link_stops_working(world):
    owner = client_for(world.owner_a)
    assert owner.delete(f"{A}/invitations/{world.invitation_a.pk}/").status_code == 204
    assert owner.delete(f"{A}/invitations/{world.invitation_a.pk}/").status_code == 404
    invitee = UserFactory(email="invitee@example.org")
    response = client_for(invitee).post(
        f"/api/v1/exhibitor/invitations/{world.invitation_token}/accept/"
    )
    assert response.status_code == 404


def test_members_are_not_invited_twice(world):
    response = invite(world, world.member_a.email.upper())
    assert (response.status_code, response.json()["code"]) == (409, "already_member")


def test_an_owner_invitation_makes_an_owner(world):
    invite(world, "boss@example.org", role="owner")
    token = token_of(Notification.objects.latest("pk"))
    boss = UserFactory(email="boss@example.org")
    assert (
        client_for(boss).post(f"/api/v1/exhibitor/invitations/{token}/accept/").json()["role"]
        == "owner"
    )


def test_last_owner_cannot_be_removed_or_demoted(world):
    owner = client_for(world.owner_a)
    mine = Membership.objects.get(user=world.owner_a, exhibitor=world.a)
    removed = owner.delete(f"{A}/members/{mine.pk}/")
    assert (removed.status_code, removed.json()["code"]) == (409, "last_owner")
    demoted = owner.patch(f"{A}/members/{mine.pk}/", {"role": "member"}, format="json")
    assert (demoted.status_code, demoted.json()["code"]) == (409, "last_owner")
    assert Membership.objects.get(pk=mine.pk).role == "owner"

    # With a second owner, the first may step down and then leave.
    assert (
        owner.patch(
            f"{A}/members/{world.colleague_a.pk}/", {"role": "owner"}, format="json"
        ).status_code
        == 200
    )
    assert (
        owner.patch(f"{A}/members/{mine.pk}/", {"role": "member"}, format="json").json()["role"]
        == "member"
    )
    assert owner.delete(f"{A}/members/{mine.pk}/").status_code == 204
    assert client_for(world.owner_a).get(f"{A}/").status_code == 404


def test_members_leave_but_do_not_remove_others(world):
    member = client_for(world.member_a)
    own = Membership.objects.get(user=world.member_a, exhibitor=world.a)
    refused = member.delete(f"{A}/members/{world.colleague_a.pk}/")
    assert (refused.status_code, refused.json()["code"]) == (403, "owner_required")
    assert member.delete(f"{A}/members/{own.pk}/").status_code == 204
    assert member.get(f"{A}/").status_code == 404
    # A membership of another organisation is not found through A.
    other = MembershipFactory(exhibitor=world.b)
    assert client_for(world.owner_a).delete(f"{A}/members/{other.pk}/").status_code == 404
    assert Membership.objects.filter(pk=other.pk).exists()


def test_my_organisations(world):
    MembershipFactory(exhibitor=world.b, user=world.member_a, role="owner")
    results = client_for(world.member_a).get("/api/v1/exhibitor/").json()["results"]
    assert [(r["slug"], r["role"]) for r in results] == [("alfa", "member"), ("beta", "owner")]
    assert client_for(world.visitor).get("/api/v1/exhibitor/").json()["count"] == 0


def test_a_membership_without_the_exhibitor_role_opens_nothing(world):
    world.member_a.groups.clear()
    assert client_for(world.member_a).get(f"{A}/").status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_owners_removing_each_other_at_once_leave_one():
    """The exhibitor row lock makes the owner count and the delete one step."""
    for _ in range(10):
        exhibitor = ExhibitorFactory()
        first = MembershipFactory(exhibitor=exhibitor, role="owner")
        second = MembershipFactory(exhibitor=exhibitor, role="owner")
        exhibitor.my_role = "owner"

        def remove(membership, acting):
            return lambda: services.membership_remove(
                exhibitor=exhibitor, membership_id=membership.pk, acting_user=acting.user
            )

        results = race([remove(first, second), remove(second, first)], workers=2)
        assert sorted(type(r).__name__ for r in results) == ["LastOwner", "NoneType"]
        assert isinstance(next(r for r in results if r is not None), LastOwner)
        assert Membership.objects.filter(exhibitor=exhibitor, role="owner").count() == 1


def test_no_raw_invitation_token_is_stored(world, mailoutbox, django_capture_on_commit_callbacks):
    """The outbox keeps a seed; the link is made when the mail is written."""
    with django_capture_on_commit_callbacks(execute=True):
        issued = services.invitation_create(
            exhibitor=world.a, email="nina@example.org", role="member", invited_by=world.owner_a
        )
    notification = Notification.objects.get(key=f"invitation:{issued.invitation.pk}")
    stored = [
        json.dumps(row, default=str)
        for model in (Notification, Invitation)
        for row in model.objects.values()
    ]
    assert not [row for row in stored if issued.token in row]
    assert issued.token in mailoutbox[-1].body
    assert notification.status == Notification.Status.SENT
    # The link rendered again at a later try is the same link.
    assert token_of(notification) == issued.token
