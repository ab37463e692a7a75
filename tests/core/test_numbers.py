"""Numbers shown in Vietnamese form: thousands dot, decimal comma."""

from dangbo.core.templatetags.core_tags import vn
from dangbo.core.text import vi_number


def test_numbers_in_vietnamese_form():
    assert vi_number(110391900) == "110.391.900"
    assert vi_number(92.9) == "92,9" and vi_number(100.0, 1) == "100,0"
    assert vi_number(None) == "—" and vn("") == "—" and vn(1234.5, "1") == "1.234,5"


def test_dues_records_name_amounts_in_vietnamese_form():
    from datetime import date

    from dangbo.dues.models import RegionalMinimumWage

    wage = RegionalMinimumWage(region=1, amount=4960000, valid_from=date(2024, 7, 1))
    assert str(wage) == "Vùng 1: 4.960.000 đ từ 01/07/2024"


def test_percentages_one_form():
    from decimal import Decimal

    from dangbo.core.templatetags.core_tags import percent
    from dangbo.core.text import vi_percent

    assert vi_percent(92.94) == "92,9%" and vi_percent(5, 0) == "5%"
    assert vi_percent(92.96) == "93,0%" and vi_percent(2 / 3 * 100, 0) == "67%"  # rounded
    assert vi_percent(Decimal("30.00"), None) == "30%"
    assert vi_percent(Decimal("1.50"), None) == "1,5%"
    assert percent(1234.56) == "1.234,6%" and percent(None) == "—" and percent(7.25, "-") == "7,25%"


def test_dates_from_stored_iso_strings():
    from datetime import date

    from dangbo.core.templatetags.core_tags import vndate

    assert vndate("2020-01-05") == "05/01/2020" == vndate(date(2020, 1, 5))
    assert vndate("Hà Nội") == "Hà Nội" and vndate(None) == "—"


def test_exports_and_records_write_shares_with_a_decimal_comma():
    from datetime import date
    from decimal import Decimal

    from dangbo.admissions.exports import _share
    from dangbo.admissions.rules import target_share
    from dangbo.dues.models import RemittanceRule
    from dangbo.organizations.models import OrgType

    rule = RemittanceRule(
        org_type=OrgType(name="Chi bộ"),
        valid_from=date(2024, 1, 1),
        retain_percent=Decimal("30.00"),
    )
    assert str(rule) == "Chi bộ: giữ 30% từ 01/01/2024"
    share = target_share(7, 8)
    assert _share(share) == "87,5%"


def test_admission_steps_show_dates_as_dd_mm_yyyy(admin_client, tree):
    from tests.admissions.helpers import open_file, walk

    file = walk(open_file(tree), tree, "introduced")
    page = admin_client.get(file.get_absolute_url()).content.decode()
    assert "(công tác cùng từ 01/01/2020)" in page and "2020-01-01" not in page


def test_dashboard_counts_have_a_thousands_dot(admin_client, tree, monkeypatch):
    import re

    page = admin_client.get("/reports/dashboard/").content.decode()
    assert not re.search(r"\d,\d{3}\b", page) and not re.search(r"\d\.\d%", page)
