"""How the web service is served; gunicorn reads ./gunicorn.conf.py by itself.

The layout was measured on 2 cores by `bench/run.py` (BENCHMARKS.md, "Server layout").
WEB_CONCURRENCY and GUNICORN_THREADS change it without a new image.
"""

import os

worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", 4))
threads = int(os.environ.get("GUNICORN_THREADS", 2))
