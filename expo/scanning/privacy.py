"""What the scan log holds about people (`expo.core.privacy`, gathered by expo/privacy).

Erasure and retention keep the scans that figures rest on and take out the attendee
names quoted in stored scan results; a staff member's devices go with their account.
"""

from datetime import date, datetime

from django.db.models import QuerySet

from expo.core.privacy import PersonalData
from expo.scanning.models import Scan, ScanDevice


class ScanningPersonalData(PersonalData):
    name = "scanning"

    def export(self, *, user) -> dict:
        scans = (
            Scan.objects.filter(ticket__booking__visitor=user)
            .select_related("entrance__venue")
            .order_by("scanned_at", "pk")
        )
        return {
            "scans": [
                {
                    "ticket": scan.ticket_id,
                    "entrance": f"{scan.entrance.venue.name} – {scan.entrance.name}",
                    "direction": scan.direction,
                    "scanned_at": scan.scanned_at,
                    "result": scan.result,
                    "reason": scan.reason,
                }
                for scan in scans
            ],
        }

    def erase(self, *, user, now: datetime) -> None:
        _scan_results_scrub(Scan.objects.filter(ticket__booking__visitor=user))
        ScanDevice.objects.filter(staff=user).delete()

    def purge(self, *, ended_before: date, now: datetime, dry_run: bool) -> dict[str, int]:
        scans = _scans_naming_someone(
            Scan.objects.filter(ticket__session__expo__ends_on__lt=ended_before)
        )
        counts = {"scan_results": scans.count()}
        if not dry_run:
            _scan_results_scrub(scans)
        return counts


personal_data = ScanningPersonalData()


def _scans_naming_someone(scans: QuerySet[Scan]) -> QuerySet[Scan]:
    return scans.filter(response__ticket__has_key="attendee_name").exclude(
        response__ticket__attendee_name=""
    )


def _scan_results_scrub(scans: QuerySet[Scan]) -> None:
    """Stored scan results (replayed by nonce) quote the attendee's name."""
    named = list(_scans_naming_someone(scans).only("pk", "response"))
    for scan in named:
        scan.response["ticket"]["attendee_name"] = ""
    Scan.objects.bulk_update(named, ["response"], batch_size=500)
