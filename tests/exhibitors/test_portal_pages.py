"""The exhibitor portal's pages: each form calls the portal's services, shows their
refusals at the form, and every list costs the same number of queries however long."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from expo.bookings.models import Ticket
from expo.events.models import Session
from expo.exhibitors.models import Exhibitor, Invitation, Lead, Membership, Stand
from tests.exhibitors.factories import LeadConsentFactory, LeadFactory, ticket_code
from tests.factories import (
    ExhibitorFactory,
    MembershipFactory,
    SessionFactory,
    StandFactory,
    UserFactory,
    book,
)

pytestmark = pytest.mark.django_db

A = "/exhibitor/alfa"


@pytest.fixture
def owner(world, client):
    client.force_login(world.owner_a)
    return client


def png(size=(64, 32)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


def errors(response) -> dict:
    return response.context["form"].errors


# --- Which organisation ---------------------------------------------------------------------


def test_one_organisation_goes_straight_in(world, owner):
    response = owner.get("/exhibitor/")
    assert response.status_code == 302 and response["Location"] == f"{A}/"


def test_several_organisations_choose(world, client):
    MembershipFactory(user=world.owner_a, exhibitor=world.b)
    client.force_login(world.owner_a)
    response = client.get("/exhibitor/")
    assert response.status_code == 200
    assert [e.slug for e in response.context["exhibitors"]] == ["alfa", "beta"]
    assert b'href="/exhibitor/beta/"' in response.content


def test_an_exhibitor_of_nothing_gets_a_friendly_page(world, client):
    Membership.objects.filter(user=world.member_b).delete()
    client.force_login(world.member_b)
    response = client.get("/exhibitor/")
    assert response.status_code == 200
    assert response.context["exhibitors"] == []
    assert b"invite" in response.content


# --- Profile ----------------------------------------------------------------------------------


def test_profile_edit_with_logo(world, owner):
    response = owner.post(
        f"{A}/profile/",
        {
            "name": "Alfa Energi AB",
            "description_sv": "Solceller på varje skola.",
            "description_en": "",
            "website": "alfa.example",
            "contact_email": "hej@alfa.example",
            "contact_phone": "",
            "logo": png(),
        },
    )
    assert response.status_code == 302 and response["Location"] == f"{A}/profile/"
    exhibitor = Exhibitor.objects.get(pk=world.a.pk)
    assert exhibitor.description_sv == "Solceller på varje skola."
    assert exhibitor.website == "https://alfa.example"
    assert exhibitor.logo.name.endswith(".png")
    assert exhibitor.logo.url in owner.get("/exhibitors/alfa/").content.decode()


def test_a_refused_logo_is_shown_at_its_field_and_nothing_is_saved(world, owner):
    response = owner.post(
        f"{A}/profile/",
        {
            "name": "Nytt namn",
            "logo": SimpleUploadedFile("logo.png", b"<svg/>", content_type="image/png"),
        },
    )
    assert response.status_code == 400
    assert list(errors(response)) == ["logo"]
    assert b"data-focus-first" in response.content  # the summary the script focuses
    assert Exhibitor.objects.get(pk=world.a.pk).name == "Alfa Energi AB"


def test_a_logo_over_two_megabytes_is_refused(world, owner):
    big = SimpleUploadedFile(
        "big.png", b"\x89PNG" + bytes(2 * 1024 * 1024), content_type="image/png"
    )
    response = owner.post(f"{A}/profile/", {"name": "Alfa Energi AB", "logo": big})
    assert response.status_code == 400 and list(errors(response)) == ["logo"]
    assert "2 MB" in str(errors(response)["logo"])
    assert not Exhibitor.objects.get(pk=world.a.pk).logo


# --- Stands -----------------------------------------------------------------------------------


def test_stand_add_edit_and_remove(world, owner):
    response = owner.post(
        f"{A}/stands/", {"venue": "dunkers", "code": "B12", "opens_at": "10:00", "closes_at": ""}
    )
    assert response.status_code == 302
    stand = Stand.objects.get(exhibitor=world.a, code="B12")
    response = owner.post(
        f"{A}/stands/{stand.pk}/",
        {"venue": "dunkers", "code": "B14", "opens_at": "10:00", "closes_at": "16:00"},
    )
    assert response.status_code == 302
    stand.refresh_from_db()
    assert (stand.code, stand.closes_at.hour) == ("B14", 16)
    assert owner.post(f"{A}/stands/{stand.pk}/delete/").status_code == 302
    assert not Stand.objects.filter(pk=stand.pk).exists()


def test_stand_refusals_show_at_the_form(world, owner):
    StandFactory(exhibitor=world.b, venue=world.venue, code="B1")
    taken = owner.post(f"{A}/stands/", {"venue": "dunkers", "code": "b1"})
    assert taken.status_code == 400 and list(errors(taken)) == ["code"]
    backwards = owner.post(
        f"{A}/stands/",
        {"venue": "dunkers", "code": "C1", "opens_at": "15:00", "closes_at": "09:00"},
    )
    assert backwards.status_code == 400 and list(errors(backwards)) == ["closes_at"]
    assert Stand.objects.filter(exhibitor=world.a).count() == 1


def test_another_organisations_stand_is_not_found(world, owner):
    theirs = StandFactory(exhibitor=world.b, venue=world.venue, code="B1")
    assert owner.get(f"{A}/stands/{theirs.pk}/").status_code == 404
    assert owner.post(f"{A}/stands/{theirs.pk}/delete/").status_code == 404
    assert Stand.objects.filter(pk=theirs.pk).exists()


# --- Team -------------------------------------------------------------------------------------


def test_owner_invites_and_withdraws(world, owner):
    world.owner_a.email_verified_at = timezone.now()
    world.owner_a.save()
    response = owner.post(f"{A}/team/", {"email": "Ny@Example.org", "role": "owner"})
    assert response.status_code == 302
    invitation = Invitation.objects.get(exhibitor=world.a, email="ny@example.org")
    assert invitation.role == "owner"
    assert b"ny@example.org" in owner.get(f"{A}/team/").content
    owner.post(f"{A}/team/invitations/{invitation.pk}/revoke/")
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_inviting_a_member_again_is_refused_at_the_field(world, owner):
    world.owner_a.email_verified_at = timezone.now()
    world.owner_a.save()
    response = owner.post(f"{A}/team/", {"email": world.member_a.email, "role": "member"})
    assert response.status_code == 400 and list(errors(response)) == ["email"]


def test_plain_members_see_the_team_but_cannot_invite(world, client):
    client.force_login(world.member_a)
    page = client.get(f"{A}/team/")
    assert page.status_code == 200 and b'name="email"' not in page.content
    assert client.post(f"{A}/team/", {"email": "x@example.org"}).status_code == 403
    assert not Invitation.objects.filter(email="x@example.org").exists()


def test_the_last_owner_cannot_leave(world, owner):
    mine = Membership.objects.get(user=world.owner_a, exhibitor=world.a)
    response = owner.post(f"{A}/team/{mine.pk}/remove/", follow=True)
    assert Membership.objects.filter(pk=mine.pk).exists()
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_owner_removes_a_member_and_changes_roles(world, owner):
    owner.post(f"{A}/team/{world.colleague_a.pk}/role/", {"role": "owner"})
    world.colleague_a.refresh_from_db()
    assert world.colleague_a.role == "owner"
    owner.post(f"{A}/team/{world.colleague_a.pk}/remove/")
    assert not Membership.objects.filter(pk=world.colleague_a.pk).exists()


# --- Sessions ---------------------------------------------------------------------------------


def proposal(world, **changes) -> dict:
    starts = timezone.localtime(timezone.now() + timedelta(days=3)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    body = {
        "title_sv": "Bygg din egen solcell",
        "title_en": "Build your own solar cell",
        "kind": "workshop",
        "language": "sv",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "venue": "dunkers",
        "capacity": "12",
        "max_party_size": "4",
    }
    return body | changes


def test_propose_a_session_and_see_it_pending(world, client):
    client.force_login(world.member_a)
    response = client.post(f"{A}/sessions/propose/", proposal(world), follow=True)
    assert response.redirect_chain == [(f"{A}/sessions/", 302)]
    session = Session.objects.get(title_sv="Bygg din egen solcell")
    assert (session.status, session.host_id, session.proposed_by_id) == (
        "pending",
        world.a.pk,
        world.member_a.pk,
    )
    assert session in response.context["page"].object_list


def test_a_proposal_in_the_past_is_refused_at_its_field(world, owner):
    yesterday = timezone.localtime(timezone.now() - timedelta(days=1))
    response = owner.post(
        f"{A}/sessions/propose/",
        proposal(
            world,
            starts_at=yesterday.strftime("%Y-%m-%dT%H:%M"),
            ends_at=(yesterday + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        ),
    )
    assert response.status_code == 400 and list(errors(response)) == ["starts_at"]
    assert not Session.objects.filter(title_sv="Bygg din egen solcell").exists()


def test_the_sessions_page_shows_the_staffs_reason(world, owner):
    SessionFactory(
        expo=world.expo,
        venue=world.venue,
        host=world.a,
        status=Session.Status.REJECTED,
        status_reason="Krockar med invigningen.",
    )
    body = owner.get(f"{A}/sessions/").content.decode()
    assert "Krockar med invigningen." in body


def test_attendance_numbers(world, owner):
    ticket = world.booking.tickets.order_by("id").first()
    Ticket.objects.filter(pk=ticket.pk).update(first_checked_in_at=timezone.now())
    Session.objects.filter(pk=world.published_a.pk).update(
        starts_at=timezone.now() - timedelta(minutes=10)
    )
    rows = {s.pk: s for s in owner.get(f"{A}/sessions/").context["page"].object_list}
    published = rows[world.published_a.pk]
    assert (published.n_booked, published.n_checked_in, published.n_no_shows) == (3, 1, 2)
    assert rows[world.pending_a.pk].n_booked == 0


def read_csv(response, delimiter=","):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=delimiter))


def test_attendee_csv_names_only_by_consent(world, owner):
    silent = UserFactory(name="Tyst Person")
    book(silent, world.published_a, "Tyst Person")
    rows = read_csv(owner.get(f"{A}/sessions/{world.published_a.pk}/attendees.csv"))
    attendees = [row[2] for row in rows[1:]]
    assert attendees == ["Åsa Öberg", "", "Erik Ek", ""]  # Björn is a guest; Tyst did not agree
    assert "Tyst Person" not in str(rows)
    semicolon = owner.get(
        f"{A}/sessions/{world.published_a.pk}/attendees.csv", {"delimiter": "semicolon"}
    )
    assert read_csv(semicolon, ";")[1][2] == "Åsa Öberg"


def test_attendance_page_names_only_by_consent(world, owner):
    silent = UserFactory(name="Tyst Person", email="tyst@example.org")
    book(silent, world.published_a, "Tyst Person")
    body = owner.get(f"{A}/sessions/{world.published_a.pk}/").content.decode()
    assert "Åsa Öberg" in body and "asa@example.se" in body
    assert "Tyst Person" not in body and "tyst@example.org" not in body
    assert "Björn" not in body


def test_another_organisations_session_is_not_found(world, owner):
    theirs = SessionFactory(expo=world.expo, venue=world.venue, host=world.b)
    assert owner.get(f"{A}/sessions/{theirs.pk}/").status_code == 404
    assert owner.get(f"{A}/sessions/{theirs.pk}/attendees.csv").status_code == 404


# --- Leads ------------------------------------------------------------------------------------


def test_scan_a_consenting_visitor_by_typed_code(world, owner):
    ticket = world.walk_in_booking.tickets.get()
    response = owner.post(
        f"{A}/leads/scan/", {"code": ticket_code(ticket), "note": "Vill ha solceller"}
    )
    lead = Lead.objects.get(exhibitor=world.a, visitor=world.walk_in)
    assert response.status_code == 302
    assert response["Location"] == f"{A}/leads/scan/?lead={lead.pk}"
    page = owner.get(response["Location"]).content.decode()
    assert "Erik Ek" in page and world.walk_in.email in page and "Vill ha solceller" in page


def test_no_consent_no_lead(world, owner):
    shy = UserFactory(name="Blyg Besökare")
    ticket = book(shy, world.published_a, "Blyg Besökare").tickets.get()
    response = owner.post(f"{A}/leads/scan/", {"code": ticket_code(ticket)})
    assert response.status_code == 400 and list(errors(response)) == ["code"]
    assert not Lead.objects.filter(visitor=shy).exists()
    garbage = owner.post(f"{A}/leads/scan/", {"code": "H221X.NOPE"})
    assert garbage.status_code == 400 and list(errors(garbage)) == ["code"]


def test_another_organisations_lead_is_not_shown_on_the_scan_page(world, owner):
    theirs = LeadFactory(exhibitor=world.b, name="Hemlig Kund")
    page = owner.get(f"{A}/leads/scan/?lead={theirs.pk}")
    assert page.status_code == 200 and b"Hemlig Kund" not in page.content


def test_lead_note_edit_and_csv(world, owner):
    response = owner.post(f"{A}/leads/{world.lead_a.pk}/", {"note": "Ring efter mässan"})
    assert response.status_code == 302
    rows = read_csv(owner.get(f"{A}/leads/export.csv"))
    assert rows[1][:3] == ["Åsa Öberg", "asa@example.se", "Ring efter mässan"]
    assert read_csv(owner.get(f"{A}/leads/export.csv?delimiter=semicolon"), ";")[1][0] == (
        "Åsa Öberg"
    )


def test_another_organisations_lead_is_not_found(world, owner):
    theirs = LeadFactory(exhibitor=world.b)
    assert owner.get(f"{A}/leads/{theirs.pk}/").status_code == 404
    assert owner.post(f"{A}/leads/{theirs.pk}/", {"note": "x"}).status_code == 404


# --- Query counts -----------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return len(queries)


PORTAL_LISTS = [
    f"{A}/",
    f"{A}/stands/",
    f"{A}/team/",
    f"{A}/sessions/",
    f"{A}/leads/",
    "SESSION",
]


def _more_of_everything(world) -> None:
    for number in range(5):
        visitor = UserFactory()
        LeadConsentFactory(user=visitor)
        book(visitor, world.published_a, visitor.name, "Gäst")
        LeadFactory(exhibitor=world.a, visitor=visitor, scanned_by=UserFactory(role="exhibitor"))
        StandFactory(exhibitor=world.a, venue=world.venue, code=f"Q{number}")
        MembershipFactory(exhibitor=world.a)
        SessionFactory(expo=world.expo, venue=world.venue, host=world.a)
    other = ExhibitorFactory(expo=world.expo)
    LeadFactory(exhibitor=other)


@pytest.mark.parametrize("url", PORTAL_LISTS)
def test_portal_list_query_counts_do_not_grow(world, owner, url):
    url = f"{A}/sessions/{world.published_a.pk}/" if url == "SESSION" else url
    one = _queries(owner, url)
    _more_of_everything(world)
    assert _queries(owner, url) == one
