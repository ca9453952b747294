"""CSV exports open right in a spreadsheet: UTF-8 with Swedish letters, proper quoting,
and no formula injection. Read back here with the `csv` module, as a spreadsheet would."""

import csv
import io

import pytest

from expo.bookings.models import Ticket
from expo.bookings.services import booking_cancel
from expo.exhibitors.csv_export import csv_cell
from tests.conftest import client_for
from tests.exhibitors.factories import LeadConsentFactory, LeadFactory
from tests.factories import UserFactory, book

pytestmark = pytest.mark.django_db

A = "/api/v1/exhibitor/alfa"

NASTY = [
    '=HYPERLINK("http://evil.example","klicka")',
    "+46 70 123 45 67",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]


def read_csv(response, delimiter=","):
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Cache-Control"] == "no-store"
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    text = raw.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Åsa = glad", "Åsa = glad"),
        ("", ""),
        (None, ""),
        (-3, -3),  # numbers stay numbers
        (True, "yes"),
    ],
)
def test_csv_cell(value, cell):
    assert csv_cell(value) == cell


def test_leads_csv(world):
    LeadFactory(
        exhibitor=world.a,
        visitor=UserFactory(name='Örjan "Ögge" Ängström', email="orjan@example.se"),
        note="Vill ha offert, gärna;\nring efter 17",
        scanned_by=world.member_a,
    )
    for index, text in enumerate(NASTY):
        LeadFactory(
            exhibitor=world.a,
            visitor=UserFactory(name=text, email=f"n{index}@example.org"),
            note=text,
        )
    LeadFactory(exhibitor=world.b, visitor=UserFactory(name="Beta's lead"))

    rows = read_csv(client_for(world.member_a).get(f"{A}/leads.csv"))
    header, body = rows[0], rows[1:]
    assert header == ["Name", "E-mail", "Note", "Scanned by", "Scanned at"]
    assert len(body) == 2 + len(NASTY)  # lead_a, Örjan, the nasty ones; not B's
    by_email = {row[1]: row for row in body}
    orjan = by_email["orjan@example.se"]
    assert orjan[0] == 'Örjan "Ögge" Ängström'
    assert orjan[2] == "Vill ha offert, gärna;\nring efter 17"
    assert orjan[3] == world.member_a.name
    assert by_email["asa@example.se"][0] == "Åsa Öberg"
    for index, text in enumerate(NASTY):
        name, _email, note, *_ = by_email[f"n{index}@example.org"]
        assert name == note == "'" + text
    # Nothing a spreadsheet would evaluate, in any cell.
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_semicolons_for_swedish_spreadsheets(world):
    response = client_for(world.member_a).get(f"{A}/leads.csv", {"delimiter": "semicolon"})
    rows = read_csv(response, delimiter=";")
    assert rows[0][:2] == ["Name", "E-mail"]
    assert rows[1][0] == "Åsa Öberg"
    bad = client_for(world.member_a).get(f"{A}/leads.csv", {"delimiter": "tab"})
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid")


def test_csv_is_served_to_a_client_that_asks_for_csv(world):
    """An explicit `Accept: text/csv` gets the file, not a 406; errors stay JSON."""
    client = client_for(world.member_a)
    rows = read_csv(client.get(f"{A}/leads.csv", HTTP_ACCEPT="text/csv"))
    assert rows[0][:2] == ["Name", "E-mail"]
    attendees = f"{A}/sessions/{world.published_a.pk}/attendees.csv"
    assert len(read_csv(client.get(attendees, HTTP_ACCEPT="text/csv"))) > 1
    bad = client.get(f"{A}/leads.csv", {"delimiter": "tab"}, HTTP_ACCEPT="text/csv")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid")


def test_attendee_csv_shares_contacts_only_by_consent(world):
    shy = UserFactory(name="Karin Ek", email="karin@example.org")
    shy_booking = book(shy, world.published_a, "=cmd|' /C calc'!A0", "Lill-Karin")
    row_count = Ticket.objects.filter(session=world.published_a).count()

    rows = read_csv(
        client_for(world.member_a).get(f"{A}/sessions/{world.published_a.pk}/attendees.csv")
    )
    header, body = rows[0], rows[1:]
    assert header == [
        "Booking",
        "Ticket",
        "Attendee",
        "Ticket status",
        "Checked in",
        "First check-in",
        "Booked by",
        "Booked by e-mail",
        "Party size",
        "Booked at",
    ]
    assert len(body) == row_count == 5
    shared = [row for row in body if row[0] == world.booking.reference]
    tickets = list(world.booking.tickets.order_by("id").values_list("pk", flat=True))
    assert [row[1] for row in shared] == [str(pk) for pk in tickets]
    # The booker's own ticket; their guest never agreed to share a name.
    assert [row[2] for row in shared] == ["Åsa Öberg", ""]
    assert {(row[6], row[7]) for row in shared} == {("Åsa Öberg", "asa@example.se")}
    assert {row[8] for row in shared} == {"2"}
    assert {row[4] for row in shared} == {"no"}

    private = [row for row in body if row[0] == shy_booking.reference]
    assert [row[2] for row in private] == ["", ""]
    assert {(row[6], row[7]) for row in private} == {("", "")}
    text = "".join(",".join(row) for row in rows)
    assert "karin@example.org" not in text
    assert "Karin" not in text and "calc" not in text


def test_attendee_csv_leaves_out_cancelled_bookings(world):
    booking_cancel(booking_id=world.walk_in_booking.pk)
    rows = read_csv(
        client_for(world.owner_a).get(f"{A}/sessions/{world.published_a.pk}/attendees.csv")
    )
    assert {row[0] for row in rows[1:]} == {world.booking.reference}


def test_consent_given_later_shows_the_email(world):
    late = UserFactory(name="Sen Anmäld", email="sen@example.org")
    book(late, world.published_a, "Sen Anmäld")
    path = f"{A}/sessions/{world.published_a.pk}/attendees.csv"
    assert "sen@example.org" not in client_for(world.owner_a).get(path).content.decode()
    LeadConsentFactory(user=late)
    assert "sen@example.org" in client_for(world.owner_a).get(path).content.decode()
