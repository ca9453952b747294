from django.urls import path

from expo.bookings import apis

urlpatterns = [
    path("bookings/", apis.BookingListCreateApi.as_view(), name="booking-list"),
    path("bookings/<str:reference>/", apis.BookingDetailApi.as_view(), name="booking-detail"),
    path(
        "bookings/<str:reference>/cancel/", apis.BookingCancelApi.as_view(), name="booking-cancel"
    ),
    path("tickets/<int:ticket_id>/qr.png", apis.TicketQrApi.as_view(), name="ticket-qr"),
    path(
        "sessions/<int:session_id>/waitlist/",
        apis.WaitlistJoinApi.as_view(),
        name="session-waitlist",
    ),
    path("waitlist/", apis.WaitlistListApi.as_view(), name="waitlist-list"),
    path("waitlist/<int:entry_id>/", apis.WaitlistEntryApi.as_view(), name="waitlist-detail"),
    path(
        "waitlist/<int:entry_id>/accept/", apis.WaitlistAcceptApi.as_view(), name="waitlist-accept"
    ),
    path(
        "sessions/<int:session_id>/calendar.ics",
        apis.SessionCalendarApi.as_view(),
        name="session-calendar",
    ),
    path("me/calendar.ics", apis.VisitorCalendarFeedApi.as_view(), name="me-calendar"),
]
