"""The expo's own rules: limits, waitlist offers, ticket keys, scanning, reminders,
retries and retention."""

from datetime import timedelta

from config.settings.core import DEBUG, env

# --- Expo rules ---------------------------------------------------------------------
MAX_BOOKINGS_PER_VISITOR_PER_DAY = env.int("MAX_BOOKINGS_PER_VISITOR_PER_DAY", default=6)
# Open waitlist entries (waiting or offered) one visitor may hold at once.
MAX_OPEN_WAITLIST_ENTRIES_PER_VISITOR = env.int("MAX_OPEN_WAITLIST_ENTRIES_PER_VISITOR", default=6)
# Other people's addresses one account may have the expo mail in a day (attendees' own
# tickets, exhibitor invitations); docs/api.md says what happens past it.
MAX_ATTENDEE_RECIPIENTS_PER_DAY = env.int("MAX_ATTENDEE_RECIPIENTS_PER_DAY", default=20)
WAITLIST_OFFER_MINUTES = env.int("WAITLIST_OFFER_MINUTES", default=30)
IDEMPOTENCY_KEY_TTL = timedelta(hours=24)

# --- Ticket signing -----------------------------------------------------------------
# Ed25519 keys for ticket codes (expo/bookings/ticket_codes.py has the format).
# TICKET_SIGNING_KEY: "[key_id:]base64 of the raw 32-byte private key". Or
# TICKET_SIGNING_KEY_FILE: one "key_id:base64" a line, current first, older keys below so
# tickets already sent still verify. Neither: with DEBUG on, a dev key derived from
# SECRET_KEY; with DEBUG off, start-up fails (`manage.py check`, expo/bookings/checks.py).
# New keys: python manage.py generate_ticket_key [--file PATH].
TICKET_SIGNING_KEY = env("TICKET_SIGNING_KEY", default="")
TICKET_SIGNING_KEY_FILE = env("TICKET_SIGNING_KEY_FILE", default="")
# Decided once from the environment's DEBUG, not from DEBUG at call time (tests run with
# DEBUG off but keep the embedded default).
TICKET_SIGNING_DEV_KEY_ALLOWED = DEBUG

# --- Personal data -------------------------------------------------------------------
# Days after an expo ends before its personal data is erased (docs/privacy.md).
PERSONAL_DATA_RETENTION_DAYS = env.int("PERSONAL_DATA_RETENTION_DAYS", default=90)

# --- Scanning -----------------------------------------------------------------------
SCAN_OPENS_MINUTES_BEFORE_START = env.int("SCAN_OPENS_MINUTES_BEFORE_START", default=60)
# Offline scans in a batch must lie between the device's previous upload less this
# span and the time of receipt plus the skew; others are refused (docs/api.md).
SCAN_MAX_OFFLINE_MINUTES = env.int("SCAN_MAX_OFFLINE_MINUTES", default=360)
SCAN_CLOCK_SKEW_SECONDS = env.int("SCAN_CLOCK_SKEW_SECONDS", default=120)

# --- Notifications ------------------------------------------------------------------
# Delivery: expo/notifications/services.py; reminders: expo/bookings/messages.py.
# Reminders go out this many hours before a session starts, e.g.
# REMINDER_OFFSETS_HOURS=24,2; a booking made later than an offset skips it.
REMINDER_OFFSETS_HOURS = sorted(
    (int(hours) for hours in env.list("REMINDER_OFFSETS_HOURS", default=["24", "2"])),
    reverse=True,
)
# A row still pending this long was never queued (broker down) or its task was lost.
NOTIFICATION_SWEEP_AFTER_MINUTES = env.int("NOTIFICATION_SWEEP_AFTER_MINUTES", default=5)
# Tries per message before it is marked failed in the admin, waiting up to 1, 2, 4, 8
# times the backoff between tries (randomised), so a mail server outage of a few minutes
# is ridden out: https://docs.celeryq.dev/en/stable/userguide/tasks.html#Task.retry_backoff
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=5)
NOTIFICATION_RETRY_BACKOFF_SECONDS = env.int("NOTIFICATION_RETRY_BACKOFF_SECONDS", default=60)
# A delivery task retries its database writes this long before leaving the `sent` mark
# to a task of its own; kept under CELERY_TASK_SOFT_TIME_LIMIT with room for the SMTP call.
NOTIFICATION_MARK_RETRY_SECONDS = env.int("NOTIFICATION_MARK_RETRY_SECONDS", default=20)
# Messages queued together (reminders, a sweep) go out in tasks of this many rows, each
# over one SMTP connection; a lone message (a booking's tickets) is a task of its own.
NOTIFICATION_BATCH_SIZE = env.int("NOTIFICATION_BATCH_SIZE", default=100)
# A batch starts no new message after this long, so that with the sent mark's retries it
# ends within CELERY_TASK_SOFT_TIME_LIMIT; the rows left are queued again at once.
NOTIFICATION_BATCH_SEND_SECONDS = env.int("NOTIFICATION_BATCH_SEND_SECONDS", default=20)
