"""Log in, log out, sign up, confirm the address and passwords on the visitor pages.

Django's auth views with our templates; mails go through the outbox (the services).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from expo.accounts import services
from expo.accounts.forms import LoginForm, LoginLinkForm, PasswordResetRequestForm, RegisterForm
from expo.accounts.throttles import (
    LoginLinkPerAddressThrottle,
    LoginLinkPerEmailThrottle,
    LoginPerAddressThrottle,
    LoginPerEmailThrottle,
    RegisterThrottle,
)
from expo.core.exceptions import ExpoError
from expo.core.pages import throttle_wait

HOME = "events:programme"


def _remember_language(response, language: str):
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    next_page = HOME

    def post(self, request, *args, **kwargs):
        wait = throttle_wait(
            request,
            [LoginPerAddressThrottle(), LoginPerEmailThrottle()],
            data={"email": request.POST.get("username", "")},
        )
        if wait is not None:
            # Refused before the password is even checked; an unbound form shows no hint.
            context = self.get_context_data(form=self.get_form_class()(request), too_many=True)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        # The account's language wins unless the visitor picked one in this browser.
        if settings.LANGUAGE_COOKIE_NAME not in self.request.COOKIES:
            _remember_language(response, form.get_user().language)
        return response


class LogoutView(auth_views.LogoutView):
    next_page = HOME

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You are logged out."))
        return response


def _safe_next(request) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def register(request):
    if request.user.is_authenticated:
        return redirect(_safe_next(request) or HOME)
    if request.method == "POST" and throttle_wait(request, [RegisterThrottle()], scope="register"):
        context = {"form": RegisterForm(), "next": _safe_next(request) or "", "too_many": True}
        return render(request, "registration/register.html", context, status=429)
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # The same answer for a new and a taken address: no log-in here, a pointer to
        # the inbox and the log-in page (the owner of a taken address is told by mail).
        services.user_register(
            email=data["email"],
            password=data["password"],
            name=data["name"],
            language=data["language"],
        )
        with translation.override(data["language"]):
            messages.success(
                request,
                _(
                    "Thank you! We have sent a link to %(email)s to confirm the address. "
                    "You can log in and book now."
                )
                % {"email": data["email"]},
            )
        login_url = reverse("accounts:login")
        if target := _safe_next(request):
            login_url += "?" + urlencode({"next": target})
        return _remember_language(redirect(login_url), data["language"])
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "next": _safe_next(request) or ""}
    return render(request, "registration/register.html", context, status=status)


@require_http_methods(["GET", "POST"])
def login_link_request(request):
    """Mail a sign-in link that returns to `next` (the pages' "book with your e-mail").

    The same "check your inbox" answer whether or not the address has an account.
    """
    if request.user.is_authenticated:
        return redirect(_safe_next(request) or HOME)
    form = LoginLinkForm(request.POST or None)
    context = {"link_form": form, "next": _safe_next(request) or ""}
    if request.method != "POST":
        return render(request, "registration/login_link_request.html", context)
    if throttle_wait(
        request,
        [LoginLinkPerAddressThrottle(), LoginLinkPerEmailThrottle()],
        data={"email": request.POST.get("email", "")},
    ):
        context.update(link_form=LoginLinkForm(), too_many=True)
        return render(request, "registration/login_link_request.html", context, status=429)
    if not form.is_valid():
        return render(request, "registration/login_link_request.html", context, status=400)
    language = translation.get_language() or "sv"
    services.login_link_request(
        email=form.cleaned_data["email"], language=language[:2], next_url=context["next"]
    )
    context["sent_to"] = form.cleaned_data["email"]
    return render(request, "registration/login_link_sent.html", context)


@require_http_methods(["GET", "POST"])
def login_link(request, token: str):
    """The link in the sign-in mail: one confirming click, because mail scanners open
    links; then signed in and back where the visitor asked for the link."""
    if request.method == "POST" and throttle_wait(request, [LoginPerAddressThrottle()]):
        context = {"invalid": False, "too_many": True}
        return render(request, "registration/login_link.html", context, status=429)
    try:
        if request.method != "POST":
            services.login_link_check(token=token)
            return render(request, "registration/login_link.html", {"invalid": False})
        user, link = services.login_link_redeem(token=token)
    except ExpoError:
        return render(request, "registration/login_link.html", {"invalid": True}, status=400)
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    target = link.next
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse(HOME)
    response = redirect(target)
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        _remember_language(response, user.language)
    return response


@require_http_methods(["GET", "POST"])
def verify_email(request, uidb64: str, token: str):
    """The link in the verification mail: a button, so that mail scanners opening links
    do not confirm the address for the person."""
    if request.method == "POST":
        try:
            services.email_verify(uidb64=uidb64, token=token)
        except ExpoError:
            return render(request, "registration/verify_email.html", {"invalid": True}, status=400)
        messages.success(request, _("Thank you: your e-mail address is confirmed."))
        return redirect(HOME)
    return render(request, "registration/verify_email.html", {"invalid": False})


@login_required
@require_POST
def verify_email_resend(request):
    if services.email_verification_request(user=request.user):
        messages.success(request, _("We have sent you a new link. Please check your inbox."))
    else:
        messages.info(
            request, _("Your address is confirmed already, or a link went out a moment ago.")
        )
    return redirect(_safe_next(request) or HOME)


class PasswordResetView(auth_views.PasswordResetView):
    """Asks for the address; the outbox mails the link (`password_reset_request`)."""

    template_name = "registration/password_reset_form.html"
    form_class = PasswordResetRequestForm
    success_url = reverse_lazy("accounts:password-reset-done")

    def post(self, request, *args, **kwargs):
        # Guessing which addresses have accounts or flooding an inbox: the log-in limits.
        wait = throttle_wait(
            request,
            [LoginPerAddressThrottle(), LoginPerEmailThrottle()],
            data={"email": request.POST.get("email", "")},
        )
        if wait is not None:
            context = self.get_context_data(form=self.get_form_class()(), too_many=True)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        services.password_reset_request(email=form.cleaned_data["email"])
        return redirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # Whoever knew the old password may hold API tokens made with it.
        services.auth_tokens_revoke_all(user=form.user)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy(HOME)

    def form_valid(self, form):
        response = super().form_valid(form)  # keeps this browser logged in
        services.auth_tokens_revoke_all(user=form.user)
        messages.success(self.request, _("Your password is changed."))
        return response
