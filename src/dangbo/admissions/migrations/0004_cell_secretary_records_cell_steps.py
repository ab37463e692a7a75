"""The cell secretary records the cell's own admission steps, from naming the candidate to the
cell's vote (`admissions.cell_steps`; `admissions.*` holds it too). Idempotent."""

from django.db import migrations

GRANTS = {"cell_secretary": ["admissions.cell_steps"]}


def forwards(apps, schema_editor):
    Role = apps.get_model("core", "Role")
    for code, codes in GRANTS.items():
        for role in Role.objects.filter(code=code):
            missing = [c for c in codes if c not in role.permissions]
            if missing:
                role.permissions = [*role.permissions, *missing]
                role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [
        ("admissions", "0003_term_targets"),
        ("core", "0002_default_roles_and_rules"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
