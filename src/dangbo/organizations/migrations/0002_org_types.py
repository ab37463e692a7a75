from django.db import migrations

ORG_TYPES = [
    # code, name, holds_members, is_grassroots, order
    ("central", "Trung ương", False, False, 0),
    ("province", "Đảng bộ tỉnh, thành phố / khối trực thuộc Trung ương", False, False, 10),
    ("superior", "Đảng bộ cấp trên trực tiếp cơ sở", False, False, 20),
    ("grassroots_committee", "Đảng bộ cơ sở", False, True, 30),
    ("grassroots_cell", "Chi bộ cơ sở", True, True, 40),
    ("sub_committee", "Đảng bộ bộ phận", False, False, 50),
    ("cell", "Chi bộ trực thuộc", True, False, 60),
]


def create_types(apps, schema_editor):
    OrgType = apps.get_model("organizations", "OrgType")
    for code, name, holds, grassroots, order in ORG_TYPES:
        OrgType.objects.update_or_create(
            code=code,
            defaults=dict(name=name, holds_members=holds, is_grassroots=grassroots,
                          sort_order=order),
        )


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]
    operations = [migrations.RunPython(create_types, migrations.RunPython.noop)]
