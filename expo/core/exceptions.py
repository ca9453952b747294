"""Domain errors and the one renderer that turns every API error into the contract's shape.

Every 4xx body is ``{"code": "<snake_case>", "detail": "<text>", "fields": {...}}``;
``fields`` appears only for validation errors. Services raise ``ExpoError`` subclasses
and never build responses themselves.
"""

import logging

import psycopg
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions as drf_exceptions
from rest_framework import status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import set_rollback


class ExpoError(Exception):
    """A refusal the client can act on: a stable ``code`` and an HTTP status."""

    code = "error"
    http_status = status.HTTP_400_BAD_REQUEST
    default_detail = _("The request could not be completed.")

    def __init__(self, detail=None, *, extra=None, fields=None):
        self.detail = detail or self.default_detail
        self.extra = extra or {}
        self.fields = fields
        super().__init__(str(self.detail))


class InvalidInput(ExpoError):
    code = "invalid"
    default_detail = _("The request is not valid.")


class NotFound(ExpoError):
    code = "not_found"
    http_status = status.HTTP_404_NOT_FOUND
    default_detail = _("Not found.")


class Conflict(ExpoError):
    code = "conflict"
    http_status = status.HTTP_409_CONFLICT


class RequestTooLarge(ExpoError):
    code = "request_too_large"
    http_status = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")


class TooManyFields(ExpoError):
    code = "too_many_fields"
    default_detail = _("The request has too many fields or files.")


class BadRequest(ExpoError):
    code = "bad_request"
    default_detail = _("The request could not be understood.")


class Busy(ExpoError):
    """A lock could not be had in time; the client may retry shortly."""

    code = "busy"
    http_status = status.HTTP_409_CONFLICT
    default_detail = _("Many people are doing this right now. Please try again in a moment.")
    retry_after = 1


class ServiceUnavailable(ExpoError):
    """The database cannot be reached (a restart, a failover); the client may retry."""

    code = "service_unavailable"
    http_status = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("The service is briefly unavailable. Please try again in a moment.")
    retry_after = 5


# The database went away or refused the connection. Django wraps the driver's errors in
# its own; the driver's are listed for the few paths (closing a cursor) that do not.
DATABASE_UNAVAILABLE_ERRORS = (
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)

logger = logging.getLogger(__name__)


def database_unavailable_logged(exc: Exception, request) -> None:
    """One warning per refused request: an outage is the operator's news, not a bug."""
    logger.warning(
        "database unavailable, answered 503 to %s %s: %r",
        request.method,
        request.path,
        exc,
    )


def _error_body(code, detail, fields=None, extra=None):
    body = {"code": code, "detail": str(detail)}
    if extra:
        body.update(extra)
    if fields is not None:
        body["fields"] = fields
    return body


_DRF_CODES = {
    drf_exceptions.NotAuthenticated: "not_authenticated",
    drf_exceptions.AuthenticationFailed: "authentication_failed",
    drf_exceptions.PermissionDenied: "permission_denied",
    drf_exceptions.NotFound: "not_found",
    drf_exceptions.MethodNotAllowed: "method_not_allowed",
    drf_exceptions.NotAcceptable: "not_acceptable",
    drf_exceptions.UnsupportedMediaType: "unsupported_media_type",
    drf_exceptions.Throttled: "rate_limited",
    drf_exceptions.ParseError: "parse_error",
}


def _suspicious_as_expo_error(exc: SuspiciousOperation, context) -> ExpoError:
    """Django's refusals of a request body (size, field count...) as the contract's 4xx.

    Django would answer them with its HTML 400 page; they are still logged to
    ``django.security.*`` as Django does.
    """
    request = context.get("request")
    logging.getLogger(f"django.security.{exc.__class__.__name__}").error(
        str(exc), extra={"status_code": 400, "request": getattr(request, "_request", request)}
    )
    if isinstance(exc, RequestDataTooBig):
        return RequestTooLarge()
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return TooManyFields()
    return BadRequest()


def api_exception_handler(exc, context):
    """Render any error as the contract's body and roll back the request's transaction.

    A database outage answers 503 ``service_unavailable`` with ``Retry-After``, never 500:
    the client did nothing wrong and may simply try again.
    """
    if isinstance(exc, DATABASE_UNAVAILABLE_ERRORS):
        request = context.get("request")
        database_unavailable_logged(exc, getattr(request, "_request", request))
        exc = ServiceUnavailable()
    elif isinstance(exc, SuspiciousOperation):
        exc = _suspicious_as_expo_error(exc, context)
    elif isinstance(exc, Http404):
        exc = drf_exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf_exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = drf_exceptions.ValidationError(as_serializer_error(exc))

    headers = {}
    if isinstance(exc, ExpoError):
        set_rollback()
        if getattr(exc, "retry_after", None):
            headers["Retry-After"] = str(exc.retry_after)
        body = _error_body(exc.code, exc.detail, exc.fields, exc.extra)
        return Response(body, status=exc.http_status, headers=headers)

    if not isinstance(exc, drf_exceptions.APIException):
        return None  # a real bug: let Django log it and answer 500

    set_rollback()
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header

    if isinstance(exc, drf_exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        body = _error_body("invalid", _("Some fields are not valid."), fields=fields)
    else:
        code = next((c for cls, c in _DRF_CODES.items() if isinstance(exc, cls)), None)
        body = _error_body(code or exc.default_code, exc.detail)
    return Response(body, status=exc.status_code, headers=headers)
