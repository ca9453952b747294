"""The page an invitation e-mail links to: see the invitation, log in, join."""

import pytest
from django.urls import reverse

from expo.core.secret_links import secret_link_url
from expo.exhibitors.models import Membership
from expo.notifications.models import Notification
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.exhibitors.urls_with_pages")]


def page_path(world):
    mail = Notification.objects.get(key=f"invitation:{world.invitation_a.pk}")
    path = reverse("exhibitors:invitation", args=[world.invitation_token])
    assert secret_link_url(mail.context["accept_link"]).endswith(path)
    return path


def test_anonymous_sees_the_invitation_and_is_asked_to_log_in(world, client):
    response = client.get(page_path(world))
    assert response.status_code == 200
    assert b"Alfa Energi AB" in response.content
    assert b"invitee@example.org" in response.content
    assert reverse("accounts:login").encode() in response.content
    posted = client.post(page_path(world))
    assert posted.status_code == 302
    assert posted["Location"].startswith(reverse("accounts:login"))


def test_the_invited_person_joins(world, client):
    invitee = UserFactory(email="invitee@example.org")
    client.force_login(invitee)
    path = page_path(world)
    assert b'id="accept-invitation"' in client.get(path).content
    response = client.post(path, follow=True)
    assert response.status_code == 200
    assert Membership.objects.filter(user=invitee, exhibitor=world.a).exists()
    # Straight into the organisation's portal, welcomed.
    assert response.redirect_chain == [(f"/exhibitor/{world.a.slug}/", 302)]
    assert b"Welcome!" in response.content
    assert b"has been accepted" in client.get(path).content


def test_someone_else_cannot_join_with_the_link(world, client):
    client.force_login(world.visitor)
    path = page_path(world)
    assert b'id="accept-invitation"' not in client.get(path).content
    client.post(path)
    assert not Membership.objects.filter(user=world.visitor).exists()


def test_unknown_link_is_not_found(world, client):
    assert client.get("/exhibitor/invitations/nope/").status_code == 404
