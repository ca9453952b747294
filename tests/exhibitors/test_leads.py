"""Lead scanning at the stand, only with the visitor's consent, and the visitor's say over it."""

import pytest
from django.db import transaction

from expo.bookings.ticket_codes import ticket_code_sign
from expo.exhibitors import leads
from expo.exhibitors.models import ContactWithdrawal, Lead, LeadConsent
from tests.bookings.race import race
from tests.conftest import client_for
from tests.exhibitors.conftest import another_expo
from tests.exhibitors.factories import LeadConsentFactory, ticket_code
from tests.factories import (
    ExhibitorFactory,
    MembershipFactory,
    SessionFactory,
    UserFactory,
    book,
)

pytestmark = pytest.mark.django_db

A = "/api/v1/exhibitor/alfa"


def scan(world, code, note="", member=None):
    client = client_for(member or world.member_a)
    return client.post(f"{A}/leads/", {"code": code, "note": note}, format="json")


def first_ticket(booking):
    return booking.tickets.order_by("id").first()


def test_consenting_visitor_becomes_a_lead(world):
    response = scan(world, ticket_code(first_ticket(world.walk_in_booking)), "Vill ha offert")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["name"], body["email"], body["note"]) == (
        "Erik Ek",
        world.walk_in.email,
        "Vill ha offert",
    )
    assert body["scanned_by"] == world.member_a.name
    lead = Lead.objects.get(pk=body["id"])
    assert (lead.exhibitor, lead.visitor, lead.scanned_by) == (
        world.a,
        world.walk_in,
        world.member_a,
    )
    assert lead.consented_at == world.walk_in.lead_consent.consented_at


def test_scanning_again_adds_the_note_to_the_same_lead(world):
    code = ticket_code(first_ticket(world.walk_in_booking))
    first = scan(world, code, "Solceller")
    again = scan(world, code, "Ring tisdag", member=world.owner_a)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["note"] == "Solceller\nRing tisdag"
    assert Lead.objects.filter(exhibitor=world.a, visitor=world.walk_in).count() == 1


def test_no_lead_without_consent(world):
    shy = UserFactory(name="Karin")
    booking = book(shy, world.published_a, "Karin")
    response = scan(world, ticket_code(first_ticket(booking)), "Trevlig")
    assert (response.status_code, response.json()["code"]) == (409, "no_consent")
    assert not Lead.objects.filter(visitor=shy).exists()


def test_a_party_members_ticket_is_not_the_consenting_account_holders(world):
    # The booker opted in; Björn, on the second ticket, did not.
    bjorn = world.booking.tickets.order_by("id")[1]
    response = scan(world, ticket_code(bjorn))
    assert (response.status_code, response.json()["code"]) == (409, "no_consent")
    # The booker's own ticket is fine (the lead_a the world has already exists).
    own = scan(world, ticket_code(first_ticket(world.booking)))
    assert own.status_code == 200
    assert own.json()["id"] == world.lead_a.pk


@pytest.mark.parametrize(
    ("make_code", "code"),
    [
        (lambda world: "H221DEV." + "A" * 128, "invalid_signature"),
        (lambda world: "not a ticket", "invalid_signature"),
        (lambda world: ticket_code_sign(ticket_id=999_999, session_id=1), "unknown_ticket"),
    ],
    ids=["forged", "garbage", "unknown"],
)
def test_codes_that_name_no_ticket(world, make_code, code):
    response = scan(world, make_code(world))
    assert (response.status_code, response.json()["code"]) == (400, code)


def test_tickets_of_another_expo_are_unknown(world):
    other_expo = another_expo(world.expo)
    visitor = UserFactory()
    LeadConsentFactory(user=visitor)
    booking = book(visitor, SessionFactory(expo=other_expo))
    response = scan(world, ticket_code(first_ticket(booking)))
    assert (response.status_code, response.json()["code"]) == (400, "unknown_ticket")


def test_leads_stay_with_their_exhibitor(world):
    code = ticket_code(first_ticket(world.walk_in_booking))
    assert scan(world, code).status_code == 201
    owner_b = world.member_b
    assert client_for(owner_b).get("/api/v1/exhibitor/beta/leads/").json()["count"] == 0
    assert client_for(owner_b).get(f"{A}/leads/").status_code == 404
    # B scanning the same visitor gets a lead of its own.
    response = client_for(owner_b).post(
        "/api/v1/exhibitor/beta/leads/", {"code": code}, format="json"
    )
    assert response.status_code == 201
    assert Lead.objects.filter(visitor=world.walk_in).count() == 2


def test_visitor_sees_who_holds_their_contact_and_withdraws(world):
    booker = client_for(world.booker)
    # A holds a lead from its stand and hosts a session the booker booked.
    gamma = ExhibitorFactory(expo=world.expo, slug="gamma", name="Gamma AB")
    listed = booker.get("/api/v1/me/leads/").json()
    assert listed["count"] == 1
    assert listed["results"][0]["slug"] == "alfa"
    assert listed["results"][0]["via"] == ["stand_scan", "session_booking"]
    assert listed["results"][0]["lead_created_at"] is not None

    assert booker.post("/api/v1/me/leads/alfa/withdraw/").status_code == 204
    lead = Lead.objects.get(pk=world.lead_a.pk)
    assert lead.withdrawn_at is not None
    assert (lead.visitor, lead.ticket, lead.name, lead.email, lead.note) == (None, None, "", "", "")
    assert booker.get("/api/v1/me/leads/").json()["count"] == 0
    # Withdrawing twice, or from an organisation that held nothing, is fine.
    assert booker.post("/api/v1/me/leads/alfa/withdraw/").status_code == 204
    assert booker.post(f"/api/v1/me/leads/{gamma.slug}/withdraw/").status_code == 204
    assert booker.post("/api/v1/me/leads/no-such/withdraw/").status_code == 404

    # The exhibitor keeps a contactless row, no CSV line, and cannot scan them again...
    owner = client_for(world.owner_a)
    listed = owner.get(f"{A}/leads/").json()["results"]
    assert [(row["withdrawn"], row["name"], row["email"]) for row in listed] == [(True, "", "")]
    assert "Åsa" not in owner.get(f"{A}/leads.csv").content.decode("utf-8-sig")
    rescan = scan(world, ticket_code(first_ticket(world.booking)))
    assert (rescan.status_code, rescan.json()["code"]) == (409, "no_consent")
    # ...nor sees their e-mail or name on the attendee list any more.
    bookings = owner.get(f"{A}/sessions/{world.published_a.pk}/bookings/").json()["results"]
    mine = next(b for b in bookings if b["reference"] == world.booking.reference)
    assert mine["contact"] is None
    assert mine["tickets"][0]["attendee_name"] is None
    assert "Åsa" not in owner.get(
        f"{A}/sessions/{world.published_a.pk}/attendees.csv"
    ).content.decode("utf-8-sig")
    assert set(
        ContactWithdrawal.objects.filter(user=world.booker).values_list(
            "exhibitor__slug", flat=True
        )
    ) == {"alfa", "gamma"}


def test_turning_consent_off_wipes_every_lead(world):
    client = client_for(world.booker)
    assert client.get("/api/v1/me/leads/consent/").json()["given"] is True
    response = client.put("/api/v1/me/leads/consent/", {"given": False}, format="json")
    assert response.json() == {"given": False, "consented_at": None}
    assert not LeadConsent.objects.filter(user=world.booker).exists()
    assert not Lead.objects.filter(visitor=world.booker).exists()
    assert Lead.objects.get(pk=world.lead_a.pk).withdrawn_at is not None
    assert client.get("/api/v1/me/leads/").json()["count"] == 0

    rescan = scan(world, ticket_code(first_ticket(world.booking)))
    assert rescan.json()["code"] == "no_consent"

    # Opting in again: new scans are kept; the old wiped lead stays wiped.
    again = client.put("/api/v1/me/leads/consent/", {"given": True}, format="json").json()
    assert again["given"] is True and again["consented_at"]
    assert scan(world, ticket_code(first_ticket(world.booking))).status_code == 201
    assert Lead.objects.filter(exhibitor=world.a).count() == 2


def test_consent_given_twice_keeps_the_first_moment(world):
    first = world.booker.lead_consent.consented_at
    client_for(world.booker).put("/api/v1/me/leads/consent/", {"given": True}, format="json")
    assert LeadConsent.objects.get(user=world.booker).consented_at == first


def test_members_edit_notes_and_delete_leads(world):
    client = client_for(world.member_a)
    response = client.patch(
        f"{A}/leads/{world.lead_a.pk}/", {"note": "Skicka offert"}, format="json"
    )
    assert response.json()["note"] == "Skicka offert"
    assert client.delete(f"{A}/leads/{world.lead_a.pk}/").status_code == 204
    assert not Lead.objects.filter(pk=world.lead_a.pk).exists()


def test_withdrawn_leads_cannot_get_a_note_back(world):
    leads.contact_withdraw(user=world.booker, exhibitor=world.a)
    response = client_for(world.member_a).patch(
        f"{A}/leads/{world.lead_a.pk}/", {"note": "Åsa, 070-123"}, format="json"
    )
    assert response.status_code == 404
    assert Lead.objects.get(pk=world.lead_a.pk).note == ""


def test_erasing_the_contact_is_consent_off(world):
    with transaction.atomic():
        leads.contact_erase(user=world.booker)
    assert not Lead.objects.filter(visitor=world.booker).exists()
    assert not LeadConsent.objects.filter(user=world.booker).exists()


def test_a_member_of_two_organisations_scans_for_the_one_in_the_path(world):
    both = world.member_a
    MembershipFactory(exhibitor=world.b, user=both)
    code = ticket_code(first_ticket(world.walk_in_booking))
    response = client_for(both).post("/api/v1/exhibitor/beta/leads/", {"code": code}, format="json")
    assert response.status_code == 201
    assert Lead.objects.get(pk=response.json()["id"]).exhibitor == world.b


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_scan_racing_a_withdrawal_of_consent_never_keeps_the_contact(expo_now):
    """Both lock the visitor's consent row first: the scan either comes first and is
    wiped by the withdrawal, or comes second and finds no consent."""
    exhibitor = ExhibitorFactory(expo=expo_now)
    member = MembershipFactory(exhibitor=exhibitor).user
    session = SessionFactory(expo=expo_now, capacity=50)
    outcomes = set()
    for _ in range(15):
        visitor = UserFactory(name="Ada")
        LeadConsentFactory(user=visitor)
        code = ticket_code(first_ticket(book(visitor, session, "Ada")))
        results = race(
            [
                lambda: leads.lead_capture(exhibitor=exhibitor, code=code, scanned_by=member),
                lambda: leads.lead_consent_set(user=visitor, given=False),
            ],
            workers=2,
        )
        outcomes.add(type(results[0]).__name__)
        assert not LeadConsent.objects.filter(user=visitor).exists()
        assert not Lead.objects.filter(visitor=visitor).exists()
        assert not Lead.objects.filter(email=visitor.email).exists()
    assert outcomes <= {"LeadCaptured", "NoConsent"}
