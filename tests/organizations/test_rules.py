from hypothesis import given
from hypothesis import strategies as st

from dangbo.organizations import rules

CELL = rules.TypeCapabilities(holds_members=True)
GRASSROOTS_CELL = rules.TypeCapabilities(holds_members=True, is_grassroots=True)
COMMITTEE = rules.TypeCapabilities(holds_members=False, is_grassroots=True)


def test_cells_hold_members_committees_hold_orgs():
    assert rules.can_hold_members(CELL) and not rules.can_contain_org(CELL)
    assert rules.can_contain_org(COMMITTEE) and not rules.can_hold_members(COMMITTEE)


@given(st.integers(0, 10_000))
def test_grassroots_form_threshold(n):
    assert rules.grassroots_form(n) == ("chi_bo_co_so" if n < 30 else "dang_bo_co_so")


@given(st.integers(0, 100))
def test_cell_leadership(n):
    assert rules.cell_leadership(n) == ("committee" if n >= 9 else "secretary")


def test_size_warnings():
    assert rules.size_warnings(CELL, 2, 2)
    assert not rules.size_warnings(CELL, 3, 3)
    assert any("đảng bộ cơ sở" in w for w in rules.size_warnings(GRASSROOTS_CELL, 25, 31))
