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
