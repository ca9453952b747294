from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "expo.privacy"
    label = "privacy"
    verbose_name = "Personal data"

    def ready(self):
        from expo.privacy import receivers  # noqa: F401 - connects them
        from expo.privacy.services import personal_data_discover

        personal_data_discover()
