"""Celery app: `celery -A config worker` / `celery -A config beat`."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("expo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.task_prerun.connect
@signals.task_postrun.connect
def close_unusable_database_connections(sender=None, **kwargs) -> None:
    """Around each task, what Django does around each request: drop a connection that
    broke or outlived CONN_MAX_AGE and health-check the one kept.

    Celery's Django fixup would otherwise open a new connection for every task (it
    closes them all unless CELERY_DB_REUSE_MAX, config/settings/tasks.py), so a mail
    worker connected to PostgreSQL anew for every message. Eager tasks run inside their
    caller's transaction and leave its connection alone.
    """
    if sender is None or sender.request.is_eager:
        return
    from django.db import close_old_connections

    close_old_connections()
