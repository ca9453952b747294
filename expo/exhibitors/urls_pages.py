"""The invitation page (HTML) that invitation e-mails link to; the API is in `urls.py`."""

from django.urls import path

from expo.exhibitors import views

app_name = "exhibitors"

urlpatterns = [
    path("exhibitor/invitations/<str:token>/", views.invitation, name="invitation"),
]
