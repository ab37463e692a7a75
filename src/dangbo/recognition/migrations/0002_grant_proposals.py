from django.db import migrations


def grant(apps, schema_editor):
    """Grassroots committees propose badges; the deciding level holds recognition.approve."""
    Role = apps.get_model("core", "Role")
    for role in Role.objects.filter(code="grassroots_committee"):
        if "recognition.change" not in role.permissions:
            role.permissions = [*role.permissions, "recognition.change"]
            role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("recognition", "0001_badges_commendations"),
                    ("core", "0002_default_roles_and_rules")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
