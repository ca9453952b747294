"""The outbox moves here from the bookings app; its table and rows stay where they are."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    """Staff's permissions on the outbox follow it (they hang on the content type)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="bookings", model="notification").update(
        app_label="notifications"
    )


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="notifications", model="notification").update(
        app_label="bookings"
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("bookings", "0007_notification_interruptions"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("key", models.CharField(max_length=120, unique=True)),
                        ("kind", models.CharField(max_length=20)),
                        ("email", models.EmailField(blank=True, max_length=254)),
                        ("context", models.JSONField(blank=True, default=dict)),
                        ("status", models.CharField(choices=[("pending", "Pending"), ("sending", "Sending"), ("sent", "Sent"), ("failed", "Failed"), ("skipped", "Skipped")], default="pending", max_length=10)),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("interruptions", models.PositiveSmallIntegerField(default=0)),
                        ("last_error", models.TextField(blank=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        ("booking", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="notifications", to="bookings.booking")),
                        ("user", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="notifications", to=settings.AUTH_USER_MODEL)),
                        ("waitlist_entry", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="notifications", to="bookings.waitlistentry")),
                    ],
                    options={
                        "db_table": "bookings_notification",
                        "ordering": ["-created_at"],
                        "indexes": [models.Index(fields=["status", "created_at"], name="notification_status_idx")],
                        "constraints": [models.CheckConstraint(condition=models.Q(("booking__isnull", False), ("waitlist_entry__isnull", False), ("user__isnull", False), models.Q(("email", ""), _negated=True), _connector="OR"), name="notification_has_target")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
