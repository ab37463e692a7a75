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


def test_parent_types_keep_the_hierarchy():
    allowed = rules.parent_type_allowed
    assert allowed("grassroots_committee", "cell")
    assert allowed("sub_committee", "cell")
    assert allowed("province", "superior") and allowed("superior", "grassroots_cell")
    assert not allowed("grassroots_committee", "central")  # a «Trung ương» under a committee
    assert not allowed("superior", "cell")  # a cell stands under a grassroots committee
    assert not allowed("province", "sub_committee")
    assert allowed("anything", "custom_type")  # a type the table does not know
    assert allowed("superior", "cell", {"cell": ("superior",)})  # a province's own table


@given(st.sampled_from(sorted(rules.DEFAULT_PARENT_TYPES)))
def test_no_type_may_stand_under_itself_below_the_grassroots(child):
    if child in ("cell", "sub_committee", "grassroots_cell", "grassroots_committee"):
        assert not rules.parent_type_allowed(child, child)


_PATHS = st.lists(
    st.text(alphabet="AB", min_size=1, max_size=3).map(lambda s: "".join(c * 4 for c in s)),
    unique=True,
)


def test_covering_takes_an_org_s_own_target_else_the_topmost_below():
    targets = {"0001": 10, "00010001": 4, "00010002": 6, "0002": 3, "00020001": 1, "00020002": 2}
    assert rules.covering(targets, "0001") == {"0001": 10}
    assert rules.covering({k: v for k, v in targets.items() if k != "0002"}, "0002") == {
        "00020001": 1,
        "00020002": 2,
    }
    assert rules.covering(targets, "") == {"0001": 10, "0002": 3}
    assert rules.covering(targets, "0003") == {}


@given(_PATHS, st.sampled_from(["", "AAAA", "BBBB", "AAAABBBB"]))
def test_covering_never_takes_an_entry_and_its_descendant(paths, prefix):
    chosen = rules.covering(dict.fromkeys(paths, 1), prefix)
    assert all(p.startswith(prefix) for p in chosen)
    assert not any(a != b and b.startswith(a) for a in chosen for b in chosen)
    # every entry under the prefix is chosen or lies under a chosen one
    assert all(any(p.startswith(c) for c in chosen) for p in paths if p.startswith(prefix))
