from datetime import date
from decimal import Decimal

from django.db import migrations

START = date(2026, 1, 1)
SOURCE = "Quy định về đảng phí áp dụng từ năm 2026"
WAGES = {1: 5_310_000, 2: 4_730_000, 3: 4_140_000, 4: 3_700_000}
# Illustrative shares kept at each level; each province configures its own.
RETAIN = {"cell": Decimal("30"), "grassroots_cell": Decimal("50"),
          "grassroots_committee": Decimal("50"), "sub_committee": Decimal("0"),
          "superior": Decimal("50")}


def create(apps, schema_editor):
    DuesRate = apps.get_model("dues", "DuesRate")
    Wage = apps.get_model("dues", "RegionalMinimumWage")
    Rule = apps.get_model("dues", "RemittanceRule")
    OrgType = apps.get_model("organizations", "OrgType")
    rates = {
        "salary": dict(percent=Decimal("1")),
        "pension": dict(percent=Decimal("0.5")),
        "student": dict(fixed_amount=5000),
        "other": dict(wage_percent_min=Decimal("0.2"), wage_percent_max=Decimal("0.5"),
                      round_to=1000),
    }
    for income_type, values in rates.items():  # idempotent: browser tests re-run it
        DuesRate.objects.update_or_create(income_type=income_type, valid_from=START,
                                          defaults=dict(source=SOURCE, **values))
    for region, amount in WAGES.items():
        Wage.objects.update_or_create(region=region, valid_from=START,
                                      defaults=dict(amount=amount))
    for code, percent in RETAIN.items():
        org_type = OrgType.objects.filter(code=code).first()
        if org_type:
            Rule.objects.update_or_create(org_type=org_type, valid_from=START,
                                          defaults=dict(retain_percent=percent))


class Migration(migrations.Migration):
    dependencies = [("dues", "0001_dues_ledger"), ("organizations", "0002_org_types")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
