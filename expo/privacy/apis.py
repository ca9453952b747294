"""The person's own data, all of it, in one file (``GET /me/export/``)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from expo.accounts.serializers import ErrorSerializer
from expo.privacy import selectors

_NOT_AUTHENTICATED = OpenApiResponse(
    ErrorSerializer, description="`not_authenticated` or `authentication_failed`."
)


_EXPORT_SESSION = inline_serializer(
    "ExportSession",
    {
        "id": serializers.IntegerField(),
        "title": serializers.CharField(),
        "starts_at": serializers.DateTimeField(),
        "ends_at": serializers.DateTimeField(),
        "venue": serializers.CharField(),
    },
)
_EXPORT_NOTIFICATION = inline_serializer(
    "ExportNotification",
    {
        "kind": serializers.CharField(),
        "status": serializers.CharField(),
        "created_at": serializers.DateTimeField(),
        "sent_at": serializers.DateTimeField(allow_null=True),
    },
    many=True,
)


class MeExportApi(APIView):
    """Everything held about me, as a JSON file (GDPR right of access and portability)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="me_export",
        summary="Download my data (GDPR)",
        responses={
            200: inline_serializer(
                "MyDataExport",
                {
                    "exported_at": serializers.DateTimeField(),
                    "profile": inline_serializer(
                        "ExportProfile",
                        {
                            "id": serializers.IntegerField(),
                            "email": serializers.EmailField(),
                            "name": serializers.CharField(),
                            "language": serializers.CharField(),
                            "date_joined": serializers.DateTimeField(),
                            "last_login": serializers.DateTimeField(allow_null=True),
                            "roles": serializers.ListField(child=serializers.CharField()),
                        },
                    ),
                    "bookings": inline_serializer(
                        "ExportBooking",
                        {
                            "reference": serializers.CharField(),
                            "status": serializers.CharField(),
                            "party_size": serializers.IntegerField(),
                            "created_at": serializers.DateTimeField(),
                            "cancelled_at": serializers.DateTimeField(allow_null=True),
                            "session": _EXPORT_SESSION,
                            "tickets": inline_serializer(
                                "ExportTicket",
                                {
                                    "id": serializers.IntegerField(),
                                    "attendee_name": serializers.CharField(),
                                    "attendee_email": serializers.CharField(),
                                    "status": serializers.CharField(),
                                    "checked_in": serializers.BooleanField(),
                                    "first_checked_in_at": serializers.DateTimeField(
                                        allow_null=True
                                    ),
                                    "last_scan_at": serializers.DateTimeField(allow_null=True),
                                },
                                many=True,
                            ),
                            "notifications": _EXPORT_NOTIFICATION,
                        },
                        many=True,
                    ),
                    "waitlist_entries": inline_serializer(
                        "ExportWaitlistEntry",
                        {
                            "id": serializers.IntegerField(),
                            "status": serializers.CharField(),
                            "party_size": serializers.IntegerField(),
                            "created_at": serializers.DateTimeField(),
                            "offered_at": serializers.DateTimeField(allow_null=True),
                            "offer_expires_at": serializers.DateTimeField(allow_null=True),
                            "booking": serializers.CharField(allow_null=True),
                            "session": _EXPORT_SESSION,
                            "notifications": _EXPORT_NOTIFICATION,
                        },
                        many=True,
                    ),
                    "exhibitor_memberships": inline_serializer(
                        "ExportMembership",
                        {
                            "exhibitor": inline_serializer(
                                "ExportExhibitor",
                                {"slug": serializers.CharField(), "name": serializers.CharField()},
                            ),
                            "role": serializers.CharField(),
                            "created_at": serializers.DateTimeField(),
                        },
                        many=True,
                    ),
                    "lead_sharing": inline_serializer(
                        "ExportLeadSharing",
                        {
                            "consented_at": serializers.DateTimeField(allow_null=True),
                            "leads": inline_serializer(
                                "ExportLead",
                                {
                                    "exhibitor": inline_serializer(
                                        "ExportLeadExhibitor",
                                        {
                                            "slug": serializers.CharField(),
                                            "name": serializers.CharField(),
                                        },
                                    ),
                                    "name": serializers.CharField(),
                                    "email": serializers.CharField(),
                                    "note": serializers.CharField(),
                                    "created_at": serializers.DateTimeField(),
                                },
                                many=True,
                            ),
                            "withdrawn_from": inline_serializer(
                                "ExportContactWithdrawal",
                                {
                                    "exhibitor": inline_serializer(
                                        "ExportWithdrawnExhibitor",
                                        {
                                            "slug": serializers.CharField(),
                                            "name": serializers.CharField(),
                                        },
                                    ),
                                    "withdrawn_at": serializers.DateTimeField(),
                                },
                                many=True,
                            ),
                        },
                    ),
                    "exhibitor_invitations": inline_serializer(
                        "ExportInvitation",
                        {
                            "exhibitor": inline_serializer(
                                "ExportInvitingExhibitor",
                                {"slug": serializers.CharField(), "name": serializers.CharField()},
                            ),
                            "email": serializers.EmailField(),
                            "role": serializers.CharField(),
                            "created_at": serializers.DateTimeField(),
                            "expires_at": serializers.DateTimeField(),
                            "accepted_at": serializers.DateTimeField(allow_null=True),
                            "revoked_at": serializers.DateTimeField(allow_null=True),
                        },
                        many=True,
                    ),
                    "scans": inline_serializer(
                        "ExportScan",
                        {
                            "ticket": serializers.IntegerField(),
                            "entrance": serializers.CharField(),
                            "direction": serializers.CharField(),
                            "scanned_at": serializers.DateTimeField(),
                            "result": serializers.CharField(),
                            "reason": serializers.CharField(),
                        },
                        many=True,
                    ),
                    "messages": inline_serializer(
                        "ExportMessage",
                        {
                            "kind": serializers.CharField(),
                            "email": serializers.CharField(),
                            "status": serializers.CharField(),
                            "created_at": serializers.DateTimeField(),
                            "sent_at": serializers.DateTimeField(allow_null=True),
                            "context": serializers.DictField(),
                        },
                        many=True,
                    ),
                },
            ),
            401: _NOT_AUTHENTICATED,
        },
    )
    def get(self, request):
        data = selectors.user_data_export(user=request.user)
        response = Response(data)
        response["Content-Disposition"] = 'attachment; filename="h22-my-data.json"'
        response["Cache-Control"] = "private, no-store"
        return response
