"""The public catalogue of exhibitors."""

from rest_framework import viewsets

from expo.exhibitors import selectors
from expo.exhibitors.serializers import (
    ExhibitorSerializer,
)


class ExhibitorViewSet(viewsets.ReadOnlyModelViewSet):
    """Partner organisations in the public catalogue."""

    serializer_class = ExhibitorSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return selectors.exhibitor_public_list()
