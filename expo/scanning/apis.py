"""Gate staff's API: scan, sync offline scans, keys and revocations, live numbers."""

from datetime import UTC, datetime

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from expo.bookings import selectors
from expo.bookings.models import Ticket
from expo.bookings.ticket_codes import public_keys, ticket_code_sign
from expo.core.exceptions import NotFound
from expo.core.permissions import IsGateStaff
from expo.core.queries import ID_MAX
from expo.events.models import Entrance, Venue
from expo.scanning import services as scanning
from expo.scanning.models import Scan

SCANNED_AT_FROM = datetime(2000, 1, 1, tzinfo=UTC)
SCANNED_AT_UNTIL = datetime(3000, 1, 1, tzinfo=UTC)


class ScanInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=1000, trim_whitespace=False)
    entrance = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    direction = serializers.ChoiceField(choices=Scan.Direction.choices)
    nonce = serializers.RegexField(r"^[A-Za-z0-9_.:-]{8,64}$")
    scanned_at = serializers.DateTimeField(required=False, allow_null=True)

    def validate_scanned_at(self, value):
        # A device clock this far off is broken; stored, such a time would overflow
        # wherever it is shown in the expo's time zone (the ticket's last scan).
        if value is not None and not SCANNED_AT_FROM <= value < SCANNED_AT_UNTIL:
            raise serializers.ValidationError(
                f"Pick a time from {SCANNED_AT_FROM:%Y} to {SCANNED_AT_UNTIL.year - 1}."
            )
        return value

    def to_scan(self, data) -> scanning.ScanInput:
        return scanning.ScanInput(
            code=data["code"],
            entrance_id=data["entrance"],
            direction=data["direction"],
            nonce=data["nonce"],
            scanned_at=data.get("scanned_at"),
        )


class ScanBatchInputSerializer(serializers.Serializer):
    scans = ScanInputSerializer(many=True, allow_empty=False, max_length=1000)
    device = serializers.RegexField(
        r"^[A-Za-z0-9_.:-]{8,64}$",
        required=False,
        default="",
        help_text="A random id the device keeps; bounds how old its offline scans may be.",
    )


class ScanResultSerializer(serializers.Serializer):
    """Documents the result; the body itself is the stored dict, replayed verbatim."""

    status = serializers.ChoiceField(choices=Scan.Result.choices)
    reason = serializers.CharField(allow_null=True)
    ticket = inline_serializer(
        "ScannedTicket",
        {
            "id": serializers.IntegerField(),
            "attendee_name": serializers.CharField(),
            "booking_reference": serializers.CharField(),
            "session": inline_serializer(
                "ScannedSession",
                {
                    "id": serializers.IntegerField(),
                    "title": serializers.CharField(),
                    "starts_at": serializers.DateTimeField(),
                },
            ),
        },
        allow_null=True,
    )
    first_checked_in_at = serializers.DateTimeField(required=False)
    flagged = serializers.BooleanField(
        required=False, help_text="An offline admission kept for staff review, not counted."
    )


class ScanApi(APIView):
    permission_classes = [IsGateStaff]

    @extend_schema(request=ScanInputSerializer, responses=ScanResultSerializer)
    def post(self, request):
        serializer = ScanInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        scan = serializer.to_scan(serializer.validated_data)
        return Response(scanning.ticket_scan(staff=request.user, scan=scan))


class ScanBatchApi(APIView):
    permission_classes = [IsGateStaff]

    @extend_schema(
        request=ScanBatchInputSerializer,
        responses=inline_serializer(
            "ScanBatchResult", {"results": ScanResultSerializer(many=True)}
        ),
    )
    def post(self, request):
        serializer = ScanBatchInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = ScanInputSerializer()
        scans = [item.to_scan(data) for data in serializer.validated_data["scans"]]
        results = scanning.ticket_scan_batch(
            staff=request.user, scans=scans, device=serializer.validated_data["device"]
        )
        return Response({"results": results})


class ScanKeysApi(APIView):
    permission_classes = [IsGateStaff]

    @extend_schema(
        responses=inline_serializer(
            "ScanKeys",
            {
                "keys": inline_serializer(
                    "ScanKey",
                    {
                        "key_id": serializers.CharField(),
                        "algorithm": serializers.CharField(),
                        "public_key": serializers.CharField(),
                        "current": serializers.BooleanField(),
                    },
                    many=True,
                )
            },
        )
    )
    def get(self, request):
        return Response({"keys": public_keys()})


class RevokedTicketSerializer(serializers.ModelSerializer):
    class Meta:
        model = Ticket
        fields = ["id", "session_id", "revoked_at", "status"]


class RevokedQuerySerializer(serializers.Serializer):
    since = serializers.DateTimeField(required=False)


class RevokedTicketsApi(GenericAPIView):
    """Cancelled and released tickets since a time, for offline verification."""

    permission_classes = [IsGateStaff]
    serializer_class = RevokedTicketSerializer
    queryset = Ticket.objects.none()

    @extend_schema(
        parameters=[RevokedQuerySerializer], responses=RevokedTicketSerializer(many=True)
    )
    def get(self, request):
        query = RevokedQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        since = query.validated_data.get("since")
        page = self.paginate_queryset(selectors.revoked_tickets_since(since=since))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class VenueOccupancyApi(APIView):
    permission_classes = [IsGateStaff]

    @extend_schema(
        responses=inline_serializer(
            "VenueOccupancy",
            {
                "capacity": serializers.IntegerField(allow_null=True),
                "inside": serializers.IntegerField(),
                "updated_at": serializers.DateTimeField(allow_null=True),
            },
        )
    )
    def get(self, request, slug):
        venue = get_object_or_404(Venue, slug=slug)
        return Response(
            {
                "capacity": venue.max_occupancy,
                "inside": venue.inside,
                "updated_at": venue.inside_updated_at,
            }
        )


class WalkInSessionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="session.pk")
    title = serializers.CharField(source="session.title")
    starts_at = serializers.DateTimeField(source="session.starts_at")
    ends_at = serializers.DateTimeField(source="session.ends_at")
    capacity = serializers.IntegerField(source="session.capacity")
    seats_free_now = serializers.IntegerField(
        help_text="Seats no booking and no open waitlist offer holds; 0 until walk-ins open."
    )
    walk_ins_open = serializers.BooleanField()
    walk_ins_open_at = serializers.DateTimeField(help_text="When the no-show release is due.")


class WalkInInputSerializer(serializers.Serializer):
    session = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    name = serializers.CharField(max_length=150)
    email = serializers.EmailField(required=False, default="", allow_blank=True)


class WalkInTicketSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="ticket.pk")
    attendee_name = serializers.CharField(source="ticket.attendee_name")
    attendee_email = serializers.CharField(source="ticket.attendee_email")
    booking_reference = serializers.CharField(source="ticket.booking.reference")
    session = serializers.IntegerField(source="ticket.session_id")
    code = serializers.CharField()


class EntranceWalkInsApi(APIView):
    """Seats given at the door after the no-show release (docs/api.md, walk-ins)."""

    permission_classes = [IsGateStaff]

    def _entrance(self, pk) -> Entrance:
        entrance = Entrance.objects.filter(pk=pk).first()
        if entrance is None:
            raise NotFound()
        return entrance

    @extend_schema(
        responses=inline_serializer(
            "EntranceWalkIns",
            {
                "entrance": serializers.IntegerField(),
                "sessions": WalkInSessionSerializer(many=True),
            },
        )
    )
    def get(self, request, pk):
        entrance = self._entrance(pk)
        rows = selectors.walk_in_sessions(venue_id=entrance.venue_id, now=timezone.now())
        return Response(
            {"entrance": entrance.pk, "sessions": WalkInSessionSerializer(rows, many=True).data}
        )

    @extend_schema(
        request=WalkInInputSerializer,
        responses={
            201: inline_serializer(
                "WalkInIssued", {"ticket": WalkInTicketSerializer(), "scan": ScanResultSerializer()}
            )
        },
    )
    def post(self, request, pk):
        serializer = WalkInInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        walk_in = scanning.walk_in_admit(
            staff=request.user,
            entrance_id=self._entrance(pk).pk,
            session_id=data["session"],
            name=data["name"],
            email=data["email"],
        )
        return Response(
            {"ticket": WalkInTicketSerializer(walk_in).data, "scan": walk_in.scan}, status=201
        )


class GateBookingQuerySerializer(serializers.Serializer):
    entrance = serializers.IntegerField(min_value=1, max_value=ID_MAX)


class GateTicketSerializer(serializers.ModelSerializer):
    code = serializers.SerializerMethodField(help_text="Scan it with `POST /scans/`.")

    class Meta:
        model = Ticket
        fields = ["id", "attendee_name", "status", "checked_in", "first_checked_in_at", "code"]

    def get_code(self, ticket) -> str:
        return ticket_code_sign(ticket_id=ticket.pk, session_id=ticket.session_id)


class GateBookingApi(APIView):
    """A booking's tickets by its reference, for gates without a camera (docs/api.md)."""

    permission_classes = [IsGateStaff]

    @extend_schema(
        parameters=[GateBookingQuerySerializer],
        responses=inline_serializer(
            "GateBooking",
            {
                "reference": serializers.CharField(),
                "status": serializers.CharField(),
                "session": inline_serializer(
                    "GateBookingSession",
                    {
                        "id": serializers.IntegerField(),
                        "title": serializers.CharField(),
                        "starts_at": serializers.DateTimeField(),
                        "venue": serializers.CharField(),
                    },
                ),
                "at_this_entrance": serializers.BooleanField(),
                "tickets": GateTicketSerializer(many=True),
            },
        ),
    )
    def get(self, request, reference):
        query = GateBookingQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        entrance = Entrance.objects.filter(pk=query.validated_data["entrance"]).first()
        booking = selectors.booking_for_gate(reference=reference)
        if entrance is None or booking is None:
            raise NotFound()
        session = booking.session
        return Response(
            {
                "reference": booking.reference,
                "status": booking.status,
                "session": {
                    "id": session.pk,
                    "title": session.title,
                    "starts_at": session.starts_at,
                    "venue": session.venue.name,
                },
                "at_this_entrance": session.venue_id == entrance.venue_id,
                "tickets": GateTicketSerializer(booking.tickets.all(), many=True).data,
            }
        )
