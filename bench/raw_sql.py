"""The floor to read the HTTP figures against: the same transactions as raw SQL (pgbench).

Each script does what the product's transaction does in the database, with the same
locks and the same rows written, and nothing else: no HTTP, no Python, no token check.
"""

import subprocess
import tempfile
from pathlib import Path

from harness import DATABASE_URL

# booking_create: the visitor's row lock, the per-visitor checks, the booking, its
# ticket and its confirmation row, then the conditional seat UPDATE as the last statement.
BOOKING = """
\\set uid random(:first_user, :last_user)
\\set sid random(:first_session, :last_session)
BEGIN;
SELECT is_active FROM accounts_user WHERE id = :uid FOR UPDATE;
SELECT b.session_id FROM bookings_booking b JOIN events_session s ON s.id = b.session_id
 WHERE b.visitor_id = :uid AND b.status = 'confirmed'
   AND (b.session_id = :sid OR s.starts_at < now());
WITH booking AS (
  INSERT INTO bookings_booking (reference, visitor_id, session_id, party_size, status,
                                created_at, cancelled_by_staff, walk_in)
  VALUES ('P-' || substr(md5(random()::text), 1, 10), :uid, :sid, 1, 'confirmed', now(),
          false, false)
  ON CONFLICT DO NOTHING RETURNING id
), ticket AS (
  INSERT INTO bookings_ticket (booking_id, session_id, attendee_name, attendee_email,
                               mail_attendee, status, checked_in)
  SELECT id, :sid, '', '', false, 'valid', false FROM booking RETURNING booking_id
), confirmation AS (
  INSERT INTO bookings_notification (key, kind, booking_id, email, context, status, attempts,
                                     interruptions, last_error, created_at)
  SELECT 'bench:' || booking_id, 'booking_confirmed', booking_id, '', '{}', 'pending', 0, 0,
         '', now() FROM ticket RETURNING id
)
UPDATE events_session SET seats_taken = seats_taken + 1
 WHERE id = :sid AND seats_taken + 1 <= capacity AND status = 'published'
   AND EXISTS (SELECT 1 FROM confirmation);
COMMIT;
"""

# ticket_scan: the ticket with its booking and session, the entrance, the conditional
# admission, the venue's head count and the scan's record.
SCAN = """
\\set tid random(:first_ticket, :last_ticket)
BEGIN;
SELECT e.id, e.mode, v.max_occupancy FROM events_entrance e
  JOIN events_venue v ON v.id = e.venue_id WHERE e.id = :entrance;
SELECT t.id, t.status, t.checked_in, s.venue_id, s.starts_at, s.ends_at, b.reference
  FROM bookings_ticket t JOIN bookings_booking b ON b.id = t.booking_id
  JOIN events_session s ON s.id = t.session_id WHERE t.id = :tid;
UPDATE bookings_ticket SET checked_in = true,
       first_checked_in_at = coalesce(first_checked_in_at, now()), last_scan_at = now()
 WHERE id = :tid AND status = 'valid' AND NOT checked_in;
UPDATE events_venue SET inside = inside + 1, inside_updated_at = now() WHERE id = :venue;
INSERT INTO bookings_scan (nonce, ticket_id, entrance_id, scanned_by_id, direction,
                           scanned_at, received_at, offline, result, reason, response,
                           device, flagged)
VALUES (md5(random()::text), :tid, :entrance, :staff, 'in', now(), now(), false,
        'accepted', '', '{}', 'pgbench', false);
COMMIT;
"""


def pgbench(
    script: str, *, clients: int, seconds: int, protocol: str = "simple", **defines
) -> dict:
    """Run `script` for `seconds` with `clients` connections; transactions per second.

    `protocol`: pgbench's default "simple", as the issue's reference figures, or
    "prepared", each statement planned once per connection as the product's are.
    """
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as file:
        file.write(script)
    arguments = [f"--define={name}={value}" for name, value in defines.items()]
    try:
        output = subprocess.run(
            [
                "pgbench",
                "--no-vacuum",
                f"--client={clients}",
                "--jobs=2",
                f"--time={seconds}",
                f"--protocol={protocol}",
                *arguments,
                f"--file={file.name}",
                DATABASE_URL,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        Path(file.name).unlink()
    figures = {"clients": clients}
    for line in output.splitlines():
        if line.startswith("tps"):
            figures["per_s"] = float(line.split("=")[1].split()[0])
        elif line.startswith("latency average"):
            figures["latency_avg_ms"] = float(line.split("=")[1].split()[0])
        elif line.startswith("number of failed"):
            figures["failed"] = int(line.split(":")[1].split()[0])
    return figures
