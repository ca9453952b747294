from django.urls import path

from expo.accounts import apis

urlpatterns = [
    path("auth/register/", apis.RegisterApi.as_view(), name="auth-register"),
    path("auth/token/", apis.AuthTokenApi.as_view(), name="auth-token"),
    path("auth/login-link/", apis.LoginLinkApi.as_view(), name="auth-login-link"),
    path(
        "auth/login-link/redeem/", apis.LoginLinkRedeemApi.as_view(), name="auth-login-link-redeem"
    ),
    path("auth/logout/", apis.LogoutApi.as_view(), name="auth-logout"),
    path("auth/logout-all/", apis.LogoutAllApi.as_view(), name="auth-logout-all"),
    path("auth/verify-email/", apis.EmailVerifyApi.as_view(), name="auth-verify-email"),
    path("me/", apis.MeApi.as_view(), name="me"),
    path("me/verify-email/", apis.EmailVerifyResendApi.as_view(), name="me-verify-email"),
    path("me/calendar-token/", apis.CalendarTokenApi.as_view(), name="me-calendar-token"),
]
