from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "expo.core"
    label = "core"

    def ready(self):
        from celery.signals import task_postrun, task_prerun

        from expo.core import metrics

        # Every task of every app is timed; the uid keeps a second `ready()` from doubling it.
        task_prerun.connect(metrics.celery_task_started, dispatch_uid="expo-metrics-task-started")
        task_postrun.connect(
            metrics.celery_task_finished, dispatch_uid="expo-metrics-task-finished"
        )
