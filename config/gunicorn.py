"""gunicorn's settings module (``gunicorn --config python:config.gunicorn``): its hooks."""

from expo.core.metrics import dead_process_samples_fold


def child_exit(server, worker):
    """A worker exited (``--max-requests``, a crash): its metrics join the archive."""
    dead_process_samples_fold(pid=worker.pid)
