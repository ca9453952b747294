"""The expo staff's desk: live occupancy, today's attendance, and what awaits a decision.

Thin views: reads come from `expo.staff.selectors`, every write is one service of the app
that owns the rule (`session_approve`, `session_reject`, `session_cancel`,
`scans_mark_reviewed`). A refusal from a service becomes a message on the page the
staff member is sent back to.

Live occupancy is polled, not pushed. The desk's script asks `occupancy_json` every few
seconds (`static/expo/staff-desk.js`). Server-sent events would hold one connection open
per open desk, and under gunicorn's sync or gthread workers each held connection ties up
a worker or thread that visitors' bookings and the gates' scans need; the figures change
a few times a second at most, and one poll is two cheap queries. Polling also survives
proxies that buffer responses and recovers by itself after a deploy or a network drop.
"""

from functools import wraps
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from expo.bookings import selectors as booking_selectors
from expo.core.exceptions import ExpoError, NotFound
from expo.core.permissions import is_expo_staff
from expo.events.models import Session
from expo.events.services import session_approve, session_reject
from expo.events.services import session_cancel as session_cancel_service
from expo.scanning.services import scans_mark_reviewed
from expo.staff import selectors
from expo.staff.forms import ProposalRejectForm, SessionCancelForm

LOGIN_URL = "accounts:login"
# How often the desk asks for fresh occupancy figures.
OCCUPANCY_POLL_SECONDS = 3


def staff_page(view):
    """Expo staff only: anonymous users log in first, anyone else gets the 403 page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_expo_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapper, login_url=LOGIN_URL)


def _render(request, template_name, context, *, status=200):
    with timezone.override(settings.EXPO_TIME_ZONE):
        return render(request, template_name, context, status=status)


def _expo_today():
    return timezone.localtime(timezone.now(), ZoneInfo(settings.EXPO_TIME_ZONE)).date()


def _session_or_404(session_id: int) -> Session:
    session = selectors.session_list_with_attendance().filter(pk=session_id).first()
    if session is None:
        raise Http404
    return session


@staff_page
@never_cache
@require_safe
def desk(request):
    today = _expo_today()
    venues = selectors.venue_occupancy(day=today)
    flagged = selectors.scans_flagged_open()
    context = {
        "today": today,
        "venues": venues,
        "sessions": selectors.sessions_today(day=today),
        "proposals": list(selectors.proposals_pending()),
        "flagged": list(flagged[: selectors.FLAGGED_SCANS_SHOWN]),
        "flagged_total": flagged.count(),
        "reject_form": ProposalRejectForm(),
        "occupancy_url": reverse("staff:occupancy"),
        "poll_seconds": OCCUPANCY_POLL_SECONDS,
    }
    return _render(request, "staff/desk.html", context)


@staff_page
@never_cache
@require_safe
def occupancy_json(request):
    """The figures the desk's script polls: every venue, each entrance's traffic today."""
    venues = selectors.venue_occupancy(day=_expo_today())
    return JsonResponse(
        {
            "venues": [
                {
                    "slug": venue.slug,
                    "inside": venue.inside,
                    "limit": venue.limit,
                    "level": venue.level,
                    "level_text": str(venue.level_text),
                    "updated_at": venue.updated_at.isoformat() if venue.updated_at else None,
                    "entrances": [
                        {"id": e.id, "entries": e.entries, "exits": e.exits}
                        for e in venue.entrances
                    ],
                }
                for venue in venues
            ],
            "generated_at": timezone.now().isoformat(),
        }
    )


@staff_page
@require_safe
def session_attendance(request, session_id: int):
    session = _session_or_404(session_id)
    context = {
        "session": session,
        "attendance": booking_selectors.session_attendance(session=session),
        "bookings": list(selectors.session_bookings(session=session)),
        "can_cancel": selectors.session_can_cancel(session, timezone.now()),
    }
    return _render(request, "staff/session.html", context)


def _service_refusal(request, exc: ExpoError):
    if isinstance(exc, NotFound):
        raise Http404 from None
    messages.error(request, exc.detail)


@staff_page
@require_POST
def proposal_approve(request, session_id: int):
    try:
        session = session_approve(session_id=session_id, approved_by=request.user)
    except ExpoError as exc:
        _service_refusal(request, exc)
    else:
        messages.success(
            request,
            _("“%(title)s” is published and the exhibitor is told.") % {"title": session.title},
        )
    return redirect("staff:desk")


@staff_page
@require_POST
def proposal_reject(request, session_id: int):
    form = ProposalRejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["reason"]))
        return redirect("staff:desk")
    try:
        session = session_reject(
            session_id=session_id, reason=form.cleaned_data["reason"], rejected_by=request.user
        )
    except ExpoError as exc:
        _service_refusal(request, exc)
    else:
        messages.success(
            request,
            _("“%(title)s” is turned down and the exhibitor is told why.")
            % {"title": session.title},
        )
    return redirect("staff:desk")


@staff_page
@require_http_methods(["GET", "POST"])
def session_cancel(request, session_id: int):
    """GET shows whom the notice reaches and asks for confirmation; POST cancels."""
    session = _session_or_404(session_id)
    if session.status == Session.Status.CANCELLED:
        messages.info(request, _("This session is already cancelled."))
        return redirect("staff:session", session_id=session.pk)
    if not selectors.session_can_cancel(session, timezone.now()):
        messages.error(request, _("Only a published session that is not over can be cancelled."))
        return redirect("staff:session", session_id=session.pk)
    reach = selectors.session_cancel_reach(session=session)
    form = SessionCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session_cancel_service(session_id=session.pk, reason=form.cleaned_data["reason"])
        except ExpoError as exc:
            _service_refusal(request, exc)
        else:
            messages.success(
                request,
                ngettext(
                    "The session is cancelled. %(count)d person is being told by e-mail.",
                    "The session is cancelled. %(count)d people are being told by e-mail.",
                    reach.people,
                )
                % {"count": reach.people},
            )
        return redirect("staff:session", session_id=session.pk)
    status = 400 if request.method == "POST" else 200
    return _render(
        request,
        "staff/session_cancel.html",
        {"session": session, "reach": reach, "form": form},
        status=status,
    )


@staff_page
@require_POST
def scan_review(request, scan_id: int):
    if scans_mark_reviewed(scan_ids=[scan_id], by=request.user):
        messages.success(request, _("The admission is marked as reviewed."))
    else:
        messages.info(request, _("This admission was already reviewed."))
    return redirect("staff:desk")
