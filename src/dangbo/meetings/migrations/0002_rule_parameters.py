from datetime import date

from django.db import migrations

# Defaults for the meetings rules, as dated data (a province may add its own rows).
RULES = [
    ("meetings.min_minutes_regular", 90, "Hướng dẫn sinh hoạt chi bộ"),
    ("meetings.min_minutes_combined", 120, "Hướng dẫn sinh hoạt chi bộ"),
    ("meetings.documents_days_before", 1, "Hướng dẫn sinh hoạt chi bộ"),
    ("meetings.attendance_min_pct", 95, "Ngưỡng cảnh báo tỷ lệ dự họp (cấu hình)"),
    ("meetings.absence_months_for_deletion", 3, "Điều lệ Đảng"),
    ("meetings.regular_day_of_month", 10, "Ngày sinh hoạt thường kỳ đề xuất (cấu hình)"),
    ("meetings.thematic_months", [3, 6, 9, 12], "Tháng đề xuất sinh hoạt chuyên đề (cấu hình)"),
]


def create(apps, schema_editor):
    RuleParameter = apps.get_model("core", "RuleParameter")
    Role = apps.get_model("core", "Role")
    for key, value, source in RULES:
        RuleParameter.objects.get_or_create(
            key=key,
            valid_from=date(2011, 1, 1),
            org_path="",
            defaults=dict(value=value, source=source),
        )
    # The organisation board issues the meeting-quality criteria of its committee.
    for role in Role.objects.filter(code="org_board_officer"):
        if "meetings.manage_criteria" not in role.permissions:
            role.permissions = [*role.permissions, "meetings.manage_criteria"]
            role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_cell_meetings"), ("core", "0002_default_roles_and_rules")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
