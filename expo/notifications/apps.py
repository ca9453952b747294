from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "expo.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # tasks: registered with Celery before outbox.py looks them up by name.
        from expo.notifications import account_messages, receivers, tasks  # noqa: F401

        account_messages.register()
