from django.urls import path

from expo.accounts import apis

urlpatterns = [
    path("auth/register/", apis.RegisterApi.as_view(), name="auth-register"),
    path("auth/token/", apis.AuthTokenApi.as_view(), name="auth-token"),
    path("me/", apis.MeApi.as_view(), name="me"),
    path("me/export/", apis.MeExportApi.as_view(), name="me-export"),
    path("me/calendar-token/", apis.CalendarTokenApi.as_view(), name="me-calendar-token"),
]
