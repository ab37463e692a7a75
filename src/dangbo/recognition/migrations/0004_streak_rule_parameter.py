from datetime import date

from django.db import migrations

# Commendations earned by consecutive years rated "Hoàn thành xuất sắc nhiệm vụ" (configurable,
# dated: a later row with a new valid_from replaces these values from that day).
STREAK_RULES = [
    {"subject": "member", "years": 5, "form": "Bằng khen", "issuer": "Ban Thường vụ Tỉnh ủy"},
    {
        "subject": "member",
        "years": 3,
        "form": "Giấy khen",
        "issuer": "Ban Thường vụ đảng ủy cấp trên trực tiếp của cơ sở",
    },
    {"subject": "organization", "years": 5, "form": "Bằng khen", "issuer": "Ban Thường vụ Tỉnh ủy"},
    {
        "subject": "organization",
        "years": 2,
        "form": "Giấy khen",
        "issuer": "Ban Thường vụ đảng ủy cấp trên trực tiếp của cơ sở",
    },
]


def create(apps, schema_editor):
    RuleParameter = apps.get_model("core", "RuleParameter")
    RuleParameter.objects.update_or_create(
        key="commendation.streak_rules",
        valid_from=date(2021, 1, 1),
        org_path="",
        defaults=dict(value=STREAK_RULES, source="Hướng dẫn khen thưởng tổ chức đảng, đảng viên"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("recognition", "0003_commendations_to_orgs_and_streak_proposals"),
        ("core", "0002_default_roles_and_rules"),
    ]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
