"""Committed outbox rows handed to Celery by a thread of their own, in batches.

A booking's answer used to wait while its confirmation's task went to the broker: a
Celery publish costs about half a millisecond of CPU and a round trip to Redis per booking
(bench/profile_hot_paths.py), and seconds of retries when Redis is away. Now the
request only drops the committed rows' keys in a queue; one thread per process hands
them on, GATHER_SECONDS after the first arrived, as many as have gathered by then in one
call of `notifications_queue`: a rush costs one publish per batch rather than one per
booking, and a confirmation leaves at most a quarter of a second later.

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
GATHER_SECONDS = 0.25


class Publisher:
    def __init__(self, hand_on: Callable[[list[str]], None], gather_seconds=GATHER_SECONDS):
        """`hand_on(keys)` gives keys to Celery (`expo.notifications.outbox`'s)."""
        self._hand_on = hand_on
        self._gather_seconds = gather_seconds
        self._keys: queue.Queue = queue.Queue()
        self._arrived = threading.Event()  # set when keys wait for the thread
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
        self._arrived.set()

    def drain(self) -> None:
        """Hand on every key waiting, in the calling thread (at exit)."""
        while self._hand_on_next():
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
            self._arrived = threading.Event()
            threading.Thread(target=self._run, name="outbox-publisher", daemon=True).start()
            atexit.register(self.drain)
            self._started_in = os.getpid()

    def _run(self) -> None:
        while True:
            self._arrived.wait()
            # Meanwhile the keys stay in the queue, where an exiting process's `drain`
            # finds them.
            time.sleep(self._gather_seconds)
            self._arrived.clear()
            while self._hand_on_next():
                pass

    def _hand_on_next(self) -> bool:
        """Hand on the keys waiting, at most BATCH_LIMIT; False when there were none.

        The queue counts keys done only once handed on, so `flush` also waits for a
        hand-off under way.
        """
        batch: list[str] = []
        taken = 0
        try:
            while len(batch) < BATCH_LIMIT:
                batch += self._keys.get_nowait()
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
