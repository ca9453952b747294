"""The visitor's booking pages: each view checks the form, calls one service, redirects.

A refusal from a service (sold out, overlap, closed...) becomes a message on the page
the visitor is sent back to; it is never an error page. A refused booking re-renders
the session page with the form as typed and the refusal at the form.
"""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from expo.bookings import selectors, services, ticket_pdf
from expo.bookings.apis import BookingWriteThrottle
from expo.bookings.forms import BookingForm, WaitlistForm
from expo.bookings.models import Booking, WaitlistEntry
from expo.bookings.ticket_pdf import session_time_text
from expo.core.exceptions import ExpoError, NotFound
from expo.core.pages import render_page, throttle_wait
from expo.core.permissions import is_scan_only
from expo.events.selectors import session_list
from expo.events.views import session_map_url, session_page_render

LOGIN_URL = "accounts:login"


def _refuse_scan_only(request) -> None:
    """Gate accounts scan and nothing else, here as in the API: a 403 page, not a booking."""
    if is_scan_only(request.user):
        raise PermissionDenied


def visitor_required(view):
    """Logged in (else the log-in page, then back) with an account that may book."""

    @login_required(login_url=LOGIN_URL)
    @wraps(view)
    def checked(request, *args, **kwargs):
        _refuse_scan_only(request)
        return view(request, *args, **kwargs)

    return checked


def _session_or_404(session_id: int):
    session = session_list().filter(pk=session_id).first()
    if session is None:
        raise Http404
    return session


def _own_booking_or_404(request, reference: str) -> Booking:
    # Only the visitor's own bookings, for staff too: these are "my bookings" pages.
    booking = (
        selectors.booking_list(user=request.user)
        .filter(visitor=request.user, reference=reference.upper())
        .first()
    )
    if booking is None:
        raise Http404
    return booking


def _too_many(request, session, *, scope: str = "booking"):
    if throttle_wait(request, [BookingWriteThrottle()], scope=scope) is None:
        return None
    messages.error(request, _("Too many attempts. Please wait a minute and try again."))
    return redirect("events:session", session_id=session.pk)


def _login_first(request, session):
    """Log in, then come back to the session page (the POST itself cannot be replayed)."""
    return redirect_to_login(reverse("events:session", args=[session.pk]), LOGIN_URL)


@require_POST
def booking_create(request, session_id: int):
    session = _session_or_404(session_id)
    if not request.user.is_authenticated:
        return _login_first(request, session)
    _refuse_scan_only(request)
    if refused := _too_many(request, session):
        return refused
    form = BookingForm(request.POST, session=session, visitor=request.user)
    if not form.is_valid():
        return session_page_render(request, session, booking_form=form, status=400)
    try:
        booking = services.booking_create(
            visitor=request.user,
            session_id=session.pk,
            party_size=form.cleaned_data["party_size"],
            attendees=form.attendees(),
        )
    except NotFound:
        raise Http404 from None
    except ExpoError as exc:
        form.add_error(None, exc.detail)
        return session_page_render(request, session, booking_form=form, status=exc.http_status)
    messages.success(
        request, _("You are booked! Your tickets are below and on their way to your e-mail.")
    )
    return redirect("bookings:detail", reference=booking.reference)


@visitor_required
def booking_list(request):
    now = timezone.now()
    bookings = list(selectors.booking_list(user=request.user).filter(visitor=request.user))
    upcoming = [
        booking
        for booking in bookings
        if booking.status == Booking.Status.CONFIRMED and booking.session.ends_at > now
    ]
    upcoming.sort(key=lambda booking: booking.session.starts_at)
    upcoming_ids = {booking.pk for booking in upcoming}
    earlier = [booking for booking in bookings if booking.pk not in upcoming_ids]
    earlier.sort(key=lambda booking: booking.session.starts_at, reverse=True)
    entries = list(
        selectors.waitlist_list(user=request.user)
        .filter(status__in=WaitlistEntry.OPEN_STATUSES)
        .order_by("session__starts_at")
    )
    # An open offer expires soon: it goes first.
    entries.sort(key=lambda entry: entry.status != WaitlistEntry.Status.OFFERED)
    for entry in entries:
        entry.position = selectors.waitlist_position(entry)
    feed_url = request.build_absolute_uri(
        reverse("me-calendar") + "?" + urlencode({"token": request.user.calendar_token})
    )
    context = {
        "upcoming": upcoming,
        "earlier": earlier,
        "entries": entries,
        "calendar_feed_url": feed_url,
        # webcal:// makes phones offer to subscribe instead of downloading the file once.
        "calendar_subscribe_url": "webcal://" + feed_url.split("://", 1)[1],
    }
    return render_page(request, "pages/bookings.html", context)


@visitor_required
def booking_detail(request, reference: str):
    booking = _own_booking_or_404(request, reference)
    now = timezone.now()
    context = {
        "booking": booking,
        "session": booking.session,
        "tickets": list(booking.tickets.all()),
        "can_cancel": booking.status == Booking.Status.CONFIRMED
        and booking.session.starts_at > now,
        "calendar_url": reverse("session-calendar", kwargs={"session_id": booking.session_id}),
        "map_url": session_map_url(booking.session.venue),
    }
    return render_page(request, "pages/booking_detail.html", context)


def _printable(request, reference: str):
    booking = _own_booking_or_404(request, reference)
    return booking, selectors.booking_printable_tickets(booking=booking)


@visitor_required
@require_safe
def booking_print(request, reference: str):
    """The booking's valid tickets, one to a printed page (the browser's print dialog)."""
    booking, tickets = _printable(request, reference)
    context = {
        "booking": booking,
        "session": booking.session,
        "tickets": tickets,
        "when": session_time_text(booking),
        "entrances": selectors.venue_entrance_names(venue_id=booking.session.venue_id),
    }
    return render_page(request, "pages/booking_print.html", context)


@visitor_required
@require_safe
def booking_tickets_pdf(request, reference: str):
    """The same tickets as a PDF file to keep; 404 when none of them is valid."""
    booking, tickets = _printable(request, reference)
    if not tickets:
        raise Http404
    pdf = ticket_pdf.booking_tickets_pdf(
        booking=booking,
        tickets=tickets,
        entrances=selectors.venue_entrance_names(venue_id=booking.session.venue_id),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="h22-tickets-{booking.reference}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@visitor_required
@require_http_methods(["GET", "POST"])
def booking_cancel(request, reference: str):
    """GET asks for confirmation, POST cancels: both work without JavaScript."""
    booking = _own_booking_or_404(request, reference)
    if booking.status == Booking.Status.CANCELLED:
        messages.info(request, _("This booking is already cancelled."))
        return redirect("bookings:detail", reference=booking.reference)
    if request.method == "POST":
        try:
            services.booking_cancel(booking_id=booking.pk)
        except ExpoError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(
                request, _("Your booking is cancelled and the seats are free for others.")
            )
        return redirect("bookings:detail", reference=booking.reference)
    return render_page(
        request, "pages/booking_cancel.html", {"booking": booking, "session": booking.session}
    )


@require_POST
def waitlist_join(request, session_id: int):
    session = _session_or_404(session_id)
    if not request.user.is_authenticated:
        return _login_first(request, session)
    _refuse_scan_only(request)
    if refused := _too_many(request, session, scope="waitlist"):
        return refused
    form = WaitlistForm(request.POST, session=session)
    if not form.is_valid():
        return session_page_render(request, session, waitlist_form=form, status=400)
    try:
        services.waitlist_join(
            visitor=request.user, session_id=session.pk, party_size=form.cleaned_data["party_size"]
        )
    except NotFound:
        raise Http404 from None
    except ExpoError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(
            request,
            _("You are on the waitlist. We will e-mail you as soon as seats free up for you."),
        )
    return redirect("events:session", session_id=session.pk)


@visitor_required
@require_POST
def waitlist_accept(request, entry_id: int):
    try:
        booking = services.waitlist_accept(entry_id=entry_id, visitor=request.user)
    except NotFound:
        raise Http404 from None
    except ExpoError as exc:
        messages.error(request, exc.detail)
        return redirect("bookings:list")
    messages.success(request, _("The seats are yours! Here are your tickets."))
    return redirect("bookings:detail", reference=booking.reference)


@visitor_required
@require_POST
def waitlist_leave(request, entry_id: int):
    """Leave the queue, or decline an offer so the seats go to the next party."""
    try:
        entry = services.waitlist_leave(entry_id=entry_id, visitor=request.user)
    except NotFound:
        raise Http404 from None
    except ExpoError as exc:
        messages.error(request, exc.detail)
        return redirect("bookings:list")
    if entry.status == WaitlistEntry.Status.DECLINED:
        messages.success(request, _("Offer declined. The seats go to the next in line."))
    elif entry.status == WaitlistEntry.Status.LEFT:
        messages.success(request, _("You have left the waitlist."))
    else:
        messages.info(request, _("This waitlist place is no longer open."))
    return redirect("bookings:list")


@visitor_required
def waitlist_entry(request, entry_id: int):
    """Where an offer e-mail links to: the visitor's bookings, at that entry."""
    if not selectors.waitlist_list(user=request.user).filter(pk=entry_id).exists():
        raise Http404
    return redirect(f"{reverse('bookings:list')}#waitlist-{entry_id}")
