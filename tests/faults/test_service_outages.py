"""Outages on real servers under a stream of bookings: the test stops and starts its
own PostgreSQL cluster and Redis server (tests/faults/services.py) while client threads
book through gunicorn, then checks what visitors got and what the database holds.
"""

import subprocess
import sys
import threading
import time
from collections import Counter

import pytest

from expo.notifications.services import _message_id
from tests.bookings.smtp_sink import SmtpSink
from tests.faults.services import (
    ROOT,
    Gunicorn,
    broker_drained,
    celery_worker,
    project_env,
    seed,
    send_task,
    wait_until,
)

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

SWEEP = "expo.notifications.tasks.sweep_notifications"


class BookingStream:
    """Client threads booking through the live server until the block ends.

    Each thread books as its own visitors, every (visitor, session) pair once, so the
    answers are 201 or a refusal such as `sold_out`; one more thread opens pages. Every
    answer is kept with the phase (`before`, `down`, `after`) the test was in.
    """

    def __init__(self, server: Gunicorn, data: dict, *, clients: int = 3, pause: float = 0.15):
        self.server, self.data, self.clients, self.pause = server, data, clients, pause
        self.phase = "before"
        self.answers: list[tuple[str, str, object]] = []
        self._done = threading.Event()
        self._threads = [threading.Thread(target=self._book, args=(n,)) for n in range(clients)] + [
            threading.Thread(target=self._browse)
        ]

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc_info):
        self._done.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def _keep(self, kind, answer):
        self.answers.append((self.phase, kind, answer))

    def _book(self, n: int) -> None:
        tokens, sessions = self.data["tokens"][n :: self.clients], self.data["sessions"]
        k = 0
        while not self._done.is_set():
            token = tokens[k % len(tokens)]
            session = sessions[(k // len(tokens)) % len(sessions)]
            phase = self.phase
            answer = self.server.request(
                "POST",
                "/api/v1/bookings/",
                body={"session": session, "party_size": 1 + k % 2},
                headers={"Authorization": f"Token {token}", "Accept-Language": "sv"},
            )
            self.answers.append((phase, "api", answer))
            if answer.status != 503:  # a refused request is tried again, as a client would
                k += 1
            time.sleep(self.pause)  # a few dozen bookings, not a benchmark

    def _browse(self) -> None:
        while not self._done.is_set():
            phase = self.phase
            answer = self.server.request("GET", "/", headers={"Accept-Language": "sv"})
            self.answers.append((phase, "page", answer))
            time.sleep(0.2)

    def statuses(self, phase=None, kind=None) -> Counter:
        return Counter(
            answer.status
            for p, k, answer in self.answers
            if (phase is None or p == phase) and (kind is None or k == kind)
        )


@pytest.fixture(scope="module")
def static_root(tmp_path_factory, request):
    """Collected static files (pages need the manifest with DEBUG off) and, meanwhile,
    the private cluster set up: the two take seconds each and need nothing of each other."""
    root = tmp_path_factory.mktemp("static")
    env = {**project_env(database_url="", redis_url="", smtp_port=0), "STATIC_ROOT": str(root)}
    del env["DATABASE_URL"], env["REDIS_URL"]  # collecting needs neither
    collecting = subprocess.Popen(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    request.getfixturevalue("private_postgres")
    _out, errors = collecting.communicate(timeout=120)
    assert collecting.returncode == 0, errors.decode()[-3000:]
    return root


@pytest.fixture
def sink():
    with SmtpSink() as smtp:
        yield smtp


@pytest.fixture
def env(static_root, private_postgres, private_redis, sink):
    return project_env(
        database_url=private_postgres.url,
        redis_url=private_redis.url,
        smtp_port=sink.port,
        STATIC_ROOT=str(static_root),
        THROTTLE_BOOKING="100000/min",
        MAX_BOOKINGS_PER_VISITOR_PER_DAY="100",
        # The sweep in these tests takes every pending row, not only those 5 minutes old.
        NOTIFICATION_SWEEP_AFTER_MINUTES="0",
    )


@pytest.fixture
def processes():
    started = []
    yield started
    for process in started:
        process.stop()


def test_redis_stopped_while_visitors_book_costs_no_booking_and_no_mail(
    private_postgres, private_redis, sink, env, processes, tmp_path
):
    data = seed(env=env, sessions=8, visitors=6, capacity=100)
    server = Gunicorn(env=env, log=tmp_path / "gunicorn.log")
    processes.append(server)

    # Fewer bookings here: each one's mail is rendered and sent afterwards.
    with BookingStream(server, data, clients=2, pause=0.25) as stream:
        time.sleep(1)
        private_redis.stop()
        stream.phase = "down"
        ready = server.request("GET", "/readyz")
        time.sleep(2)
        private_redis.start()  # empty: the tasks queued before the stop are gone
        stream.phase = "after"
        time.sleep(1.5)

    assert stream.statuses() and max(stream.statuses()) < 500, stream.statuses()
    assert stream.statuses("down", "api")[201] > 0, "no booking was made while Redis was down"
    assert ready.status == 503
    assert ready.json()["checks"]["redis"] != "ok"
    assert ready.json()["checks"]["database"] == "ok"

    processes.append(celery_worker(env=env, log=tmp_path / "worker.log"))
    send_task(private_redis.url, SWEEP, queue="housekeeping")

    confirmed = {
        booking_id
        for (booking_id,) in private_postgres.query(
            "SELECT id FROM bookings_booking WHERE status = 'confirmed'"
        )
    }
    expected = {f"booking:{booking_id}:booking_confirmed" for booking_id in confirmed}
    wait_until(
        lambda: (
            _statuses(private_postgres, expected) == {"sent"} and broker_drained(private_redis.url)
        ),
        timeout=90,
        what="every confirmation is sent and the worker has drained its queues",
    )
    sent_ids = Counter(message["Message-ID"] for message in sink.messages)
    assert sent_ids == Counter({_message_id(key): 1 for key in expected})


def _statuses(server, keys) -> set[str]:
    rows = server.query(
        "SELECT key, status FROM bookings_notification WHERE kind = 'booking_confirmed'"
    )
    found = dict(rows)
    return {found.get(key, "missing") for key in keys}


def test_postgres_stopped_while_visitors_book_answers_503_and_recovers(
    private_postgres, env, processes, tmp_path
):
    data = seed(env=env, sessions=8, visitors=9, capacity=10)
    server = Gunicorn(env=env, log=tmp_path / "gunicorn.log")
    processes.append(server)
    pid = server.process.pid

    with BookingStream(server, data) as stream:
        time.sleep(1)
        stream.phase = "down"
        private_postgres.stop()
        time.sleep(2)
        private_postgres.start()
        stream.phase = "after"
        time.sleep(2)

    errors = [(kind, answer) for _phase, kind, answer in stream.answers if answer.status >= 500]
    assert errors, "the outage never reached a request"
    for kind, answer in errors:
        assert answer.status == 503, answer.body[:300]
        assert int(answer.headers["Retry-After"]) > 0
        if kind == "api":
            assert answer.json()["code"] == "service_unavailable"
        else:
            assert answer.headers["Content-Type"].startswith("text/html")
            assert "Tillfälligt otillgänglig" in answer.body.decode()
    # Recovered by itself: the same server process books and serves pages again.
    assert server.process.poll() is None and server.process.pid == pid
    assert stream.statuses("after", "api")[201] > 0
    assert stream.statuses("after", "page")[200] > 0
    assert stream.answers[-1][2].status < 500

    # docs/architecture.md, invariant 1, held through the outage: seats taken are exactly
    # what is booked.
    mismatched = private_postgres.query(
        """
        SELECT s.id, s.seats_taken, COALESCE(b.seats, 0) + COALESCE(w.seats, 0)
        FROM events_session s
        LEFT JOIN (SELECT session_id, SUM(party_size) AS seats FROM bookings_booking
                   WHERE status = 'confirmed' GROUP BY session_id) b ON b.session_id = s.id
        LEFT JOIN (SELECT session_id, SUM(party_size) AS seats FROM bookings_waitlistentry
                   WHERE status = 'offered' GROUP BY session_id) w ON w.session_id = s.id
        WHERE s.seats_taken <> COALESCE(b.seats, 0) + COALESCE(w.seats, 0)
        """
    )
    assert mismatched == []
    assert private_postgres.query("SELECT COUNT(*) FROM bookings_booking")[0][0] > 0
