"""Exhibitor pages (HTML): the public guide, the invitation link and the portal. The
API is in `urls.py`."""

from django.urls import path

from expo.exhibitors import views, views_portal

app_name = "exhibitors"

portal = "exhibitor/<slug:slug>/"

urlpatterns = [
    # The public guide.
    path("exhibitors/", views.guide, name="guide"),
    path("exhibitors/<slug:slug>/", views.exhibitor_detail, name="detail"),
    # Where invitation e-mails link to.
    path("exhibitor/invitations/<str:token>/", views.invitation, name="invitation"),
    # The portal.
    path("exhibitor/", views_portal.portal_home, name="portal"),
    path(portal, views_portal.overview, name="overview"),
    path(f"{portal}profile/", views_portal.profile, name="profile"),
    path(f"{portal}stands/", views_portal.stands, name="stands"),
    path(f"{portal}stands/<int:stand_id>/", views_portal.stand_edit, name="stand"),
    path(f"{portal}stands/<int:stand_id>/delete/", views_portal.stand_delete, name="stand-delete"),
    path(f"{portal}team/", views_portal.team, name="team"),
    path(
        f"{portal}team/<int:membership_id>/remove/",
        views_portal.member_remove,
        name="member-remove",
    ),
    path(f"{portal}team/<int:membership_id>/role/", views_portal.member_role, name="member-role"),
    path(
        f"{portal}team/invitations/<int:invitation_id>/revoke/",
        views_portal.invitation_revoke,
        name="invitation-revoke",
    ),
    path(f"{portal}sessions/", views_portal.sessions, name="sessions"),
    path(f"{portal}sessions/propose/", views_portal.session_propose_page, name="session-propose"),
    path(
        f"{portal}sessions/<int:session_id>/",
        views_portal.session_attendance,
        name="session",
    ),
    path(
        f"{portal}sessions/<int:session_id>/attendees.csv",
        views_portal.session_attendees_csv_download,
        name="session-csv",
    ),
    path(f"{portal}leads/", views_portal.lead_list, name="leads"),
    path(f"{portal}leads/scan/", views_portal.lead_scan, name="lead-scan"),
    path(f"{portal}leads/export.csv", views_portal.leads_csv_download, name="leads-csv"),
    path(f"{portal}leads/<int:lead_id>/", views_portal.lead_detail, name="lead"),
]
