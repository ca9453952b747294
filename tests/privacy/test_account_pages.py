"""The account page (language, export, erasure, password) and the site's statements."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from expo.bookings.models import Booking
from tests.factories import SessionFactory, UserFactory, book

pytestmark = pytest.mark.django_db


@pytest.fixture
def visitor_client(client, visitor):
    client.force_login(visitor)
    return client


def test_account_page_offers_language_export_deletion_and_password(visitor_client, visitor):
    html = visitor_client.get("/account/").content.decode()
    assert visitor.email in html
    for link in ('href="/account/export/"', 'href="/account/delete/"', 'href="/password/change/"'):
        assert link in html
    assert 'name="language" value="sv"' in html


def test_language_is_saved_on_the_account_and_in_the_browser(visitor_client, visitor):
    visitor.language = "en"
    visitor.save()
    response = visitor_client.post("/account/", {"language": "sv"})
    assert response.status_code == 302
    visitor.refresh_from_db()
    assert visitor.language == "sv"
    assert response.cookies["django_language"].value == "sv"
    page = visitor_client.get("/account/").content.decode()
    assert '<html lang="sv">' in page
    assert "Ditt språk är sparat." in page


def test_an_unknown_language_is_an_error_summary_not_a_change(visitor_client, visitor):
    response = visitor_client.post("/account/", {"language": "xx"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "data-focus-first" in html
    assert "<title>Error: My account" in html
    visitor.refresh_from_db()
    assert visitor.language != "xx"


def test_export_downloads_everything_held_about_the_visitor(visitor_client, visitor):
    booking = book(visitor, SessionFactory(), "Anna Berg")
    response = visitor_client.get("/account/export/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="h22-my-data.json"'
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["profile"]["email"] == visitor.email
    assert [b["reference"] for b in data["bookings"]] == [booking.reference]


def test_deleting_asks_first_then_erases_and_logs_out(visitor_client, visitor):
    booking = book(visitor, SessionFactory(starts_at=timezone.now() + timedelta(days=3)))
    confirm = visitor_client.get("/account/delete/")
    assert confirm.status_code == 200
    assert "Yes, delete my account" in confirm.content.decode()
    visitor.refresh_from_db()
    assert visitor.erased_at is None  # asking changes nothing

    response = visitor_client.post("/account/delete/", follow=True)

    visitor.refresh_from_db()
    assert visitor.erased_at is not None
    assert visitor.email.endswith("@erased.invalid")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert "Your account is deleted." in response.content.decode()
    assert visitor_client.get("/account/").status_code == 302  # logged out


def test_gate_accounts_have_no_account_page(client, gate_staff):
    client.force_login(gate_staff)
    assert client.get("/account/").status_code == 403


@pytest.mark.parametrize(
    ("path", "swedish"),
    [
        ("/accessibility/", "Tillgänglighetsredogörelse"),
        ("/privacy/", "Integritetspolicy"),
        ("/contact/", "Kontakt"),
    ],
)
def test_statements_in_swedish_and_linked_from_every_page_footer(client, path, swedish):
    client.cookies["django_language"] = "sv"
    html = client.get(path).content.decode()
    assert f"<h1>{swedish}</h1>" in html
    footer = client.get("/").content.decode().split('class="site-footer"', 1)[1]
    assert f'href="{path}"' in footer


def test_accessibility_statement_says_how_to_report_and_where_to_complain(client):
    client.cookies["django_language"] = "sv"
    html = client.get("/accessibility/").content.decode()
    assert "Rapportera ett problem" in html
    assert 'href="mailto:' in html
    assert "Anmäl bristande tillgänglighet till DIGG" in html
    assert 'href="https://www.digg.se/tdosanmalan"' in html


def test_privacy_notice_says_how_long_and_names_the_rights(client, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 90
    html = client.get("/privacy/").content.decode()
    assert "90 days after the expo ends" in html
    assert "(export)" in html
    assert "Delete your account" in html


def test_swedish_admin_names_its_sections_models_and_columns_in_swedish(client):
    admin = UserFactory(role="expo_staff", is_staff=True, is_superuser=True)
    client.force_login(admin)
    client.cookies["django_language"] = "sv"
    html = client.get("/admin/").content.decode()
    for swedish in ("Bokningar", "Skanning", "Utskick", "Platser på väntelistan", "Skanningar"):
        assert swedish in html
    for english in (">Bookings<", ">Scanning<", ">Waitlist entries<", ">Scans<"):
        assert english not in html
    book(UserFactory(), SessionFactory())  # an empty list has no columns
    columns = client.get("/admin/bookings/booking/").content.decode()
    for swedish in ("Bokningsnummer", "Besökare", "Antal i sällskapet", "Avbokad"):
        assert f">{swedish}</a>" in columns
    assert ">Party size</a>" not in columns
