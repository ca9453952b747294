"""Ticket mail end to end, with real parts: a Celery worker process on Redis, an SMTP
server on 127.0.0.1 and PostgreSQL. docs/architecture.md, invariant 4, under the faults
that matter: the broker
down at booking time, a worker killed in the middle of the SMTP conversation, and a mail
server that says "try again later".

Each test gets its own queue, so tests running in parallel (pytest-xdist) on the same
Redis never take each other's tasks. The worker reads the test database.
"""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import kombu.pools
import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from config.celery import app as celery_app
from expo.bookings import services, tasks
from expo.bookings.models import Booking
from expo.bookings.services import Attendee
from expo.bookings.ticket_codes import ticket_code_verify
from expo.notifications.models import Notification
from expo.notifications.outbox import publisher
from expo.notifications.services import _message_id, notifications_retry, notifications_sweep
from tests.bookings.smtp_sink import SmtpSink, attachments_of, free_port, ticket_codes_in
from tests.factories import SessionFactory, UserFactory, book

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]
TASKS = "expo.*.tasks.*"
# The worker runs the project's Celery app with the test's queue and, for the test that
# kills a worker, a short visibility timeout so the orphaned task comes back quickly.
WORKER = """
import json, os
import django
django.setup()
from config.celery import app
queue = os.environ["E2E_QUEUE"]
app.conf.task_routes = {os.environ["E2E_TASKS"]: {"queue": queue}}
app.conf.broker_transport_options = {
    **app.conf.broker_transport_options, **json.loads(os.environ["E2E_TRANSPORT_OPTIONS"])
}
app.worker_main(["worker", "--queues", queue, "--pool", "solo", "--loglevel", "INFO",
                 "--without-gossip", "--without-mingle", "--without-heartbeat",
                 "--hostname", "e2e-" + queue + "@%h"])
"""


class Worker:
    """A Celery worker subprocess; its log is kept to wait on what it did.

    By default the project's app on the test's own queue (WORKER); `argv` runs another
    command line, such as the plain ``celery -A config worker`` an operator types.
    """

    def __init__(
        self,
        *,
        queue: str,
        smtp_port: int,
        log: Path,
        transport_options=None,
        argv: list[str] | None = None,
        redis_url: str | None = None,
    ):
        self.log = log
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DATABASE_URL": _test_database_url(),
            "REDIS_URL": redis_url or settings.REDIS_URL,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "NOTIFICATION_RETRY_BACKOFF_SECONDS": "1",  # retries within seconds, not minutes
            "E2E_QUEUE": queue,
            "E2E_TASKS": TASKS,
            "E2E_TRANSPORT_OPTIONS": json.dumps(transport_options or {}),
            "PYTHONUNBUFFERED": "1",
        }
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                argv or [sys.executable, "-c", WORKER],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its pool's children are stopped with it
            )
        if argv is None:
            self.wait_for_log(" ready.", timeout=60)

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for_log(self, needle: str, *, timeout: float, count: int = 1) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.text().count(needle) >= count:
                return
            if self.process.poll() is not None:
                raise AssertionError(f"worker exited:\n{self.text()[-3000:]}")
            time.sleep(0.1)
        raise AssertionError(f"worker never logged {needle!r}:\n{self.text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL: no cleanup, no ack, like a node lost mid-task."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        _kill_leftovers(self.process)


def _kill_leftovers(process: subprocess.Popen) -> None:
    """A pool child left behind would hold a connection to the test database."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _test_database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _forget_broker_connections() -> None:
    """Celery caches its broker pool and router; drop them so changed settings apply."""
    kombu.pools.reset()  # kombu keeps producers per broker across Celery's own reset
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app.amqp._rtable = None
    celery_app.amqp.__dict__.pop("router", None)


@contextmanager
def publishing(*, broker_url: str, queue: str | None):
    """This process queues tasks for real (tests run Celery eagerly otherwise).

    Every task goes to `queue`, or with None to the queues the settings route it to.
    """
    conf = celery_app.conf
    saved = {name: conf[name] for name in ("broker_url", "task_always_eager", "task_routes")}
    routes = {TASKS: {"queue": queue}} if queue else conf.task_routes
    conf.update(broker_url=broker_url, task_always_eager=False, task_routes=routes)
    _forget_broker_connections()
    try:
        yield
    finally:
        publisher.flush()  # what was booked here is queued here (outbox publisher)
        conf.update(saved)
        _forget_broker_connections()


@pytest.fixture
def queue():
    name = f"e2e-{uuid.uuid4().hex[:10]}"
    yield name
    # Leftovers (a duplicate task nobody needed) must not pile up in a shared Redis.
    client = redis.Redis.from_url(settings.REDIS_URL)
    leftovers = list(client.scan_iter(match=f"*{name}*"))
    if leftovers:
        client.delete(*leftovers)


@pytest.fixture
def sink():
    with SmtpSink() as smtp:
        yield smtp


@pytest.fixture
def workers(queue, sink, tmp_path):
    """Start workers with `workers.start()`; every one is stopped after the test."""
    started = []

    class Workers:
        @staticmethod
        def start(**transport_options) -> Worker:
            worker = Worker(
                queue=queue,
                smtp_port=sink.port,
                log=tmp_path / f"worker-{len(started)}.log",
                transport_options=transport_options,
            )
            started.append(worker)
            return worker

    yield Workers
    for worker in started:
        worker.stop()


@pytest.fixture
def broker(queue):
    with publishing(broker_url=settings.REDIS_URL, queue=queue):
        yield


def confirmation(booking) -> Notification:
    return Notification.objects.get(booking=booking, key__endswith=":booking_confirmed")


def wait_until(condition, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting until {what}")


def tasks_left(queue: str) -> int:
    """Tasks for `queue` still waiting in Redis or reserved by a worker and not yet acked.

    Tasks are acked late, so a task being run, or held back for a retry's countdown, is
    still in kombu's `unacked` hash; none left means no worker can send anything more.
    """
    client = redis.Redis.from_url(settings.REDIS_URL)
    waiting = sum(
        client.llen(key)
        for key in client.scan_iter(match=f"{queue}*")
        if client.type(key) == b"list"
    )
    reserved = sum(1 for value in client.hvals("unacked") if queue.encode() in value)
    return waiting + reserved


def wait_until_drained(queue: str, *, timeout: float = 30) -> None:
    """Every outbox row final (sent or failed) and no task left for the workers: from here
    on the sink's count can no longer change, so "no duplicate" is a settled fact."""
    final = (Notification.Status.SENT, Notification.Status.FAILED)
    wait_until(
        lambda: (
            not Notification.objects.exclude(status__in=final).exists() and not tasks_left(queue)
        ),
        timeout=timeout,
        what="every row is final and the queue is drained",
    )


def test_booking_mails_tickets_that_scan(sink, workers, broker, queue):
    workers.start()

    booking = book(party_size=2, attendees=[Attendee("Astrid"), Attendee("Bo", "bo@example.org")])

    messages = sink.wait_for(2)
    by_recipient = {message["To"]: message for message in messages}
    tickets = {ticket.attendee_name: ticket for ticket in booking.tickets.all()}
    visitor_mail = by_recipient[booking.visitor.email]
    scanned = [ticket_code_verify(code) for code in ticket_codes_in(visitor_mail).values()]
    assert sorted(claim.ticket_id for claim in scanned) == sorted(t.pk for t in tickets.values())
    assert {claim.session_id for claim in scanned} == {booking.session_id}
    assert [name for name in attachments_of(visitor_mail) if name.endswith(".ics")]
    (bo_code,) = ticket_codes_in(by_recipient["bo@example.org"]).values()
    assert ticket_code_verify(bo_code).ticket_id == tickets["Bo"].pk
    wait_until_drained(queue)
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    assert sorted(m["To"] for m in sink.messages) == sorted(
        [booking.visitor.email, "bo@example.org"]
    )


def test_a_plain_worker_consumes_every_queue(sink, private_redis, tmp_path):
    """`celery -A config worker`, exactly as an operator types it, on a Redis of its own
    (the real queue names must not meet other tests' workers): a booking's ticket mail
    (queue `mail`) and a reminder that `queue_due_reminders` finds due (`housekeeping`)."""
    soon = SessionFactory(starts_at=timezone.now() + timedelta(hours=1))
    early = services.booking_create(visitor=UserFactory(), session_id=soon.pk, party_size=1)
    # Booked a day ago, before the 2-hour reminder was due; its confirmation went out then.
    Booking.objects.filter(pk=early.pk).update(created_at=timezone.now() - timedelta(days=1))
    Notification.objects.filter(booking=early).update(status=Notification.Status.SENT)

    with publishing(broker_url=private_redis.url, queue=None):
        booking = book()
        tasks.queue_due_reminders.delay()

    worker = Worker(
        queue="",
        smtp_port=sink.port,
        log=tmp_path / "worker.log",
        argv=[str(Path(sys.executable).parent / "celery"), "-A", "config", "worker"],
        redis_url=private_redis.url,
    )
    try:
        messages = sink.wait_for(2)
    finally:
        worker.stop()
    assert {message["Message-ID"] for message in messages} == {
        _message_id(confirmation(booking).key),
        _message_id(f"booking:{early.pk}:reminder:2h"),
    }
    banner = worker.text()
    assert all(f".> {queue} " in banner for queue in ("default", "mail", "housekeeping"))


def _worker_backends(since) -> set[int]:
    """Connections to the test database, other than this process's, opened before `since`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND backend_start < %s",
            [since],
        )
        return {pid for (pid,) in cursor.fetchall()}


def test_a_worker_keeps_its_database_connection_from_one_task_to_the_next(
    sink, private_redis, tmp_path
):
    """The product's worker command and settings (one pool process, so both tasks run in
    the same one): the second mail goes out over the connection the first one opened,
    where Celery alone would have closed it after the first task."""
    worker = Worker(
        queue="",
        smtp_port=sink.port,
        log=tmp_path / "worker.log",
        argv=[
            *(str(Path(sys.executable).parent / "celery"), "-A", "config", "worker"),
            *("--concurrency", "1", "--loglevel", "INFO"),
        ],
        redis_url=private_redis.url,
    )
    try:
        with publishing(broker_url=private_redis.url, queue=None):
            first = book()
            wait_until(
                lambda: confirmation(first).status == Notification.Status.SENT,
                timeout=60,
                what="the first confirmation is sent",
            )
            worker.wait_for_log(" succeeded in ", timeout=30)
            between = timezone.now()
            second = book()
            wait_until(
                lambda: confirmation(second).status == Notification.Status.SENT,
                timeout=60,
                what="the second confirmation is sent",
            )
            worker.wait_for_log(" succeeded in ", timeout=30, count=2)
        # Celery alone closes a task's connection when the task ends: the second task's
        # would be new, the first task's gone.
        assert _worker_backends(between)
    finally:
        worker.stop()
    assert len(sink.messages) == 2


def test_broker_down_at_booking_time_the_sweep_sends_it_later(sink, workers, queue):
    closed = f"redis://127.0.0.1:{free_port()}/0"
    with publishing(broker_url=closed, queue=queue):
        booking = book()  # the on-commit hand-off to Celery fails; the booking stands

    assert confirmation(booking).status == Notification.Status.PENDING
    workers.start()
    assert tasks_left(queue) == 0  # nothing reached the broker: no worker can send it
    assert sink.messages == []

    with publishing(broker_url=settings.REDIS_URL, queue=queue):
        assert notifications_sweep(now=timezone.now() + timedelta(minutes=6)) == 1
        (message,) = sink.wait_for(1)

    assert message["To"] == booking.visitor.email
    wait_until_drained(queue)
    assert confirmation(booking).status == Notification.Status.SENT
    assert len(sink.messages) == 1


@pytest.mark.parametrize("server_had_it", [True, False], ids=["accepted", "not_accepted"])
def test_a_worker_killed_mid_smtp_every_booking_still_gets_its_confirmation(
    sink, workers, broker, queue, server_had_it
):
    sink.stall_next(accept_first=server_had_it)
    first = workers.start()
    stalled = book()
    assert sink.stalled.wait(60), "the worker never reached the SMTP server"
    others = [book(), book()]  # queued behind the stalled one
    assert confirmation(stalled).status == Notification.Status.SENDING

    first.kill()
    sink.release()
    # The unacked task comes back from Redis to a new worker and finds the row `sending`:
    # nobody can tell yet whether the dead worker is merely slow, so it sends nothing.
    second = workers.start(
        visibility_timeout=2, unacked_restore_interval=1, unacked_restore_throttle=1
    )
    wait_until(
        lambda: (
            all(confirmation(b).status == Notification.Status.SENT for b in others)
            and "'sending'" in second.text()
        ),
        timeout=60,
        what="the others are sent and the orphaned task found its row sending",
    )
    assert confirmation(stalled).status == Notification.Status.SENDING

    # Older than a task may live: the sweep sends it once more, with the same Message-ID.
    notifications_sweep(now=timezone.now() + timedelta(minutes=10))
    wait_until(
        lambda: confirmation(stalled).status == Notification.Status.SENT,
        timeout=30,
        what="the interrupted row is sent again",
    )
    wait_until_drained(queue)  # a late duplicate would land before this returns
    row = confirmation(stalled)
    assert row.interruptions == 1
    by_id = {}
    for message in sink.messages:
        by_id.setdefault(message["Message-ID"], []).append(message)
    expected = {_message_id(confirmation(b).key) for b in [stalled, *others]}
    assert set(by_id) == expected  # every booking got its confirmation
    copies = {message_id: len(messages) for message_id, messages in by_id.items()}
    # A duplicate only where the dead worker's copy had reached the server, and then
    # with the same Message-ID.
    assert copies[_message_id(row.key)] == (2 if server_had_it else 1)
    assert sum(copies.values()) == len(expected) + (1 if server_had_it else 0)

    # Staff's "retry delivery" has nothing to resend: the row is sent.
    assert notifications_retry(notification_ids=[row.pk]) == 0


def test_smtp_failing_twice_then_succeeding_delivers_once(sink, workers, broker, queue):
    sink.fail_next(2)
    workers.start()

    booking = book()

    (message,) = sink.wait_for(1, timeout=60)
    assert message["To"] == booking.visitor.email
    wait_until_drained(queue)
    row = confirmation(booking)
    assert (row.status, row.attempts, row.last_error) == (Notification.Status.SENT, 3, "")
    assert len(sink.messages) == 1
