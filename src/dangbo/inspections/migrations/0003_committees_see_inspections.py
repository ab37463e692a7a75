from django.db import migrations


def grant(apps, schema_editor):
    """Inspection records are stricter than member data (DANGBO_STRICT_APPS): '*.view' no longer
    reaches them, so the committee concerned gets an explicit right to read them."""
    Role = apps.get_model("core", "Role")
    for role in Role.objects.filter(code="grassroots_committee"):
        if "inspections.view" not in role.permissions:
            role.permissions = [*role.permissions, "inspections.view"]
            role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("inspections", "0002_complaints"), ("core", "0002_default_roles_and_rules")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
