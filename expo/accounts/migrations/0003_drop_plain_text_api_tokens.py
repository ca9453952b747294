"""API tokens moved to django-rest-knox, which stores only hashes.

DRF's `authtoken` app is no longer installed, so nothing would ever remove its table,
which holds every old token in plain text: drop it. Holders of old tokens log in again.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_email_verified_at"),
    ]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", migrations.RunSQL.noop),
    ]
