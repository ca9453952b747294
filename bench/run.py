"""Opening day on this machine, in one go: bookings, scans and reminders beside raw SQL.

    .venv/bin/python bench/run.py                  # every figure, about 30 minutes
    .venv/bin/python bench/run.py --quick          # 8 s a figure, reminders at 2 000
    .venv/bin/python bench/run.py --only booking,scans --label "after: ..."

On the machine's PostgreSQL (BENCH_DATABASE_URL, a scratch database it re-creates) and
Redis (BENCH_REDIS_URL), through a real gunicorn started from the product's own
gunicorn.conf.py. Writes bench/results/run.json and BENCHMARKS.md; with --label, the
headline figures are also kept in bench/history.json, the before/after record.
"""

import argparse
import itertools
import json
import os
import platform
import random
import subprocess
import uuid
from datetime import UTC, datetime
from pathlib import Path

import load
import raw_sql
from harness import PYTHON, RESULTS, ROOT, Layout, fresh_database, gunicorn, save, setup_django
from tqdm import tqdm

PARTS = ("booking", "scans", "layouts", "reminders")
HISTORY = ROOT / "bench" / "history.json"
# gunicorn layouts compared on the booking and scan rush (2 cores).
LAYOUTS = (
    Layout("sync", 3),
    Layout("sync", 5),
    Layout("sync", 8),
    Layout("gthread", 2, 4),
    Layout("gthread", 4, 2),
    Layout("gevent", 2, 64, env=(("DATABASE_POOL_SIZE", "16"),)),
    Layout("gevent", 4, 64, env=(("DATABASE_POOL_SIZE", "8"),)),
)
GATES = 32


def _booking_requests(rush, tokens, *, spread: bool):
    def next_request(_client: int):
        session = random.choice(rush.spread_sessions) if spread else rush.hot_session
        headers = {"Authorization": f"Token {next(tokens)}", "Content-Type": "application/json"}
        return "/api/v1/bookings/", headers, {"session": session, "party_size": 1}

    return next_request


def _scan_requests(rush, codes):
    def next_request(client: int):
        gate = client % GATES
        headers = {
            "Authorization": f"Token {rush.gate_tokens[gate]}",
            "Content-Type": "application/json",
        }
        body = {
            "code": next(codes),
            "entrance": rush.entrances[gate],
            "direction": "in",
            "nonce": uuid.uuid4().hex,
        }
        return "/api/v1/scans/", headers, body

    return next_request


def _warm_up(port, rush, tokens, codes) -> None:
    """Every server thread opens its database connection and loads its code once."""
    load.closed_loop(
        port, clients=16, seconds=3, next_request=_booking_requests(rush, tokens, spread=False)
    )
    load.closed_loop(port, clients=16, seconds=3, next_request=_scan_requests(rush, codes))


def _beside(http: dict, sql: dict) -> dict:
    return {"http": http, "raw_sql": sql, "ratio": round(http["per_s"] / sql["per_s"], 3)}


def booking(port, rush, tokens, seconds: int) -> dict:
    sql_users = {"first_user": rush.sql_users[0], "last_user": rush.sql_users[1]}
    figures = {}
    for name, spread in (("hot", False), ("spread", True)):
        sessions = (
            (rush.spread_sessions[0], rush.spread_sessions[-1])
            if spread
            else (rush.hot_session, rush.hot_session)
        )
        for clients in (16, 64):
            print(f"booking {name}, {clients} clients ...", flush=True)
            http = load.closed_loop(
                port,
                clients=clients,
                seconds=seconds,
                next_request=_booking_requests(rush, tokens, spread=spread),
            )
            transaction = {
                "clients": clients,
                "seconds": seconds,
                **sql_users,
                "first_session": sessions[0],
                "last_session": sessions[1],
            }
            sql = raw_sql.pgbench(raw_sql.BOOKING, **transaction)
            figures[f"{name}_{clients}"] = _beside(http, sql)
            if clients == 16:  # beside raw SQL planned once, as the product's statements are
                prepared = raw_sql.pgbench(raw_sql.BOOKING, protocol="prepared", **transaction)
                figures[f"{name}_{clients}"]["raw_sql_prepared"] = prepared
                figures[f"{name}_{clients}"]["ratio_prepared"] = round(
                    http["per_s"] / prepared["per_s"], 3
                )
    print("flash crowd: 500 visitors at once on 100 seats ...", flush=True)
    crowd_tokens = [next(tokens) for _ in range(500)]
    figures["flash_crowd"] = load.burst(
        port,
        clients=500,
        next_request=lambda index: (
            "/api/v1/bookings/",
            {"Authorization": f"Token {crowd_tokens[index]}", "Content-Type": "application/json"},
            {"session": rush.crowd_session, "party_size": 1},
        ),
    )
    return figures


def scans(port, rush, codes, seconds: int) -> dict:
    print("scans, 16 gates flat out ...", flush=True)
    flat_out = load.closed_loop(
        port, clients=16, seconds=seconds, next_request=_scan_requests(rush, codes)
    )
    sql_tickets = rush.ticket_ids[-len(rush.ticket_ids) // 4 :]
    sql = raw_sql.pgbench(
        raw_sql.SCAN,
        clients=16,
        seconds=seconds,
        first_ticket=sql_tickets[0],
        last_ticket=sql_tickets[-1],
        entrance=rush.entrances[0],
        venue=rush.venue,
        staff=rush.gate_ids[0],
    )
    print(f"scans, {GATES} gates at one scan a second each ...", flush=True)
    busy = load.paced(
        port, clients=GATES, seconds=seconds, every=1.0, next_request=_scan_requests(rush, codes)
    )
    return {"flat_out_16": _beside(flat_out, sql), "busy_gates_32": busy}


def layouts(rush, tokens, codes, seconds: int) -> dict:
    figures = {}
    for layout in LAYOUTS:
        print(f"layout {layout} ...", flush=True)
        with gunicorn(layout) as port:
            _warm_up(port, rush, tokens, codes)
            figures[str(layout)] = {
                "booking_hot_16": load.closed_loop(
                    port,
                    clients=16,
                    seconds=seconds,
                    next_request=_booking_requests(rush, tokens, spread=False),
                ),
                "booking_hot_64": load.closed_loop(
                    port,
                    clients=64,
                    seconds=seconds,
                    next_request=_booking_requests(rush, tokens, spread=False),
                ),
                "scans_16": load.closed_loop(
                    port, clients=16, seconds=seconds, next_request=_scan_requests(rush, codes)
                ),
            }
    return figures


def correctness(rush) -> dict:
    """What must hold after the rush, whatever the speed: the invariants, counted."""
    from django.db.models import Count, F, Q, Sum

    from expo.bookings.models import Booking, Ticket
    from expo.events.models import Session
    from expo.notifications.models import Notification
    from expo.scanning.models import Scan

    sessions = Session.objects.annotate(
        booked=Sum("bookings__party_size", filter=Q(bookings__status="confirmed"))
    )
    return {
        "oversold_sessions": sessions.filter(booked__gt=F("capacity")).count(),
        "seat_counters_off": sessions.exclude(booked=F("seats_taken")).exclude(booked=None).count(),
        "crowd_seats_sold": Booking.objects.filter(
            session_id=rush.crowd_session, status="confirmed"
        ).count(),
        "tickets_admitted_twice": Scan.objects.filter(result="accepted", direction="in")
        .exclude(device="pgbench")  # raw SQL's rows record every try, admitted or not
        .values("ticket")
        .annotate(admissions=Count("id"))
        .filter(admissions__gt=1)
        .count(),
        "admissions_without_scan": Ticket.objects.filter(checked_in=True)
        .exclude(scans__result="accepted")
        .count(),
        "confirmations_missing": Booking.objects.filter(walk_in=False)
        .exclude(reference__startswith="B-")
        .exclude(reference__startswith="P-")
        .exclude(notifications__kind="booking_confirmed")
        .count(),
        "confirmations_twice": Notification.objects.filter(kind="booking_confirmed")
        .values("booking")
        .annotate(rows=Count("id"))
        .filter(rows__gt=1)
        .count(),
    }


def machine(root: Path) -> dict:
    def version(*command):
        try:
            return subprocess.run(command, capture_output=True, text=True).stdout.strip()
        except OSError:
            return "not found"

    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    models = [line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")]
    return {
        "cpu": models[0] if models else platform.processor(),
        "cores": len(models) or os.cpu_count(),
        "python": platform.python_version(),
        "postgresql": version("psql", "--version"),
        "redis": version("redis-server", "--version").split(" sha=")[0],
        "commit": version("git", "-C", str(root), "rev-parse", "--short", "HEAD"),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="8 s a figure, small reminders")
    parser.add_argument(
        "--only", default=",".join(PARTS), help="comma-separated: " + ", ".join(PARTS)
    )
    parser.add_argument("--seconds", type=int, help="per figure (default 30, quick 8)")
    parser.add_argument("--label", help="record the headline figures under this label")
    parser.add_argument(
        "--reminders", default=None, help="counts, comma-separated (default 10000,100000)"
    )
    parser.add_argument(
        "--server-root",
        type=Path,
        default=ROOT,
        help="serve another checkout of the same schema (e.g. `git worktree add` of an "
        "earlier commit) for a before figure; with --layout when it has no gunicorn.conf.py",
    )
    parser.add_argument("--layout", help="e.g. gthread:4:2 instead of gunicorn.conf.py")
    options = parser.parse_args()
    parts = options.only.split(",")
    seconds = options.seconds or (8 if options.quick else 30)
    scale = 1 if not options.quick else 0.25

    started = datetime.now(UTC)
    print("preparing a fresh bench database ...", flush=True)
    fresh_database()
    setup_django()
    from fixtures import rush_prepare

    visitors, tickets = int(160_000 * scale), int(200_000 * scale)
    with tqdm(total=visitors + GATES + 2 * tickets, unit="row", desc="accounts and tickets") as bar:
        rush = rush_prepare(
            visitors=visitors, tickets=tickets, gates=GATES, spread=2000, progress=bar.update
        )
    tokens = itertools.cycle(rush.visitor_tokens)
    codes = iter(rush.ticket_codes[: -len(rush.ticket_codes) // 4])  # the rest: raw SQL's
    report = {
        "started": started.isoformat(timespec="seconds"),
        "machine": machine(options.server_root),
        "seconds_per_figure": seconds,
    }

    if "booking" in parts or "scans" in parts:
        layout = options.layout and Layout(
            options.layout.split(":")[0], *map(int, options.layout.split(":")[1:])
        )
        with gunicorn(layout, root=options.server_root) as port:
            _warm_up(port, rush, tokens, codes)
            if "booking" in parts:
                report["booking"] = booking(port, rush, tokens, seconds)
            if "scans" in parts:
                report["scans"] = scans(port, rush, codes, seconds)
    if "layouts" in parts:
        report["layouts"] = layouts(rush, tokens, codes, max(5, seconds // 2))
    report["correctness"] = correctness(rush)
    save("run", report)  # kept should what follows fail
    if "reminders" in parts:
        # A process of its own: its Django settings (broker, mail server) are not ours.
        counts = options.reminders or ("2000" if options.quick else "10000,100000")
        subprocess.run(
            [PYTHON, str(ROOT / "bench" / "reminders.py"), "--counts", counts], check=True
        )
        report["reminders"] = json.loads((RESULTS / "reminders.json").read_text())
    report["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    save("run", report)
    if options.label:
        history = json.loads(HISTORY.read_text()) if HISTORY.exists() else []
        history.append({"label": options.label, **headline(report)})
        HISTORY.write_text(json.dumps(history, indent=2) + "\n")
    if not options.quick:
        import report as markdown

        (ROOT / "BENCHMARKS.md").write_text(markdown.render(report, history_path=HISTORY))
        print("wrote BENCHMARKS.md", flush=True)


def headline(report: dict) -> dict:
    """The figures the targets name, for the before/after record."""
    figures = {"date": report["started"][:10], "commit": report["machine"]["commit"]}
    for name, entry in report.get("booking", {}).items():
        if "ratio" in entry:
            figures[f"booking_{name}"] = {
                "per_s": entry["http"]["per_s"],
                "p99_ms": entry["http"]["latency"].get("p99_ms"),
                "raw_sql_per_s": entry["raw_sql"]["per_s"],
                "ratio": entry["ratio"],
            }
    if "scans" in report:
        flat = report["scans"]["flat_out_16"]
        figures["scans_16"] = {
            "per_s": flat["http"]["per_s"],
            "p99_ms": flat["http"]["latency"].get("p99_ms"),
            "ratio": flat["ratio"],
        }
        figures["scans_busy_32_p99_ms"] = report["scans"]["busy_gates_32"]["latency"].get("p99_ms")
    return figures


if __name__ == "__main__":
    main()
