"""Log-in, log-out and sign-up pages (HTML); the API is in `urls.py`."""

from django.urls import path

from expo.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("register/", views.register, name="register"),
]
