"""The gate page: gate staff pick an entrance and scan tickets, online or offline.

The page is a thin shell; `static/expo/gate.js` does the work against the scan API
(`apis.py`) and keeps scanning on its own when the network drops. The view only
decides who may open it and tells the script where the API lives.

`gate_catalogue` is Django's JavaScript catalogue of gate.js's texts, one URL per language.

`gate_service_worker` serves `static/expo/gate-sw.js` from under /gate/, so that a gate
reloaded without network still opens the page (the worker's scope is its own folder).
"""

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.i18n import JavaScriptCatalog

from expo.core.permissions import is_gate_staff

TEMPLATE = "gate/scan.html"
# Filled in by the script with the picked entrance's venue slug.
VENUE_SLUG_PLACEHOLDER = "venue-slug"

SERVICE_WORKER = Path(__file__).resolve().parent / "static" / "expo" / "gate-sw.js"
# The static files the page loads (templates/gate/scan.html here), kept for offline reloads
# with its texts (gate_catalogue).
GATE_ASSETS = (
    "vendor/barcode-detector/ponyfill.js",
    "vendor/zxing-wasm/zxing_reader.wasm",
    "expo/qr-camera.js",
    "expo/gate.js",
    "expo/gate.css",
)
# Walk-ins and booking references (templates/gate/_walk_ins.html).
GATE_ASSETS += ("expo/gate-walkin.js", "expo/gate-walkin.css")
# The worker deletes caches with this prefix but another name: the previous deploy's.
SW_CACHE_PREFIX = "h22-gate-"


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
            "page": reverse("gate:scan"),
            "serviceWorker": reverse("gate:service-worker"),
        },
        "swCachePrefix": SW_CACHE_PREFIX,
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


def _catalogue(request, language: str) -> HttpResponse:
    # The project's djangojs catalogue (locale/, LOCALE_PATHS): gate.js's texts only, not
    # every app's.
    with translation.override(language):
        return JavaScriptCatalog.as_view(packages=["expo.scanning"])(request)


# No log-in, as the worker: texts only, and the worker fetches it whoever is logged in.
def gate_catalogue(request, language: str):
    if language not in dict(settings.LANGUAGES):
        raise Http404
    return _catalogue(request, language)


def _service_worker_config(request, source: bytes) -> dict:
    # The URLs as the page writes them: hashed names under the manifest storage
    # (production), plain ones under DEBUG and in tests.
    statics = [static(name) for name in GATE_ASSETS]
    # The cache name changes whenever the worker or a file it keeps changes, so a deploy
    # (or, under DEBUG, an edit) installs a new worker with fresh copies. The file
    # contents count too: under DEBUG the URLs never change.
    digest = hashlib.sha256(source)
    for name, url in zip(GATE_ASSETS, statics, strict=True):
        digest.update(url.encode())
        found = finders.find(name)
        if found:
            digest.update(Path(found).read_bytes())
    catalogues = []
    for language, _ in settings.LANGUAGES:
        catalogues.append(reverse("gate:catalogue", kwargs={"language": language}))
        digest.update(_catalogue(request, language).content)
    return {
        "cacheName": SW_CACHE_PREFIX + digest.hexdigest()[:16],
        "cachePrefix": SW_CACHE_PREFIX,
        "page": reverse("gate:scan"),
        "assets": statics + catalogues,
    }


# No log-in: the script holds nothing but public URLs, and a browser whose session ran out
# must still be able to fetch it (a worker script may not be a redirect). Never the HTTP
# cache: a new deploy is noticed on the next visit.
def gate_service_worker(request):
    source = SERVICE_WORKER.read_bytes()
    config = json.dumps(_service_worker_config(request, source))
    body = f"self.GATE_SW = {config};\n".encode() + source
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    # The scope the page registers; explicit, so it holds wherever the URLs are moved.
    response["Service-Worker-Allowed"] = reverse("gate:scan")
    return response
