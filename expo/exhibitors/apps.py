from django.apps import AppConfig


class ExhibitorsConfig(AppConfig):
    name = "expo.exhibitors"
    label = "exhibitors"
    verbose_name = "Exhibitors"

    def ready(self):
        from expo.exhibitors import messages, receivers  # noqa: F401 - connects them

        messages.register()
