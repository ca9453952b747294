from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "expo.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from expo.notifications import account_messages, receivers  # noqa: F401 - registers them

        account_messages.register()
