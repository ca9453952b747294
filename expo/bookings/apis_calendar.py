"""Calendar downloads: one session's ``.ics`` and the visitor's secret-link feed."""

from django.http import HttpResponse
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.views import APIView

from expo.accounts.selectors import user_get_by_calendar_token
from expo.accounts.serializers import ErrorSerializer
from expo.bookings import calendar
from expo.core.exceptions import NotFound
from expo.core.negotiation import ErrorsAsJsonNegotiation

ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"
_ICS = OpenApiResponse(OpenApiTypes.STR, description="An iCalendar (RFC 5545) file.")
_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="`not_found`.")


def _ics_response(body: bytes, *, filename: str, cache_control: str) -> HttpResponse:
    response = HttpResponse(body, content_type=ICS_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = cache_control
    return response


class SessionCalendarApi(APIView):
    """One session as an iCalendar file, in the request's language."""

    # Public, and fetched by calendar apps: a stale token in the client must not be a 401.
    authentication_classes = []
    permission_classes = []
    content_negotiation_class = ErrorsAsJsonNegotiation

    @extend_schema(
        operation_id="session_calendar",
        summary="Add a session to my calendar (.ics)",
        responses={(200, "text/calendar"): _ICS, 404: _NOT_FOUND},
        auth=[],
    )
    def get(self, request, session_id):
        session = calendar.calendar_session_get(session_id=session_id)
        if session is None:
            raise NotFound()
        body = calendar.session_ics(session, language=translation.get_language() or "sv")
        return _ics_response(
            body, filename=f"h22-session-{session.pk}.ics", cache_control="max-age=300"
        )


class VisitorCalendarFeedApi(APIView):
    """The visitor's bookings as a subscribable feed; the secret token is the only key.

    Calendar apps cannot log in, so the link itself identifies the visitor; rotating the
    token (``POST /me/calendar-token/``) revokes every copy of the old link.
    """

    authentication_classes = []
    permission_classes = []
    content_negotiation_class = ErrorsAsJsonNegotiation

    @extend_schema(
        operation_id="me_calendar_feed",
        summary="My bookings as a calendar feed (.ics)",
        parameters=[
            OpenApiParameter(
                "token",
                str,
                required=True,
                description="The secret from `GET /api/v1/me/calendar-token/`.",
            )
        ],
        responses={(200, "text/calendar"): _ICS, 404: _NOT_FOUND},
        auth=[],
    )
    def get(self, request):
        user = user_get_by_calendar_token(token=request.query_params.get("token", ""))
        if user is None:
            raise NotFound()
        # Private: the URL is a credential, so no shared cache may keep a copy of the feed.
        return _ics_response(
            calendar.visitor_calendar_ics(user),
            filename="h22-my-bookings.ics",
            cache_control="private, no-store",
        )
