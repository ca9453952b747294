from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "expo.core"
    label = "core"
