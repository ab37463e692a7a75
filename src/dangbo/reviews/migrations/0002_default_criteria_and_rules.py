from datetime import date

from django.db import migrations

MEMBER_CRITERIA = [
    # code, name, group, max points
    ("politics", "Tư tưởng chính trị", "general", 10),
    ("ethics", "Phẩm chất đạo đức, lối sống", "general", 10),
    ("discipline", "Tác phong, lề lối làm việc; ý thức tổ chức kỷ luật", "general", 10),
    ("duties", "Kết quả thực hiện chức trách, nhiệm vụ được giao", "task", 50),
    ("party_tasks", "Thực hiện nhiệm vụ đảng viên ở chi bộ và nơi cư trú", "task", 20),
]
ORG_CRITERIA = [
    ("politics", "Xây dựng Đảng về chính trị, tư tưởng, đạo đức", "general", 15),
    ("organisation", "Công tác tổ chức, cán bộ, đảng viên; sinh hoạt chi bộ", "general", 15),
    ("leadership", "Lãnh đạo thực hiện nhiệm vụ chính trị", "task", 40),
    ("inspection", "Công tác kiểm tra, giám sát và kỷ luật đảng", "task", 15),
    ("mass", "Lãnh đạo chính quyền, đoàn thể; công tác dân vận", "task", 15),
]
SOURCE = "Hướng dẫn kiểm điểm, đánh giá, xếp loại chất lượng hằng năm"
RULES = [
    ("reviews.excellent_min", 90),
    ("reviews.good_min", 70),
    ("reviews.completed_min", 50),
    ("reviews.excellent_exceed_percent", 30),
    ("reviews.quota_percent", 20),
    ("reviews.quota_percent_outstanding", 25),
    ("reviews.min_months_since_admission", 6),
    # Any discipline in the year: KHTNV (see members.rules; corrected by 0006).
    (
        "reviews.discipline_caps",
        {"reprimand": "kht", "warning": "kht", "dismissal": "kht", "expulsion": "kht"},
    ),
]


def create(apps, schema_editor):
    CriteriaSet = apps.get_model("reviews", "CriteriaSet")
    Criterion = apps.get_model("reviews", "Criterion")
    RuleParameter = apps.get_model("core", "RuleParameter")
    for subject, name, rows in (
        (
            "member",
            "Tiêu chí đánh giá đảng viên (30 điểm chung + 70 điểm nhiệm vụ)",
            MEMBER_CRITERIA,
        ),
        ("org", "Tiêu chí đánh giá tổ chức đảng", ORG_CRITERIA),
    ):
        criteria_set, _ = CriteriaSet.objects.get_or_create(
            subject=subject, valid_from=date(2018, 1, 1), defaults=dict(name=name, source=SOURCE)
        )
        for order, (code, label, group, points) in enumerate(rows, start=1):
            Criterion.objects.get_or_create(
                criteria_set=criteria_set,
                code=code,
                defaults=dict(name=label, group=group, max_points=points, order=order),
            )
    for key, value in RULES:
        RuleParameter.objects.update_or_create(
            key=key,
            valid_from=date(2018, 1, 1),
            org_path="",
            defaults=dict(value=value, source=SOURCE),
        )


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial"), ("core", "0002_default_roles_and_rules")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
