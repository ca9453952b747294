"""Run callables at the same instant in real threads, each on its own DB connection."""

import threading
from concurrent.futures import ThreadPoolExecutor

from django.db import connections


def race(calls, *, workers: int = 20) -> list:
    """Start the calls in waves of `workers` that each set off together; return the
    results or exceptions in call order.

    Twenty threads keep two parallel test workers well inside PostgreSQL's default
    100 connections while still piling every wave onto the same rows.
    """
    parties = min(workers, len(calls))
    barrier = threading.Barrier(parties, timeout=60)
    # Only whole waves meet at the barrier; a last, smaller wave starts as it comes.
    in_waves = len(calls) // parties * parties

    def run(indexed_call):
        index, call = indexed_call
        try:
            if index < in_waves:
                barrier.wait()
            return call()
        except Exception as exc:  # noqa: BLE001 - the caller inspects every outcome
            return exc
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=parties) as pool:
        return list(pool.map(run, enumerate(calls)))
