"""Public catalogue of exhibitors, expo staff's decisions on proposals, and the
visitor's side of lead sharing (`/me/leads/`), a session's attendance for its host. The
portal is in `api_portal.py`."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from expo.bookings.selectors import session_attendance
from expo.core.exceptions import NotFound
from expo.core.permissions import IsExpoStaff, IsVisitor, is_expo_staff, is_scan_only
from expo.events.models import Session
from expo.events.selectors import session_list
from expo.events.serializers import StaffSessionSerializer
from expo.events.services import session_approve, session_reject
from expo.exhibitors import leads, selectors
from expo.exhibitors.models import Exhibitor
from expo.exhibitors.serializers import (
    ContactHolderSerializer,
    ExhibitorSerializer,
    LeadConsentInputSerializer,
    LeadConsentSerializer,
)


class ExhibitorViewSet(viewsets.ReadOnlyModelViewSet):
    """Partner organisations in the public catalogue."""

    serializer_class = ExhibitorSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return selectors.exhibitor_public_list()


# --- Expo staff decide on proposals ------------------------------------------------------


class SessionRejectInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


def _staff_session_body(request, session_id: int) -> dict:
    session = session_list(include_unpublished=True).get(pk=session_id)
    return StaffSessionSerializer(session, context={"request": request}).data


class SessionApproveApi(APIView):
    permission_classes = [IsExpoStaff]

    @extend_schema(tags=["sessions"], request=None, responses=StaffSessionSerializer)
    def post(self, request, session_id):
        """Publish a `pending` proposal; the proposing exhibitor is told by e-mail."""
        session_approve(session_id=session_id, approved_by=request.user)
        return Response(_staff_session_body(request, session_id))


class SessionRejectApi(APIView):
    permission_classes = [IsExpoStaff]

    @extend_schema(
        tags=["sessions"], request=SessionRejectInputSerializer, responses=StaffSessionSerializer
    )
    def post(self, request, session_id):
        """Turn a `pending` proposal down; the reason goes to the exhibitor by e-mail."""
        serializer = SessionRejectInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session_reject(
            session_id=session_id,
            reason=serializer.validated_data["reason"],
            rejected_by=request.user,
        )
        return Response(_staff_session_body(request, session_id))


# --- The visitor's contact and exhibitors -------------------------------------------------


class LeadConsentApi(APIView):
    """Whether exhibitors may keep my name and e-mail: when a stand scans my ticket, and
    on the attendee lists of the sessions I book. Turning it off wipes every lead."""

    permission_classes = [IsVisitor]

    @extend_schema(tags=["me"], responses=LeadConsentSerializer)
    def get(self, request):
        consent = selectors.lead_consent_get(user=request.user)
        return Response(LeadConsentSerializer.of(consent))

    @extend_schema(tags=["me"], request=LeadConsentInputSerializer, responses=LeadConsentSerializer)
    def put(self, request):
        serializer = LeadConsentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consent = leads.lead_consent_set(
            user=request.user, given=serializer.validated_data["given"]
        )
        return Response(LeadConsentSerializer.of(consent))


class ContactHolderListApi(GenericAPIView):
    permission_classes = [IsVisitor]
    serializer_class = ContactHolderSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Exhibitor.objects.none()
        return selectors.contact_holder_list(user=self.request.user)

    @extend_schema(tags=["me"], responses=ContactHolderSerializer(many=True))
    def get(self, request):
        """The exhibitors that hold my contact (a lead from their stand) or see it (on the
        attendee list of a session of theirs I booked)."""
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class ContactWithdrawApi(APIView):
    permission_classes = [IsVisitor]

    @extend_schema(
        tags=["me"], request=None, responses={204: OpenApiResponse(description="Withdrawn.")}
    )
    def post(self, request, slug):
        """This exhibitor forgets me: its leads of me lose my contact, it cannot scan me
        as a lead again, and it no longer sees my e-mail on attendee lists."""
        exhibitor = get_object_or_404(Exhibitor, slug=slug)
        leads.contact_withdraw(user=request.user, exhibitor=exhibitor)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SessionAttendanceApi(APIView):
    """Expo staff and members of the session's host exhibitor; others 404 or 403."""

    @extend_schema(
        responses=inline_serializer(
            "SessionAttendance",
            {
                "capacity": serializers.IntegerField(),
                "seats_left": serializers.IntegerField(),
                "booked": serializers.IntegerField(),
                "checked_in": serializers.IntegerField(),
                "inside": serializers.IntegerField(),
                "no_shows": serializers.IntegerField(),
                "released": serializers.IntegerField(),
                "waitlist": serializers.IntegerField(),
                "waitlist_parties": serializers.IntegerField(),
            },
        )
    )
    def get(self, request, session_id):
        if is_scan_only(request.user):
            raise PermissionDenied()  # gate staff scan and nothing else
        session = session_list(include_unpublished=True).filter(pk=session_id).first()
        if session is None or not _may_see_attendance(request.user, session):
            raise NotFound()
        return Response(session_attendance(session=session))


def _may_see_attendance(user, session: Session) -> bool:
    if is_expo_staff(user):
        return True
    # Who acts for which organisation is decided in one place (docs/architecture.md,
    # invariant 6).
    return bool(
        session.host_id
        and selectors.member_exhibitors(user=user).filter(pk=session.host_id).exists()
    )
