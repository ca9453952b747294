"""Thin views: validate, call one service, serialise. Also the calendar downloads."""

from django.http import HttpResponse
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from expo.accounts.selectors import user_get_by_calendar_token
from expo.accounts.serializers import ErrorSerializer
from expo.bookings import calendar, selectors, services
from expo.bookings.models import Booking, Ticket, WaitlistEntry
from expo.bookings.qr import ticket_qr_png
from expo.bookings.serializers import (
    BookingCreateInputSerializer,
    BookingSerializer,
    WaitlistEntrySerializer,
    WaitlistJoinInputSerializer,
    booking_representation,
)
from expo.bookings.ticket_codes import ticket_code_sign
from expo.core.exceptions import InvalidInput, NotFound
from expo.core.negotiation import ErrorsAsJsonNegotiation
from expo.core.network import ClientIpThrottleMixin
from expo.core.permissions import IsVisitor, is_expo_staff
from expo.core.throttling import FailOpenThrottleMixin, ScopedFixedWindowRateThrottle

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    location=OpenApiParameter.HEADER,
    required=False,
    description="Retries with the same key and body replay the first response.",
)


class BookingWriteThrottle(
    FailOpenThrottleMixin, ClientIpThrottleMixin, ScopedFixedWindowRateThrottle
):
    """Limits booking attempts per user; reading one's bookings is not limited."""

    scope_attr = "throttle_scope"

    def allow_request(self, request, view):
        if request.method != "POST":
            return True
        return super().allow_request(request, view)


class BookingListCreateApi(GenericAPIView):
    permission_classes = [IsVisitor]
    throttle_classes = [BookingWriteThrottle]
    throttle_scope = "booking"
    serializer_class = BookingSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Booking.objects.none()
        return selectors.booking_list(user=self.request.user)

    @extend_schema(responses=BookingSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            [booking_representation(booking, request=request) for booking in page]
        )

    @extend_schema(
        request=BookingCreateInputSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: BookingSerializer},
    )
    def post(self, request):
        serializer = BookingCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data

        def perform():
            booking = services.booking_create(
                visitor=request.user,
                session_id=data["session"],
                party_size=data["party_size"],
                attendees=[services.Attendee(**attendee) for attendee in data["attendees"]],
            )
            return status.HTTP_201_CREATED, booking_representation(booking, request=request)

        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            http_status, body = perform()
        elif len(key) > 100:
            raise InvalidInput(fields={"Idempotency-Key": ["At most 100 characters."]})
        else:
            http_status, body = services.idempotent_request(
                user=request.user,
                key=key,
                fingerprint=services.request_fingerprint(
                    method="POST", path=request.path, body=data
                ),
                perform=perform,
            )
        return Response(body, status=http_status)


def _own_booking(request, reference: str) -> Booking:
    booking = selectors.booking_get(user=request.user, reference=reference)
    if booking is None:
        raise NotFound()
    return booking


class BookingDetailApi(APIView):
    permission_classes = [IsVisitor]

    @extend_schema(responses=BookingSerializer)
    def get(self, request, reference):
        booking = _own_booking(request, reference)
        return Response(booking_representation(booking, request=request))


class BookingCancelApi(APIView):
    permission_classes = [IsVisitor]

    @extend_schema(request=None, responses=BookingSerializer)
    def post(self, request, reference):
        booking = _own_booking(request, reference)
        services.booking_cancel(booking_id=booking.pk, by_staff=is_expo_staff(request.user))
        booking = _own_booking(request, reference)
        return Response(booking_representation(booking, request=request))


class TicketQrApi(APIView):
    """The ticket's code as a QR image, for the owner and staff."""

    permission_classes = [IsVisitor]
    content_negotiation_class = ErrorsAsJsonNegotiation

    @extend_schema(responses={(200, "image/png"): OpenApiResponse(description="PNG image")})
    def get(self, request, ticket_id):
        tickets = Ticket.objects.filter(pk=ticket_id)
        if not is_expo_staff(request.user):
            tickets = tickets.filter(booking__visitor=request.user)
        ticket = tickets.first()
        if ticket is None:
            raise NotFound()
        code = ticket_code_sign(ticket_id=ticket.pk, session_id=ticket.session_id)
        response = HttpResponse(ticket_qr_png(code), content_type="image/png")
        response["Cache-Control"] = "private, max-age=3600"
        return response


class WaitlistJoinApi(APIView):
    permission_classes = [IsVisitor]
    throttle_classes = [BookingWriteThrottle]
    throttle_scope = "waitlist"

    @extend_schema(request=WaitlistJoinInputSerializer, responses={201: WaitlistEntrySerializer})
    def post(self, request, session_id):
        serializer = WaitlistJoinInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = services.waitlist_join(
            visitor=request.user,
            session_id=session_id,
            party_size=serializer.validated_data["party_size"],
        )
        return Response(WaitlistEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class WaitlistListApi(GenericAPIView):
    permission_classes = [IsVisitor]
    serializer_class = WaitlistEntrySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return WaitlistEntry.objects.none()
        return selectors.waitlist_list(user=self.request.user)

    @extend_schema(operation_id="v1_waitlist_list", responses=WaitlistEntrySerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class WaitlistEntryApi(APIView):
    permission_classes = [IsVisitor]

    @extend_schema(responses=WaitlistEntrySerializer)
    def get(self, request, entry_id):
        entry = selectors.waitlist_list(user=request.user).filter(pk=entry_id).first()
        if entry is None:
            raise NotFound()
        return Response(WaitlistEntrySerializer(entry).data)

    @extend_schema(responses=WaitlistEntrySerializer)
    def delete(self, request, entry_id):
        entry = services.waitlist_leave(entry_id=entry_id, visitor=request.user)
        return Response(WaitlistEntrySerializer(entry).data)


class WaitlistAcceptApi(APIView):
    permission_classes = [IsVisitor]

    @extend_schema(request=None, responses={201: BookingSerializer})
    def post(self, request, entry_id):
        booking = services.waitlist_accept(entry_id=entry_id, visitor=request.user)
        return Response(
            booking_representation(booking, request=request), status=status.HTTP_201_CREATED
        )


# --- Calendars (iCalendar) -----------------------------------------------------------
# Calendar downloads: one session's ``.ics`` and the visitor's secret-link feed.

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
