"""GDPR export, erasure and retention, gathered from every app that holds personal data.

Each such app subclasses `PersonalData` and registers it in its `AppConfig.ready()`
(pretix's data shredders are the model), so the accounts app, which runs the export and
the erasure, asks the apps above it without importing them. Apps register in
`INSTALLED_APPS` order and are asked in that order.

Retention: `PERSONAL_DATA_RETENTION_DAYS` after an expo ends, `personal_data_purge`
asks every app to erase what it holds about people for that expo (docs/privacy.md).
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone


class PersonalData:
    """What one app holds about people, and how to hand it over or let go of it."""

    #: Names the app's part of the export and of the purge report.
    name = ""

    def export(self, *, user) -> dict:
        """The person's data as the export's top-level keys."""
        return {}

    def erase(self, *, user, now: datetime) -> None:
        """Forget the person. Called inside the erasure's transaction with the user's row
        locked and still holding their e-mail address; the account itself is left to
        the accounts app."""

    def purge(self, *, ended_before: date, now: datetime, dry_run: bool) -> dict[str, int]:
        """Erase what the app holds about people for expos that ended before
        `ended_before`; return how many rows of each kind were (or, with `dry_run`,
        would be) erased. Rows already erased are not counted again."""
        return {}


_registry: list[PersonalData] = []


def personal_data_register(handler: PersonalData) -> None:
    if any(type(known) is type(handler) for known in _registry):
        return  # `ready()` may run twice (tests, autoreload)
    _registry.append(handler)


def personal_data_export(*, user) -> dict:
    data: dict = {}
    for handler in _registry:
        data.update(handler.export(user=user))
    return data


def personal_data_erase(*, user, now: datetime) -> None:
    """Precondition: inside the erasure's transaction, the user's row locked."""
    assert connection.in_atomic_block, "erasure runs in one transaction"
    for handler in _registry:
        handler.erase(user=user, now=now)


def retention_cutoff(now: datetime) -> date:
    """Expos that ended before this day (in the expo's time zone) are past retention."""
    today = timezone.localdate(now, ZoneInfo(settings.EXPO_TIME_ZONE))
    return today - timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)


def personal_data_purge(*, now: datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Erase personal data of expos past retention; counts per kind (`app.kind`).

    One transaction: a dry run reads the same rows the real run would change.
    """
    now = now or timezone.now()
    ended_before = retention_cutoff(now)
    report: dict[str, int] = {}
    with transaction.atomic():
        for handler in _registry:
            counts = handler.purge(ended_before=ended_before, now=now, dry_run=dry_run)
            report.update({f"{handler.name}.{kind}": count for kind, count in counts.items()})
    return report
