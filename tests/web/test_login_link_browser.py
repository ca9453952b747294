"""From the programme to a ticket without a password, in the system Chromium.

A new visitor asks for a sign-in link on a session page, opens it from the mail (the
test settings' locmem outbox, filled by the eager Celery task), confirms, books two
seats and sees two QR tickets; used and expired links get a clear page. axe-core checks
the new pages in Swedish and English.
"""

import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from pypdf import PdfReader

from expo.accounts.models import User
from expo.bookings.models import Booking
from tests.browser import (
    DESKTOP,
    PHONE,
    assert_fits,
    assert_no_serious_axe_violations,
    browser_context,
    screenshot,
)
from tests.factories import ExpoFactory, SessionFactory, UserFactory, book

pytestmark = pytest.mark.django_db(transaction=True)

LINK_PATH = re.compile(r"https?://[^/\s]+(/login/link/[A-Za-z0-9_-]+/)")


def link_from_mail(address: str) -> str:
    """The path of the newest sign-in link mailed to `address`."""
    (message,) = [m for m in mail.outbox if m.to == [address]][-1:]
    return LINK_PATH.search(message.body).group(1)


def session_on_sale():
    today = timezone.localdate()
    ExpoFactory(starts_on=today, ends_on=today + timedelta(days=30))
    return SessionFactory(
        starts_at=timezone.now() + timedelta(days=2), capacity=10, max_party_size=4
    )


def ask_for_link(page, base: str, session, email: str) -> None:
    page.goto(f"{base}/sessions/{session.pk}/")
    page.get_by_role("heading", name="Book with your e-mail").wait_for()
    page.locator("#book").get_by_label("E-mail").fill(email)
    page.get_by_role("button", name="Send me a sign-in link").click()
    page.get_by_role("heading", name="Check your inbox").wait_for()


def test_a_new_visitor_books_two_seats_without_a_password(live_server, chromium):
    session = session_on_sale()
    context = browser_context(chromium, viewport=PHONE, language="en")
    page = context.new_page()
    typed_passwords = []
    page.on(
        "request",
        lambda request: (
            typed_passwords.append(request.url) if "password" in (request.post_data or "") else None
        ),
    )

    ask_for_link(page, live_server.url, session, "Ny.Besokare@example.org")
    assert page.evaluate("document.activeElement.id") == "sent-heading"
    assert not User.objects.filter(email="ny.besokare@example.org").exists()
    screenshot(page, "login-link-sent-en-phone")

    page.goto(live_server.url + link_from_mail("ny.besokare@example.org"))
    assert not page.context.cookies() or not any(
        cookie["name"] == "sessionid" for cookie in page.context.cookies()
    )  # opening the link (as a mail scanner would) signs nobody in
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**/sessions/{session.pk}/")

    page.get_by_label("Number of tickets").select_option("2")
    page.get_by_role("button", name="Book", exact=True).click()
    page.wait_for_url("**/bookings/H22-*/")
    visitor = User.objects.get(email="ny.besokare@example.org")
    assert visitor.email_verified
    booking = Booking.objects.get(visitor=visitor, session=session)
    assert booking.party_size == 2
    qr_images = page.locator("img.ticket__qr")
    assert qr_images.count() == 2
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('img.ticket__qr'))"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
    assert_fits(page, "the tickets page")
    screenshot(page, "login-link-tickets-en-phone")

    page.get_by_role("link", name="Print tickets").click()
    page.wait_for_url(f"**/bookings/{booking.reference}/print/")
    assert page.locator("img.printed-ticket__qr").count() == 2
    assert page.get_by_text(f"{booking.reference}-2").is_visible()
    screenshot(page, "tickets-print-en-phone")
    # Chromium's own print: the page's print styles put each ticket on a sheet of its own.
    printed = PdfReader(io.BytesIO(page.pdf(format="A4")))
    assert len(printed.pages) == 2
    assert [
        f"{booking.reference}-{n}" in sheet.extract_text()
        for n, sheet in enumerate(printed.pages, start=1)
    ] == [True, True]
    assert typed_passwords == []
    context.close()


def test_a_used_and_an_expired_link_get_a_clear_page(live_server, chromium):
    session = session_on_sale()
    context = browser_context(chromium, viewport=PHONE, language="en")
    page = context.new_page()
    ask_for_link(page, live_server.url, session, "twice@example.org")
    used = link_from_mail("twice@example.org")
    page.goto(live_server.url + used)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**/sessions/{session.pk}/")
    context.close()

    context = browser_context(chromium, viewport=PHONE, language="en")
    page = context.new_page()
    response = page.goto(live_server.url + used)
    assert response.status == 400
    assert page.get_by_role("heading", name="This sign-in link no longer works").is_visible()
    assert page.get_by_role("link", name="Send me a new link").is_visible()
    screenshot(page, "login-link-used-en-phone")

    ask_for_link(page, live_server.url, session, "late@example.org")
    expired = link_from_mail("late@example.org")
    page.goto(live_server.url + expired)  # the confirm page, while the link still works
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
    assert page.get_by_role("heading", name="This sign-in link no longer works").is_visible()
    assert not User.objects.filter(email="late@example.org").exists()
    context.close()


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_new_pages_have_no_serious_axe_violation(live_server, chromium, language):
    session = session_on_sale()
    visitor = UserFactory(email="axe@example.com", language=language)
    booking = book(visitor, session, "Åsa Öberg", "Bo Ek")
    for viewport_name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        context = browser_context(chromium, viewport=viewport, language=language)
        page = context.new_page()
        states = [
            ("session-anonymous", f"/sessions/{session.pk}/"),
            ("login", "/login/"),
            ("login-link-request", f"/login/link/?next=/sessions/{session.pk}/"),
            ("login-link-invalid", "/login/link/forged-token/"),
        ]
        for name, path in states:
            page.goto(live_server.url + path)
            assert_fits(page, f"{path} ({language}, {viewport_name})")
            screenshot(page, f"{name}-{language}-{viewport_name}")
            assert_no_serious_axe_violations(page, f"{path} ({language}, {viewport_name})")
        page.goto(live_server.url + "/login/link/")
        page.locator("main").get_by_role("textbox").first.fill("axe-new@example.com")
        page.locator("main form.login-link-form button[type=submit]").click()
        page.wait_for_load_state()
        screenshot(page, f"login-link-sent-{language}-{viewport_name}")
        assert_no_serious_axe_violations(page, f"link sent ({language}, {viewport_name})")
        page.goto(live_server.url + link_from_mail("axe-new@example.com"))
        screenshot(page, f"login-link-confirm-{language}-{viewport_name}")
        assert_no_serious_axe_violations(page, f"link confirm ({language}, {viewport_name})")
        context.close()

        context = browser_context(chromium, viewport=viewport, language=language)
        page = context.new_page()
        page.goto(live_server.url + "/login/")
        page.fill("input[name=username]", "axe@example.com")
        page.fill("input[name=password]", "correct horse battery")
        page.click("main form.stack button[type=submit]")
        page.wait_for_load_state()
        for name, path in (
            ("booking", f"/bookings/{booking.reference}/"),
            ("tickets-print", f"/bookings/{booking.reference}/print/"),
            ("bookings", "/bookings/"),
        ):
            page.goto(live_server.url + path)
            assert_fits(page, f"{path} ({language}, {viewport_name})")
            screenshot(page, f"{name}-{language}-{viewport_name}")
            assert_no_serious_axe_violations(page, f"{path} ({language}, {viewport_name})")
        context.close()
