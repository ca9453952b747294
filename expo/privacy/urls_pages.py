"""The account page and the privacy notice (HTML); the API is in `urls.py`."""

from django.urls import path

from expo.privacy import views

app_name = "privacy"

urlpatterns = [
    path("account/", views.account, name="account"),
    path("account/export/", views.account_export, name="account-export"),
    path("account/delete/", views.account_delete, name="account-delete"),
    path("privacy/", views.notice, name="notice"),
]
