"""The gate page: gate staff pick an entrance and scan tickets, online or offline.

The page is a thin shell; `static/expo/gate.js` does the work against the scan API
(`apis_scans.py`) and keeps scanning on its own when the network drops. The view only
decides who may open it and tells the script where the API lives.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie

from expo.core.permissions import is_gate_staff

TEMPLATE = "gate/scan.html"
# Filled in by the script with the picked entrance's venue slug.
VENUE_SLUG_PLACEHOLDER = "venue-slug"


def _url_or_none(name: str) -> str | None:
    """Pages owned by other parts of the site (log out, language) are optional here."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _gate_config(request) -> dict:
    return {
        "urls": {
            "scan": reverse("scan"),
            "batch": reverse("scan-batch"),
            "keys": reverse("scan-keys"),
            "revoked": reverse("scan-revoked"),
            "entrances": reverse("entrance-list"),
            "sessions": reverse("session-list"),
            "occupancy": reverse("venue-occupancy", kwargs={"slug": VENUE_SLUG_PLACEHOLDER}),
        },
        "venueSlugPlaceholder": VENUE_SLUG_PLACEHOLDER,
        "scanOpensMinutes": settings.SCAN_OPENS_MINUTES_BEFORE_START,
        "timeZone": settings.EXPO_TIME_ZONE,
        "csrfCookieName": settings.CSRF_COOKIE_NAME,
        "user": request.user.email,
    }


# Logged in first (a visitor who is not staff sees a 403 page, not a login loop); the
# CSRF cookie is set here because the page only ever talks to the API with fetch().
@login_required(login_url="accounts:login")
@ensure_csrf_cookie
@never_cache
def gate_scan(request):
    context = {
        "login_url": _url_or_none("accounts:login"),
        "logout_url": _url_or_none("accounts:logout"),
        "set_language_url": _url_or_none("set_language"),
    }
    if not is_gate_staff(request.user):
        return render(request, TEMPLATE, {**context, "forbidden": True}, status=403)
    return render(request, TEMPLATE, {**context, "gate_config": _gate_config(request)})
