from django.apps import AppConfig


class ScanningConfig(AppConfig):
    name = "expo.scanning"
    label = "scanning"
    verbose_name = "Scanning"

    def ready(self):
        from expo.core.privacy import personal_data_register
        from expo.scanning.privacy import ScanningPersonalData

        personal_data_register(ScanningPersonalData())
