"""What the expo staff's desk shows: each list is a fixed number of queries.

The desk polls `venue_occupancy` every few seconds while it is open, so that read is one
query over the venues (their `inside` counters move with every accepted scan) and one
aggregate over today's scans per entrance, which the (entrance, scanned_at) index serves.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from expo.bookings.models import Booking, Ticket, WaitlistEntry
from expo.events.models import Entrance, Session, Venue
from expo.events.selectors import expo_day_bounds, session_list
from expo.scanning.models import Scan

# A venue at or above this share of its limit is shown as nearly full.
OCCUPANCY_WARNING_SHARE = 0.9
FLAGGED_SCANS_SHOWN = 50
OCCUPANCY_LEVEL_TEXTS = {
    "ok": _("Room to spare"),
    "near": _("Nearly full"),
    "full": _("Full"),
}


def occupancy_level(inside: int, limit: int | None) -> str:
    """`ok`, `near` (at or above the warning share) or `full`; `ok` without a limit."""
    if not limit:
        return "ok"
    if inside >= limit:
        return "full"
    return "near" if inside >= limit * OCCUPANCY_WARNING_SHARE else "ok"


@dataclass(frozen=True)
class EntranceTraffic:
    id: int
    name: str
    mode: str
    entries: int
    exits: int


@dataclass(frozen=True)
class VenueOccupancy:
    slug: str
    name: str
    inside: int
    limit: int | None
    level: str
    updated_at: datetime | None
    entrances: list[EntranceTraffic]

    @property
    def level_text(self) -> str:
        """Said in words beside the colour, which alone would not reach everyone."""
        return OCCUPANCY_LEVEL_TEXTS[self.level]


def venue_occupancy(*, day: date) -> list[VenueOccupancy]:
    """Every venue's head count against its limit, with each entrance's accepted
    entries and exits on `day` (expo time): two queries whatever the number of venues."""
    start, end = expo_day_bounds(day)
    accepted_today = Q(
        scans__result=Scan.Result.ACCEPTED,
        scans__scanned_at__gte=start,
        scans__scanned_at__lt=end,
    )
    entrances = Entrance.objects.annotate(
        n_in=Count("scans", filter=accepted_today & Q(scans__direction=Scan.Direction.IN)),
        n_out=Count("scans", filter=accepted_today & Q(scans__direction=Scan.Direction.OUT)),
    ).order_by("name")
    venues = Venue.objects.only(
        "slug", "name", "inside", "max_occupancy", "inside_updated_at"
    ).prefetch_related(Prefetch("entrances", queryset=entrances))
    return [
        VenueOccupancy(
            slug=venue.slug,
            name=venue.name,
            inside=venue.inside,
            limit=venue.max_occupancy,
            level=occupancy_level(venue.inside, venue.max_occupancy),
            updated_at=venue.inside_updated_at,
            entrances=[
                EntranceTraffic(
                    id=entrance.pk,
                    name=entrance.name,
                    mode=entrance.mode,
                    entries=entrance.n_in,
                    exits=entrance.n_out,
                )
                for entrance in venue.entrances.all()
            ],
        )
        for venue in venues
    ]


def _ticket_count(condition: Q) -> Subquery:
    """Tickets of the outer session matching `condition`, as a subquery, so that
    several counts on one session row do not multiply each other's joins."""
    tickets = (
        Ticket.objects.filter(condition, session=OuterRef("pk"))
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(tickets), 0)


def session_list_with_attendance(*, now: datetime | None = None) -> QuerySet[Session]:
    """Sessions of every status with `n_booked`, `n_checked_in` and `n_unscanned`."""
    valid = Q(status=Ticket.Status.VALID)
    return session_list(include_unpublished=True, now=now).annotate(
        n_booked=_ticket_count(valid),
        n_checked_in=_ticket_count(Q(first_checked_in_at__isnull=False)),
        n_unscanned=_ticket_count(valid & Q(first_checked_in_at__isnull=True)),
    )


def sessions_today(*, day: date, now: datetime | None = None) -> list[Session]:
    """Published and cancelled sessions starting on `day` (expo time), with attendance;
    `no_shows` counts unscanned valid tickets once a session has begun."""
    now = now or timezone.now()
    start, end = expo_day_bounds(day)
    sessions = list(
        session_list_with_attendance(now=now).filter(
            starts_at__gte=start,
            starts_at__lt=end,
            status__in=(Session.Status.PUBLISHED, Session.Status.CANCELLED),
        )
    )
    for session in sessions:
        session.no_shows = session.n_unscanned if session.starts_at <= now else 0
        session.can_cancel = session_can_cancel(session, now)
    return sessions


def session_can_cancel(session: Session, now: datetime) -> bool:
    """Published and not yet over: a cancellation still tells people something."""
    return session.status == Session.Status.PUBLISHED and session.ends_at > now


def proposals_pending() -> QuerySet[Session]:
    """Exhibitors' proposals waiting for a decision, the soonest first."""
    return (
        session_list(include_unpublished=True)
        .filter(status=Session.Status.PENDING)
        .select_related("proposed_by")
        .order_by("starts_at", "pk")
    )


def scans_flagged_open() -> QuerySet[Scan]:
    """Offline admissions the server would have refused, not yet reviewed, oldest first."""
    return (
        Scan.objects.filter(flagged=True, reviewed_at__isnull=True)
        .select_related("entrance__venue", "scanned_by", "ticket__booking", "ticket__session")
        .order_by("scanned_at", "pk")
    )


@dataclass(frozen=True)
class CancelReach:
    """Who a session's cancellation notice goes to."""

    bookings: int
    tickets: int
    waitlist_parties: int

    @property
    def people(self) -> int:
        return self.bookings + self.waitlist_parties


def session_cancel_reach(*, session: Session) -> CancelReach:
    """The bookers and waiting parties `session_cancel` e-mails (one message each)."""
    bookings = Booking.objects.filter(session=session, status=Booking.Status.CONFIRMED).aggregate(
        n=Count("pk"), seats=Coalesce(Sum("party_size"), 0)
    )
    waiting = WaitlistEntry.objects.filter(
        session=session, status__in=WaitlistEntry.OPEN_STATUSES
    ).count()
    return CancelReach(bookings=bookings["n"], tickets=bookings["seats"], waitlist_parties=waiting)


def session_bookings(*, session: Session) -> QuerySet[Booking]:
    """A session's bookings with their tickets and bookers, for its attendance page."""
    return (
        Booking.objects.filter(session=session)
        .select_related("visitor")
        .prefetch_related(Prefetch("tickets", queryset=Ticket.objects.order_by("pk")))
        .order_by("status", "created_at", "pk")
    )
