"""What the catalogue tells the apps above it: it never imports them (docs/architecture.md).

Each signal is sent by a service in `services.py` inside the change's transaction, with
the session's row locked, so whatever a receiver writes (bookings cancelled, waitlist
offers, outbox rows) commits or vanishes with the change. Receivers live in the
receiving app's `receivers.py`, connected in its `AppConfig.ready()`.
"""

from django.dispatch import Signal

# Staff cancelled a session. Arguments: ``session`` (locked, already `cancelled`, its
# seats reset) and ``now``. Bookings cancels its bookings and closes its waitlist.
session_cancelled = Signal()

# A session's time or place changed. Arguments: ``session``. Bookings tells the booked.
session_moved = Signal()

# A session was saved and may have seats to offer (more capacity, newly published).
# Arguments: ``session`` (locked, `seats_taken` fresh) and ``now``.
session_seats_may_be_free = Signal()

# Staff approved or rejected a session an exhibitor proposed. Arguments: ``session``
# (locked, with `host` and `venue`) and ``approved``. Exhibitors tells the proposer.
session_proposal_decided = Signal()
