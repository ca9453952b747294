"""Delivering the e-mail outbox: each `Notification` row becomes one e-mail.

A row moves ``pending → sending → sent | failed``, or ``pending → skipped``.
`notification_deliver` locks the row and marks it `sending` in a short transaction that
commits *before* the SMTP conversation; only after the server accepted the message is it
marked `sent`. A retry, a sweep or a duplicate task that finds the row in any other state
than `pending` does nothing, so none of them sends a message twice.

docs/architecture.md, invariant 4: each message sent once its booking commits and never
twice, under faults:

- Redis down at commit: the row waits `pending` and the sweep queues it. The database
  blinking before the SMTP call: the claim rolls back, or the row is put back to
  `pending`, and the task retries with backoff. A worker dying mid-task: see below.
- The `sent` mark is retried until it sticks: the mail is out, so repeating the UPDATE
  is safe, and a mark that failed must never make the message go out again. The mark is
  the record of the SMTP server's acceptance: it is written right after
  ``send_messages`` returns, first retried in the task, then handed to
  `expo.notifications.tasks.mark_notification_sent`, which retries until the database is back.
  Staff's "retry delivery" touches only `failed` rows, so it never resends a message
  whose acceptance was recorded.
- The one window left is a worker dying between the server's acceptance and the mark.
  Its row stays `sending`; once older than a task may live, the sweep sends it once more
  with the same Message-ID (mail clients show one message), and fails it with
  `INTERRUPTED` if that happens a second time. A duplicate is possible there, a missing
  ticket never.

Model notes:

- While a row is `sending`, `sent_at` holds when the attempt began, so the sweep can
  tell a dead attempt from a live one; once `sent`, it is when the server accepted it.
- `interruptions` counts the dead attempts the sweep found.
- A message that became wrong to send (a reminder for a cancelled booking, an offer
  that lapsed while the broker was down) is `skipped`, with the reason in `last_error`:
  not `sent`, which would be a lie, nor `failed`, which would ask staff to act.
- A kind may fan a row out into more rows on its first claim (attendees who gave their
  own address get their own ticket, `expo.bookings.messages`). Those rows are written in
  the transaction that claims the first row, so they exist exactly when its message is
  on its way, and, being unique by key, are never written or sent twice.

What a message says, whom it is for and when it became pointless is up to its kind,
registered by the app that sends it (`expo.notifications.kinds`). Messages about no
booking (an exhibitor invitation, a decision on a proposed session) are rows with a
`user` and/or an `email`, rendered from the facts stored in `context`.
"""

import logging
import smtplib
import time
from datetime import datetime, timedelta
from email.utils import parseaddr
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import SafeMIMEMultipart
from django.db import connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from expo.core.exceptions import DATABASE_UNAVAILABLE_ERRORS
from expo.notifications.errors import TransientDeliveryError
from expo.notifications.kinds import MessageKind, message_kind
from expo.notifications.models import Notification
from expo.notifications.outbox import notification_mark_sent_later, notifications_queue

logger = logging.getLogger(__name__)

Status = Notification.Status

# Worth another try. OSError covers refused connections, resets and timeouts.
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)
INTERRUPTED = "interrupted while sending, twice; check the mail log before retrying"
RESENT_AFTER_INTERRUPTION = "interrupted while sending; sent once more"
BATCH_SIZE = 1000
# A batch's rows it had no time left for: back to `pending` and queued again at once.
QUEUED_AGAIN = "queued again"
# A sweep re-queues at most this many batches: while workers chew through a backlog,
# rows that are merely waiting in the queue look stuck too, and their copies are no-ops.
SWEEP_MAX_BATCHES = 5


# --- Delivery ------------------------------------------------------------------------


def notification_deliver(*, key: str) -> str:
    """Send the message of one outbox row, at most once: `notifications_deliver` for one."""
    return notifications_deliver(keys=[key])[key]


def notifications_deliver(*, keys: list[str]) -> dict[str, str]:
    """Send the messages of these outbox rows over one SMTP connection, each at most once.

    Every row that may go out is claimed (`sending`) in one transaction committed before
    the first SMTP command; then, one by one, its message is written, handed to the
    server and, once accepted, marked `sent`. A row's failure is that row's: a message
    that cannot be written or is refused for good is `failed`, one refused for now is put
    back to `pending`, and the next row goes out on the same connection (a new one if the
    server hung up). Only signs that a service is gone stop the batch. No connection to
    the mail server: every row left counts a try and goes back to `pending` (or `failed`
    with its tries used up), as each would alone. The database lost: the rows not tried
    yet go back to `pending`, their tries not counted; so do rows left when the batch ran
    out of time (NOTIFICATION_BATCH_SEND_SECONDS), which are queued again at once.

    Returns what became of each key: ``sent``, ``skipped``, ``failed`` (tries used up, a
    permanent refusal, a message that cannot be written), ``pending`` (put back),
    ``queued again`` (out of time), or,
    when there was nothing to do, the row's status or ``missing``. Raises
    `TransientDeliveryError` once the batch is over if any row was put back after an
    SMTP, network or database error: the caller retries the same keys with backoff, and
    the claim passes over the rows already done.
    """
    try:
        claimed, outcome = _claim(keys)
    except DATABASE_UNAVAILABLE_ERRORS as exc:  # rolled back: the rows are as they were
        raise TransientDeliveryError(f"{_described(keys)}: database unavailable: {exc!r}") from exc
    _prepare(claimed)
    deadline = time.monotonic() + settings.NOTIFICATION_BATCH_SEND_SECONDS
    smtp = get_connection()
    try:
        for index, notification in enumerate(claimed):
            if time.monotonic() > deadline:
                untried = claimed[index:]
                _release_untried(untried, outcome, result=QUEUED_AGAIN)
                notifications_queue([row.key for row in untried])
                break
            try:
                outcome[notification.key] = _deliver_claimed(notification, smtp)
            except _MailServerUnreachable as unreachable:
                # Each row would have met it: each counts the try, as if sent alone.
                for row in claimed[index:]:
                    outcome[row.key] = _after_send_error(row, unreachable.error)
                break
            except _BatchHalted as halt:
                outcome[notification.key] = halt.outcome
                _release_untried(claimed[index + 1 :], outcome, result=Status.PENDING)
                break
    finally:
        _hang_up(smtp)
    put_back = [key for key, result in outcome.items() if result == Status.PENDING]
    if put_back:
        raise TransientDeliveryError(f"{_described(put_back)}: put back for another try")
    return outcome


def _prepare(claimed: list[Notification]) -> None:
    """Each kind's batch work for its claimed rows (`MessageKind.prepare`).

    Only a shortcut: should it fail, each message meets the same trouble when it is
    written, and that row alone is failed or put back as usual.
    """
    by_kind: dict[str, list[Notification]] = {}
    for notification in claimed:
        by_kind.setdefault(notification.kind, []).append(notification)
    for name, notifications in by_kind.items():
        try:
            message_kind(name).prepare(notifications)
        except Exception:
            logger.exception("preparing %d %s messages failed", len(notifications), name)


class _BatchHalted(Exception):
    """The database is gone: the rows not tried yet wait for the retry, tries not counted."""

    def __init__(self, outcome: str):
        super().__init__(outcome)
        self.outcome = outcome


class _MailServerUnreachable(Exception):
    """No connection to the mail server could be opened."""

    def __init__(self, error: Exception):
        super().__init__(error)
        self.error = error


def _deliver_claimed(notification: Notification, smtp) -> str:
    """Write, send and mark one claimed row; raises `_BatchHalted` or
    `_MailServerUnreachable` when the batch must stop."""
    try:
        message = _message(notification)
    except DATABASE_UNAVAILABLE_ERRORS as exc:
        _unclaim(notification, f"database unavailable: {exc!r}")
        raise _BatchHalted(Status.PENDING) from exc
    except Exception as exc:  # a bug, not bad weather: marked failed, no blind retries
        logger.exception("notification %s could not be rendered", notification.key)
        _mark_until_it_sticks(
            notification, Status.FAILED, last_error=f"render error: {exc!r}"[:1000]
        )
        return Status.FAILED
    try:
        smtp.open()  # a no-op while the connection is up
    except TRANSIENT_ERRORS as exc:
        raise _MailServerUnreachable(exc) from exc
    try:
        smtp.send_messages([message])
    except TRANSIENT_ERRORS as exc:
        if _connection_lost(exc):
            _hang_up(smtp)  # the next row opens a new one
        return _after_send_error(notification, exc)
    if not _mark_sent(notification, sent_at=timezone.now()):
        raise _BatchHalted(Status.SENT)
    return Status.SENT


@transaction.atomic
def _claim(keys: list[str]) -> tuple[list[Notification], dict[str, str]]:
    """Lock the rows and mark those that may go out `sending`; commits before any SMTP.

    Skips are decided here, under the lock, so they are final. Returns the claimed rows,
    in key order with their targets loaded, and for every other key the reason there is
    nothing to send. Rows are locked in primary-key order, so two batches that share
    rows (a sweep's copy) wait for each other instead of deadlocking.
    """
    outcome = dict.fromkeys(keys, "missing")
    rows = Notification.objects.select_for_update().filter(key__in=keys).order_by("pk")
    by_kind: dict[str, list[Notification]] = {}
    for notification in rows:
        outcome[notification.key] = notification.status
        if notification.status != Status.PENDING:
            continue
        if message_kind(notification.kind) is None:  # its app is gone or renamed it
            _mark(notification, Status.FAILED, last_error=f"unknown kind {notification.kind!r}")
            outcome[notification.key] = Status.FAILED
            continue
        by_kind.setdefault(notification.kind, []).append(notification)
    now = timezone.now()
    claimed = []
    for name, notifications in by_kind.items():
        kind = message_kind(name)
        kind.load(notifications)
        for notification in notifications:
            reason = _skip_reason(notification, kind, now)
            if reason:
                _mark(notification, Status.SKIPPED, last_error=reason)
                outcome[notification.key] = Status.SKIPPED
                continue
            # Conditional as well as locked: SQLite (the embedded default) has no row locks.
            if not Notification.objects.filter(pk=notification.pk, status=Status.PENDING).update(
                status=Status.SENDING, attempts=F("attempts") + 1, sent_at=now
            ):
                outcome[notification.key] = Status.SENDING
                continue
            notification.attempts += 1
            if notification.attempts == 1:
                _fan_out(notification, kind)
            claimed.append(notification)
    order = {key: index for index, key in enumerate(keys)}
    return sorted(claimed, key=lambda notification: order[notification.key]), outcome


def _skip_reason(notification: Notification, kind: MessageKind, now: datetime) -> str:
    """Why this message would now be wrong or pointless; empty when it should go."""
    reader = kind.reader(notification)
    if reader is not None and (reader.erased_at or not reader.is_active):
        return "the reader's account is closed"
    return kind.skip_reason(notification, now)


def _fan_out(notification: Notification, kind: MessageKind) -> None:
    """The kind's further rows, queued when the claim commits.

    Precondition: inside the transaction that claims the first row, on its first
    attempt, so the further rows commit with that claim or not at all.
    """
    rows = kind.fan_out(notification)
    if rows:
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        transaction.on_commit(partial(notifications_queue, [row.key for row in rows]))


def _hang_up(smtp) -> None:
    """Close the SMTP connection, whatever state it is in.

    Kept apart from sending: an error on QUIT after the server accepted a message must
    not count as a failure to send it, or the retry would send it again.
    """
    try:
        smtp.close()
    except TRANSIENT_ERRORS:
        logger.warning("closing the SMTP connection failed", exc_info=True)


def _connection_lost(exc: Exception) -> bool:
    """The server hung up or cannot be reached, rather than answering about one message."""
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code == 421 or isinstance(exc, smtplib.SMTPConnectError)
    return not isinstance(exc, smtplib.SMTPRecipientsRefused)


def _after_send_error(notification: Notification, exc: Exception) -> str:
    """Back to `pending` for another try; `failed` once tries are used up or refused for good.

    Returns the row's new status.
    """
    error = f"{type(exc).__name__}: {exc}"[:1000]
    if _is_permanent(exc) or notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
        logger.error(
            "notification %s failed after %d attempts: %s",
            notification.key,
            notification.attempts,
            error,
        )
        _mark_until_it_sticks(notification, Status.FAILED, last_error=error, sent_at=None)
        return Status.FAILED
    _unclaim(notification, error)
    return Status.PENDING


def _is_permanent(exc: Exception) -> bool:
    """A 5xx answer (no such mailbox, message refused) will be the same next time."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _reply in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


def _mark(notification: Notification, status: str, **fields) -> None:
    Notification.objects.filter(pk=notification.pk).update(status=status, **fields)


def _unclaim(notification: Notification, error: str) -> None:
    """Nothing went out: back to `pending` for the task's retry.

    Should the database stay away longer than the tries here, the row stays `sending`
    and the sweep sends it once it is older than a task may live.
    """
    _mark_until_it_sticks(notification, Status.PENDING, last_error=error[:1000], sent_at=None)


def _mark_sent(notification: Notification, *, sent_at: datetime) -> bool:
    """Record the server's acceptance; retried until it sticks, never by resending.

    Tries here for NOTIFICATION_MARK_RETRY_SECONDS, then leaves the mark to a task that
    retries until the database is back, so this worker is free again: returns False then.
    """
    if _mark_until_it_sticks(notification, Status.SENT, sent_at=sent_at, last_error=""):
        return True
    notification_mark_sent_later(notification.key, sent_at)
    return False


def _release_untried(
    notifications: list[Notification], outcome: dict[str, str], *, result: str
) -> None:
    """Claimed rows the batch stopped before: back to `pending`, the try not counted.

    Each one's outcome becomes `result`. Should the database be away longer than the
    tries here, they stay `sending` and the sweep sends them once they are older than a
    task may live.
    """
    for index, notification in enumerate(notifications):
        if not _mark_until_it_sticks(
            notification, Status.PENDING, attempts=F("attempts") - 1, sent_at=None
        ):
            left = [row.key for row in notifications[index:]]
            outcome.update(dict.fromkeys(left, Status.SENDING))
            return
        outcome[notification.key] = result


def _described(keys: list[str]) -> str:
    return keys[0] if len(keys) == 1 else f"{keys[0]} and {len(keys) - 1} more"


def notification_mark_sent(*, key: str, sent_at: datetime) -> bool:
    """Mark a message the SMTP server accepted as `sent`, whatever became of its row.

    A dead-worker sweep may have put the row back to `pending` (or `failed`) meanwhile;
    the message is out all the same, and marking it stops a second copy. Database errors
    propagate, for the caller's retry.
    """
    return bool(
        Notification.objects.filter(key=key)
        .exclude(status=Status.SENT)
        .update(status=Status.SENT, sent_at=sent_at, last_error="")
    )


def _mark_until_it_sticks(notification: Notification, status: str, **fields) -> bool:
    """`_mark`, retried with backoff through a database outage; False if it never stuck.

    Precondition: outside any transaction, so a broken connection can be dropped and the
    next try opens a new one.
    """
    deadline = time.monotonic() + settings.NOTIFICATION_MARK_RETRY_SECONDS
    delay = 0.1
    while True:
        try:
            _mark(notification, status, **fields)
            return True
        except DATABASE_UNAVAILABLE_ERRORS as exc:
            if not connection.in_atomic_block:
                connection.close()  # broken: the next try must open a new one
            if time.monotonic() + delay > deadline:
                logger.error(
                    "notification %s: could not mark it %s: %r", notification.key, status, exc
                )
                return False
            logger.warning(
                "notification %s: marking it %s failed, retrying: %r", notification.key, status, exc
            )
            time.sleep(delay)
            delay = min(delay * 2, 5)


# --- Staff and beat ------------------------------------------------------------------


def notifications_retry(*, notification_ids) -> int:
    """Send failed messages again (the admin's "Retry delivery"); returns how many.

    They go back to `pending` with a fresh set of tries and are queued after commit.
    Only `failed` rows qualify: a message the SMTP server accepted is marked `sent` (the
    mark is retried until it sticks), so it is never sent again from here. A row failed
    with `INTERRUPTED` lost its worker twice at an unknown moment: check the mail log.
    """
    with transaction.atomic():
        keys = list(
            Notification.objects.select_for_update()
            .filter(pk__in=notification_ids, status=Status.FAILED)
            .values_list("key", flat=True)
        )
        Notification.objects.filter(key__in=keys).update(
            status=Status.PENDING, attempts=0, sent_at=None
        )
        transaction.on_commit(partial(notifications_queue, keys))
    return len(keys)


def notifications_sweep(*, now: datetime | None = None) -> int:
    """Re-queue rows stuck in `pending`; send rows a dead worker left `sending` once more.

    Run every minute by beat. A row is stuck when it has been pending for
    NOTIFICATION_SWEEP_AFTER_MINUTES: its task was never queued (the broker was down at
    commit) or was lost. Re-queuing one that is merely waiting costs a no-op task, as
    the row lock lets only one copy send. Returns the number of rows re-queued.
    """
    now = now or timezone.now()
    requeued = _resend_interrupted(now)
    stuck = (
        Notification.objects.filter(
            status=Status.PENDING,
            created_at__lte=now - timedelta(minutes=settings.NOTIFICATION_SWEEP_AFTER_MINUTES),
        )
        .order_by("pk")
        .values_list("pk", "key")
    )
    last_pk = 0
    for _batch in range(SWEEP_MAX_BATCHES):
        rows = list(stuck.filter(pk__gt=last_pk)[:BATCH_SIZE])
        if not rows:
            break
        notifications_queue([key for _pk, key in rows])
        requeued += len(rows)
        last_pk = rows[-1][0]
    return requeued


def _resend_interrupted(now: datetime) -> int:
    """`sending` for longer than a task may live: its worker died. Send it once more.

    Celery kills a task after CELERY_TASK_TIME_LIMIT, so an older attempt is certainly
    over; whether the SMTP server had accepted the message is unknown. A missing ticket
    is worse than a duplicate with the same Message-ID, so the row goes back to
    `pending` and is queued, once; a row interrupted again is failed for staff to check.
    Returns how many were queued.
    """
    cutoff = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    dead = Notification.objects.filter(
        Q(sent_at__lte=cutoff) | Q(sent_at__isnull=True, created_at__lte=cutoff),
        status=Status.SENDING,
    )
    keys = list(dead.filter(interruptions=0).values_list("key", flat=True)[:BATCH_SIZE])
    for key in keys:
        logger.warning("notification %s was interrupted while sending; sending it once more", key)
    resent = Notification.objects.filter(key__in=keys, status=Status.SENDING).update(
        status=Status.PENDING,
        interruptions=F("interruptions") + 1,
        last_error=RESENT_AFTER_INTERRUPTION,
        sent_at=None,
    )
    for key in dead.filter(interruptions__gt=0).values_list("key", flat=True)[:BATCH_SIZE]:
        logger.warning("notification %s: %s", key, INTERRUPTED)
    dead.filter(interruptions__gt=0).update(
        status=Status.FAILED,
        interruptions=F("interruptions") + 1,
        last_error=INTERRUPTED,
        sent_at=None,
    )
    if keys:
        notifications_queue(keys)
    return resent


# --- Messages ------------------------------------------------------------------------


class TicketEmail(EmailMultiAlternatives):
    """Text and HTML with inline images, shaped as mail clients expect::

    mixed [ related [ alternative [ text, html ], image, image, ... ], attachment, ... ]
    """

    def __init__(self, *args, inline_images=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.inline_images = list(inline_images)

    def _create_alternatives(self, msg):
        msg = super()._create_alternatives(msg)
        if not self.inline_images:
            return msg
        related = SafeMIMEMultipart(
            _subtype="related", encoding=self.encoding or settings.DEFAULT_CHARSET
        )
        related.attach(msg)
        for image in self.inline_images:
            related.attach(image)
        return related


def _message(notification: Notification) -> TicketEmail:
    """The e-mail for a claimed row, written by its kind in its reader's language."""
    kind = message_kind(notification.kind)
    with translation.override(kind.language(notification)):
        context = kind.context(notification)
        message = TicketEmail(
            subject=str(kind.subject) % context,
            body=render_to_string(f"{kind.template}.txt", context),
            to=[context["recipient"]],
            headers={"Message-ID": _message_id(notification.key)},
            inline_images=kind.inline_images(context),
        )
        message.attach_alternative(render_to_string(f"{kind.template}.html", context), "text/html")
        for attachment in kind.attachments(notification):
            message.attach(*attachment)
    return message


def mail_domain() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "h22.example"


def _message_id(key: str) -> str:
    """Stable per row: should the one unclosable window ever resend, clients see one mail."""
    return f"<{key.replace(':', '.')}@{mail_domain()}>"
