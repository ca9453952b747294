"""The programme, exhibition and venue pages (HTML); the API's catalogue is in `urls.py`."""

from django.urls import path

from expo.events import views

app_name = "events"

urlpatterns = [
    path("", views.programme, name="programme"),
    path("sessions/<int:session_id>/", views.session_detail, name="session"),
    path("exhibitions/", views.exhibition_list, name="exhibitions"),
    path("exhibitions/<str:key>/", views.exhibition_detail, name="exhibition"),
    path("venues/", views.venue_list, name="venues"),
    path("venues/<slug:slug>/", views.venue_detail, name="venue"),
]
