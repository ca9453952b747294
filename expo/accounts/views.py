"""Log in, log out and sign up on the visitor pages (Django's auth views, our templates)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from expo.accounts import services
from expo.accounts.forms import LoginForm, RegisterForm
from expo.accounts.throttles import LoginPerAddressThrottle, LoginPerEmailThrottle, RegisterThrottle
from expo.core.exceptions import ExpoError
from expo.events.views import throttle_wait

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
        try:
            user = services.user_create(
                email=data["email"],
                password=data["password"],
                name=data["name"],
                language=data["language"],
            )
        except ExpoError as exc:
            form.add_error("email", exc.detail)
        else:
            login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            with translation.override(user.language):
                messages.success(
                    request,
                    _("Welcome, %(name)s! Your account is ready: pick a session and book.")
                    % {"name": user.name},
                )
            response = redirect(_safe_next(request) or HOME)
            return _remember_language(response, user.language)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "next": _safe_next(request) or ""}
    return render(request, "registration/register.html", context, status=status)
