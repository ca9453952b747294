"""The visitor's account page and the privacy notice: thin pages over the privacy and
account services (the export and erasure the API offers at `/api/v1/me/`)."""

import json
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from expo.accounts import services as account_services
from expo.core.pages import render_page
from expo.core.permissions import is_scan_only
from expo.privacy import selectors

LOGIN_URL = "accounts:login"


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=gettext_lazy("Language for pages and e-mails"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
    )


def _account_holder(view):
    """Logged in, with a visitor's account: gate accounts scan and nothing else."""

    @login_required(login_url=LOGIN_URL)
    @wraps(view)
    def checked(request, *args, **kwargs):
        if is_scan_only(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return checked


@_account_holder
@require_http_methods(["GET", "POST"])
def account(request):
    """Who the visitor is, the language their pages and e-mails come in, and their data."""
    form = LanguageForm(request.POST or None, initial={"language": request.user.language})
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        account_services.user_update_profile(user=request.user, language=language)
        translation.activate(language)
        messages.success(request, _("Your language is saved."))
        response = redirect("privacy:account")
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
        )
        return response
    status = 400 if form.is_bound else 200
    return render_page(request, "pages/account.html", {"form": form}, status=status)


@_account_holder
@require_safe
def account_export(request):
    """Everything held about the visitor, as the API's export, to download."""
    data = selectors.user_data_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="h22-my-data.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@_account_holder
@require_http_methods(["GET", "POST"])
def account_delete(request):
    """GET asks for confirmation, POST erases the account: both work without JavaScript."""
    if request.method == "POST":
        account_services.user_erase(user=request.user)
        logout(request)
        messages.success(request, _("Your account is deleted. Thank you for visiting H22."))
        return redirect("events:programme")
    return render_page(request, "pages/account_delete.html")


@require_safe
def notice(request):
    return render_page(
        request,
        "pages/privacy_notice.html",
        {"retention_days": settings.PERSONAL_DATA_RETENTION_DAYS},
    )
