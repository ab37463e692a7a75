from datetime import date

from django.db import migrations

# (key, value, source) in force from 2011 unless a province sets its own (configurable).
RULES = [
    ("committees.election_threshold", "1/2", "Quy chế bầu cử trong Đảng (QĐ 244-QĐ/TW, 2014)"),
    ("committees.term_years", 5, "Điều lệ Đảng"),
    ("committees.congress_warning_months", 6, "Cấu hình của tỉnh"),
    ("committees.comment_days", 15, "Cấu hình của tỉnh"),
    ("cadres.candidates_per_post", {"min": 2, "max": 4}, "Quy định 50-QĐ/TW (2021)"),
    ("cadres.max_posts_per_person", 3, "Quy định 50-QĐ/TW (2021)"),
    ("cadres.retirement_age", {"M": 62, "F": 60}, "Bộ luật Lao động 2019 (lộ trình)"),
    ("cadres.min_service_years", 5, "Quy định 50-QĐ/TW (2021): đủ tuổi công tác một nhiệm kỳ"),
    ("cadres.min_theory_level", "intermediate", "Cấu hình của tỉnh"),
    ("cadres.young_max_age", 40, "Cấu hình của tỉnh"),
    (
        "cadres.targets",
        {"women": 0.25, "young": 0.15, "ethnic_minority": 0.0},
        "Cấu hình của tỉnh (mục tiêu cơ cấu quy hoạch)",
    ),
]

# Planning is confidential: '*.view' does not reach committees.view_planning. The grassroots
# committee records its own congresses and plans its cadres; the org board holds committees.*.
GRANTS = {
    "grassroots_committee": [
        "committees.change",
        "committees.view_planning",
        "committees.change_planning",
    ],
}


def forwards(apps, schema_editor):
    RuleParameter = apps.get_model("core", "RuleParameter")
    Role = apps.get_model("core", "Role")
    for key, value, source in RULES:
        RuleParameter.objects.update_or_create(
            key=key,
            valid_from=date(2011, 1, 1),
            org_path="",
            defaults=dict(value=value, source=source),
        )
    for code, codes in GRANTS.items():
        for role in Role.objects.filter(code=code):
            missing = [c for c in codes if c not in role.permissions]
            if missing:
                role.permissions = [*role.permissions, *missing]
                role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [
        ("committees", "0001_terms_congresses_posts_planning_comments"),
        ("core", "0002_default_roles_and_rules"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
