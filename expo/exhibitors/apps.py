from django.apps import AppConfig


class ExhibitorsConfig(AppConfig):
    name = "expo.exhibitors"
    label = "exhibitors"
    verbose_name = "Exhibitors"
