"""/metrics: who may read it, and that each figure moves with the work it counts.

Counters live for the whole test process, so each test compares a scrape before and
after the work. The last test runs two separate processes in prometheus_client's
multiprocess mode, as gunicorn and Celery do in production, and scrapes their sum.
"""

import os
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.db import OperationalError
from django.test import Client, override_settings
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from expo.bookings import tasks as booking_tasks
from expo.bookings.ticket_codes import ticket_code_sign
from expo.core.metrics import MULTIPROCESS_DIR_VARIABLE, dead_process_samples_fold
from expo.events.models import Session
from expo.notifications import metrics as outbox_metrics
from expo.notifications.models import Notification
from tests.conftest import client_for
from tests.factories import EntranceFactory, SessionFactory, UserFactory, book

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "scrape-token-for-tests"
BEARER = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}


@pytest.fixture(autouse=True)
def metrics_token():
    with override_settings(METRICS_TOKEN=TOKEN):
        yield


def scrape() -> dict[tuple[str, frozenset], float]:
    """Every sample /metrics serves, by name and labels."""
    response = Client().get("/metrics", **BEARER)
    assert response.status_code == 200
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def value(samples, name: str, **labels) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


# --- Who may read it -----------------------------------------------------------------


def test_anonymous_visitors_and_wrong_tokens_get_the_apis_404():
    visitor = Client()
    visitor.force_login(UserFactory(role="visitor"))
    answers = [
        Client().get("/metrics"),
        Client().post("/metrics"),
        visitor.get("/metrics"),
        Client().get("/metrics", HTTP_AUTHORIZATION="Bearer wrong-token"),
        Client().get("/metrics", HTTP_AUTHORIZATION=f"Token {TOKEN}"),
    ]
    for response in answers:
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_without_a_configured_token_no_bearer_gets_in():
    with override_settings(METRICS_TOKEN=""):
        assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404
        assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer").status_code == 404


def test_the_token_reads_the_metrics_in_the_text_format():
    response = Client().get("/metrics", **BEARER)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    assert "# TYPE expo_bookings_total counter" in response.text
    assert "# TYPE expo_outbox_pending gauge" in response.text


def test_an_expo_staff_login_reads_the_metrics():
    staff = Client()
    staff.force_login(UserFactory(role="expo_staff"))
    assert staff.get("/metrics").status_code == 200


# --- What it counts ------------------------------------------------------------------


def test_a_request_leaves_a_latency_sample_for_its_view():
    before = scrape()
    Client().get("/healthz")
    after = scrape()
    count = "expo_http_request_duration_seconds_count"
    labels = {"view": "healthz", "method": "GET", "status": "2xx"}
    assert value(after, count, **labels) == value(before, count, **labels) + 1
    unmatched = {"view": "unmatched", "method": "GET", "status": "4xx"}
    Client().get("/no-such-page/")
    assert value(scrape(), count, **unmatched) == value(after, count, **unmatched) + 1


def test_a_committed_booking_counts_once_with_its_seats(
    visitor_api, django_capture_on_commit_callbacks
):
    session = SessionFactory(capacity=10)
    before = scrape()
    with django_capture_on_commit_callbacks(execute=True):
        response = visitor_api.post(
            "/api/v1/bookings/", {"session": session.pk, "party_size": 3}, format="json"
        )
    assert response.status_code == 201
    after = scrape()
    assert value(after, "expo_bookings_total") == value(before, "expo_bookings_total") + 1
    assert value(after, "expo_booked_seats_total") == value(before, "expo_booked_seats_total") + 3


def test_a_sold_out_refusal_counts_and_books_nothing(
    visitor_api, django_capture_on_commit_callbacks
):
    session = SessionFactory(capacity=2)
    Session.objects.filter(pk=session.pk).update(seats_taken=1)
    before = scrape()
    with django_capture_on_commit_callbacks(execute=True):
        response = visitor_api.post(
            "/api/v1/bookings/", {"session": session.pk, "party_size": 2}, format="json"
        )
    assert response.json()["code"] == "sold_out"
    after = scrape()
    refusals = "expo_sold_out_refusals_total"
    assert value(after, refusals) == value(before, refusals) + 1
    assert value(after, "expo_bookings_total") == value(before, "expo_bookings_total")


def test_scans_count_by_result_and_a_replay_counts_nothing(
    gate_staff, django_capture_on_commit_callbacks
):
    ticket = book().tickets.get()
    entrance = EntranceFactory(venue=ticket.session.venue)
    code = ticket_code_sign(ticket_id=ticket.pk, session_id=ticket.session_id)
    gate = client_for(gate_staff)
    nonce = uuid.uuid4().hex

    def scan(code, nonce):
        body = {"code": code, "entrance": entrance.pk, "direction": "in", "nonce": nonce}
        return gate.post("/api/v1/scans/", body, format="json").json()

    before = scrape()
    with (
        time_machine.travel(ticket.session.starts_at - timedelta(minutes=5), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert scan(code, nonce)["status"] == "accepted"
        assert scan(code, nonce)["status"] == "accepted"  # the same nonce: a replay
        assert scan(code, uuid.uuid4().hex)["reason"] == "already_checked_in"
        assert scan("forged", uuid.uuid4().hex)["reason"] == "invalid_signature"
    after = scrape()
    for result, more in [("accepted", 1), ("already_checked_in", 1), ("invalid_signature", 1)]:
        assert value(after, "expo_scans_total", result=result) == (
            value(before, "expo_scans_total", result=result) + more
        ), result


def test_outbox_gauges_read_the_pending_rows_and_the_oldest_age():
    Notification.objects.all().delete()
    now = timezone.now()
    for minutes, status in [(7, "pending"), (2, "pending"), (30, "sent"), (60, "failed")]:
        row = Notification.objects.create(
            key=f"test:{uuid.uuid4().hex}", kind="test", email="a@example.org", status=status
        )
        Notification.objects.filter(pk=row.pk).update(created_at=now - timedelta(minutes=minutes))
    with time_machine.travel(now, tick=False):
        samples = scrape()
    assert value(samples, "expo_outbox_pending") == 2
    assert value(samples, "expo_outbox_oldest_pending_age_seconds") == 7 * 60

    Notification.objects.filter(status="pending").update(status="sent")
    samples = scrape()
    assert value(samples, "expo_outbox_pending") == 0
    assert value(samples, "expo_outbox_oldest_pending_age_seconds") == 0


def test_without_the_database_the_scrape_still_serves_the_other_metrics(monkeypatch):
    def database_away():
        raise OperationalError("connection refused")

    monkeypatch.setattr(outbox_metrics, "outbox_backlog", database_away)
    samples = scrape()
    assert ("expo_outbox_pending", frozenset()) not in samples
    assert any(name == "expo_bookings_total" for name, _labels in samples)


def test_a_celery_task_run_records_its_time_and_outcome():
    task = booking_tasks.purge_idempotency_keys.name
    before = scrape()
    booking_tasks.purge_idempotency_keys.delay()
    after = scrape()
    count = "expo_celery_task_duration_seconds_count"
    assert value(after, count, task=task) == value(before, count, task=task) + 1
    assert value(after, "expo_celery_task_duration_seconds_sum", task=task) > value(
        before, "expo_celery_task_duration_seconds_sum", task=task
    )
    outcomes = "expo_celery_tasks_total"
    assert value(after, outcomes, task=task, state="success") == (
        value(before, outcomes, task=task, state="success") + 1
    )


# --- Several processes ---------------------------------------------------------------

# One gunicorn or Celery process: a request, bookings counted, a task run; prints its pid.
WORKER_PROCESS = textwrap.dedent(
    """
    import os
    import sys

    import django

    django.setup()
    from django.test import Client

    from config.celery import app
    from expo.core import metrics

    @app.task(name="tests.metrics.ping")
    def ping():
        return "pong"

    assert Client().get("/healthz").status_code == 200
    metrics.BOOKINGS.inc(int(sys.argv[1]))
    ping.apply()
    print(os.getpid())
    """
)
HEALTHZ = {"view": "healthz", "method": "GET", "status": "2xx"}
PING = {"task": "tests.metrics.ping"}


def multiprocess_environment(directory: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        MULTIPROCESS_DIR_VARIABLE: str(directory),
    }


def run_worker_processes(directory: Path, *bookings: int) -> list[int]:
    """One process after the other, each booking `bookings[i]`; their pids."""
    return [
        int(
            subprocess.run(
                [sys.executable, "-c", WORKER_PROCESS, str(count)],
                cwd=ROOT,
                env=multiprocess_environment(directory),
                check=True,
                capture_output=True,
                text=True,
                timeout=120,
            ).stdout.split()[-1]
        )
        for count in bookings
    ]


def sample_files(directory: Path, kind: str) -> list[str]:
    return sorted(path.name for path in directory.glob(f"{kind}_*.db"))


def test_multiprocess_mode_adds_up_every_process(tmp_path, monkeypatch):
    pids = run_worker_processes(tmp_path, 2, 3)
    host = socket.gethostname().replace("_", "-")
    assert sample_files(tmp_path, "counter") == sorted(f"counter_{host}-{pid}.db" for pid in pids)

    monkeypatch.setenv(MULTIPROCESS_DIR_VARIABLE, str(tmp_path))
    samples = scrape()
    assert value(samples, "expo_bookings_total") == 5
    assert value(samples, "expo_http_request_duration_seconds_count", **HEALTHZ) == 2
    assert value(samples, "expo_celery_task_duration_seconds_count", **PING) == 2
    assert value(samples, "expo_celery_tasks_total", **PING, state="success") == 2
    # The scrape-time figures come with them.
    assert ("expo_outbox_pending", frozenset()) in samples


def test_a_dead_processs_samples_fold_into_the_archive_unchanged(tmp_path, monkeypatch):
    first, second = run_worker_processes(tmp_path, 2, 3)
    monkeypatch.setenv(MULTIPROCESS_DIR_VARIABLE, str(tmp_path))
    before = scrape()
    host = socket.gethostname().replace("_", "-")

    dead_process_samples_fold(pid=first)
    assert sample_files(tmp_path, "histogram") == sorted(
        [f"histogram_{host}-archive.db", f"histogram_{host}-{second}.db"]
    )
    assert scrape() == before
    dead_process_samples_fold(pid=second)
    dead_process_samples_fold(pid=first)  # once more: nothing left to fold
    assert sample_files(tmp_path, "counter") == [f"counter_{host}-archive.db"]
    after = scrape()
    assert after == before
    assert value(after, "expo_bookings_total") == 5
    assert value(after, "expo_http_request_duration_seconds_bucket", **HEALTHZ, le="+Inf") == 2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_replacing_its_workers_keeps_every_request_in_few_files(tmp_path, monkeypatch):
    """--max-requests 3: four workers in turn serve ten requests; one archive keeps them."""
    port = free_port()
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "config.wsgi:application"),
            *("--workers", "1", "--max-requests", "3"),  # and ./gunicorn.conf.py's hooks
            *("--bind", f"127.0.0.1:{port}"),
        ],
        cwd=ROOT,
        env=multiprocess_environment(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        served = 0
        for _attempt in range(600):  # between workers the port refuses for a moment
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
                    served += 1
            except OSError:
                time.sleep(0.1)
            if served == 10:
                break
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert served == 10

    host = socket.gethostname().replace("_", "-")
    assert sample_files(tmp_path, "histogram") == [f"histogram_{host}-archive.db"]
    monkeypatch.setenv(MULTIPROCESS_DIR_VARIABLE, str(tmp_path))
    assert value(scrape(), "expo_http_request_duration_seconds_count", **HEALTHZ) == 10
