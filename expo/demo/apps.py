from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "expo.demo"
    label = "demo"
    verbose_name = "Demo data"
