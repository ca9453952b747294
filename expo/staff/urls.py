"""The expo staff's desk (HTML, and the JSON it polls)."""

from django.urls import path

from expo.staff import views

app_name = "staff"

urlpatterns = [
    path("staff/", views.desk, name="desk"),
    path("staff/occupancy.json", views.occupancy_json, name="occupancy"),
    path("staff/sessions/<int:session_id>/", views.session_attendance, name="session"),
    path("staff/sessions/<int:session_id>/approve/", views.proposal_approve, name="approve"),
    path("staff/sessions/<int:session_id>/reject/", views.proposal_reject, name="reject"),
    path("staff/sessions/<int:session_id>/cancel/", views.session_cancel, name="cancel"),
    path("staff/scans/<int:scan_id>/review/", views.scan_review, name="scan-review"),
]
