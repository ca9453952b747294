"""The programme pages (HTML); the API's programme is in `urls.py`."""

from django.urls import path

from expo.events import views

app_name = "events"

urlpatterns = [
    path("", views.programme, name="programme"),
    path("sessions/<int:session_id>/", views.session_detail, name="session"),
]
