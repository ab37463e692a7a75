from datetime import date

from django.db import migrations

# The numbers of DOMAIN.md "Admission", in force since the current party statute guidance.
RULES = [
    ("admission.certificate_valid_months", 60),
    ("admission.introducer_min_months", 12),
    ("admission.cell_vote_ratio", {"num": 2, "den": 3, "strict": False}),
    ("admission.committee_vote_ratio", {"num": 2, "den": 3, "strict": False}),
    ("admission.deciding_vote_ratio", {"num": 1, "den": 2, "strict": True}),
    ("admission.decision_working_days", 45),
    ("admission.decision_extension_working_days", 15),
    ("admission.ceremony_working_days", 30),
    ("admission.probation_months", 12),
    ("admission.recognition_working_days", 30),
]


def create(apps, schema_editor):
    RuleParameter = apps.get_model("core", "RuleParameter")
    for key, value in RULES:
        RuleParameter.objects.update_or_create(
            key=key,
            valid_from=date(2011, 1, 1),
            org_path="",
            defaults=dict(value=value, source="Điều lệ Đảng; Hướng dẫn thi hành Điều lệ"),
        )


class Migration(migrations.Migration):
    dependencies = [("admissions", "0001_admission_files_steps_targets"), ("core", "0002_default_roles_and_rules")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
