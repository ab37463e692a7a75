"""The discipline → grade cap table: every form caps the year's grade at KHTNV.

The first table shipped capped a reprimand or a warning at HTNV while the inspection screen
(and the regulation) said KHTNV. This corrects the 2018 row when it still holds the shipped
value (a province's own rows are left alone) and adds the row of Quy định 124-QĐ/TW, in force
from 04/10/2023. Idempotent (browser tests re-run data migrations after each flush).
"""

from datetime import date

from django.db import migrations

KEY = "reviews.discipline_caps"
ALL_KHT = {"reprimand": "kht", "warning": "kht", "dismissal": "kht", "expulsion": "kht"}
SHIPPED = {"reprimand": "ht", "warning": "ht", "dismissal": "kht", "expulsion": "kht"}


def correct(apps, schema_editor):
    RuleParameter = apps.get_model("core", "RuleParameter")
    for row in RuleParameter.objects.filter(key=KEY, valid_from=date(2018, 1, 1), org_path=""):
        if row.value == SHIPPED:  # compared in Python: JSON equality differs by database
            row.value = ALL_KHT
            row.source = (
                "Quy định 132-QĐ/TW (08/3/2018), Điều 12 khoản 4: bị xử lý kỷ luật trong năm → "
                "không hoàn thành nhiệm vụ (mỗi vi phạm tính một lần)"
            )
            row.save(update_fields=["value", "source"])
    RuleParameter.objects.update_or_create(
        key=KEY,
        valid_from=date(2023, 10, 4),
        org_path="",
        defaults=dict(
            value=ALL_KHT,
            source="Quy định 124-QĐ/TW (04/10/2023), Điều 12 khoản 4 điểm 4.3 d: bị xử lý "
            "kỷ luật trong năm đánh giá → không hoàn thành nhiệm vụ",
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0005_imported_past_years"),
        ("core", "0002_default_roles_and_rules"),
    ]
    operations = [migrations.RunPython(correct, migrations.RunPython.noop)]
