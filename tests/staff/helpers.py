"""Data the staff desk's tests share."""

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from expo.events.models import Session
from expo.scanning.models import Scan
from tests.factories import EntranceFactory, ExhibitorFactory, SessionFactory, UserFactory

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def noon_today() -> datetime:
    """Today's noon in the expo's time zone; tests travel there (`at_noon`), so that
    "later today" exists whenever they run."""
    day = timezone.localdate(timezone.now(), STOCKHOLM)
    return datetime(day.year, day.month, day.day, 12, tzinfo=STOCKHOLM)


def session_today(*, hours_from_noon: float = 1, **kwargs) -> Session:
    starts_at = noon_today() + timedelta(hours=hours_from_noon)
    return SessionFactory(starts_at=starts_at, ends_at=starts_at + timedelta(hours=1), **kwargs)


def proposal(**kwargs) -> Session:
    return SessionFactory(
        status=Session.Status.PENDING,
        host=kwargs.pop("host", None) or ExhibitorFactory(),
        starts_at=timezone.now() + timedelta(days=2),
        **kwargs,
    )


def flagged_scan(*, entrance=None, ticket=None, by=None, reason="too_late") -> Scan:
    entrance = entrance or EntranceFactory()
    return Scan.objects.create(
        nonce=uuid.uuid4().hex,
        ticket=ticket,
        entrance=entrance,
        scanned_by=by or UserFactory(role="gate_staff"),
        direction=Scan.Direction.IN,
        scanned_at=timezone.now() - timedelta(minutes=30),
        offline=True,
        result=Scan.Result.REJECTED,
        reason=reason,
        response={"status": "rejected", "reason": reason, "flagged": True},
        flagged=True,
    )
