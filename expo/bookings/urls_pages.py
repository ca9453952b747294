"""The visitor's booking pages (HTML); the API is in `urls.py`."""

from django.urls import path

from expo.bookings import views

app_name = "bookings"

urlpatterns = [
    path("sessions/<int:session_id>/book/", views.booking_create, name="create"),
    path("sessions/<int:session_id>/waitlist/", views.waitlist_join, name="waitlist-join"),
    path("bookings/", views.booking_list, name="list"),
    path("bookings/<str:reference>/", views.booking_detail, name="detail"),
    path("bookings/<str:reference>/print/", views.booking_print, name="print"),
    path("bookings/<str:reference>/tickets.pdf", views.booking_tickets_pdf, name="tickets-pdf"),
    path("bookings/<str:reference>/cancel/", views.booking_cancel, name="cancel"),
    path("waitlist/<int:entry_id>/", views.waitlist_entry, name="waitlist-entry"),
    path("waitlist/<int:entry_id>/accept/", views.waitlist_accept, name="waitlist-accept"),
    path("waitlist/<int:entry_id>/leave/", views.waitlist_leave, name="waitlist-leave"),
]
