from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from dangbo.inspections import rules


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_quarter_bounds_contain_the_day(day):
    q = rules.quarter_of(day)
    start, end = rules.quarter_bounds(day.year, q)
    assert start <= day <= end


def test_target_kind():
    assert rules.target_kind(is_member=True, holds_members=True, is_grassroots=False) == "member"
    assert (
        rules.target_kind(is_member=False, holds_members=True, is_grassroots=True) == "grassroots"
    )
    assert rules.target_kind(is_member=False, holds_members=True, is_grassroots=False) == "cell"
    assert (
        rules.target_kind(is_member=False, holds_members=False, is_grassroots=False) == "committee"
    )


def test_plan_problems():
    ok = rules.plan_problems(
        year=2025,
        planned_quarter=2,
        planned_start=date(2025, 4, 1),
        planned_end=date(2025, 4, 30),
    )
    assert ok == {}
    bad = rules.plan_problems(
        year=2025, planned_quarter=1, planned_start=date(2025, 4, 1), planned_end=date(2025, 3, 1)
    )
    assert "quý 1" in bad["planned_start"] and "planned_end" in bad
    assert "2025" in rules.plan_problems(
        year=2025, planned_quarter=1, planned_start=date(2024, 2, 1), planned_end=None
    ).get("planned_start")
    assert "planned_quarter" in rules.plan_problems(
        year=2025, planned_quarter=5, planned_start=None, planned_end=None
    )


def test_plan_vs_done_counts_by_planned_quarter_and_ignores_cancelled():
    rows = rules.plan_vs_done(
        [(1, "concluded"), (1, "planned"), (2, "in_progress"), (3, "cancelled"), (4, "concluded")]
    )
    by_q = {r.quarter: (r.planned, r.done) for r in rows}
    assert by_q == {1: (2, 1), 2: (1, 0), 3: (0, 0), 4: (1, 1), None: (4, 2)}
    assert rows[-1].rate == 50.0 and rows[2].rate == 0.0


@given(st.lists(st.tuples(st.integers(1, 4), st.sampled_from(["planned", "concluded"]))))
def test_plan_vs_done_year_is_sum_of_quarters(items):
    rows = rules.plan_vs_done(items)
    assert rows[-1].planned == sum(r.planned for r in rows[:-1]) == len(items)
    assert all(r.done <= r.planned for r in rows)


def test_remedy_overdue_days():
    due = date(2025, 6, 30)
    assert rules.remedy_overdue_days(due, "open", date(2025, 6, 30)) == 0
    assert rules.remedy_overdue_days(due, "open", date(2025, 7, 2)) == 2
    assert rules.remedy_overdue_days(due, "done", date(2025, 7, 2)) == 0


def test_conclusion_problems():
    today = date(2025, 6, 1)
    base = dict(
        violations_found=True,
        conclusion="Có vi phạm",
        concluded_on=date(2025, 5, 1),
        started_on=date(2025, 4, 1),
        today=today,
    )
    assert rules.conclusion_problems(remedies=[("Sửa", "Bí thư", date(2025, 7, 1))], **base) == {}
    assert (
        "Dòng 2"
        in rules.conclusion_problems(
            remedies=[("Sửa", "Bí thư", date(2025, 7, 1)), ("Sửa", "", date(2025, 7, 1))], **base
        )["remedies"]
    )
    assert (
        "trước ngày kết luận"
        in rules.conclusion_problems(remedies=[("Sửa", "Bí thư", date(2025, 4, 1))], **base)[
            "remedies"
        ]
    )
    missing = rules.conclusion_problems(
        remedies=[], **{**base, "violations_found": None, "conclusion": " "}
    )
    assert set(missing) == {"violations_found", "conclusion"}
    assert (
        "sau ngày hôm nay"
        in rules.conclusion_problems(remedies=[], **{**base, "concluded_on": date(2025, 7, 1)})[
            "concluded_on"
        ]
    )


def test_appeal_problem():
    decided = date(2025, 3, 1)
    assert rules.appeal_problem(decided, date(2025, 3, 31), date(2025, 6, 1)) is None
    assert "Quá thời hạn" in rules.appeal_problem(decided, date(2025, 4, 1), date(2025, 6, 1))
    assert "trước ngày quyết định" in rules.appeal_problem(
        decided, date(2025, 2, 1), date(2025, 6, 1)
    )
    assert rules.appeal_problem(decided, date(2025, 4, 10), date(2025, 6, 1), days=60) is None


def test_org_discipline_problem():
    assert rules.org_discipline_problem("dissolution", True) is None
    assert rules.org_discipline_problem("expulsion", True)
    assert "giải thể" in rules.org_discipline_problem("warning", False)
