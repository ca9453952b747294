"""The outbox model now belongs to the notifications app; the table is kept as it is."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0007_notification_interruptions"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notification")],
            database_operations=[],
        ),
    ]
