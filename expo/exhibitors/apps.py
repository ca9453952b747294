from django.apps import AppConfig


class ExhibitorsConfig(AppConfig):
    name = "expo.exhibitors"
    label = "exhibitors"
    verbose_name = "Exhibitors"

    def ready(self):
        from expo.core.privacy import personal_data_register
        from expo.exhibitors import messages, receivers  # noqa: F401 - connects them
        from expo.exhibitors.privacy import ExhibitorsPersonalData

        personal_data_register(ExhibitorsPersonalData())
        messages.register()
