"""`manage.py purge_personal_data [--dry-run]`: the retention task, by hand."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from expo.privacy.services import personal_data_purge, retention_cutoff


class Command(BaseCommand):
    help = (
        "Erase personal data of expos that ended more than PERSONAL_DATA_RETENTION_DAYS "
        "days ago (beat runs this daily). With --dry-run, only list what would go."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be erased; change nothing."
        )

    def handle(self, *args, dry_run: bool, **options):
        now = timezone.now()
        report = personal_data_purge(now=now, dry_run=dry_run)
        verb = "Would erase" if dry_run else "Erased"
        self.stdout.write(
            f"{verb} personal data of expos that ended before {retention_cutoff(now)} "
            f"({settings.PERSONAL_DATA_RETENTION_DAYS} days of retention):"
        )
        for kind, count in sorted(report.items()):
            self.stdout.write(f"  {kind}: {count}")
        self.stdout.write(f"  total: {sum(report.values())}")
