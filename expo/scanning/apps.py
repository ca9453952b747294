from django.apps import AppConfig


class ScanningConfig(AppConfig):
    name = "expo.scanning"
    label = "scanning"
    verbose_name = "Scanning"
