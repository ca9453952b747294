from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "expo.privacy"
    label = "privacy"
    verbose_name = _("Personal data")

    def ready(self):
        from expo.privacy import receivers  # noqa: F401 - connects them
        from expo.privacy.services import personal_data_discover

        personal_data_discover()
