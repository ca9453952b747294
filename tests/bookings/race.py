"""Run callables at the same instant in real threads, each on its own DB connection."""

import threading
from concurrent.futures import ThreadPoolExecutor

from django.db import connections


def race(calls, *, workers: int = 20) -> list:
    """Start every call together (in waves of `workers`) and return results or exceptions.

    Twenty threads keep two parallel test workers well inside PostgreSQL's default
    100 connections while still piling every wave onto the same rows.
    """
    barrier = threading.Barrier(min(workers, len(calls)), timeout=60)

    def run(call):
        try:
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                pass  # the last, smaller wave starts without waiting for a full barrier
            return call()
        except Exception as exc:  # noqa: BLE001 - the caller inspects every outcome
            return exc
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, calls))
