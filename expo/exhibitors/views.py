"""Public exhibitor pages: the guide (`/exhibitors/`) and the invitation link.

The guide's lists cost a fixed number of queries whatever their length: exhibitors with
their stands (and venues) prefetched, sessions from the programme's `session_list`.
The invitation page: GET shows what the link invites to; POST (a button, with CSRF)
accepts it for the logged-in person, who then lands in the portal (`views_portal.py`).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from expo.core.exceptions import ExpoError, NotFound
from expo.core.pages import render_page
from expo.events import selectors as catalogue
from expo.events.views import session_booking_state, session_map_url
from expo.exhibitors import selectors, services

GUIDE_PAGE_SIZE = 24
GUIDE_FILTERS = ("q", "theme", "venue", "area")


@require_safe
def guide(request):
    values = {name: request.GET.get(name, "").strip()[:100] for name in GUIDE_FILTERS}
    exhibitors = selectors.exhibitor_guide_list(
        text=values["q"], theme=values["theme"], venue=values["venue"], area=values["area"]
    )
    page = Paginator(exhibitors, GUIDE_PAGE_SIZE).get_page(request.GET.get("page"))
    venues = list(catalogue.venue_list().prefetch_related(None).only("slug", "name", "area"))
    active = {name: value for name, value in values.items() if value}
    context = {
        "page": page,
        "values": values,
        "venues": venues,
        "areas": sorted({venue.area for venue in venues if venue.area}),
        "themes": list(catalogue.theme_list()),
        "has_filters": bool(active),
        "filter_query": urlencode(active),
    }
    return render_page(request, "exhibitors/guide.html", context)


@require_safe
def exhibitor_detail(request, slug: str):
    try:
        exhibitor = selectors.exhibitor_public_get(slug=slug)
    except NotFound:
        raise Http404 from None
    now = timezone.now()
    sessions = list(selectors.exhibitor_upcoming_sessions(exhibitor=exhibitor, now=now))
    for session in sessions:
        session.state = session_booking_state(session, now)
    stands = [(stand, session_map_url(stand.venue)) for stand in exhibitor.stands.all()]
    context = {"exhibitor": exhibitor, "stands": stands, "sessions": sessions}
    return render_page(request, "exhibitors/exhibitor.html", context)


@require_http_methods(["GET", "POST"])
def invitation(request, token: str):
    try:
        invitation = services.invitation_by_token(token)
    except NotFound:
        raise Http404 from None
    here = reverse("exhibitors:invitation", args=[token])
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(here, "accounts:login")
        try:
            services.invitation_accept(token=token, user=request.user)
        except ExpoError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(
                request, _("Welcome! You now act for %(name)s.") % {"name": invitation.exhibitor}
            )
            return redirect("exhibitors:overview", slug=invitation.exhibitor.slug)
        return redirect(here)
    user = request.user
    context = {
        "invitation": invitation,
        "expired": invitation.expires_at <= timezone.now(),
        "is_invitee": user.is_authenticated and user.email.lower() == invitation.email,
        "login_url": f"{reverse('accounts:login')}?next={here}",
        "register_url": f"{reverse('accounts:register')}?next={here}",
    }
    return render_page(request, "exhibitors/invitation.html", context)
