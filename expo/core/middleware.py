"""Request timing for the metrics, and answers for a database outage on every path."""

import time

from expo.core import metrics
from expo.core.exceptions import DATABASE_UNAVAILABLE_ERRORS, database_unavailable_logged
from expo.core.views import service_unavailable


class DatabaseUnavailableMiddleware:
    """A view (or its template) that loses the database answers 503 with ``Retry-After``.

    JSON in the contract's shape under ``/api/`` (views outside DRF; DRF's own go through
    `expo.core.exceptions.api_exception_handler`), a short page in the visitor's language
    elsewhere. Django checks a connection that raised and drops it at the end of such a
    request, so the next request after the database is back succeeds.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_UNAVAILABLE_ERRORS):
            database_unavailable_logged(exception, request)
            return service_unavailable(request)
        return None


class RequestLatencyMiddleware:
    """Times each request into ``expo_http_request_duration_seconds`` (`expo.core.metrics`).

    First in ``MIDDLEWARE``, so the time includes the session, the log-in and every other
    middleware. One histogram sample in memory per request: no query, no network.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        metrics.http_request_observe(
            view=match.view_name if match else None,
            method=request.method,
            status=response.status_code,
            seconds=time.perf_counter() - started,
        )
        return response
