"""Gate staff's API: scan, sync offline scans, keys and revocations, live numbers."""

from datetime import UTC, datetime

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from expo.bookings import selectors
from expo.bookings.models import Ticket
from expo.bookings.ticket_codes import public_keys
from expo.core.permissions import IsGateStaff
from expo.events.models import Venue
from expo.scanning import services as scanning
from expo.scanning.models import Scan

SCANNED_AT_FROM = datetime(2000, 1, 1, tzinfo=UTC)
SCANNED_AT_UNTIL = datetime(3000, 1, 1, tzinfo=UTC)


class ScanInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=1000, trim_whitespace=False)
    entrance = serializers.IntegerField(min_value=1)
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
