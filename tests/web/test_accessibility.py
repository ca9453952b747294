"""axe-core on the visitor pages, in Swedish and English, at 360 px and desktop width.

Screenshots of every state land in the test artifacts (tests/browser.py) for people to
look at; the assertion is axe-core's: no serious or critical violation.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser import (
    DESKTOP,
    PHONE,
    assert_fits,
    assert_no_serious_axe_violations,
    browser_context,
    screenshot,
)
from tests.factories import ExpoFactory, SessionFactory, UserFactory

PASSWORD = "correct horse battery"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["sv", "en"])
def test_visitor_pages_have_no_serious_axe_violation(live_server, chromium, language):
    today = timezone.localdate()
    ExpoFactory(starts_on=today, ends_on=today + timedelta(days=30))
    session = SessionFactory(starts_at=timezone.now() + timedelta(days=2), capacity=10)
    UserFactory(email="axe@example.com", language=language)
    pages = [
        ("programme", "/"),
        ("session", f"/sessions/{session.pk}/"),
        ("login", "/login/"),
        ("register", "/register/"),
        ("password-reset", "/password/reset/"),
    ]
    for viewport_name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        context = browser_context(chromium, viewport=viewport, language=language)
        page = context.new_page()
        for name, path in pages:
            page.goto(live_server.url + path)
            assert_fits(page, f"{path} ({language}, {viewport_name})")
            screenshot(page, f"visitor-{name}-{language}-{viewport_name}")
            assert_no_serious_axe_violations(page, f"{path} ({language}, {viewport_name})")
        page.goto(live_server.url + "/login/")
        page.fill("input[name=username]", "axe@example.com")
        page.fill("input[name=password]", PASSWORD)
        page.click("main form.stack button[type=submit]")
        page.wait_for_load_state()
        page.goto(live_server.url + "/bookings/")
        screenshot(page, f"visitor-bookings-{language}-{viewport_name}")
        assert_no_serious_axe_violations(page, f"/bookings/ ({language}, {viewport_name})")
        context.close()
