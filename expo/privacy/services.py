"""GDPR export, erasure and retention, gathered from every app that holds personal data.

Each such app subclasses `expo.core.privacy.PersonalData` in its `privacy.py` and names
an instance `personal_data` there; `personal_data_discover` (run in this app's
`ready()`) collects them in `INSTALLED_APPS` order, and they are asked in that order.
This app sits at the top of the layers, so it imports them; none of them imports it.
The erasure itself starts in accounts (`user_erase`), which tells this app by signal.

Retention: `PERSONAL_DATA_RETENTION_DAYS` after an expo ends, `personal_data_purge`
asks every app to erase what it holds about people for that expo (docs/privacy.md).
"""

from datetime import date, datetime, timedelta
from importlib import import_module
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

from expo.core.privacy import PersonalData

_registry: list[PersonalData] = []


def personal_data_discover() -> None:
    """Collect each installed app's `privacy.personal_data`, in `INSTALLED_APPS` order."""
    found = []
    for app in apps.get_app_configs():
        if app.name == __package__ or not module_has_submodule(app.module, "privacy"):
            continue
        handler = getattr(import_module(f"{app.name}.privacy"), "personal_data", None)
        if isinstance(handler, PersonalData):
            found.append(handler)
    _registry[:] = found


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
