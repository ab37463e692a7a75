from datetime import date

from django.db import migrations

RULES = [
    ("transfer.present_working_days", 30),
    ("transfer.complete_working_days", 60),
    ("transfer.rejoin_months", 3),
    ("transfer.temporary_min_months", 3),
    ("transfer.temporary_max_months", 12),
    ("transfer.study_max_months", 24),
]


def create(apps, schema_editor):
    RuleParameter = apps.get_model("core", "RuleParameter")
    for key, value in RULES:
        RuleParameter.objects.update_or_create(
            key=key,
            valid_from=date(2011, 1, 1),
            org_path="",
            defaults=dict(value=value, source="Hướng dẫn nghiệp vụ công tác đảng viên"),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("transfers", "0001_transfers_and_their_events"),
        ("core", "0002_default_roles_and_rules"),
    ]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
