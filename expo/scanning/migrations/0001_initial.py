"""Scans and scanning devices move here from the bookings app; tables and rows stay."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_types(apps, schema_editor):
    """Staff's permissions on scans follow them (they hang on the content types)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="bookings", model__in=["scan", "scandevice"]).update(
        app_label="scanning"
    )


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="scanning", model__in=["scan", "scandevice"]).update(
        app_label="bookings"
    )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('bookings', '0008_notification_moved_to_notifications'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('events', '0002_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Scan',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('nonce', models.CharField(max_length=64, unique=True)),
                        ('direction', models.CharField(choices=[('in', 'In'), ('out', 'Out')], max_length=3)),
                        ('scanned_at', models.DateTimeField()),
                        ('received_at', models.DateTimeField(auto_now_add=True)),
                        ('offline', models.BooleanField(default=False)),
                        ('result', models.CharField(choices=[('accepted', 'Accepted'), ('rejected', 'Rejected')], max_length=8)),
                        ('reason', models.CharField(blank=True, max_length=24)),
                        ('response', models.JSONField()),
                        ('device', models.CharField(blank=True, help_text='Sent by offline devices.', max_length=64)),
                        ('flagged', models.BooleanField(default=False)),
                        ('reviewed_at', models.DateTimeField(blank=True, null=True)),
                        ('entrance', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='scans', to='events.entrance')),
                        ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('scanned_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='scans', to=settings.AUTH_USER_MODEL)),
                        ('ticket', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='scans', to='bookings.ticket')),
                    ],
                    options={
                        'db_table': 'bookings_scan',
                        'ordering': ['-scanned_at'],
                        'indexes': [models.Index(fields=['ticket', 'scanned_at'], name='scan_ticket_time_idx'), models.Index(fields=['entrance', 'scanned_at'], name='scan_entrance_time_idx'), models.Index(condition=models.Q(('flagged', True), ('reviewed_at__isnull', True)), fields=['scanned_at'], name='scan_flagged_open_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('flagged', True), ('reviewed_at__isnull', True), _connector='OR'), name='scan_reviewed_only_if_flagged')],
                    },
                ),
                migrations.CreateModel(
                    name='ScanDevice',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('device', models.CharField(blank=True, max_length=64)),
                        ('last_sync_at', models.DateTimeField()),
                        ('staff', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='scan_devices', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'bookings_scandevice',
                        'constraints': [models.UniqueConstraint(fields=('staff', 'device'), name='scan_device_unique_per_staff')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
