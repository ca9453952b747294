"""Reads of the outbox."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min

from expo.notifications.models import Notification


@dataclass(frozen=True)
class OutboxBacklog:
    pending: int
    oldest_pending_created_at: datetime | None


def outbox_backlog() -> OutboxBacklog:
    """How many messages wait to be sent and since when: one aggregate that PostgreSQL
    answers from the (status, created_at) index (`notification_status_idx`)."""
    row = Notification.objects.filter(status=Notification.Status.PENDING).aggregate(
        pending=Count("*"), oldest=Min("created_at")
    )
    return OutboxBacklog(pending=row["pending"], oldest_pending_created_at=row["oldest"])
