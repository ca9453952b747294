"""Committed outbox rows handed to Celery by a thread of their own, in batches.

A booking's answer used to wait while its confirmation's task went to the broker: a
Celery publish costs about a millisecond of CPU and a round trip to Redis per booking
(bench/profile_hot_paths.py), and seconds of retries when Redis is away. Now the
request only drops the committed rows' keys in a queue; one thread per process hands
them on, as many as gather in GATHER_SECONDS after the first into one call of
`notifications_queue`, so a rush costs one publish per batch rather than one per booking
(each publish is about half a millisecond of CPU; a confirmation waits 0.1 s longer).

Nothing that matters can be lost (docs/architecture.md, invariant 4): the rows are
committed before their keys get here, and a key that dies with its process (a crash, a
kill) leaves its row `pending` for the sweep, as a broker outage does. A process that
exits normally hands on what is left first.

Run eagerly (tests, the embedded default) there is no broker and no thread: the keys
are handed on at once, in the caller, as before.
"""

import atexit
import logging
import os
import queue
import threading
import time
from collections.abc import Callable

from celery import current_app

logger = logging.getLogger(__name__)

# At most this many keys in one hand-off; `notifications_queue` splits them into tasks.
BATCH_LIMIT = 500
# How long the thread waits after a first key for others to join its hand-off.
GATHER_SECONDS = 0.1


class Publisher:
    def __init__(self, hand_on: Callable[[list[str]], None], gather_seconds=GATHER_SECONDS):
        """`hand_on(keys)` gives keys to Celery (`expo.notifications.outbox`'s)."""
        self._hand_on = hand_on
        self._gather_seconds = gather_seconds
        self._keys: queue.Queue = queue.Queue()
        self._started_in: int | None = None  # the process whose thread is running
        self._lock = threading.Lock()

    def publish(self, keys: list[str]) -> None:
        """Hand `keys` on soon, from the publishing thread (started on first use)."""
        if current_app.conf.task_always_eager:
            self._hand_on(keys)
            return
        if self._started_in != os.getpid():  # first use, or first in a forked child
            self._start()
        self._keys.put(keys)

    def drain(self) -> None:
        """Hand on every key waiting, in the calling thread (at exit)."""
        while self._hand_on_next(gather_seconds=None):
            pass

    def flush(self) -> None:
        """Wait until every key published so far has been handed on (or given up)."""
        if self._started_in == os.getpid():
            self._keys.join()

    def _start(self) -> None:
        with self._lock:
            if self._started_in == os.getpid():
                return
            self._keys = queue.Queue()  # a forked child does not inherit the thread
            threading.Thread(target=self._run, name="outbox-publisher", daemon=True).start()
            atexit.register(self.drain)
            self._started_in = os.getpid()

    def _run(self) -> None:
        while True:
            self._hand_on_next(gather_seconds=self._gather_seconds)

    def _hand_on_next(self, *, gather_seconds: float | None) -> bool:
        """Hand on the keys waiting, at most BATCH_LIMIT; False when there were none.

        With `gather_seconds`, waits for a first key, then that long for more; with None,
        takes only what is already there. The queue counts keys done only once handed
        on, so `flush` also waits for a hand-off under way.
        """
        batch: list[str] = []
        taken = 0
        try:
            batch += self._keys.get(block=gather_seconds is not None)
            taken += 1
            until = time.monotonic() + (gather_seconds or 0)
            while len(batch) < BATCH_LIMIT:
                batch += self._keys.get(timeout=max(until - time.monotonic(), 0))
                taken += 1
        except queue.Empty:
            pass
        if not taken:
            return False
        try:
            self._hand_on(batch)
        except Exception:  # the rows stay pending: the sweep sends them
            logger.exception("could not hand on %d notifications", len(batch))
        finally:
            for _item in range(taken):
                self._keys.task_done()
        return True
