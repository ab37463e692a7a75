from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from dangbo.reviews import rules
from dangbo.reviews.rules import COMPLETED, EXCELLENT, GOOD, NOT_COMPLETED, RANK

scores = st.decimals(min_value=0, max_value=100, places=1)
percents = st.decimals(min_value=0, max_value=200, places=1)
caps = st.sampled_from([None, *rules.GRADES])


def test_grade_bands_at_their_boundaries():
    g = rules.grade_from_score
    assert g(Decimal("90"), True, Decimal("30")) == EXCELLENT
    assert g(Decimal("89.9"), True, Decimal("100")) == GOOD
    assert g(Decimal("95"), True, Decimal("29.9")) == GOOD  # not enough exceeding
    assert g(Decimal("95"), False, Decimal("80")) == GOOD  # not all tasks done
    assert g(Decimal("70"), False, 0) == GOOD
    assert g(Decimal("69.9"), False, 0) == COMPLETED
    assert g(Decimal("50"), False, 0) == COMPLETED
    assert g(Decimal("49.9"), True, 100) == NOT_COMPLETED


@given(scores, scores, st.booleans(), percents, caps)
def test_raising_a_score_never_lowers_the_grade(a, b, done, exceed, cap):
    low, high = sorted((a, b))
    assert (
        RANK[rules.grade_from_score(low, done, exceed, cap=cap)]
        <= RANK[rules.grade_from_score(high, done, exceed, cap=cap)]
    )


@given(scores, st.booleans(), percents, caps)
def test_grade_never_exceeds_the_cap_and_excellent_needs_its_conditions(total, done, exceed, cap):
    grade = rules.grade_from_score(total, done, exceed, cap=cap)
    if cap is not None:
        assert RANK[grade] <= RANK[cap]
    if grade == EXCELLENT:
        assert total >= 90 and done and exceed >= 30


@given(st.integers(0, 10_000), st.sampled_from([20, 25, Decimal("22.5")]))
def test_quota_limit_is_exact_at_its_boundary(good, percent):
    limit = rules.excellent_limit(good, percent)
    assert limit * 100 <= good * percent
    assert (limit + 1) * 100 > good * percent


@given(st.lists(st.sampled_from(rules.GRADES), max_size=200), st.sampled_from([20, 25]))
def test_quota_check_holds_iff_excellent_within_percent_of_good(grades, percent):
    check = rules.quota_check(grades, percent)
    assert check.holds == (check.excellent * 100 <= check.good * percent)
    assert check.excess == max(check.excellent - check.limit, 0)


def test_quota_examples_and_who_is_over():
    check = rules.quota_check([EXCELLENT] * 3 + [GOOD] * 10, 20)
    assert (check.limit, check.excess, check.holds) == (2, 1, False)
    assert rules.quota_check([EXCELLENT] * 3 + [GOOD] * 12, 25).holds
    ranked = [("a", Decimal(95)), ("b", Decimal(91)), ("c", Decimal(99))]
    assert rules.over_quota(ranked, 1) == ["b"]
    assert rules.over_quota(ranked, 0) == []


def test_exemption_reasons():
    ref = date(2025, 12, 1)
    assert rules.exemption_reason(date(2025, 6, 2), ref, []) == rules.RECENTLY_ADMITTED
    assert rules.exemption_reason(date(2025, 6, 1), ref, []) is None
    absences = [(rules.EXCUSED, date(2024, 1, 1), None)]
    assert rules.exemption_reason(date(2000, 1, 1), ref, absences) == rules.EXCUSED
    ended = [(rules.SUSPENDED, date(2025, 1, 1), date(2025, 6, 1))]
    assert rules.exemption_reason(date(2000, 1, 1), ref, ended) is None
    running = [(rules.SUSPENDED, date(2025, 1, 1), date(2026, 1, 1))]
    assert rules.exemption_reason(date(2000, 1, 1), ref, running) == rules.SUSPENDED


@given(
    st.dates(date(1950, 1, 1), date(2030, 12, 31)), st.dates(date(2000, 1, 1), date(2030, 12, 31))
)
def test_recently_admitted_means_less_than_six_whole_months(admitted, ref):
    reason = rules.exemption_reason(admitted, ref, [])
    from dangbo.members.rules import months_between

    assert (reason == rules.RECENTLY_ADMITTED) == (months_between(admitted, ref) < 6)


def test_shares_and_streaks():
    shares = rules.grade_shares({EXCELLENT: 15, GOOD: 75, COMPLETED: 9, NOT_COMPLETED: 1})
    assert shares[EXCELLENT] == Decimal("15.00") and shares["good_or_better"] == Decimal("90.00")
    assert rules.grade_shares({})["good_or_better"] is None
    assert rules.streak([2021, 2022, 2023, 2025], 2025) == 1
    assert rules.streak([2021, 2022, 2023], 2023) == 3


def test_criteria_sets_must_split_30_and_70():
    good = [("a", "general", Decimal(30)), ("b", "task", Decimal(50)), ("c", "task", 20)]
    assert rules.criteria_problem(good) is None
    assert "đang là 30 và 60" in rules.criteria_problem(good[:2] + [("c", "task", 10)])


def test_commitment_effect_rule():
    # No evaluated commitment: no effect.
    assert rules.commitment_effect(None, None) == rules.CommitmentEffect(True, None)
    assert rules.commitment_effect(0, 0) == rules.CommitmentEffect(True, None)
    # Every item achieved: judged on the score alone.
    assert rules.commitment_effect(5, 5) == rules.CommitmentEffect(True, None)
    # An item missed: not every task done (so not Excellent), no cap at or above the minimum.
    assert rules.commitment_effect(4, 5) == rules.CommitmentEffect(False, None)
    assert rules.commitment_effect(1, 2) == rules.CommitmentEffect(False, None)  # exactly 50%
    # Below the minimum share: at most Completed.
    assert rules.commitment_effect(2, 5) == rules.CommitmentEffect(False, COMPLETED)
    assert rules.commitment_effect(2, 5, min_percent=40) == rules.CommitmentEffect(False, None)
    assert rules.commitment_effect(2, 5).note == "tối đa HTNV"
    assert rules.commitment_effect(4, 5).note == "chưa hoàn thành tất cả nhiệm vụ"


@given(st.integers(0, 20), st.integers(1, 20), st.integers(0, 100))
def test_achieving_more_commitment_items_never_hurts(achieved, items, min_percent):
    achieved = min(achieved, items)
    worse = rules.commitment_effect(achieved, items, min_percent)
    better = rules.commitment_effect(min(achieved + 1, items), items, min_percent)
    assert better.all_tasks_done >= worse.all_tasks_done
    assert RANK[better.cap or EXCELLENT] >= RANK[worse.cap or EXCELLENT]


# --- results of past years ----------------------------------------------------------------------

TODAY = date(2026, 11, 24)


def past(year=2023, grade=GOOD, exemption="", admitted=date(2010, 5, 19), left=None, cap=None):
    return rules.past_result_problems(
        year=year,
        grade=grade,
        exemption=exemption,
        admitted_on=admitted,
        left_on=left,
        today=TODAY,
        cap=cap,
    )


def test_past_results_years_and_grades():
    assert past() == {}
    assert past(year=2026) == {}  # the current year's result may be recorded in December
    assert past(year=2027) == {"year": "Năm 2027 chưa kết thúc (sau năm 2026)."}
    assert past(year=1929)["year"] == "Năm 1929 không hợp lệ."
    assert past(year=2009)["year"] == "Năm 2009 trước năm vào Đảng của đảng viên (19/05/2010)."
    assert past(year=2010) == {}  # admitted during the year
    assert past(year=2021, left=date(2020, 6, 1))["year"].startswith("Năm 2021 sau khi")
    assert past(year=2020, left=date(2020, 6, 1)) == {}
    assert past(grade="", exemption="")["grade"].startswith("Cần ghi mức xếp loại")
    assert past(grade="", exemption=rules.EXCUSED) == {}
    assert "không ghi lý do" in past(exemption=rules.SUSPENDED)["exemption"]
    assert past(grade="xyz")["grade"] == "Mức xếp loại không hợp lệ."
    assert past(grade=EXCELLENT, cap=COMPLETED)["grade"] == (
        "Bị kỷ luật trong năm 2023: tối đa HTNV, không thể HTXSNV."
    )
    assert past(grade=COMPLETED, cap=COMPLETED) == {}
    assert past(grade=NOT_COMPLETED, cap=COMPLETED) == {}


def test_imported_year_root_is_the_highest_free_org():
    member = "0001000100010002"  # province/bloc/committee/cell
    assert rules.imported_year_root(member, "00010001", []) == "00010001"
    # a year already on a sibling cell: the committee holds it, so the member's own cell
    sibling = ["0001000100010001"]
    assert rules.imported_year_root(member, "00010001", sibling) == "0001000100010002"
    # a year on another committee of the bloc: the member's committee is free
    other = ["000100010002"]
    assert rules.imported_year_root(member, "00010001", other) == "000100010001"
    assert rules.imported_year_root(member, "0002", []) is None  # not under the root
    assert rules.imported_year_root(member, "00010001", [member]) is None


@given(
    depth=st.integers(min_value=1, max_value=5),
    taken=st.lists(st.text(alphabet="12", min_size=1, max_size=5), max_size=6),
)
def test_imported_year_root_never_overlaps_a_taken_subtree(depth, taken):
    member = "0001" * depth + "0002"
    paths = ["".join(f"000{c}" for c in t) for t in taken]
    root = rules.imported_year_root(member, "0001", paths)
    if root is None:
        assert any(p.startswith(member) for p in paths)  # the member's own org is taken
    else:
        assert member.startswith(root) and root.startswith("0001")
        assert not any(p.startswith(root) for p in paths)
