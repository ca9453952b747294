from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExhibitorsConfig(AppConfig):
    name = "expo.exhibitors"
    label = "exhibitors"
    verbose_name = _("Exhibitors")

    def ready(self):
        from expo.exhibitors import messages, receivers  # noqa: F401 - connects them

        messages.register()
