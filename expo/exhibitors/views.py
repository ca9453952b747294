"""The one exhibitor page a person reaches from an e-mail: the invitation link.

GET shows what the link invites to; POST (a button, with CSRF) accepts it for the
logged-in person. The rest of the portal is the API (`apis/portal.py`).
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from expo.core.exceptions import ExpoError, NotFound
from expo.core.pages import render_page
from expo.exhibitors import services


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
