"""How the web service is served; gunicorn reads ./gunicorn.conf.py by itself.

Sync workers, two per core and one more. On 2 cores they answered bookings and scans at
least as fast as threads (gthread) or greenlets (gevent, with a connection pool) and
with the shortest tails: threads in one process queue for Python's lock on every switch
(BENCHMARKS.md, "Server layout", measured by `bench/run.py`). A sync worker is held for
the whole of a request, so it must sit behind a proxy that buffers slow clients
(deploy/Caddyfile). WEB_CONCURRENCY changes the count without a new image.
"""

import multiprocessing
import os

worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))


def child_exit(server, worker):
    """A worker exited (``max_requests``, a crash): its metrics join the archive."""
    from expo.core.metrics import dead_process_samples_fold

    dead_process_samples_fold(pid=worker.pid)
