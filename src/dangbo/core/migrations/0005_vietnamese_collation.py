"""The ICU collation for Vietnamese names on PostgreSQL (core.collation); SQLite registers its
own on each connection."""

from django import db
from django.db import migrations

CREATE = "CREATE COLLATION IF NOT EXISTS vi_icu (provider = icu, locale = 'vi-VN')"


def create(apps, schema_editor):
    # Browser tests re-run data migrations after each flush without a schema editor.
    connection = schema_editor.connection if schema_editor is not None else db.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(CREATE)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_role_requires_second_factor")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
