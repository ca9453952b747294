"""Private PostgreSQL and Redis servers that a test starts and stops at will.

Fault tests stop the database or the broker under load, so they never touch the
machine's shared servers: each gets a throwaway PostgreSQL cluster (``initdb`` into a
temporary directory) and a ``redis-server``, both on free ports on 127.0.0.1. Run as
root (CI), PostgreSQL runs as the ``postgres`` user, which it insists on.
"""

import glob
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import pytest
import redis
from celery import Celery

from tests.bookings.smtp_sink import free_port

ROOT = Path(__file__).resolve().parents[2]


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    on_path = shutil.which(name)
    if on_path is None:
        raise RuntimeError(f"PostgreSQL's {name} is not installed")
    return on_path


def _as_postgres(argv: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its tools as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


def wait_until(condition, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting until {what}")


def _run(argv: list[str]) -> None:
    result = subprocess.run(argv, capture_output=True, text=True)
    if result.returncode:
        raise AssertionError(f"{' '.join(argv)} failed:\n{result.stdout}{result.stderr}")


class PrivatePostgres:
    """A PostgreSQL cluster of its own: `start()`, `stop()`, `query()`, `remove()`.

    Its directory is made here, not by pytest: pytest's are private to the user running
    the tests, and the postgres user could not enter them.
    """

    def __init__(self):
        self.base = Path(tempfile.mkdtemp(prefix="expo-faults-pg-"))
        self.data = self.base / "data"
        self.port = free_port()
        self.database = "expo"
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres")
        _run(
            _as_postgres([_pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust"])
        )

    def remove(self) -> None:
        shutil.rmtree(self.base, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{self.database}"

    def start(self) -> None:
        # Durability is not under test: no fsync keeps start-up and writes quick.
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.base} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        _run(
            _as_postgres(
                [
                    _pg_bin("pg_ctl"),
                    "-D",
                    str(self.data),
                    "-l",
                    str(self.base / "log"),
                    "-o",
                    options,
                    "-w",
                    "start",
                ]
            )
        )

    def stop(self) -> None:
        """Fast shutdown: open connections are cut, as when the server goes away."""
        _run(_as_postgres([_pg_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"]))

    def create_database(self) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.database}"')

    @property
    def admin_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def query(self, sql: str, params=()) -> list[tuple]:
        with psycopg.connect(self.url) as conn:
            return conn.execute(sql, params).fetchall()


class PrivateRedis:
    """A redis-server of its own that can be stopped and started on the same port."""

    def __init__(self, base: Path):
        self.base = base
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.base),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        wait_until(lambda: _pings(client), timeout=10, what="redis-server answers")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


def _pings(client: redis.Redis) -> bool:
    try:
        return client.ping()
    except redis.ConnectionError:
        return False


class ProjectProcess:
    """A project process (gunicorn, a Celery worker) on the private servers; log kept."""

    def __init__(self, argv: list[str], *, env: dict[str, str], log: Path):
        self.log = log
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                argv,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its children (gunicorn's workers) stop with it
            )

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # any child left behind
        except ProcessLookupError:
            pass


def project_env(*, database_url: str, redis_url: str, smtp_port: int, **extra) -> dict[str, str]:
    """The environment of a production-like process: DEBUG off, every key set."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "DEBUG": "0",
        "SECRET_KEY": "fault-tests-only-" + "x" * 40,
        "TICKET_SIGNING_KEY": TICKET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "NOTIFICATION_RETRY_BACKOFF_SECONDS": "1",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


# A fixed Ed25519 key (32 zero bytes would do as well): tests only.
TICKET_KEY = "faults:" + "A" * 43 + "="


def manage(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def run_python(script: str, *, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise AssertionError(f"script failed:\n{result.stderr[-3000:]}")
    return result.stdout


@pytest.fixture(scope="module")
def private_postgres():
    """A migrated private cluster, shared by a module's tests; removed afterwards."""
    server = PrivatePostgres()
    server.start()
    try:
        server.create_database()
        manage(
            "migrate",
            "--noinput",
            env=project_env(database_url=server.url, redis_url="", smtp_port=0),
        )
        yield server
    finally:
        try:
            server.stop()
        except AssertionError:
            pass  # a test left it stopped
        server.remove()


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


BIN = Path(sys.executable).parent


class Gunicorn(ProjectProcess):
    """The WSGI app as production serves it, on a free port."""

    def __init__(self, *, env: dict[str, str], log: Path):
        self.port = free_port()
        super().__init__(
            [
                str(BIN / "gunicorn"),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--threads",
                "4",
            ],
            env=env,
            log=log,
        )
        wait_until(self._answers, timeout=30, what="gunicorn answers")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(self, method: str, path: str, *, body=None, headers=None) -> "Answer":
        """One request on a new connection (a phone on mobile data)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            payload = json.dumps(body) if body is not None else None
            sent = {"Content-Type": "application/json", **(headers or {})}
            connection.request(method, path, body=payload, headers=sent)
            response = connection.getresponse()
            return Answer(response.status, dict(response.getheaders()), response.read())
        finally:
            connection.close()

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"gunicorn exited:\n{self.text()[-3000:]}")
        try:
            return self.request("GET", "/healthz").status == 200
        except OSError:
            return False


class Answer:
    def __init__(self, status: int, headers: dict[str, str], body: bytes):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)


def celery_worker(*, env: dict[str, str], log: Path, pool: str = "solo") -> ProjectProcess:
    """`celery -A config worker` on every queue, one task at a time (killable as one)."""
    return ProjectProcess(
        [str(BIN / "celery"), "-A", "config", "worker", "--pool", pool, "--loglevel", "INFO"],
        env=env,
        log=log,
    )


def send_task(redis_url: str, name: str, *, queue: str) -> None:
    """Queue a task by name, as beat would, without touching the project's Celery app."""
    with Celery(broker=redis_url) as app:
        app.send_task(name, queue=queue)


def broker_drained(redis_url: str) -> bool:
    """No task waiting in any queue nor delivered and unacknowledged."""
    client = redis.Redis.from_url(redis_url)
    queues = ("default", "mail", "housekeeping")
    return not any(client.llen(queue) for queue in queues) and not client.hlen("unacked")


SEED = """
import json
import django
django.setup()
from datetime import timedelta
from django.utils import timezone
from knox.models import AuthToken
from expo.accounts.models import User
from tests.factories import SessionFactory, UserFactory, VenueFactory
# A second seed of the same database must not repeat the factories' unique names.
offset = 1000 * (User.objects.count() + 1)
for made in (SessionFactory, UserFactory, VenueFactory):
    made.reset_sequence(offset)
start = timezone.now() + timedelta(days=1)
sessions = [
    SessionFactory(starts_at=start + timedelta(days=day), capacity={capacity})
    for day in range({sessions})
]
tokens = [AuthToken.objects.create(user=UserFactory())[1] for _ in range({visitors})]
print(json.dumps({{"sessions": [s.pk for s in sessions], "tokens": tokens}}))
"""


def seed(*, env: dict[str, str], sessions: int, visitors: int, capacity: int) -> dict:
    """Sessions on different days (no overlaps) and visitors with API tokens."""
    script = SEED.format(sessions=sessions, visitors=visitors, capacity=capacity)
    return json.loads(run_python(script, env=env).strip().splitlines()[-1])
