"""Reads of the catalogue, prepared so that a list costs a fixed number of queries."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from expo.events.models import Entrance, Exhibition, Session, Theme, Venue

PUBLIC_SESSION_STATUSES = (Session.Status.PUBLISHED, Session.Status.CANCELLED)


def expo_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants at which `day` starts and ends in the expo's time zone."""
    zone = ZoneInfo(settings.EXPO_TIME_ZONE)
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def session_booking_open_q(now: datetime) -> Q:
    """Published, booking window open at `now`, and not yet started."""
    return (
        Q(status=Session.Status.PUBLISHED)
        & (Q(booking_opens_at__isnull=True) | Q(booking_opens_at__lte=now))
        & Q(booking_closes_effective__gt=now)
    )


def _with_booking_state(queryset: QuerySet[Session], now: datetime) -> QuerySet[Session]:
    """Annotates `seats_left_db`, `booking_open` and `waitlist_open` for filtering and output."""
    return queryset.annotate(
        seats_left_db=ExpressionWrapper(F("capacity") - F("seats_taken"), IntegerField()),
        booking_closes_effective=Least(Coalesce("booking_closes_at", "starts_at"), F("starts_at")),
    ).annotate(
        booking_open=Case(
            When(session_booking_open_q(now), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        # Someone can join the waitlist when booking is open and some party would not fit.
        waitlist_open=Case(
            When(
                session_booking_open_q(now) & Q(seats_left_db__lt=F("max_party_size")),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def session_list(*, include_unpublished: bool = False, now: datetime | None = None):
    """Sessions for the programme; staff also see drafts, pending and rejected ones."""
    queryset = Session.objects.all()
    if not include_unpublished:
        queryset = queryset.filter(status__in=PUBLIC_SESSION_STATUSES)
    queryset = _with_booking_state(queryset, now or timezone.now())
    return queryset.select_related("venue", "exhibition", "host").prefetch_related("themes")


def session_filter_available(queryset: QuerySet[Session], available: bool) -> QuerySet[Session]:
    """ "Has seats": published with seats left; `booking_open` tells whether it is bookable now."""
    has_seats = Q(status=Session.Status.PUBLISHED, seats_left_db__gt=0)
    return queryset.filter(has_seats) if available else queryset.exclude(has_seats)


def session_filter_date(queryset: QuerySet[Session], day: date) -> QuerySet[Session]:
    start, end = expo_day_bounds(day)
    return queryset.filter(starts_at__gte=start, starts_at__lt=end)


def session_filter_text(queryset: QuerySet[Session], text: str) -> QuerySet[Session]:
    match = Q()
    for word in text.split()[:8]:
        match &= (
            Q(title_sv__icontains=word)
            | Q(title_en__icontains=word)
            | Q(description_sv__icontains=word)
            | Q(description_en__icontains=word)
            | Q(venue__name__icontains=word)
            | Q(host__name__icontains=word)
        )
    return queryset.filter(match)


def venue_list() -> QuerySet[Venue]:
    return Venue.objects.prefetch_related("entrances")


def theme_list() -> QuerySet[Theme]:
    return Theme.objects.all()


def exhibition_list() -> QuerySet[Exhibition]:
    return Exhibition.objects.select_related("venue").prefetch_related("themes")


def entrance_list() -> QuerySet[Entrance]:
    return Entrance.objects.select_related("venue")


def exhibition_get(*, key: str) -> Exhibition | None:
    """An exhibition by slug, else by id (links built from the API carry ids)."""
    exhibitions = exhibition_list().select_related("expo")
    found = exhibitions.filter(slug=key).first()
    if found is None and key.isascii() and key.isdigit():  # "²".isdigit() is true too
        found = exhibitions.filter(pk=int(key)).first()
    return found
