"""Liveness and readiness probes, the metrics, and the API's answers for what no API view
handles.

Under ``/api/`` every answer is JSON in the contract's shape (`expo.core.exceptions`),
also for a URL that matches no route and for the errors Django itself raises before or
around a view (``handler400``... in `config.urls`); the HTML pages keep Django's pages.
"""

import hmac
import sys
from email.utils import parseaddr

from django.conf import settings
from django.db import connection
from django.http import (
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.template.loader import render_to_string
from django.urls import is_valid_path
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_safe
from prometheus_client import CONTENT_TYPE_LATEST

from expo.core.exceptions import DATABASE_UNAVAILABLE_ERRORS, ServiceUnavailable
from expo.core.metrics import metrics_exposition
from expo.core.pages import render_page
from expo.core.permissions import is_expo_staff

API_PREFIX = "/api/"


@never_cache
@require_GET
def healthz(request):
    """The process answers; says nothing about its dependencies."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    """Ready to serve: the database answers and, where configured, the Redis broker."""
    checks = {"database": _check_database()}
    if settings.REDIS_URL:
        checks["redis"] = _check_redis(settings.REDIS_URL)
    ready = all(result == "ok" for result in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        return f"error: {exc.__class__.__name__}"
    return "ok"


def _check_redis(url: str) -> str:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        return f"error: {exc.__class__.__name__}"
    return "ok"


@never_cache
def metrics(request):
    """Prometheus scrapes here (README, "Metrics"): with ``Authorization: Bearer`` and
    ``METRICS_TOKEN``, or in an expo staff login's browser.

    Anyone else gets the API's 404, whatever the method: the endpoint is not there for
    them. The token is compared in constant time and checked before the login, so a
    scrape costs no query for the session or the user.
    """
    if not (_bearer_token_matches(request, settings.METRICS_TOKEN) or is_expo_staff(request.user)):
        return _api_error("not_found", _("Not found."), 404)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return HttpResponse(metrics_exposition(), content_type=CONTENT_TYPE_LATEST)


def _bearer_token_matches(request, token: str) -> bool:
    scheme, _space, given = request.headers.get("Authorization", "").partition(" ")
    return (
        bool(token)
        and scheme.lower() == "bearer"
        and hmac.compare_digest(given.strip().encode(), token.encode())
    )


# --- The API's answers outside its views ---------------------------------------------------


def _is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _api_error(code: str, detail: str, status: int) -> JsonResponse:
    # Written as DRF's JSONRenderer writes the API's other answers.
    params = {"ensure_ascii": False, "separators": (",", ":")}
    return JsonResponse({"code": code, "detail": detail}, status=status, json_dumps_params=params)


@csrf_exempt
def api_not_found(request, *args, **kwargs):
    """Any ``/api/...`` URL no route matches: the contract's JSON 404, never Django's page.

    A read without the trailing slash is still redirected to the URL with it, as Django's
    ``APPEND_SLASH`` would. A write is not: most clients repeat a redirected POST as a
    GET, which would drop the body (a booking never made) behind a successful answer.
    """
    path = request.path_info
    if settings.APPEND_SLASH and not path.endswith("/"):
        match = is_valid_path(f"{path}/", getattr(request, "urlconf", None))
        if match and match.func is not api_not_found:
            if request.method in ("GET", "HEAD"):
                return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
            return _api_error(
                "not_found",
                _("Not found. Did you mean %(path)s (with a trailing slash)?")
                % {"path": f"{request.path}/"},
                404,
            )
    return _api_error("not_found", _("Not found."), 404)


def bad_request(request, exception):
    if _is_api(request):
        return _api_error("bad_request", _("The request could not be understood."), 400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if _is_api(request):
        return _api_error(
            "permission_denied", _("You do not have permission to perform this action."), 403
        )
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if _is_api(request):
        return _api_error("not_found", _("Not found."), 404)
    return defaults.page_not_found(request, exception)


def service_unavailable(request):
    """The database is away: 503 with ``Retry-After``, JSON under /api/, a page elsewhere.

    The page is rendered without the request's context: showing who is logged in would
    need the database.
    """
    error = ServiceUnavailable()
    if _is_api(request):
        response = _api_error(error.code, str(error.detail), error.http_status)
    else:
        response = HttpResponse(render_to_string("503.html"), status=error.http_status)
    response["Retry-After"] = str(error.retry_after)
    return response


def server_error(request):
    """Django's handler500, called while the exception is being handled.

    A database outage met outside a view (a middleware saving the session) is not a bug
    of ours: it answers 503 like one met in a view.
    """
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE_ERRORS):
        return service_unavailable(request)
    if _is_api(request):
        return _api_error("server_error", _("Something went wrong on our side."), 500)
    return defaults.server_error(request)


# --- The site's statements ----------------------------------------------------------------


def _contact_email() -> str:
    """The address people write to: the one the site's mails come from (they can reply)."""
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


@require_safe
def accessibility_statement(request):
    """Sweden's accessibility law (DOS-lagen) asks every public service for one."""
    return render_page(request, "pages/accessibility.html", {"contact_email": _contact_email()})


@require_safe
def contact(request):
    return render_page(request, "pages/contact.html", {"contact_email": _contact_email()})
