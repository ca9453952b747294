from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "expo.bookings"
    label = "bookings"
    verbose_name = _("Bookings")

    def ready(self):
        from expo.bookings import checks, messages, receivers  # noqa: F401 - registers them

        messages.register()
