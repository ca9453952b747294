"""Tickets people can keep: the printable page and the PDF, one ticket a page."""

import io
import uuid
from datetime import timedelta

import pytest
import time_machine
import zxingcpp
from django.core import mail
from pypdf import PdfReader

from expo.bookings import services
from tests.conftest import client_for
from tests.factories import EntranceFactory, SessionFactory, UserFactory, VenueFactory, book

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking():
    venue = VenueFactory(name="Dunkers kulturhus", address="Kungsgatan 11, Helsingborg")
    EntranceFactory(venue=venue, name="Norra")
    EntranceFactory(venue=venue, name="Södra")
    session = SessionFactory(venue=venue, title_sv="Solceller på taket", capacity=10)
    visitor = UserFactory(language="sv")
    return book(visitor, session, "Åsa Öberg", "Erik Ek", "Li Berg")


def logged_in(client, booking):
    client.force_login(booking.visitor)
    client.cookies["django_language"] = "sv"
    return client


def qr_codes(reader: PdfReader) -> list[list[str]]:
    """The QR codes decoded from each page's embedded images."""
    return [
        [
            barcode.text
            for image in page.images
            for barcode in zxingcpp.read_barcodes(image.image.convert("L"))
        ]
        for page in reader.pages
    ]


def test_the_pdf_has_a_page_per_ticket_whose_qr_scans_as_accepted(client, booking, gate_staff):
    response = logged_in(client, booking).get(f"/bookings/{booking.reference}/tickets.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 3
    first = reader.pages[0].extract_text()
    for expected in (
        "Solceller på taket",
        "Åsa Öberg",
        "Biljett 1 av 3",
        "Dunkers kulturhus, Kungsgatan 11, Helsingborg",
        "Norra, Södra",
        f"{booking.reference}-1",
    ):
        assert expected in first, first
    codes = qr_codes(reader)
    assert [len(page) for page in codes] == [1, 1, 1]
    entrance = booking.session.venue.entrances.first()
    gate = client_for(gate_staff)
    with time_machine.travel(booking.session.starts_at - timedelta(minutes=5), tick=False):
        answer = gate.post(
            "/api/v1/scans/",
            {
                "code": codes[1][0],
                "entrance": entrance.pk,
                "direction": "in",
                "nonce": uuid.uuid4().hex,
            },
            format="json",
        )
    assert answer.json()["status"] == "accepted", answer.json()
    assert answer.json()["ticket"]["attendee_name"] == "Erik Ek"


def test_the_time_is_helsingborgs(client, booking):
    # 12:00 UTC in June is 14:00 in Helsingborg.
    session = booking.session
    session.starts_at = session.starts_at.replace(month=6, day=1, hour=12, minute=0)
    session.ends_at = session.starts_at + timedelta(hours=1)
    session.save()
    response = logged_in(client, booking).get(f"/bookings/{booking.reference}/tickets.pdf")
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "juni" in text
    assert "14:00–15:00" in text


def test_cancelled_tickets_are_left_out(client, booking):
    services.booking_cancel(booking_id=booking.pk)
    client = logged_in(client, booking)
    assert client.get(f"/bookings/{booking.reference}/tickets.pdf").status_code == 404
    page = client.get(f"/bookings/{booking.reference}/print/")
    assert page.status_code == 200
    assert "ticket-qr" not in page.text
    assert "printed-ticket__qr" not in page.text


def test_the_print_page_has_one_ticket_a_page(client, booking):
    page = logged_in(client, booking).get(f"/bookings/{booking.reference}/print/")
    assert page.status_code == 200
    assert page.text.count('class="printed-ticket"') == 3
    for ticket in booking.tickets.all():
        assert f"/api/v1/tickets/{ticket.pk}/qr.png" in page.text
    assert f"{booking.reference}-3" in page.text
    assert "Norra, Södra" in page.text
    assert "Kungsgatan 11, Helsingborg" in page.text


@pytest.mark.parametrize("path", ["print/", "tickets.pdf"])
def test_only_the_owner_gets_the_tickets(client, booking, path):
    client.force_login(UserFactory())
    assert client.get(f"/bookings/{booking.reference}/{path}").status_code == 404
    client.logout()
    response = client.get(f"/bookings/{booking.reference}/{path}")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_the_booking_page_my_bookings_and_the_mail_link_the_tickets(
    client, booking, django_capture_on_commit_callbacks
):
    client = logged_in(client, booking)
    pdf = f"/bookings/{booking.reference}/tickets.pdf"
    assert pdf in client.get(f"/bookings/{booking.reference}/").text
    assert (
        f"/bookings/{booking.reference}/print/"
        in client.get(f"/bookings/{booking.reference}/").text
    )
    assert pdf in client.get("/bookings/").text
    visitor = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        another = book(visitor, SessionFactory(), "Per")
    (message,) = [m for m in mail.outbox if m.to == [visitor.email]]
    assert f"/bookings/{another.reference}/tickets.pdf" in message.body
