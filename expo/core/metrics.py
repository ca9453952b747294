"""The Prometheus metrics operators watch live (README, "Metrics"), defined once, here.

Services, views and tasks of every app increment the objects below; figures that are
cheaper to read from the database at scrape time than to count (the outbox backlog) are
collectors their app adds with `scrape_collector_add`. Updating a metric touches only
this process's memory (or, under gunicorn and Celery, a memory-mapped file): no query and
no Redis round trip per request.

With ``PROMETHEUS_MULTIPROC_DIR`` set (production), every process writes its samples to
files in that directory and `metrics_exposition` adds them up, so whichever web process
answers a scrape reports the whole site. The directory is shared by web and worker
containers (docker-compose.yml), so file names carry the host name besides the process
id: two containers' processes often have the same id. A dead process's samples are
folded into its host's archive files (`dead_process_samples_fold`). Without the
variable (runserver, tests) the samples stay in this process.
"""

import fcntl
import os
import socket
import time
from collections import Counter as Totals
from contextlib import contextmanager, nullcontext

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    values,
)
from prometheus_client.mmap_dict import MmapedDict
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

MULTIPROCESS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
# An underscore would split a file name where prometheus_client parses it.
_HOST = socket.gethostname().replace("_", "-")
# Counters and histograms: the kinds of file a process writes here (no gauge is stored).
_SAMPLE_FILE_KINDS = ("counter", "histogram")


def _process_name(process: int | str) -> str:
    return f"{_HOST}-{process}"


if os.environ.get(MULTIPROCESS_DIR_VARIABLE):
    # Must be chosen before the first metric exists.
    values.ValueClass = values.MultiProcessValue(lambda: _process_name(os.getpid()))

# --- Requests --------------------------------------------------------------------------

# Any other verb a client invents is counted as "other": label values must stay few.
HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Requests that match no URL (404s, whitenoise's static files) share one label value.
UNMATCHED_VIEW = "unmatched"

HTTP_REQUEST_DURATION = Histogram(
    "expo_http_request_duration_seconds",
    "Time from the first middleware to the response, by URL name, method and status class.",
    ["view", "method", "status"],
)

# --- Bookings and scans ----------------------------------------------------------------

BOOKINGS = Counter("expo_bookings", "Bookings committed (direct, from the waitlist, walk-ins).")
BOOKED_SEATS = Counter("expo_booked_seats", "Seats taken by committed bookings.")
SOLD_OUT_REFUSALS = Counter("expo_sold_out_refusals", "Bookings refused because seats ran out.")
SCANS = Counter(
    "expo_scans",
    "Ticket scans decided, by result: accepted or the rejection reason (docs/api.md).",
    ["result"],
)

# --- Celery tasks ----------------------------------------------------------------------

CELERY_TASK_DURATION = Histogram(
    "expo_celery_task_duration_seconds",
    "Time a Celery task ran, by task name.",
    ["task"],
    # From one mail (milliseconds) to a sweep of 100 000 reminders (minutes).
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600),
)
CELERY_TASKS = Counter(
    "expo_celery_tasks",
    "Celery task runs by task name and outcome (success, failure, retry...).",
    ["task", "state"],
)

_task_started_at: dict[str, float] = {}


def http_request_observe(*, view: str | None, method: str, status: int, seconds: float) -> None:
    HTTP_REQUEST_DURATION.labels(
        view or UNMATCHED_VIEW,
        method if method in HTTP_METHODS else "other",
        f"{status // 100}xx",
    ).observe(seconds)


def celery_task_started(*, task_id: str, **_signal) -> None:
    """`task_prerun` receiver (connected in `CoreConfig.ready`)."""
    _task_started_at[task_id] = time.perf_counter()


def celery_task_finished(*, task_id: str, task, state: str | None = None, **_signal) -> None:
    """`task_postrun` receiver: one duration sample and one outcome per run."""
    started = _task_started_at.pop(task_id, None)
    if started is not None:
        CELERY_TASK_DURATION.labels(task.name).observe(time.perf_counter() - started)
    CELERY_TASKS.labels(task.name, (state or "unknown").lower()).inc()


# --- Scraping --------------------------------------------------------------------------

_scrape_collectors: list[Collector] = []


def scrape_collector_add(collector: Collector) -> None:
    """Have `collector` asked at each scrape (by its app's `AppConfig.ready`)."""
    _scrape_collectors.append(collector)


def metrics_exposition() -> bytes:
    """Every metric in the text exposition format: all processes' samples, then the
    figures the scrape-time collectors read now."""
    registry = CollectorRegistry()
    directory = os.environ.get(MULTIPROCESS_DIR_VARIABLE)
    if directory:
        MultiProcessCollector(registry, path=directory)
    else:
        registry.register(REGISTRY)
    for collector in _scrape_collectors:
        registry.register(collector)
    with _samples_locked(directory, fcntl.LOCK_SH) if directory else nullcontext():
        return generate_latest(registry)


def dead_process_samples_fold(*, pid: int) -> None:
    """Add a dead process's counters and histograms to this host's archive files and
    remove its own: its samples must stay (a counter never goes down), its file need not.

    gunicorn replaces each worker every few thousand requests (``--max-requests``); every
    file left behind would make each scrape read one more, and fill the directory.
    Called by gunicorn's master when a worker exits (gunicorn.conf.py).
    """
    directory = os.environ.get(MULTIPROCESS_DIR_VARIABLE)
    if not directory:
        return
    # Exclusive: a scrape sees the samples before the fold or after it, never twice.
    with _samples_locked(directory, fcntl.LOCK_EX):
        for kind in _SAMPLE_FILE_KINDS:
            dead = os.path.join(directory, f"{kind}_{_process_name(pid)}.db")
            if os.path.exists(dead):
                _fold_into_archive(
                    dead, os.path.join(directory, f"{kind}_{_process_name('archive')}.db")
                )


def _fold_into_archive(dead: str, archive: str) -> None:
    """Precondition: the caller holds the directory's exclusive lock."""
    totals: Totals[str] = Totals()
    for path in (archive, dead):
        if os.path.exists(path):
            for key, value, _timestamp, _position in MmapedDict.read_all_values_from_file(path):
                totals[key] += value
    # Written beside the archive under a name no scrape reads, then swapped in whole.
    written = f"{archive}.new"
    if os.path.exists(written):
        os.remove(written)  # left by a fold that died half way; its archive is intact
    folded = MmapedDict(written)
    for key, value in totals.items():
        folded.write_value(key, value, 0.0)
    folded.close()
    os.replace(written, archive)
    os.remove(dead)


@contextmanager
def _samples_locked(directory: str, operation: int):
    """An advisory lock on the samples directory, shared by every container using it."""
    with open(os.path.join(directory, ".lock"), "a") as lock:
        fcntl.flock(lock, operation)
        yield
