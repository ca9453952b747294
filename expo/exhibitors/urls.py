"""Included under /api/v1/. The portal's routes that name an organisation come before
`exhibitor/invitations/<token>/...`, so an organisation with the slug «invitations»
still reaches all of its pages; tokens are far too long to be taken for a sub-page."""

from django.urls import path

from expo.exhibitors.apis import catalogue, portal, staff, visitors

public = [
    path("exhibitors/", catalogue.ExhibitorViewSet.as_view({"get": "list"}), name="exhibitor-list"),
    path(
        "exhibitors/<slug:slug>/",
        catalogue.ExhibitorViewSet.as_view({"get": "retrieve"}),
        name="exhibitor-detail",
    ),
]

ORG = "exhibitor/<slug:slug>/"
portal_urls = [
    path("exhibitor/", portal.MyExhibitorListApi.as_view(), name="exhibitor-portal-list"),
    path(ORG, portal.ExhibitorProfileApi.as_view(), name="exhibitor-portal-profile"),
    path(f"{ORG}stands/", portal.StandListCreateApi.as_view(), name="exhibitor-portal-stands"),
    path(
        f"{ORG}stands/<int:stand_id>/",
        portal.StandDetailApi.as_view(),
        name="exhibitor-portal-stand",
    ),
    path(f"{ORG}members/", portal.MemberListInviteApi.as_view(), name="exhibitor-portal-members"),
    path(
        f"{ORG}members/<int:membership_id>/",
        portal.MemberDetailApi.as_view(),
        name="exhibitor-portal-member",
    ),
    path(
        f"{ORG}invitations/",
        portal.InvitationListApi.as_view(),
        name="exhibitor-portal-invitations",
    ),
    path(
        f"{ORG}invitations/<int:invitation_id>/",
        portal.InvitationRevokeApi.as_view(),
        name="exhibitor-portal-invitation",
    ),
    path(
        f"{ORG}sessions/",
        portal.HostedSessionListProposeApi.as_view(),
        name="exhibitor-portal-sessions",
    ),
    path(
        f"{ORG}sessions/<int:session_id>/",
        portal.HostedSessionDetailApi.as_view(),
        name="exhibitor-portal-session",
    ),
    path(
        f"{ORG}sessions/<int:session_id>/bookings/",
        portal.HostedSessionBookingsApi.as_view(),
        name="exhibitor-portal-session-bookings",
    ),
    path(
        f"{ORG}sessions/<int:session_id>/attendees.csv",
        portal.HostedSessionAttendeesCsvApi.as_view(),
        name="exhibitor-portal-session-attendees-csv",
    ),
    path(f"{ORG}leads/", portal.LeadListCaptureApi.as_view(), name="exhibitor-portal-leads"),
    path(
        f"{ORG}leads/<int:lead_id>/", portal.LeadDetailApi.as_view(), name="exhibitor-portal-lead"
    ),
    path(f"{ORG}leads.csv", portal.LeadsCsvApi.as_view(), name="exhibitor-portal-leads-csv"),
    path(
        "exhibitor/invitations/<str:token>/",
        portal.InvitationPreviewApi.as_view(),
        name="exhibitor-invitation",
    ),
    path(
        "exhibitor/invitations/<str:token>/accept/",
        portal.InvitationAcceptApi.as_view(),
        name="exhibitor-invitation-accept",
    ),
]

staff = [
    path(
        "sessions/<int:session_id>/approve/",
        staff.SessionApproveApi.as_view(),
        name="session-approve",
    ),
    path(
        "sessions/<int:session_id>/reject/", staff.SessionRejectApi.as_view(), name="session-reject"
    ),
    # Expo staff and members of the session's host exhibitor.
    path(
        "sessions/<int:session_id>/attendance/",
        staff.SessionAttendanceApi.as_view(),
        name="session-attendance",
    ),
]

visitor = [
    path("me/leads/", visitors.ContactHolderListApi.as_view(), name="me-leads"),
    path("me/leads/consent/", visitors.LeadConsentApi.as_view(), name="me-lead-consent"),
    path(
        "me/leads/<slug:slug>/withdraw/",
        visitors.ContactWithdrawApi.as_view(),
        name="me-lead-withdraw",
    ),
]

urlpatterns = public + portal_urls + staff + visitor
