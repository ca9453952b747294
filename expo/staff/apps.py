from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "expo.staff"
    label = "staff"
    verbose_name = "Expo staff desk"
