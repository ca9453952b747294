"""Scans and scanning devices now belong to the scanning app; the tables are kept."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0008_notification_moved_to_notifications"),
        ("scanning", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="scandevice", name="staff"),
                migrations.DeleteModel(name="Scan"),
                migrations.DeleteModel(name="ScanDevice"),
            ],
            database_operations=[],
        ),
    ]
