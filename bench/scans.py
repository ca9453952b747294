"""32 gates scanning at once through gunicorn: scan latency at the entrance."""

import http.client
import json
import os
import threading
import time
import uuid
from datetime import timedelta

from harness import fresh_database, gunicorn, latency_summary, save, setup_django

GATES = 32
SCANS_PER_GATE = 60
WORKERS = int(os.environ.get("BENCH_WORKERS", 4))
THREADS = int(os.environ.get("BENCH_THREADS", 2))


def prepare():
    from django.utils import timezone
    from knox.models import AuthToken

    from expo.accounts.models import User
    from expo.accounts.services import user_create
    from expo.bookings.models import Booking, Ticket
    from expo.bookings.ticket_codes import ticket_code_sign
    from expo.events.models import Entrance, Expo, Session, Venue

    today = timezone.now().date()
    expo = Expo.objects.create(name="Bench", slug="bench", starts_on=today, ends_on=today)
    venue = Venue.objects.create(expo=expo, name="Arena", slug="arena", max_occupancy=100_000)
    gates = Entrance.objects.bulk_create(
        [Entrance(venue=venue, name=f"Gate {i}") for i in range(4)]
    )
    start = timezone.now() + timedelta(minutes=10)
    session = Session.objects.create(
        expo=expo,
        venue=venue,
        title_sv="Konsert",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=GATES * SCANS_PER_GATE,
        status=Session.Status.PUBLISHED,
    )
    visitors = User.objects.bulk_create(
        [User(email=f"fan{i}@bench.example") for i in range(GATES * SCANS_PER_GATE)]
    )
    bookings = Booking.objects.bulk_create(
        [
            Booking(reference=f"B-{i:08d}", visitor=v, session=session, party_size=1)
            for i, v in enumerate(visitors)
        ]
    )
    tickets = Ticket.objects.bulk_create(
        [Ticket(booking=b, session=session, attendee_name="Fan") for b in bookings]
    )
    staff = [
        user_create(email=f"gate{i}@bench.example", password=None, role="gate_staff")
        for i in range(GATES)
    ]
    tokens = [AuthToken.objects.create(user=user)[1] for user in staff]
    codes = [ticket_code_sign(ticket_id=t.pk, session_id=session.pk) for t in tickets]
    return tokens, [g.pk for g in gates], codes


def run_gates(port, tokens, gates, codes, *, pace_s: float) -> dict:
    """Each gate scans its share of `codes`, one every `pace_s` seconds (0: flat out)."""
    barrier = threading.Barrier(GATES)
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    lock = threading.Lock()

    def gate(index: int):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Authorization": f"Token {tokens[index]}", "Content-Type": "application/json"}
        share = len(codes) // GATES
        mine = codes[index * share : (index + 1) * share]
        barrier.wait()
        time.sleep(index * pace_s / GATES)  # gates are not in lockstep
        for code in mine:
            next_scan = time.perf_counter() + pace_s
            body = json.dumps(
                {
                    "code": code,
                    "entrance": gates[index % len(gates)],
                    "direction": "in",
                    "nonce": uuid.uuid4().hex,
                }
            )
            started = time.perf_counter()
            connection.request("POST", "/api/v1/scans/", body, headers)
            response = connection.getresponse()
            payload = json.loads(response.read())
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                key = f"{response.status} {payload.get('status')} {payload.get('reason')}"
                statuses[key] = statuses.get(key, 0) + 1
            time.sleep(max(0.0, next_scan - time.perf_counter()))
        connection.close()

    threads = [threading.Thread(target=gate, args=(i,)) for i in range(GATES)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {
        "answers": statuses,
        "scans_per_s": round(len(latencies) / wall, 1),
        "latency": latency_summary(latencies),
    }


def main():
    print("preparing a fresh bench database ...", flush=True)
    fresh_database()
    setup_django()
    tokens, gates, codes = prepare()
    print(f"{GATES} gates scan {SCANS_PER_GATE} tickets each through gunicorn ...", flush=True)
    warm_up, half = GATES * 5, (len(codes) + GATES * 5) // 2
    with gunicorn(workers=WORKERS, threads=THREADS) as port:
        # Every worker thread opens its connection and loads its translations once.
        run_gates(port, tokens, gates, codes[:warm_up], pace_s=0)
        busy = run_gates(port, tokens, gates, codes[warm_up:half], pace_s=1.0)
        flat_out = run_gates(port, tokens, gates, codes[half:], pace_s=0)
    save(
        "scans",
        {
            "scenario": f"{GATES} concurrent gates",
            "gunicorn": f"{WORKERS} workers x {THREADS} threads",
            "busy_gates_one_scan_a_second_each": busy,
            "flat_out_saturation": flat_out,
        },
    )


if __name__ == "__main__":
    main()
