"""Moving models between apps keeps the data: migrations applied forward on a database
that the pre-restructure code filled (the demo, bookings, outbox rows, scans).

The old code is `git archive` of PRE_RESTRUCTURE, the last commit before the outbox and
the scans left the bookings app. Both the old and the current `manage.py` run in their
own process against a scratch database: PostgreSQL when the suite runs on it, else a
SQLite file.
"""

import json
import os
import subprocess
import sys
import uuid
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
PRE_RESTRUCTURE = "8b25df92674342236f6ef2ab1b6817349c63c3db"

# Run by the old code after `load_demo`: a few bookings (their outbox rows are written
# and delivered to the console), a scan of each booking's first ticket, a device.
FILL = """
from datetime import timedelta
from django.utils import timezone
from expo.accounts.services import user_create
from expo.bookings.models import ScanDevice
from expo.bookings.scanning import ScanInput, ticket_scan
from expo.bookings.services import Attendee, booking_create
from expo.bookings.ticket_codes import ticket_code_sign
from expo.events.selectors import session_list
now = timezone.now()
staff = user_create(email="gate@example.org", password=None, role="gate_staff")
open_sessions = [
    s for s in session_list().filter(starts_at__gt=now + timedelta(days=1))
    .order_by("starts_at", "pk")[:300] if s.booking_open
]
assert len(open_sessions) >= 3, "the demo has no bookable sessions"
for number, session in enumerate(open_sessions[:3]):
    visitor = user_create(email=f"visitor{number}@example.org", password=None)
    booking = booking_create(
        visitor=visitor, session_id=session.pk, party_size=2,
        attendees=[Attendee(name="Greta"), Attendee(name="Sven")],
    )
    ticket = booking.tickets.order_by("pk").first()
    entrance = session.venue.entrances.order_by("pk").first()
    ticket_scan(
        staff=staff,
        scan=ScanInput(
            code=ticket_code_sign(ticket_id=ticket.pk, session_id=ticket.session_id),
            entrance_id=entrance.pk, direction="in", nonce=f"migration-{number:04d}",
        ),
        now=session.starts_at - timedelta(minutes=5),
    )
ScanDevice.objects.create(staff=staff, device="gate-1", last_sync_at=now)
"""

# Run by either code: what the moved tables hold, by SQL (their names did not change).
SNAPSHOT = """
import json
from django.contrib.auth.models import Permission
from django.db import connection
tables = {
    "notifications": "SELECT key, kind, status, booking_id, waitlist_entry_id, user_id, "
    "attempts, sent_at FROM bookings_notification ORDER BY id",
    "scans": "SELECT nonce, ticket_id, entrance_id, scanned_by_id, direction, result, "
    "reason, response FROM bookings_scan ORDER BY id",
    "devices": "SELECT staff_id, device FROM bookings_scandevice ORDER BY id",
    "bookings": "SELECT reference, visitor_id, session_id, status FROM bookings_booking "
    "ORDER BY id",
    "tickets": "SELECT booking_id, attendee_name, status FROM bookings_ticket ORDER BY id",
    "sessions": "SELECT count(*) FROM events_session",
}
snapshot = {}
with connection.cursor() as cursor:
    for name, sql in tables.items():
        cursor.execute(sql)
        snapshot[name] = [[str(value) for value in row] for row in cursor.fetchall()]
moved = Permission.objects.filter(codename__in=["change_notification", "change_scan"])
snapshot["permissions"] = sorted(moved.values_list("content_type__app_label", "codename"))
snapshot["staff_group"] = sorted(
    moved.filter(group__name="expo_staff").values_list("content_type__app_label", "codename")
)
print("SNAPSHOT" + json.dumps(snapshot))
"""

# Run by the current code after its migrations: the models read the rows.
THROUGH_MODELS = """
import json
from expo.notifications.models import Notification
from expo.scanning.models import Scan, ScanDevice
print("MODELS" + json.dumps({
    "notifications": sorted(Notification.objects.values_list("key", flat=True)),
    "booked": sorted(
        Notification.objects.filter(booking__isnull=False)
        .values_list("booking__reference", flat=True)
    ),
    "scans": sorted(Scan.objects.values_list("nonce", "ticket__booking__reference")),
    "devices": list(ScanDevice.objects.values_list("device", flat=True)),
}))
"""


@pytest.fixture
def scratch_database_url(tmp_path):
    """An empty database beside the test database, dropped afterwards."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    name = f"expo_migrations_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(
        host=db["HOST"],
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"],
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'CREATE DATABASE "{name}"')
    url = urlsplit(os.environ["DATABASE_URL"])
    try:
        yield urlunsplit((url.scheme, url.netloc, f"/{name}", "", ""))
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def old_tree(tmp_path):
    tree = tmp_path / "old"
    tree.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", PRE_RESTRUCTURE], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree


def manage(tree: Path, database_url: str, *args: str) -> str:
    """`manage.py` of `tree` (its own `expo` package comes first on the path)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_", "REDIS_", "EMAIL_"))
    }
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="config.settings.base",
        PYTHONPATH=str(tree),
        LOG_LEVEL="WARNING",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def printed(output: str, mark: str) -> dict:
    (line,) = [line for line in output.splitlines() if line.startswith(mark)]
    return json.loads(line.removeprefix(mark))


def test_migrations_keep_the_data_of_the_moved_models(old_tree, scratch_database_url):
    manage(old_tree, scratch_database_url, "migrate", "--noinput")
    # An edition starting the day after tomorrow: its sessions are open for booking.
    start = (date.today() + timedelta(days=2)).isoformat()
    manage(old_tree, scratch_database_url, "load_demo", "--start", start, "-v", "0")
    manage(old_tree, scratch_database_url, "shell", "-c", FILL)
    manage(
        old_tree,
        scratch_database_url,
        *("create_user", "staff@example.org", "--role", "expo_staff"),
        *("--password", "Correct-horse-battery-42"),
    )
    before = printed(manage(old_tree, scratch_database_url, "shell", "-c", SNAPSHOT), "SNAPSHOT")

    manage(ROOT, scratch_database_url, "migrate", "--noinput")

    after = printed(manage(ROOT, scratch_database_url, "shell", "-c", SNAPSHOT), "SNAPSHOT")
    assert len(before["notifications"]) >= 3
    assert len(before["scans"]) == 3
    assert before["devices"] and before["bookings"] and before["tickets"]
    moved = ("permissions", "staff_group")
    assert {key: value for key, value in after.items() if key not in moved} == {
        key: value for key, value in before.items() if key not in moved
    }
    # The permissions (and staff groups holding them) moved with their models.
    assert before["permissions"] == [
        ["bookings", "change_notification"],
        ["bookings", "change_scan"],
    ]
    assert after["permissions"] == [
        ["notifications", "change_notification"],
        ["scanning", "change_scan"],
    ]
    assert before["staff_group"] == before["permissions"]
    assert after["staff_group"] == after["permissions"]
    models = printed(manage(ROOT, scratch_database_url, "shell", "-c", THROUGH_MODELS), "MODELS")
    assert models["notifications"] == sorted(row[0] for row in before["notifications"])
    references = {row[0] for row in before["bookings"]}
    assert set(models["booked"]) <= references and models["booked"]
    assert {reference for _nonce, reference in models["scans"]} <= references
    assert models["devices"] == ["gate-1"]
