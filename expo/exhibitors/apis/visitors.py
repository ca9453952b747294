"""The visitor's side of lead sharing (`/me/leads/`): consent, who holds their contact,
withdrawal."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from expo.core.permissions import IsVisitor
from expo.exhibitors import leads, selectors
from expo.exhibitors.models import Exhibitor
from expo.exhibitors.serializers import (
    ContactHolderSerializer,
    LeadConsentInputSerializer,
    LeadConsentSerializer,
)

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
