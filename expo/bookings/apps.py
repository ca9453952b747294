from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "expo.bookings"
    label = "bookings"
    verbose_name = "Bookings"

    def ready(self):
        from expo.bookings import checks, messages, receivers  # noqa: F401 - registers them

        messages.register()
