"""The exhibitor portal's pages, `/exhibitor/...`: the same selectors and services as the
portal's API (`api_portal.py`), with forms instead of JSON.

Every page that names an organisation goes through `portal_page`: anonymous visitors
are sent to log in, people without the exhibitor role get the 403 page, and an
organisation the person does not act for is a 404, whether or not it exists
(`selectors.exhibitor_for_member`). A post redirects back with a message, or re-renders
its form with the errors at the fields (status 400).
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from expo.bookings.models import Booking
from expo.bookings.selectors import session_attendance as session_attendance_numbers
from expo.core.exceptions import ExpoError, NotFound
from expo.core.pages import render_page
from expo.core.permissions import EXHIBITOR, user_roles
from expo.events.services import session_propose
from expo.exhibitors import leads, selectors, services
from expo.exhibitors.csv_export import leads_csv, session_attendees_csv
from expo.exhibitors.forms import (
    DelimiterForm,
    InvitationForm,
    LeadNoteForm,
    LeadScanForm,
    ProfileForm,
    ProposalForm,
    RoleForm,
    StandForm,
    errors_onto_form,
)
from expo.exhibitors.models import Exhibitor, Membership
from expo.exhibitors.serializers import booking_shares_contact

LOGIN_URL = "accounts:login"
LIST_PAGE_SIZE = 50


def _may_use_portal(user) -> None:
    if EXHIBITOR not in user_roles(user):
        raise PermissionDenied


def portal_page(view):
    """Log in first, the exhibitor role, then the organisation as `exhibitor`."""

    @wraps(view)
    @never_cache
    def page(request, slug: str, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), LOGIN_URL)
        _may_use_portal(request.user)
        try:
            exhibitor = selectors.exhibitor_for_member(user=request.user, slug=slug)
        except NotFound:
            raise Http404 from None
        return view(request, exhibitor, *args, **kwargs)

    return page


def _render(request, exhibitor: Exhibitor, template: str, context: dict, *, status: int = 200):
    context = {
        "exhibitor": exhibitor,
        "is_owner": exhibitor.my_role == Membership.Role.OWNER,
        **context,
    }
    return render_page(request, f"exhibitors/portal/{template}", context, status=status)


def _here(name: str, exhibitor: Exhibitor, *args) -> str:
    return reverse(f"exhibitors:{name}", args=[exhibitor.slug, *args])


def _page(request, queryset):
    return Paginator(queryset, LIST_PAGE_SIZE).get_page(request.GET.get("page"))


# --- Which organisation ---------------------------------------------------------------------


@never_cache
def portal_home(request):
    """One organisation: straight in. Several: pick one. None: say how to get in."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), LOGIN_URL)
    _may_use_portal(request.user)
    mine = list(selectors.member_exhibitors(user=request.user))
    if len(mine) == 1:
        return redirect("exhibitors:overview", slug=mine[0].slug)
    return render_page(request, "exhibitors/portal/choose.html", {"exhibitors": mine})


@portal_page
def overview(request, exhibitor):
    sessions = list(selectors.hosted_session_attendance_list(exhibitor=exhibitor))
    context = {
        "stands": list(selectors.stand_list(exhibitor=exhibitor)),
        "pending": [s for s in sessions if s.status == s.Status.PENDING],
        "upcoming": [
            s for s in sessions if s.status == s.Status.PUBLISHED and s.ends_at > timezone.now()
        ],
        "lead_count": selectors.lead_list(exhibitor=exhibitor)
        .filter(withdrawn_at__isnull=True)
        .count(),
        "member_count": selectors.membership_list(exhibitor=exhibitor).count(),
    }
    return _render(request, exhibitor, "overview.html", context)


# --- Profile ----------------------------------------------------------------------------------


@portal_page
@require_http_methods(["GET", "POST"])
def profile(request, exhibitor):
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.exhibitor_profile_update(exhibitor=exhibitor, data=form.changes())
            except ExpoError as exc:
                errors_onto_form(form, exc)
            else:
                messages.success(request, _("The profile is saved."))
                return redirect(_here("profile", exhibitor))
        return _render(request, exhibitor, "profile.html", {"form": form}, status=400)
    initial = {field: getattr(exhibitor, field) for field in services.PROFILE_FIELDS}
    return _render(request, exhibitor, "profile.html", {"form": ProfileForm(initial=initial)})


# --- Stands -----------------------------------------------------------------------------------


def _stand_data(form: StandForm) -> dict:
    return {name: form.cleaned_data[name] for name in ("venue", "code", "opens_at", "closes_at")}


@portal_page
@require_http_methods(["GET", "POST"])
def stands(request, exhibitor):
    form = StandForm(exhibitor=exhibitor)
    status = 200
    if request.method == "POST":
        form = StandForm(request.POST, exhibitor=exhibitor)
        if form.is_valid():
            try:
                stand = services.stand_create(exhibitor=exhibitor, data=_stand_data(form))
            except ExpoError as exc:
                errors_onto_form(form, exc, field="code")
            else:
                messages.success(request, _("Stand %(code)s is added.") % {"code": stand.code})
                return redirect(_here("stands", exhibitor))
        status = 400
    context = {"stands": list(selectors.stand_list(exhibitor=exhibitor)), "form": form}
    return _render(request, exhibitor, "stands.html", context, status=status)


@portal_page
@require_http_methods(["GET", "POST"])
def stand_edit(request, exhibitor, stand_id: int):
    try:
        stand = selectors.stand_get(exhibitor=exhibitor, stand_id=stand_id)
    except NotFound:
        raise Http404 from None
    if request.method == "POST":
        form = StandForm(request.POST, exhibitor=exhibitor)
        if form.is_valid():
            try:
                services.stand_update(stand=stand, data=_stand_data(form))
            except ExpoError as exc:
                errors_onto_form(form, exc, field="code")
            else:
                messages.success(request, _("Stand %(code)s is saved.") % {"code": stand.code})
                return redirect(_here("stands", exhibitor))
        return _render(request, exhibitor, "stand.html", {"stand": stand, "form": form}, status=400)
    initial = {
        "venue": stand.venue.slug,
        "code": stand.code,
        "opens_at": stand.opens_at,
        "closes_at": stand.closes_at,
    }
    form = StandForm(initial=initial, exhibitor=exhibitor)
    return _render(request, exhibitor, "stand.html", {"stand": stand, "form": form})


@portal_page
@require_POST
def stand_delete(request, exhibitor, stand_id: int):
    try:
        stand = selectors.stand_get(exhibitor=exhibitor, stand_id=stand_id)
    except NotFound:
        raise Http404 from None
    services.stand_delete(stand=stand)
    messages.success(request, _("Stand %(code)s is removed.") % {"code": stand.code})
    return redirect(_here("stands", exhibitor))


# --- Team -------------------------------------------------------------------------------------


def _team_render(request, exhibitor, form, *, status=200):
    is_owner = exhibitor.my_role == Membership.Role.OWNER
    context = {
        "members": list(selectors.membership_list(exhibitor=exhibitor)),
        "invitations": list(selectors.invitation_open_list(exhibitor=exhibitor))
        if is_owner
        else [],
        "form": form,
        "roles": Membership.Role.choices,
    }
    return _render(request, exhibitor, "team.html", context, status=status)


@portal_page
@require_http_methods(["GET", "POST"])
def team(request, exhibitor):
    """The people who act for the organisation; owners invite here."""
    if request.method == "POST":
        if exhibitor.my_role != Membership.Role.OWNER:
            raise PermissionDenied
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                services.invitation_create(
                    exhibitor=exhibitor, invited_by=request.user, **form.cleaned_data
                )
            except ExpoError as exc:
                errors_onto_form(form, exc, field="email" if exc.code == "already_member" else None)
            else:
                messages.success(
                    request,
                    _("An invitation is on its way to %(email)s.")
                    % {"email": form.cleaned_data["email"]},
                )
                return redirect(_here("team", exhibitor))
        return _team_render(request, exhibitor, form, status=400)
    return _team_render(request, exhibitor, InvitationForm())


@portal_page
@require_POST
def member_remove(request, exhibitor, membership_id: int):
    try:
        services.membership_remove(
            exhibitor=exhibitor, membership_id=membership_id, acting_user=request.user
        )
    except NotFound:
        raise Http404 from None
    except ExpoError as exc:
        messages.error(request, exc.detail)
        return redirect(_here("team", exhibitor))
    if not selectors.member_exhibitors(user=request.user).filter(pk=exhibitor.pk).exists():
        messages.success(request, _("You no longer act for %(name)s.") % {"name": exhibitor})
        return redirect("exhibitors:portal")
    messages.success(request, _("The member is removed."))
    return redirect(_here("team", exhibitor))


@portal_page
@require_POST
def member_role(request, exhibitor, membership_id: int):
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
        return redirect(_here("team", exhibitor))
    try:
        services.membership_role_set(
            exhibitor=exhibitor, membership_id=membership_id, role=form.cleaned_data["role"]
        )
    except NotFound:
        raise Http404 from None
    except ExpoError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("The role is changed."))
    return redirect(_here("team", exhibitor))


@portal_page
@require_POST
def invitation_revoke(request, exhibitor, invitation_id: int):
    if exhibitor.my_role != Membership.Role.OWNER:
        raise PermissionDenied
    try:
        services.invitation_revoke(exhibitor=exhibitor, invitation_id=invitation_id)
    except NotFound:
        raise Http404 from None
    messages.success(request, _("The invitation is withdrawn; its link no longer works."))
    return redirect(_here("team", exhibitor))


# --- Sessions ---------------------------------------------------------------------------------


@portal_page
def sessions(request, exhibitor):
    """Own sessions in every status, the staff's reason for a rejection, and attendance."""
    page = _page(request, selectors.hosted_session_attendance_list(exhibitor=exhibitor))
    now = timezone.now()
    for session in page.object_list:
        session.n_no_shows = session.n_unscanned if session.starts_at <= now else 0
    return _render(request, exhibitor, "sessions.html", {"page": page})


@portal_page
@require_http_methods(["GET", "POST"])
def session_propose_page(request, exhibitor):
    if request.method == "POST":
        form = ProposalForm(request.POST, exhibitor=exhibitor)
        if form.is_valid():
            data = {**form.cleaned_data, "themes": list(form.cleaned_data["themes"])}
            try:
                session_propose(host=exhibitor, data=data, proposed_by=request.user)
            except ExpoError as exc:
                errors_onto_form(form, exc)
            else:
                messages.success(
                    request,
                    _("Thank you! Your proposal waits for the expo staff's decision."),
                )
                return redirect(_here("sessions", exhibitor))
        return _render(request, exhibitor, "propose.html", {"form": form}, status=400)
    return _render(request, exhibitor, "propose.html", {"form": ProposalForm(exhibitor=exhibitor)})


@portal_page
def session_attendance(request, exhibitor, session_id: int):
    """Bookings of an own session with each ticket's attendance; names only by consent."""
    try:
        session = selectors.hosted_session_get(exhibitor=exhibitor, session_id=session_id)
    except NotFound:
        raise Http404 from None
    page = _page(
        request,
        selectors.hosted_session_booking_list(
            exhibitor=exhibitor, session=session, status=Booking.Status.CONFIRMED
        ),
    )
    for booking in page.object_list:
        booking.shared = booking_shares_contact(booking)
        booking.ticket_rows = [
            (ticket, selectors.attendee_name_shared(booking, ticket))
            for ticket in booking.tickets.all()
        ]
    context = {
        "session": session,
        "attendance": session_attendance_numbers(session=session),
        "page": page,
        "csv_form": DelimiterForm(),
    }
    return _render(request, exhibitor, "session.html", context)


@portal_page
def session_attendees_csv_download(request, exhibitor, session_id: int):
    try:
        session = selectors.hosted_session_get(exhibitor=exhibitor, session_id=session_id)
    except NotFound:
        raise Http404 from None
    form = DelimiterForm(request.GET)
    form.is_valid()
    return session_attendees_csv(exhibitor=exhibitor, session=session, delimiter=form.separator())


# --- Leads ------------------------------------------------------------------------------------


@portal_page
def lead_list(request, exhibitor):
    page = _page(request, selectors.lead_list(exhibitor=exhibitor))
    return _render(request, exhibitor, "leads.html", {"page": page, "csv_form": DelimiterForm()})


@portal_page
@require_http_methods(["GET", "POST"])
def lead_scan(request, exhibitor):
    """The phone page at the stand: the camera or a typed code; kept only by consent."""
    status = 200
    form = LeadScanForm()
    if request.method == "POST":
        form = LeadScanForm(request.POST)
        if form.is_valid():
            try:
                captured = leads.lead_capture(
                    exhibitor=exhibitor, scanned_by=request.user, **form.cleaned_data
                )
            except ExpoError as exc:
                errors_onto_form(form, exc, field="code")
            else:
                if captured.created:
                    messages.success(request, _("Lead saved."))
                else:
                    messages.info(request, _("Already a lead: the note is added."))
                return redirect(f"{_here('lead-scan', exhibitor)}?lead={captured.lead.pk}")
        status = 400
    last = None
    if request.method == "GET" and request.GET.get("lead", "").isdigit():
        last = selectors.lead_list(exhibitor=exhibitor).filter(pk=request.GET["lead"]).first()
    return _render(
        request, exhibitor, "lead_scan.html", {"form": form, "last": last}, status=status
    )


@portal_page
@require_http_methods(["GET", "POST"])
def lead_detail(request, exhibitor, lead_id: int):
    try:
        lead = selectors.lead_get(exhibitor=exhibitor, lead_id=lead_id)
    except NotFound:
        raise Http404 from None
    if request.method == "POST":
        form = LeadNoteForm(request.POST)
        if form.is_valid():
            try:
                leads.lead_note_update(lead=lead, note=form.cleaned_data["note"])
            except NotFound:
                raise Http404 from None  # withdrawn: nothing may be added back
            messages.success(request, _("The note is saved."))
            return redirect(_here("leads", exhibitor))
        return _render(request, exhibitor, "lead.html", {"lead": lead, "form": form}, status=400)
    form = LeadNoteForm(initial={"note": lead.note})
    return _render(request, exhibitor, "lead.html", {"lead": lead, "form": form})


@portal_page
def leads_csv_download(request, exhibitor):
    form = DelimiterForm(request.GET)
    form.is_valid()
    return leads_csv(exhibitor=exhibitor, delimiter=form.separator())
