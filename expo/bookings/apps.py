from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "expo.bookings"
    label = "bookings"
    verbose_name = "Bookings"
