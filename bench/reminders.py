"""Due reminders: N confirmed bookings whose 2 h reminder is due, delivered by 2 workers.

For each count: a fresh bench database with N confirmed bookings (one visitor each, a
few hundred sessions starting in about 1 h 30 min, so the 2 h reminder is due), an SMTP
sink on a free local port in a process of its own, and two real Celery workers, each
the product's plain worker command (`celery -A config worker`: the product's settings,
as many pool processes as the machine has cores), on BENCH_REDIS_URL (default Redis
DB 14). Then `reminders_queue_due()` runs here, as beat's task would, queuing the rows in
delivery tasks of NOTIFICATION_BATCH_SIZE rows on Redis, and the clock runs until the
sink has every message or no row is left pending or sending. The sink counts messages
per Message-ID (set from the row's key by `notifications_deliver`) and per recipient
(one booking per visitor), so a message sent twice shows as a duplicate.

    .venv/bin/python bench/reminders.py                      # 10 000, 30 000, 100 000
    .venv/bin/python bench/reminders.py --counts 2000,5000   # a quick run

From another script: ``run([10_000, 100_000])`` returns the report (see `run`).

The whole run stops by itself after BENCH_BUDGET_S seconds (default 20 min): what is left
of it is shared evenly with the counts still to come, and a count cut short reports what
was delivered by then and extrapolates from its rate. Besides wall time, each count
reports the workers' CPU time per message, which other work on the machine moves less
than it moves the rate: flat across counts means a message costs no more with a backlog.
One run at a time: a second one would flush the first one's queue (it refuses to start
while workers answer on BENCH_REDIS_URL). The database is harness's BENCH_DATABASE_URL.
"""

import argparse
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from harness import PYTHON, ROOT, bench_env, free_port, fresh_database, save

COUNTS = (10_000, 30_000, 100_000)
SESSIONS = 300
VENUES = 12
WORKERS = 2
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
# The whole run, seeding included, stops by itself after this long.
BUDGET_S = float(os.environ.get("BENCH_BUDGET_S", 20 * 60))
# Each count may take this long per message (plus a minute) before it is cut short.
SECONDS_PER_MESSAGE = float(os.environ.get("BENCH_SECONDS_PER_MESSAGE", 0.05))
# Rows left pending with nothing sent for this long: their tasks are gone, stop waiting.
STALL_S = 30
DB_POLL_S = 10

MESSAGE_ID = re.compile(rb"^message-id:[ \t]*(\S+)", re.IGNORECASE | re.MULTILINE)


# --- The SMTP sink, in a process of its own so it never waits on this one's GIL ---------


class CountingHandler:
    """aiosmtpd handler that keeps counts only: per Message-ID and per recipient.

    It runs in aiosmtpd's thread while `stats` answers in the main one, so the figures
    `stats` reads are kept as plain numbers, never by iterating the counters.
    """

    def __init__(self):
        self.by_id: Counter = Counter()
        self.by_recipient: Counter = Counter()
        self.duplicate_ids = self.repeated_recipients = 0
        self.total = 0
        self.first_at = self.last_at = None

    async def handle_DATA(self, server, session, envelope):
        headers = envelope.content.split(b"\r\n\r\n", 1)[0]
        found = MESSAGE_ID.search(headers)
        message_id = found.group(1).decode() if found else f"none-{self.total}"
        self.by_id[message_id] += 1
        self.duplicate_ids += self.by_id[message_id] == 2
        for recipient in envelope.rcpt_tos:
            self.by_recipient[recipient.lower()] += 1
            self.repeated_recipients += self.by_recipient[recipient.lower()] == 2
        self.total += 1
        self.last_at = time.time()
        self.first_at = self.first_at or self.last_at
        return "250 OK"

    def stats(self) -> dict:
        return {
            "received": self.total,
            "unique_message_ids": len(self.by_id),
            "duplicate_message_ids": self.duplicate_ids,
            "extra_copies": self.total - len(self.by_id),
            "recipients_more_than_once": self.repeated_recipients,
            "first_at": self.first_at,
            "last_at": self.last_at,
        }


def sink_main(port: int, pipe) -> None:
    from aiosmtpd.controller import Controller

    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    pipe.send("ready")
    try:
        while pipe.recv() == "stats":
            pipe.send(handler.stats())
    except EOFError:
        pass
    finally:
        controller.stop()


class Sink:
    def __init__(self):
        self.port = free_port()
        context = multiprocessing.get_context("spawn")
        self._pipe, child = context.Pipe()
        self._process = context.Process(target=sink_main, args=(self.port, child), daemon=True)

    def __enter__(self):
        self._process.start()
        if not self._pipe.poll(30):
            raise RuntimeError("the SMTP sink did not start")
        self._pipe.recv()
        return self

    def stats(self) -> dict:
        self._pipe.send("stats")
        return self._pipe.recv()

    def __exit__(self, *exc_info):
        try:
            self._pipe.send("stop")
        except OSError:
            pass
        self._process.join(10)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(5)


# --- Workers ----------------------------------------------------------------------------


class Workers:
    """`WORKERS` real `celery -A config worker` processes, as an operator starts them."""

    def __init__(self, env: dict, log_dir: Path):
        self.env, self.log_dir = env, log_dir
        self.names = [f"bench{i}@reminders" for i in range(WORKERS)]
        self.processes: list[subprocess.Popen] = []

    def __enter__(self):
        celery = str(Path(PYTHON).parent / "celery")
        for name in self.names:
            log = (self.log_dir / f"{name.split('@')[0]}.log").open("wb")
            self.processes.append(
                subprocess.Popen(
                    [
                        *(celery, "-A", "config", "worker"),
                        *("--hostname", name, "--loglevel", "WARNING"),
                    ],
                    cwd=ROOT,
                    env=self.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own group: the pool child goes with it
                )
            )
            log.close()
        self._wait_ready()
        return self

    def _wait_ready(self, timeout: float = 90) -> None:
        from config.celery import app

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for process in self.processes:
                if process.poll() is not None:
                    raise RuntimeError(f"a worker exited; see {self.log_dir}")
            answered = {name for reply in app.control.ping(timeout=1.0) for name in reply}
            if answered >= set(self.names):
                return
        raise RuntimeError(f"workers not ready after {timeout} s; see {self.log_dir}")

    def __exit__(self, *exc_info):
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)  # warm shutdown: finish the task in hand
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU so far of these processes and of their children (Linux /proc).

    Unlike a rate, CPU per message hardly moves when other work shares the machine.
    """
    ticks = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry) in pids:  # its own time and that of children it has reaped
            ticks += sum(int(value) for value in fields[11:15])
        elif int(fields[1]) in pids:  # a live pool process
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


# --- Data -------------------------------------------------------------------------------


def seed(count: int) -> dict:
    """`count` confirmed bookings, one visitor each, in sessions starting in ~1 h 30 min."""
    from django.utils import timezone

    from expo.accounts.models import User
    from expo.bookings.models import Booking, Ticket
    from expo.events.models import Expo, Session, Venue

    now = timezone.now()
    expo = Expo.objects.create(
        name="Bench", slug="bench", starts_on=now.date(), ends_on=now.date() + timedelta(days=30)
    )
    venues = Venue.objects.bulk_create(
        [Venue(expo=expo, name=f"Venue {i}", slug=f"venue-{i}") for i in range(VENUES)]
    )
    sessions = []
    for i in range(SESSIONS):
        starts_at = now + timedelta(minutes=80 + i % 21)  # 1 h 20 to 1 h 40 from now
        sessions.append(
            Session(
                expo=expo,
                venue=venues[i % VENUES],
                title_sv=f"Guidad visning {i}",
                title_en=f"Guided tour {i}",
                kind=Session.Kind.TOUR,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=1),
                capacity=count,
                status=Session.Status.PUBLISHED,
            )
        )
    sessions = Session.objects.bulk_create(sessions)
    visitors = User.objects.bulk_create(
        [
            User(
                email=f"visitor{i}@bench.example",
                name=f"Visitor {i}",
                language="sv" if i % 3 else "en",
            )
            for i in range(count)
        ],
        batch_size=5000,
    )
    # Most come alone, every fourth as a pair: one QR image per ticket in the reminder.
    bookings = Booking.objects.bulk_create(
        [
            Booking(
                reference=f"R{i:09d}",
                visitor=visitor,
                session=sessions[i % SESSIONS],
                party_size=2 if i % 4 == 0 else 1,
            )
            for i, visitor in enumerate(visitors)
        ],
        batch_size=5000,
    )
    # Booked yesterday: a booking made after starts_at - 2 h gets no 2 h reminder.
    Booking.objects.update(created_at=now - timedelta(days=1))
    Ticket.objects.bulk_create(
        [
            Ticket(booking=booking, session=booking.session, attendee_name=f"Guest {n}")
            for booking in bookings
            for n in range(booking.party_size)
        ],
        batch_size=5000,
    )
    seats = Counter()
    for booking in bookings:
        seats[booking.session_id] += booking.party_size
    for session in sessions:
        session.seats_taken = seats[session.pk]
    Session.objects.bulk_update(sessions, ["seats_taken"], batch_size=1000)
    return {"sessions": len(sessions), "bookings": len(bookings), "tickets": sum(seats.values())}


def row_counts() -> Counter:
    from django.db.models import Count

    from expo.notifications.models import Notification

    return Counter(
        dict(
            Notification.objects.filter(kind="reminder")
            .order_by()
            .values_list("status")
            .annotate(n=Count("pk"))
        )
    )


# --- One count --------------------------------------------------------------------------


def run_count(count: int, env: dict, deadline: float, later: int) -> dict:
    import redis
    from django.db import connections

    from config.celery import app
    from expo.bookings.messages import reminders_queue_due

    connections.close_all()  # the database is about to be dropped
    # Other work on this machine shows here: the run's own processes have not started.
    load_at_start = round(os.getloadavg()[0], 2)
    print(f"\n== {count} reminders: fresh database and seed ...", flush=True)
    started = time.perf_counter()
    fresh_database()
    seeded = seed(count)
    seed_s = time.perf_counter() - started
    print(f"   seeded {seeded} in {seed_s:.1f} s", flush=True)
    broker = redis.Redis.from_url(REDIS_URL)
    if app.control.ping(timeout=1.0):  # another run's workers would take our tasks
        raise SystemExit(f"workers are already listening on {REDIS_URL}: one run at a time")
    broker.flushdb()

    log_dir = ROOT / "var" / "bench-reminders" / str(count)
    log_dir.mkdir(parents=True, exist_ok=True)
    with Sink() as sink:
        worker_env = {**env, "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}"}
        with Workers(worker_env, log_dir) as workers:
            # What is left of the budget is shared evenly with the counts still to come
            # (each also needs a minute or so to seed, and stopping takes some seconds):
            # a big count is cut short rather than starving the rest.
            share = (deadline - time.monotonic() - 20 - 60 * later) / (later + 1)
            limit = max(30.0, min(60 + count * SECONDS_PER_MESSAGE, share))
            print(
                f"   {WORKERS} workers ready, sink on :{sink.port}; queuing (limit {limit:.0f} s)",
                flush=True,
            )
            pids = [process.pid for process in workers.processes]
            cpu_before = cpu_seconds(pids)
            figures = deliver(count, sink, broker, reminders_queue_due, limit)
            worker_cpu_s = cpu_seconds(pids) - cpu_before
            delivered_by_then = figures["received"]
            # Late copies (a redelivered task) would land now, before the workers stop.
            time.sleep(2)
        # Counted once the workers have stopped (warm: the messages in hand are finished).
        final_sink = sink.stats()
        final_rows = row_counts()
    left_in_queue = broker.llen("mail")
    broker.flushdb()

    delivered = final_sink["unique_message_ids"]
    elapsed = figures["delivery_s"]
    rate = delivered / elapsed if elapsed else 0.0
    report = {
        "count": count,
        "seeded": seeded,
        "seed_s": round(seed_s, 1),
        "queued_rows": figures["queued"],
        "queue_s": round(figures["queue_s"], 2),
        "queue_rows_per_s": round(figures["queued"] / figures["queue_s"], 1),
        # From the start of reminders_queue_due() to the last message (workers consume
        # while the queue is still being filled, as with beat in production).
        "deliver_s": round(elapsed, 1),
        "drain_after_queue_s": round(elapsed - figures["queue_s"], 1),
        "messages_received": final_sink["received"],
        "mails_per_s": round(rate, 1),
        # Once queuing is over, the workers have the machine to themselves.
        "messages_per_s_after_queue": figures["rate_after_queue"]
        and round(figures["rate_after_queue"], 1),
        "ms_per_mail": round(1000 * elapsed / delivered, 2) if delivered else None,
        # Both workers' processes together; CPU time, not wall time.
        "worker_cpu_ms_per_message": round(1000 * worker_cpu_s / delivered_by_then, 2)
        if delivered_by_then
        else None,
        "duplicates": final_sink["duplicate_message_ids"],
        "extra_copies": final_sink["extra_copies"],
        "recipients_more_than_once": final_sink["recipients_more_than_once"],
        "rows_by_status": dict(final_rows),
        "not_sent": sum(n for status, n in final_rows.items() if status != "sent"),
        "tasks_left_in_queue": left_in_queue,
        "completed": figures["completed"],
        "load_avg_1m_at_start": load_at_start,
        "worker_logs": str(log_dir.relative_to(ROOT)),
    }
    if not figures["completed"] and rate:
        report["extrapolated_delivery_s"] = round(count / rate, 1)
    return report


def deliver(count: int, sink: Sink, broker, queue_due, limit: float) -> dict:
    """Queue in a thread; watch the sink and Redis every second, the database less often.

    Counting the rows by status reads the whole outbox (some 60 ms at 100 000 rows), a
    cost that grows with the count: it is done every DB_POLL_S seconds, and every second
    only once the queue has drained, to see that no row is left pending or sending.
    """
    queuing: dict = {}

    def queue():
        from django.db import connection

        begun = time.perf_counter()
        try:
            queuing["queued"] = queue_due()
        finally:
            queuing["queue_s"] = time.perf_counter() - begun
            connection.close()

    started = time.perf_counter()
    thread = threading.Thread(target=queue, name="queue-due-reminders")
    thread.start()
    completed, rows, tick = False, Counter(), 0
    progress_at, last_received = started, 0
    queue_done_at = None  # (elapsed, messages received) when queuing was seen finished
    while True:
        time.sleep(1)
        tick += 1
        now = time.perf_counter()
        elapsed = now - started
        received, in_queue = sink.stats(), broker.llen("mail")
        queued_all = not thread.is_alive()
        if queued_all and queue_done_at is None:
            queue_done_at = (elapsed, received["received"])
        done = received["unique_message_ids"] >= count
        drained = queued_all and not in_queue
        if done or drained or tick % DB_POLL_S == 0:
            rows = row_counts()
        open_rows = rows["pending"] + rows["sending"]
        print(
            f"   {elapsed:6.0f} s  sink {received['received']:>6} "
            f"({received['received'] / elapsed:3.0f}/s)  in queue {in_queue:>6}  rows: "
            f"{sum(rows.values()):>6}, sent {rows['sent']:>6}, open {open_rows:>6}, "
            f"failed {rows['failed']}",
            flush=True,
        )
        if done or (drained and not open_rows):
            completed = done or rows["sent"] >= count
            break
        if elapsed > limit:
            print("   time limit reached: cut short", flush=True)
            break
        if received["received"] != last_received:
            progress_at, last_received = now, received["received"]
        elif queued_all and now - progress_at > STALL_S:
            print(f"   nothing sent for {STALL_S} s: tasks lost? stopped", flush=True)
            break
    thread.join()
    final = sink.stats()
    # The last message's arrival, not the poll that noticed it.
    end = time.perf_counter() - (time.time() - final["last_at"]) if final["last_at"] else now
    after_queue = None
    if queue_done_at and end - started > queue_done_at[0] + 5:
        after_queue = (final["received"] - queue_done_at[1]) / (end - started - queue_done_at[0])
    return {
        "queued": queuing.get("queued", 0),
        "queue_s": queuing.get("queue_s", 0.0),
        "delivery_s": end - started,
        "rate_after_queue": after_queue,
        "received": final["received"],
        "completed": completed,
    }


def linearity(runs: list[dict]) -> dict:
    """Time per message for each count; flat means time grows linearly with the count."""
    per_message = {
        run["count"]: run["ms_per_mail"] for run in runs if run["ms_per_mail"] is not None
    }
    after_queue = {
        run["count"]: round(1000 / run["messages_per_s_after_queue"], 2)
        for run in runs
        if run["messages_per_s_after_queue"]
    }
    worker_cpu = {
        run["count"]: run["worker_cpu_ms_per_message"]
        for run in runs
        if run["worker_cpu_ms_per_message"]
    }
    cut_short = [run["count"] for run in runs if not run["completed"]]
    queue_per_row = {run["count"]: round(1000 * run["queue_s"] / run["count"], 3) for run in runs}
    summary = {
        "delivery_ms_per_message": per_message,
        "delivery_ms_per_message_after_queue": after_queue,
        "worker_cpu_ms_per_message": worker_cpu,
        "queue_ms_per_row": queue_per_row,
        # Their figure is the rate until the cut, with all N rows in the table and queue.
        "cut_short": cut_short,
    }
    if len(per_message) > 1:
        counts = sorted(per_message)
        summary["largest_vs_smallest"] = round(per_message[counts[-1]] / per_message[counts[0]], 2)
    return summary


def run(counts: list[int]) -> dict:
    """Deliver each count of due reminders in turn; returns the report `main` saves.

    ``runs`` holds one report per count, each with ``queue_s`` (reminders_queue_due()),
    ``deliver_s`` (from its start to the last message at the sink), ``mails_per_s``,
    ``ms_per_mail``, ``duplicates`` (Message-IDs the sink got more than once) and
    ``not_sent`` (rows left in any other state than `sent`); ``linearity`` compares them.
    """
    deadline = time.monotonic() + BUDGET_S
    env = bench_env(REDIS_URL=REDIS_URL, EMAIL_URL="smtp://127.0.0.1:25")
    os.environ.update(env)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()

    runs = []
    for index, count in enumerate(counts):
        if time.monotonic() > deadline - 60:
            print(f"\nno time left for {count}: skipped", flush=True)
            continue
        runs.append(run_count(count, env, deadline, later=len(counts) - index - 1))
        print(f"   {runs[-1]}", flush=True)
    return {
        "scenario": (
            f"N due 2 h reminders ({SESSIONS} sessions, one booking per visitor, every "
            f"fourth a pair) queued by reminders_queue_due() and delivered by {WORKERS} "
            "Celery workers (`celery -A config worker`, default pool) to a local "
            "aiosmtpd sink"
        ),
        "runs": runs,
        "linearity": linearity(runs),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--counts",
        default=",".join(str(n) for n in COUNTS),
        help="comma-separated numbers of reminders (default: %(default)s)",
    )
    counts = [int(n) for n in parser.parse_args().counts.replace("_", "").split(",")]
    save("reminders", run(counts))


if __name__ == "__main__":
    main()
