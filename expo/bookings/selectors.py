"""Reads of bookings and waitlist entries, scoped to who is asking (invariant 6)."""

from django.db.models import Prefetch, QuerySet

from expo.bookings.models import Booking, Ticket, WaitlistEntry
from expo.core.permissions import is_expo_staff


def booking_list(*, user) -> QuerySet[Booking]:
    """A visitor's own bookings; expo staff see all."""
    queryset = Booking.objects.select_related("session__venue").prefetch_related(
        Prefetch("tickets", queryset=Ticket.objects.order_by("id"))
    )
    return queryset if is_expo_staff(user) else queryset.filter(visitor=user)


def booking_get(*, user, reference: str) -> Booking | None:
    return booking_list(user=user).filter(reference=reference.upper()).first()


def waitlist_list(*, user) -> QuerySet[WaitlistEntry]:
    return WaitlistEntry.objects.filter(visitor=user).select_related("session__venue")


def waitlist_position(entry: WaitlistEntry) -> int | None:
    """1 for the next party in line; None once the entry no longer waits."""
    if entry.status != WaitlistEntry.Status.WAITING:
        return None
    ahead = WaitlistEntry.objects.filter(
        session_id=entry.session_id,
        status=WaitlistEntry.Status.WAITING,
        created_at__lte=entry.created_at,
    ).exclude(created_at=entry.created_at, id__gte=entry.id)
    return ahead.count() + 1
