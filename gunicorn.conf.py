"""How the web service is served; gunicorn reads ./gunicorn.conf.py by itself.

The layout was measured on 2 cores by `bench/run.py` (BENCHMARKS.md, "Server layout").
WEB_CONCURRENCY and GUNICORN_THREADS change it without a new image.
"""

import os

worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", 4))
threads = int(os.environ.get("GUNICORN_THREADS", 2))


def child_exit(server, worker):
    """A worker exited (``max_requests``, a crash): its metrics join the archive."""
    from expo.core.metrics import dead_process_samples_fold

    dead_process_samples_fold(pid=worker.pid)
