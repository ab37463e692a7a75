from hypothesis import given
from hypothesis import strategies as st

from dangbo.core.text import clean_spaces, mask_id_number, normalize


def test_normalize_strips_diacritics_and_d():
    assert normalize("Đảng ủy  Khối") == "dang uy khoi"
    assert normalize("Nguyễn Thị Hằng") == "nguyen thi hang"


@given(st.text())
def test_normalize_is_idempotent_and_ascii_lower(text):
    once = normalize(text)
    assert normalize(once) == once
    assert once == once.lower()
    assert "đ" not in once


def test_mask_keeps_last_three_digits():
    assert mask_id_number("001203004567") == "*********567"
    assert mask_id_number(None) == ""


def test_clean_spaces():
    assert clean_spaces("  Chi bộ   Văn phòng ") == "Chi bộ Văn phòng"
