from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "expo.events"
    label = "events"
    verbose_name = "Programme"
