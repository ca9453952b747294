"""Flash crowd: 500 visitors at once on one 100-seat session, through gunicorn.

Then the same booking transaction as raw SQL with pgbench on the same database, so
the HTTP figure has a floor to be read against.
"""

import http.client
import json
import subprocess
import tempfile
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from harness import (
    DATABASE_URL,
    fresh_database,
    gunicorn,
    latency_summary,
    save,
    setup_django,
)

VISITORS = 500
SEATS = 100

PGBENCH_SCRIPT = """
\\set uid random(:first_user, :last_user)
BEGIN;
SELECT is_active FROM accounts_user WHERE id = :uid FOR UPDATE;
SELECT b.session_id FROM bookings_booking b JOIN events_session s ON s.id = b.session_id
 WHERE b.visitor_id = :uid AND b.status = 'confirmed'
   AND (b.session_id = :sid OR s.starts_at < now());
WITH booking AS (
  INSERT INTO bookings_booking (reference, visitor_id, session_id, party_size, status,
                                created_at, cancelled_by_staff)
  VALUES ('P-' || substr(md5(random()::text), 1, 10), :uid, :sid, 1, 'confirmed', now(), false)
  ON CONFLICT DO NOTHING RETURNING id
), ticket AS (
  INSERT INTO bookings_ticket (booking_id, session_id, attendee_name, attendee_email, status,
                               checked_in)
  SELECT id, :sid, '', '', 'valid', false FROM booking RETURNING booking_id
)
INSERT INTO bookings_notification (key, kind, booking_id, email, context, status, attempts,
                                   last_error, created_at)
SELECT 'bench:' || booking_id || ':' || random(), 'booking_confirmed', booking_id, '', '{}',
       'pending', 0, '', now() FROM ticket;
UPDATE events_session SET seats_taken = seats_taken + 1
 WHERE id = :sid AND seats_taken + 1 <= capacity;
COMMIT;
"""


def prepare():
    from django.utils import timezone
    from knox.models import AuthToken, get_digest_token
    from knox.settings import CONSTANTS

    from expo.accounts.models import User
    from expo.events.models import Expo, Session, Venue

    expo = Expo.objects.create(
        name="Bench", slug="bench", starts_on=timezone.now().date(), ends_on=timezone.now().date()
    )
    venue = Venue.objects.create(expo=expo, name="Arena", slug="arena")
    start = timezone.now() + timedelta(days=1)
    crowd_session = Session.objects.create(
        expo=expo,
        venue=venue,
        title_sv="Rusning",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        capacity=SEATS,
        status=Session.Status.PUBLISHED,
    )
    sql_session = Session.objects.create(
        expo=expo,
        venue=venue,
        title_sv="SQL",
        starts_at=start + timedelta(days=1),
        ends_at=start + timedelta(days=1, hours=1),
        capacity=10_000_000,
        status=Session.Status.PUBLISHED,
    )
    users = User.objects.bulk_create(
        [User(email=f"crowd{i}@bench.example", name=f"Crowd {i}") for i in range(VISITORS)]
    )
    # Only hashes are stored (django-rest-knox); the clients keep the tokens themselves.
    tokens = []
    rows = []
    for user in users:
        digest, token = get_digest_token()
        tokens.append(token)
        rows.append(
            AuthToken(
                digest=digest,
                token_key=token[: CONSTANTS.TOKEN_KEY_LENGTH],
                user=user,
                expiry=timezone.now() + timedelta(days=1),
            )
        )
    AuthToken.objects.bulk_create(rows)
    extra = User.objects.bulk_create(
        [User(email=f"sql{i}@bench.example") for i in range(50_000)], batch_size=5000
    )
    return crowd_session, sql_session, tokens, (extra[0].pk, extra[-1].pk)


def crowd(port: int, session_id: int, tokens: list[str]) -> dict:
    barrier = threading.Barrier(len(tokens))
    outcomes: list[tuple[int, str, float]] = [None] * len(tokens)
    body = json.dumps({"session": session_id, "party_size": 1})

    def visitor(index: int, token: str):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        barrier.wait()
        started = time.perf_counter()
        connection.request("POST", "/api/v1/bookings/", body, headers)
        response = connection.getresponse()
        payload = json.loads(response.read() or b"{}")
        elapsed = (time.perf_counter() - started) * 1000
        outcomes[index] = (response.status, payload.get("code", "booked"), elapsed)
        connection.close()

    threads = [threading.Thread(target=visitor, args=(i, t)) for i, t in enumerate(tokens)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {
        "answers": dict(Counter(f"{status} {code}" for status, code, _ in outcomes)),
        "wall_s": round(wall, 2),
        "requests_per_s": round(len(tokens) / wall, 1),
        "latency": latency_summary([ms for _, _, ms in outcomes]),
    }


def pgbench(session_id: int, user_range: tuple[int, int], clients: int = 32) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(PGBENCH_SCRIPT)
    output = subprocess.run(
        [
            "pgbench",
            "-n",
            "-c",
            str(clients),
            "-j",
            "2",
            "-T",
            "15",
            "-D",
            f"sid={session_id}",
            "-D",
            f"first_user={user_range[0]}",
            "-D",
            f"last_user={user_range[1]}",
            "-f",
            script.name,
            DATABASE_URL,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    Path(script.name).unlink()
    figures = {}
    for line in output.splitlines():
        if line.startswith("tps"):
            figures["transactions_per_s"] = float(line.split("=")[1].split()[0])
        if line.startswith("latency average"):
            figures["latency_avg_ms"] = float(line.split("=")[1].split()[0])
        if line.startswith("number of failed"):
            figures["failed"] = line.split(":")[1].strip()
    figures["clients"] = clients
    return figures


def main():
    print("preparing a fresh bench database ...", flush=True)
    fresh_database()
    setup_django()
    crowd_session, sql_session, tokens, user_range = prepare()
    print(f"{VISITORS} visitors rush {SEATS} seats through gunicorn ...", flush=True)
    with gunicorn(workers=4, threads=2) as port:
        http_figures = crowd(port, crowd_session.pk, tokens)
    crowd_session.refresh_from_db()
    from expo.bookings.models import Booking

    sold = Booking.objects.filter(session=crowd_session, status="confirmed").count()
    print("the same transaction as raw SQL with pgbench (15 s) ...", flush=True)
    report = {
        "scenario": f"{VISITORS} concurrent visitors, one {SEATS}-seat session",
        "seats_sold": sold,
        "seats_taken_counter": crowd_session.seats_taken,
        "http": http_figures,
        "raw_sql_pgbench": pgbench(sql_session.pk, user_range),
    }
    save("flash_crowd", report)


if __name__ == "__main__":
    main()
