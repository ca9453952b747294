from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "expo.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # tasks: registered with Celery before outbox.py looks them up by name.
        from expo.core.metrics import scrape_collector_add
        from expo.notifications import account_messages, receivers, tasks  # noqa: F401
        from expo.notifications.metrics import OutboxCollector

        account_messages.register()
        scrape_collector_add(OutboxCollector())
