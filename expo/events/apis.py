from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from expo.core.exceptions import NotFound
from expo.core.permissions import IsExpoStaff, IsGateStaff, is_expo_staff
from expo.events import selectors, services
from expo.events.filters import SessionFilter
from expo.events.serializers import (
    EntranceSerializer,
    ExhibitionSerializer,
    SessionCancelInputSerializer,
    SessionSerializer,
    SessionWriteSerializer,
    StaffSessionSerializer,
    ThemeSerializer,
    VenueSerializer,
)


class VenueViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = VenueSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return selectors.venue_list()


class ThemeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ThemeSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return selectors.theme_list()


class ExhibitionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ExhibitionSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return selectors.exhibition_list()


class EntranceListApi(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Gates, each with its venue: what a scanning device offers to pick from."""

    serializer_class = EntranceSerializer
    permission_classes = [IsGateStaff]

    def get_queryset(self):
        return selectors.entrance_list()


def _session_serializer_class(request):
    return StaffSessionSerializer if is_expo_staff(request.user) else SessionSerializer


def _session_response(request, session_id: int, http_status=status.HTTP_200_OK):
    session = selectors.session_list(include_unpublished=True).get(pk=session_id)
    serializer = _session_serializer_class(request)(session, context={"request": request})
    return Response(serializer.data, status=http_status)


class SessionListCreateApi(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The programme. Anyone reads; expo staff create."""

    filterset_class = SessionFilter

    def get_queryset(self):
        return selectors.session_list(include_unpublished=is_expo_staff(self.request.user))

    def get_serializer_class(self):
        return _session_serializer_class(self.request)

    def get_permissions(self):
        return [IsExpoStaff()] if self.request.method == "POST" else []

    @extend_schema(request=SessionWriteSerializer, responses={201: StaffSessionSerializer})
    def create(self, request):
        serializer = SessionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = services.session_create(
            data=dict(serializer.validated_data), proposed_by=request.user
        )
        return _session_response(request, session.pk, status.HTTP_201_CREATED)


class SessionDetailApi(viewsets.GenericViewSet):
    """One session. Anyone reads a public one; expo staff edit."""

    def get_queryset(self):
        return selectors.session_list(include_unpublished=is_expo_staff(self.request.user))

    def get_serializer_class(self):
        return _session_serializer_class(self.request)

    def get_permissions(self):
        return [IsExpoStaff()] if self.request.method in ("PATCH", "PUT") else []

    @extend_schema(responses={200: SessionSerializer})
    def retrieve(self, request, pk):
        session = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(self.get_serializer(session).data)

    @extend_schema(request=SessionWriteSerializer, responses={200: StaffSessionSerializer})
    def partial_update(self, request, pk):
        get_object_or_404(self.get_queryset(), pk=pk)
        serializer = SessionWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        session = services.session_update(session_id=int(pk), data=dict(serializer.validated_data))
        return _session_response(request, session.pk)


class SessionCancelApi(APIView):
    """Staff cancel a session; every visitor booked or waiting is told."""

    permission_classes = [IsExpoStaff]

    @extend_schema(request=SessionCancelInputSerializer, responses=StaffSessionSerializer)
    def post(self, request, session_id):
        serializer = SessionCancelInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if not selectors.session_list(include_unpublished=True).filter(pk=session_id).exists():
            raise NotFound()
        services.session_cancel(session_id=session_id, reason=serializer.validated_data["reason"])
        session = selectors.session_list(include_unpublished=True).get(pk=session_id)
        return Response(StaffSessionSerializer(session, context={"request": request}).data)
