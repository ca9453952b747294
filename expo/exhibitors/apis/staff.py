"""Expo staff decide on proposed sessions; a session's live attendance for staff and
the members of its host exhibitor."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from expo.bookings.selectors import session_attendance
from expo.core.exceptions import NotFound
from expo.core.permissions import IsExpoStaff, is_expo_staff, is_scan_only
from expo.events.models import Session
from expo.events.selectors import session_list
from expo.events.serializers import StaffSessionSerializer
from expo.events.services import session_approve, session_reject
from expo.exhibitors import selectors

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


class SessionAttendanceApi(APIView):
    """Expo staff and members of the session's host exhibitor; others 404 or 403."""

    permission_classes = [IsAuthenticated]  # anonymous callers are asked to log in (401)

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
