"""The ICU collation for Vietnamese names on PostgreSQL (core.collation); SQLite registers its
own on each connection."""

from django.db import migrations

CREATE = "CREATE COLLATION IF NOT EXISTS vi_icu (provider = icu, locale = 'vi-VN')"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_role_requires_second_factor")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
