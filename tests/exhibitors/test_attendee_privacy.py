"""Attendee names reach a host exhibitor only with the holder's consent; CSV cells are
quoted and neutralised wherever a spreadsheet might start a formula."""

import csv
import io

import pytest

from expo.exhibitors.csv_export import csv_cell
from expo.exhibitors.leads import contact_withdraw, lead_consent_set
from tests.conftest import client_for
from tests.exhibitors.factories import LeadConsentFactory, LeadFactory
from tests.factories import UserFactory, book

pytestmark = pytest.mark.django_db

A = "/api/v1/exhibitor/alfa"


def names_seen(world) -> tuple[str, str]:
    """What the host sees of attendee names: the bookings list and the attendee CSV."""
    client = client_for(world.owner_a)
    bookings = client.get(f"{A}/sessions/{world.published_a.pk}/bookings/").content.decode()
    attendees = client.get(f"{A}/sessions/{world.published_a.pk}/attendees.csv")
    return bookings, attendees.content.decode("utf-8-sig")


def test_attendee_names_absent_from_exhibitor_views_and_csv_without_consent(world):
    shy = UserFactory(name="Karin Ek", email="karin@example.org")
    booking = book(shy, world.published_a, "Karin Ek", "Lill-Karin")
    bookings, attendees = names_seen(world)
    for text in (bookings, attendees):
        assert "Karin" not in text
        assert booking.reference in text  # the host still sees the booking and its tickets
    for ticket in booking.tickets.all():
        assert f'"{ticket.pk}"' in attendees

    # Consent shows the booker's own ticket; the guest's name never.
    LeadConsentFactory(user=shy)
    bookings, attendees = names_seen(world)
    for text in (bookings, attendees):
        assert "Karin Ek" in text and "Lill-Karin" not in text


@pytest.mark.parametrize(
    "withdraw",
    [
        lambda world, user: contact_withdraw(user=user, exhibitor=world.a),
        lambda world, user: lead_consent_set(user=user, given=False),
    ],
    ids=["from_this_exhibitor", "consent_off"],
)
def test_attendee_names_gone_after_withdrawal(world, withdraw):
    assert "Åsa Öberg" in names_seen(world)[0]
    withdraw(world, world.booker)
    for text in names_seen(world):
        assert "Åsa" not in text


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("x;=1+2", "x;'=1+2"),
        ("x,=1+2", "x,'=1+2"),
        ("a;+1,-2;@SUM(A1)", "a;'+1,'-2;'@SUM(A1)"),
        ("x;\t=1", "x;'\t=1"),
        ("x,\r=1", "x,'\r=1"),
        ("=1;=2", "'=1;'=2"),
        ("Lund; Malmö, Ystad", "Lund; Malmö, Ystad"),
        ("5-3=2", "5-3=2"),
    ],
)
def test_semicolon_equals_style_cells_are_neutralised(value, cell):
    assert csv_cell(value) == cell


@pytest.mark.parametrize("delimiter", ["comma", "semicolon"])
def test_csv_fields_all_quoted_and_no_fragment_starts_a_formula(world, delimiter):
    LeadFactory(
        exhibitor=world.a,
        visitor=UserFactory(name="x;=1+2", email="semi@example.org"),
        note="y,@A1",
    )
    response = client_for(world.owner_a).get(f"{A}/leads.csv", {"delimiter": delimiter})
    text = response.content.decode("utf-8-sig")
    for line in text.split("\r\n")[:-1]:
        assert line.startswith('"') and line.endswith('"'), line
    # However a spreadsheet splits the line (on `;`, on `,`, or both), no piece is a formula.
    for line in text.split("\r\n"):
        for piece in line.replace(",", ";").split(";"):
            assert not piece.lstrip('"').startswith(("=", "+", "-", "@", "\t", "\r")), piece
    sep = {"comma": ",", "semicolon": ";"}[delimiter]
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    row = next(r for r in rows if r[1] == "semi@example.org")
    assert row[0] == "x;'=1+2" and row[2] == "y,'@A1"
