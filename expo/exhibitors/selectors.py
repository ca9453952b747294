"""Reads of exhibitor organisations."""

from django.db.models import QuerySet

from expo.exhibitors.models import Exhibitor


def exhibitor_public_list() -> QuerySet[Exhibitor]:
    return Exhibitor.objects.filter(status=Exhibitor.Status.ACTIVE).prefetch_related(
        "stands__venue"
    )
