from datetime import date

from django.db import migrations

ROLES = [
    ("province_admin", "Quản trị cấp tỉnh", ["*"]),
    ("org_board_officer", "Cán bộ ban tổ chức", [
        "organizations.*", "members.*", "admissions.*", "transfers.*", "committees.*",
        "reviews.*", "training.*", "recognition.*", "imports.*", "*.view",
    ]),
    ("inspection_officer", "Cán bộ ủy ban kiểm tra", [
        "inspections.*", "*.view",
    ]),
    ("grassroots_committee", "Cấp ủy cơ sở", [
        "organizations.view", "members.view", "members.change", "admissions.*",
        "transfers.*", "meetings.*", "reviews.*", "programmes.*", "dues.*", "surveys.*",
        "*.view",
    ]),
    ("cell_secretary", "Bí thư, phó bí thư chi bộ", [
        "organizations.view", "members.view", "members.change", "meetings.*", "dues.*",
        "reviews.change", "programmes.change", "*.view",
    ]),
    ("office_staff", "Cán bộ văn phòng, tuyên giáo", [
        "programmes.*", "training.*", "surveys.*", "organizations.view", "reports.view",
    ]),
    ("viewer", "Chỉ xem", ["organizations.view", "members.view", "reports.view"]),
]

RULES = [
    ("org.min_official_members", 3, "Điều lệ Đảng"),
    ("org.grassroots_committee_threshold", 30, "Hướng dẫn thi hành Điều lệ"),
    ("org.cell_committee_threshold", 9, "Hướng dẫn thi hành Điều lệ"),
    ("org.cell_committee_max_size", 7, "Hướng dẫn thi hành Điều lệ"),
    ("member.readmission_min_months", 36, "Hướng dẫn thi hành Điều lệ"),
    ("member.admission_min_age_months", 18 * 12, "Điều lệ Đảng"),
    ("member.admission_max_age_months", 60 * 12, "Hướng dẫn thi hành Điều lệ"),
]


def create(apps, schema_editor):
    Role = apps.get_model("core", "Role")
    RuleParameter = apps.get_model("core", "RuleParameter")
    for code, name, permissions in ROLES:
        Role.objects.update_or_create(code=code, defaults=dict(name=name,
                                                               permissions=permissions))
    for key, value, source in RULES:
        RuleParameter.objects.update_or_create(
            key=key, valid_from=date(2011, 1, 1), org_path="",
            defaults=dict(value=value, source=source),
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
