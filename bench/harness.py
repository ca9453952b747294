"""Shared set-up for the benchmarks: a scratch PostgreSQL database and a gunicorn server."""

import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/expo_bench")
BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
RESULTS = ROOT / "bench" / "results"


def bench_env(**extra) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        # With DEBUG off a ticket key is required (the bytes 0..31: bench-only).
        "TICKET_SIGNING_KEY": "BENCH:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
        "THROTTLE_BOOKING": "100000/min",
        "THROTTLE_LOGIN": "100000/min",
    }
    # Tasks go to a broker, as in production: mail is not rendered inside the request.
    env["REDIS_URL"] = BENCH_REDIS_URL
    env.update(extra)
    return env


def setup_django(**extra) -> None:
    os.environ.update(bench_env(**extra))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def fresh_database() -> None:
    """Drop and re-create the bench database (and empty the bench broker), then migrate."""
    import redis

    redis.Redis.from_url(BENCH_REDIS_URL).flushdb()
    url = urlparse(DATABASE_URL)
    name = url.path.lstrip("/")
    admin = ["psql", "-h", url.hostname or "127.0.0.1", "-U", url.username or "postgres"]
    drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    subprocess.run([*admin, "-q", "-c", drop], check=True)
    subprocess.run([*admin, "-q", "-c", f'CREATE DATABASE "{name}"'], check=True)
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=bench_env(),
        check=True,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Layout:
    """How gunicorn serves: worker class, processes, threads (or connections per process)."""

    worker_class: str
    workers: int
    threads: int = 1
    env: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        per = "connections" if self.worker_class == "gevent" else "threads"
        settings = "".join(f", {name}={value}" for name, value in self.env)
        return f"{self.worker_class} {self.workers} processes x {self.threads} {per}{settings}"

    def arguments(self) -> list[str]:
        arguments = ["--worker-class", self.worker_class, "--workers", str(self.workers)]
        if self.worker_class == "gevent":
            return [*arguments, "--worker-connections", str(self.threads)]
        return [*arguments, "--threads", str(self.threads)]


@contextmanager
def gunicorn(layout: Layout | None = None, *, root: Path = ROOT, **env):
    """A real gunicorn serving `config.wsgi:application` on a free local port.

    Without `layout`, the product's own gunicorn.conf.py decides, as in production.
    `root`: another checkout to serve (an earlier commit, for a "before" figure).
    """
    port = free_port()
    process = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            *(layout.arguments() if layout else []),
        ],
        cwd=root,
        env=bench_env(**dict(layout.env if layout else ()), **env),
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def latency_summary(milliseconds: list[float]) -> dict:
    return {
        "count": len(milliseconds),
        "p50_ms": round(statistics.median(milliseconds), 1),
        "p99_ms": round(percentile(milliseconds, 0.99), 1),
        "max_ms": round(max(milliseconds), 1),
    }


def save(name: str, report: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(report, indent=2, default=str))
    print(json.dumps(report, indent=2, default=str))
