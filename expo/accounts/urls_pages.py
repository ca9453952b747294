"""Log-in, log-out, sign-up, address and password pages (HTML); the API is in `urls.py`."""

from django.contrib.auth import views as auth_views
from django.urls import path

from expo.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/link/", views.login_link_request, name="login-link-request"),
    path("login/link/<str:token>/", views.login_link, name="login-link"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("register/", views.register, name="register"),
    path("verify/resend/", views.verify_email_resend, name="verify-email-resend"),
    path("verify/<uidb64>/<token>/", views.verify_email, name="verify-email"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "password/reset/done/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="registration/password_reset_done.html"
        ),
        name="password-reset-done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/password_reset_complete.html"
        ),
        name="password-reset-complete",
    ),
    path("password/change/", views.PasswordChangeView.as_view(), name="password-change"),
]
