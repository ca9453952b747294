"""The exhibitor portal, `/api/v1/exhibitor/...`: thin views over selectors and services.

Every view that names an organisation starts with `self.exhibitor(slug)`, which asks
`selectors.exhibitor_for_member` and nothing else: outsiders get 404 for any
organisation that is not theirs, scan-only gate accounts 403, anonymous callers 401.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from expo.bookings.models import Booking
from expo.core.exceptions import InvalidInput
from expo.core.negotiation import ErrorsAsJsonNegotiation
from expo.core.parsers import JSONParser
from expo.core.permissions import IsVisitor, is_scan_only
from expo.events.models import Session
from expo.events.services import session_propose
from expo.exhibitors import leads, selectors, services
from expo.exhibitors.csv_export import DELIMITERS, leads_csv, session_attendees_csv
from expo.exhibitors.models import Exhibitor, Invitation, Lead, Membership, Stand
from expo.exhibitors.serializers import (
    ExhibitorProfileInputSerializer,
    ExhibitorProfileSerializer,
    HostedBookingSerializer,
    HostedSessionDetailSerializer,
    HostedSessionSerializer,
    InvitationInputSerializer,
    InvitationPreviewSerializer,
    InvitationSerializer,
    LeadCaptureInputSerializer,
    LeadNoteInputSerializer,
    LeadSerializer,
    MemberRoleInputSerializer,
    MemberSerializer,
    MyExhibitorSerializer,
    ProposalInputSerializer,
    StandInputSerializer,
    StandSerializer,
)

TAG = "exhibitor portal"
NO_CONTENT = {204: OpenApiResponse(description="Done.")}
CSV_RESPONSE = {(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="UTF-8 CSV.")}
DELIMITER_PARAMETER = OpenApiParameter(
    "delimiter",
    enum=list(DELIMITERS),
    default="comma",
    description="`semicolon` for spreadsheets set up for Swedish (decimal comma).",
)


class IsExhibitorPortalUser(IsVisitor):
    """Logged in and not a scan-only gate account; which organisations is the selector's
    business."""


class NotScanOnly(BasePermission):
    """Anyone, anonymous too, except gate accounts (they scan and nothing else)."""

    def has_permission(self, request, view):
        return not (request.user.is_authenticated and is_scan_only(request.user))


class PortalApi(GenericAPIView):
    permission_classes = [IsExhibitorPortalUser]
    serializer_class = None

    def exhibitor(self, slug: str, *, owner: bool = False) -> Exhibitor:
        return selectors.exhibitor_for_member(user=self.request.user, slug=slug, owner=owner)

    def page(self, queryset, serializer_class):
        page = self.paginate_queryset(queryset)
        data = serializer_class(page, many=True, context={"request": self.request}).data
        return self.get_paginated_response(data)


def _delimiter(request) -> str:
    name = request.query_params.get("delimiter", "comma")
    if name not in DELIMITERS:
        raise InvalidInput(fields={"delimiter": [f"One of {', '.join(DELIMITERS)}."]})
    return DELIMITERS[name]


# --- Organisations and profile -----------------------------------------------------------


@extend_schema(tags=[TAG])
class MyExhibitorListApi(PortalApi):
    queryset = Exhibitor.objects.none()  # for the schema; reads go through the selectors

    @extend_schema(responses=MyExhibitorSerializer(many=True))
    def get(self, request):
        """The organisations I act for, with my role in each."""
        return self.page(selectors.member_exhibitors(user=request.user), MyExhibitorSerializer)


@extend_schema(tags=[TAG])
class ExhibitorProfileApi(PortalApi):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(responses=ExhibitorProfileSerializer)
    def get(self, request, slug):
        exhibitor = self.exhibitor(slug)
        return Response(ExhibitorProfileSerializer(exhibitor, context={"request": request}).data)

    @extend_schema(
        request={
            "application/json": ExhibitorProfileInputSerializer,
            "multipart/form-data": ExhibitorProfileInputSerializer,
        },
        responses=ExhibitorProfileSerializer,
    )
    def patch(self, request, slug):
        """Edit the profile. A logo is sent as multipart; PNG, JPEG or WebP, ≤ 2 MB."""
        exhibitor = self.exhibitor(slug)
        serializer = ExhibitorProfileInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        exhibitor = services.exhibitor_profile_update(
            exhibitor=exhibitor, data=dict(serializer.validated_data)
        )
        return Response(ExhibitorProfileSerializer(exhibitor, context={"request": request}).data)


# --- Stands ------------------------------------------------------------------------------


@extend_schema(tags=[TAG])
class StandListCreateApi(PortalApi):
    queryset = Stand.objects.none()  # for the schema; reads go through the selectors

    @extend_schema(responses=StandSerializer(many=True))
    def get(self, request, slug):
        exhibitor = self.exhibitor(slug)
        return self.page(selectors.stand_list(exhibitor=exhibitor), StandSerializer)

    @extend_schema(request=StandInputSerializer, responses={201: StandSerializer})
    def post(self, request, slug):
        exhibitor = self.exhibitor(slug)
        serializer = StandInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        stand = services.stand_create(exhibitor=exhibitor, data=dict(serializer.validated_data))
        return Response(StandSerializer(stand).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG])
class StandDetailApi(PortalApi):
    @extend_schema(responses=StandSerializer)
    def get(self, request, slug, stand_id):
        stand = selectors.stand_get(exhibitor=self.exhibitor(slug), stand_id=stand_id)
        return Response(StandSerializer(stand).data)

    @extend_schema(request=StandInputSerializer(partial=True), responses=StandSerializer)
    def patch(self, request, slug, stand_id):
        stand = selectors.stand_get(exhibitor=self.exhibitor(slug), stand_id=stand_id)
        serializer = StandInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        stand = services.stand_update(stand=stand, data=dict(serializer.validated_data))
        return Response(StandSerializer(stand).data)

    @extend_schema(responses=NO_CONTENT)
    def delete(self, request, slug, stand_id):
        stand = selectors.stand_get(exhibitor=self.exhibitor(slug), stand_id=stand_id)
        services.stand_delete(stand=stand)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Members and invitations ------------------------------------------------------------------


@extend_schema(tags=[TAG])
class MemberListInviteApi(PortalApi):
    queryset = Membership.objects.none()  # for the schema; reads go through the selectors

    @extend_schema(responses=MemberSerializer(many=True))
    def get(self, request, slug):
        exhibitor = self.exhibitor(slug)
        return self.page(selectors.membership_list(exhibitor=exhibitor), MemberSerializer)

    @extend_schema(request=InvitationInputSerializer, responses={201: InvitationSerializer})
    def post(self, request, slug):
        """Owners invite someone by e-mail; the link in the e-mail makes them a member."""
        exhibitor = self.exhibitor(slug, owner=True)
        serializer = InvitationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        issued = services.invitation_create(
            exhibitor=exhibitor, invited_by=request.user, **serializer.validated_data
        )
        return Response(InvitationSerializer(issued.invitation).data, status=201)


@extend_schema(tags=[TAG])
class MemberDetailApi(PortalApi):
    @extend_schema(request=MemberRoleInputSerializer, responses=MemberSerializer)
    def patch(self, request, slug, membership_id):
        """Owners change a member's role; the last owner stays owner."""
        exhibitor = self.exhibitor(slug, owner=True)
        serializer = MemberRoleInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.membership_role_set(
            exhibitor=exhibitor, membership_id=membership_id, role=serializer.validated_data["role"]
        )
        return Response(MemberSerializer(membership).data)

    @extend_schema(responses=NO_CONTENT)
    def delete(self, request, slug, membership_id):
        """Owners remove members; anyone may remove themselves; never the last owner."""
        services.membership_remove(
            exhibitor=self.exhibitor(slug), membership_id=membership_id, acting_user=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=[TAG])
class InvitationListApi(PortalApi):
    queryset = Invitation.objects.none()  # for the schema; reads go through the selectors

    @extend_schema(responses=InvitationSerializer(many=True))
    def get(self, request, slug):
        """Invitations nobody has answered yet (owners only)."""
        exhibitor = self.exhibitor(slug, owner=True)
        return self.page(selectors.invitation_open_list(exhibitor=exhibitor), InvitationSerializer)


@extend_schema(tags=[TAG])
class InvitationRevokeApi(PortalApi):
    @extend_schema(responses=NO_CONTENT)
    def delete(self, request, slug, invitation_id):
        services.invitation_revoke(
            exhibitor=self.exhibitor(slug, owner=True), invitation_id=invitation_id
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=[TAG])
class InvitationPreviewApi(PortalApi):
    """Whoever holds the link may see what it invites to (the token is the secret)."""

    permission_classes = [NotScanOnly]

    @extend_schema(responses=InvitationPreviewSerializer)
    def get(self, request, token):
        return Response(InvitationPreviewSerializer(services.invitation_by_token(token)).data)


@extend_schema(tags=[TAG])
class InvitationAcceptApi(PortalApi):
    @extend_schema(request=None, responses=MyExhibitorSerializer)
    def post(self, request, token):
        """The logged-in person with the invited address becomes a member."""
        membership = services.invitation_accept(token=token, user=request.user)
        exhibitor = membership.exhibitor
        exhibitor.my_role = membership.role
        return Response(MyExhibitorSerializer(exhibitor).data)


# --- Proposed and hosted sessions ------------------------------------------------------------


def _hosted_session_body(request, exhibitor, session_id):
    session = selectors.hosted_session_get(exhibitor=exhibitor, session_id=session_id)
    return HostedSessionDetailSerializer(session, context={"request": request}).data


@extend_schema(tags=[TAG])
class HostedSessionListProposeApi(PortalApi):
    queryset = Session.objects.none()  # for the schema; reads go through the selectors

    @extend_schema(responses=HostedSessionSerializer(many=True))
    def get(self, request, slug):
        """Every session the organisation hosts, whatever its status."""
        exhibitor = self.exhibitor(slug)
        return self.page(
            selectors.hosted_session_list(exhibitor=exhibitor), HostedSessionSerializer
        )

    @extend_schema(request=ProposalInputSerializer, responses={201: HostedSessionDetailSerializer})
    def post(self, request, slug):
        """Propose a session: it waits, `pending`, until expo staff approve or reject it."""
        exhibitor = self.exhibitor(slug)
        serializer = ProposalInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = session_propose(
            host=exhibitor, data=dict(serializer.validated_data), proposed_by=request.user
        )
        return Response(_hosted_session_body(request, exhibitor, session.pk), status=201)


@extend_schema(tags=[TAG])
class HostedSessionDetailApi(PortalApi):
    @extend_schema(responses=HostedSessionDetailSerializer)
    def get(self, request, slug, session_id):
        """One own session with its live attendance figures."""
        return Response(_hosted_session_body(request, self.exhibitor(slug), session_id))

    @extend_schema(
        request=ProposalInputSerializer(partial=True), responses=HostedSessionDetailSerializer
    )
    def patch(self, request, slug, session_id):
        """Edit an own proposal while it is `pending`."""
        exhibitor = self.exhibitor(slug)
        serializer = ProposalInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.hosted_session_update(
            exhibitor=exhibitor, session_id=session_id, data=dict(serializer.validated_data)
        )
        return Response(_hosted_session_body(request, exhibitor, session_id))

    @extend_schema(responses=NO_CONTENT)
    def delete(self, request, slug, session_id):
        """Withdraw an own proposal while it is `pending`."""
        services.hosted_session_withdraw(exhibitor=self.exhibitor(slug), session_id=session_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=[TAG])
class HostedSessionBookingsApi(PortalApi):
    queryset = Booking.objects.none()  # for the schema; reads go through the selectors

    @extend_schema(
        parameters=[OpenApiParameter("status", enum=Booking.Status.values)],
        responses=HostedBookingSerializer(many=True),
    )
    def get(self, request, slug, session_id):
        """Bookings of an own session with their tickets. The booker's name and e-mail, and
        the name on their own ticket, only where they agreed to share them with
        exhibitors; guests' names never."""
        exhibitor = self.exhibitor(slug)
        session = selectors.hosted_session_get(exhibitor=exhibitor, session_id=session_id)
        wanted = request.query_params.get("status") or None
        if wanted is not None and wanted not in Booking.Status.values:
            raise InvalidInput(fields={"status": [f"One of {', '.join(Booking.Status.values)}."]})
        bookings = selectors.hosted_session_booking_list(
            exhibitor=exhibitor, session=session, status=wanted
        )
        return self.page(bookings, HostedBookingSerializer)


@extend_schema(tags=[TAG])
class HostedSessionAttendeesCsvApi(PortalApi):
    content_negotiation_class = ErrorsAsJsonNegotiation

    @extend_schema(
        operation_id="exhibitor_session_attendees_csv",
        parameters=[DELIMITER_PARAMETER],
        responses=CSV_RESPONSE,
    )
    def get(self, request, slug, session_id):
        """One row per ticket of the confirmed bookings. The booker's name and e-mail, and
        the name on their own ticket, only where they share them with exhibitors; guests'
        names never."""
        exhibitor = self.exhibitor(slug)
        session = selectors.hosted_session_get(exhibitor=exhibitor, session_id=session_id)
        delimiter = _delimiter(request)
        return session_attendees_csv(exhibitor=exhibitor, session=session, delimiter=delimiter)


# --- Leads ------------------------------------------------------------------------------------


@extend_schema(tags=[TAG])
class LeadListCaptureApi(PortalApi):
    queryset = Lead.objects.none()  # for the schema; reads go through the selectors

    @extend_schema(responses=LeadSerializer(many=True))
    def get(self, request, slug):
        """Leads, newest first; withdrawn ones stay listed, without any contact."""
        return self.page(selectors.lead_list(exhibitor=self.exhibitor(slug)), LeadSerializer)

    @extend_schema(
        request=LeadCaptureInputSerializer,
        responses={
            201: LeadSerializer,
            200: OpenApiResponse(LeadSerializer, description="Already a lead; note added."),
        },
    )
    def post(self, request, slug):
        """Scan a visitor's ticket at the stand. Kept only with the visitor's consent,
        else 409 `no_consent`."""
        exhibitor = self.exhibitor(slug)
        serializer = LeadCaptureInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        captured = leads.lead_capture(
            exhibitor=exhibitor, scanned_by=request.user, **serializer.validated_data
        )
        return Response(
            LeadSerializer(captured.lead).data,
            status=status.HTTP_201_CREATED if captured.created else status.HTTP_200_OK,
        )


@extend_schema(tags=[TAG])
class LeadDetailApi(PortalApi):
    @extend_schema(responses=LeadSerializer)
    def get(self, request, slug, lead_id):
        lead = selectors.lead_get(exhibitor=self.exhibitor(slug), lead_id=lead_id)
        return Response(LeadSerializer(lead).data)

    @extend_schema(request=LeadNoteInputSerializer, responses=LeadSerializer)
    def patch(self, request, slug, lead_id):
        lead = selectors.lead_get(exhibitor=self.exhibitor(slug), lead_id=lead_id)
        serializer = LeadNoteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        lead = leads.lead_note_update(lead=lead, note=serializer.validated_data["note"])
        return Response(LeadSerializer(lead).data)

    @extend_schema(responses=NO_CONTENT)
    def delete(self, request, slug, lead_id):
        leads.lead_delete(lead=selectors.lead_get(exhibitor=self.exhibitor(slug), lead_id=lead_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=[TAG])
class LeadsCsvApi(PortalApi):
    content_negotiation_class = ErrorsAsJsonNegotiation

    @extend_schema(
        operation_id="exhibitor_leads_csv",
        parameters=[DELIMITER_PARAMETER],
        responses=CSV_RESPONSE,
    )
    def get(self, request, slug):
        """Leads with their contact, oldest first; withdrawn leads are left out."""
        exhibitor = self.exhibitor(slug)
        delimiter = _delimiter(request)
        return leads_csv(exhibitor=exhibitor, delimiter=delimiter)
