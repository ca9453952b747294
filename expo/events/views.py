"""The visitor's programme pages: thin views over the catalogue selectors.

Every list here costs a fixed number of queries whatever the page size: the sessions
come from `session_list` (related rows joined or prefetched) and the filters from
`SessionFilter`, exactly as the API's programme.
"""

from datetime import timedelta
from itertools import groupby
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from expo.accounts.forms import LoginLinkForm
from expo.bookings import selectors as booking_selectors
from expo.bookings.forms import BookingForm, WaitlistForm
from expo.bookings.models import Booking, WaitlistEntry
from expo.core.pages import render_page
from expo.events import selectors
from expo.events.filters import SessionFilter
from expo.events.models import Expo, Session
from expo.exhibitors.selectors import exhibitor_public_list

PROGRAMME_PAGE_SIZE = 20
# The filters the programme page offers; the filterset also knows staff-only ones.
PROGRAMME_FILTERS = ("date", "venue", "theme", "kind", "exhibitor", "q", "available")


def session_booking_state(session: Session, now, *, booked: bool = False) -> str:
    """What the pages say about booking a session from `session_list`, in one word."""
    if session.status == Session.Status.CANCELLED:
        return "cancelled"
    if booked:
        return "booked"
    if now >= session.starts_at:
        return "started"
    if session.booking_open:
        return "open" if session.seats_left > 0 else "sold_out"
    if session.booking_opens_at and session.booking_opens_at > now:
        return "not_open"
    return "closed"


def _current_expo() -> Expo | None:
    return Expo.objects.order_by("-starts_on").first()


@require_safe
def programme(request):
    expo = _current_expo()
    params = request.GET.copy()
    for name in list(params):
        if name not in PROGRAMME_FILTERS:
            del params[name]
    filterset = SessionFilter(data=params, queryset=selectors.session_list())
    filterset.form.is_valid()  # invalid filters are ignored and shown as errors
    day = filterset.form.cleaned_data.get("date")

    sessions = filterset.qs
    now = timezone.now()
    zone = ZoneInfo(settings.EXPO_TIME_ZONE)
    today = timezone.localtime(now, zone).date()
    # While the expo runs, the programme starts at what is still ahead; a chosen day
    # shows the whole day, and once the expo is over everything stays browsable.
    hide_ended = day is None and expo is not None and today <= expo.ends_on
    if hide_ended:
        sessions = sessions.filter(ends_at__gt=now)

    page = Paginator(sessions, PROGRAMME_PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    booked = set()
    if request.user.is_authenticated and items:
        booked = set(
            booking_selectors.booking_list(user=request.user)
            .filter(
                visitor=request.user,
                status=Booking.Status.CONFIRMED,
                session_id__in=[session.pk for session in items],
            )
            .values_list("session_id", flat=True)
        )
    for session in items:
        session.state = session_booking_state(session, now, booked=session.pk in booked)
    days = [
        (session_day, list(day_sessions))
        for session_day, day_sessions in groupby(
            items, key=lambda session: timezone.localtime(session.starts_at, zone).date()
        )
    ]

    venues = list(selectors.venue_list().prefetch_related(None).only("slug", "name"))
    themes = list(selectors.theme_list())
    exhibitors = list(
        exhibitor_public_list()
        .prefetch_related(None)
        .filter(hosted_sessions__status=Session.Status.PUBLISHED)
        .distinct()
        .only("slug", "name")
    )
    active_filters = {name: value for name, value in params.items() if value}
    day_links = {}
    if day is not None and expo is not None:
        if day > expo.starts_on:
            day_links["previous"] = urlencode({**active_filters, "date": day - timedelta(days=1)})
        if day < expo.ends_on:
            day_links["next"] = urlencode({**active_filters, "date": day + timedelta(days=1)})
    context = {
        "expo": expo,
        "form": filterset.form,
        "values": {name: params.get(name, "") for name in PROGRAMME_FILTERS},
        "venues": venues,
        "themes": themes,
        "exhibitors": exhibitors,
        "kinds": Session.Kind.choices,
        "page": page,
        "days": days,
        "day_links": day_links,
        "hide_ended": hide_ended,
        "has_filters": bool(active_filters),
        "active_filter_count": len(active_filters),
        "today": today,
    }
    return render_page(request, "pages/programme.html", context)


def session_map_url(venue) -> str:
    if venue.latitude is None or venue.longitude is None:
        return ""
    lat, lng = venue.latitude, venue.longitude
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lng}#map=17/{lat}/{lng}"


@require_safe
def session_detail(request, session_id: int):
    session = selectors.session_list().filter(pk=session_id).first()
    if session is None:
        raise Http404
    return session_page_render(request, session)


def session_page_render(
    request,
    session: Session,
    *,
    booking_form: BookingForm | None = None,
    waitlist_form: WaitlistForm | None = None,
    status: int = 200,
):
    """The session page; the booking views re-render it with a form's errors."""
    user = request.user
    my_booking = my_entry = position = None
    if user.is_authenticated:
        my_booking = (
            booking_selectors.booking_list(user=user)
            .filter(visitor=user, session=session, status=Booking.Status.CONFIRMED)
            .first()
        )
        my_entry = (
            booking_selectors.waitlist_list(user=user)
            .filter(session=session, status__in=WaitlistEntry.OPEN_STATUSES)
            .first()
        )
        if my_entry is not None:
            position = booking_selectors.waitlist_position(my_entry)
    now = timezone.now()
    context = {
        "session": session,
        "themes": list(session.themes.all()),
        "map_url": session_map_url(session.venue),
        "my_booking": my_booking,
        "my_entry": my_entry,
        "waitlist_position": position,
        "booking_form": booking_form or BookingForm(session=session, visitor=user),
        "waitlist_form": waitlist_form or WaitlistForm(session=session),
        "state": session_booking_state(session, now, booked=my_booking is not None),
        "calendar_url": reverse("session-calendar", kwargs={"session_id": session.pk}),
        "offer_minutes": settings.WAITLIST_OFFER_MINUTES,
        "link_form": LoginLinkForm(),
    }
    return render_page(request, "pages/session_detail.html", context, status=status)


# --- Exhibitions and venues ------------------------------------------------------------


def _expo_today():
    return timezone.localtime(timezone.now(), ZoneInfo(settings.EXPO_TIME_ZONE)).date()


def _with_states(sessions) -> list[Session]:
    now = timezone.now()
    sessions = list(sessions)
    for session in sessions:
        session.state = session_booking_state(session, now)
    return sessions


@require_safe
def exhibition_list(request):
    context = {"exhibitions": list(selectors.exhibition_list()), "today": _expo_today()}
    return render_page(request, "pages/exhibitions.html", context)


@require_safe
def exhibition_detail(request, key: str):
    """By slug, or by id for links made from the API's ids."""
    exhibition = selectors.exhibition_get(key=key)
    if exhibition is None:
        raise Http404
    sessions = selectors.session_list().filter(exhibition=exhibition)
    if exhibition.expo.ends_on >= _expo_today():
        sessions = sessions.filter(ends_at__gt=timezone.now())
    context = {
        "exhibition": exhibition,
        "themes": list(exhibition.themes.all()),
        "sessions": _with_states(sessions),
        "today": _expo_today(),
    }
    return render_page(request, "pages/exhibition_detail.html", context)


@require_safe
def venue_list(request):
    context = {"venues": list(selectors.venue_list())}
    return render_page(request, "pages/venues.html", context)


@require_safe
def venue_detail(request, slug: str):
    venue = selectors.venue_list().filter(slug=slug).first()
    if venue is None:
        raise Http404
    today = _expo_today()
    context = {
        "venue": venue,
        "entrances": list(venue.entrances.all()),
        "map_url": session_map_url(venue),
        "today": today,
        "sessions_today": _with_states(
            selectors.session_filter_date(selectors.session_list().filter(venue=venue), today)
        ),
        "exhibitions_now": list(
            selectors.exhibition_list().filter(
                venue=venue, starts_on__lte=today, ends_on__gte=today
            )
        ),
        "programme_url": reverse("events:programme") + "?" + urlencode({"venue": venue.slug}),
    }
    return render_page(request, "pages/venue_detail.html", context)
