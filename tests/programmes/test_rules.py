from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from dangbo.programmes import rules

TODAY = date(2026, 6, 1)

leaves = st.lists(
    st.builds(
        rules.Leaf,
        weight=st.integers(1, 100),
        progress=st.integers(0, 100),
        due_on=st.dates(date(2025, 1, 1), date(2027, 1, 1)),
    ),
    max_size=30,
)


@given(leaves, st.integers(0, 30))
def test_rollup_of_parts_equals_rollup_of_all(items, cut):
    """Levels compose exactly: rolling up children's roll-ups = rolling up all leaves."""
    parts = [rules.rollup(items[:cut], TODAY), rules.rollup(items[cut:], TODAY)]
    assert rules.combine(parts) == rules.rollup(items, TODAY)


@given(leaves)
def test_percent_is_weighted_mean_within_bounds(items):
    result = rules.rollup(items, TODAY)
    if not items:
        assert result.percent == 0 and not result.is_done
        return
    low = min(i.progress for i in items)
    high = max(i.progress for i in items)
    assert low - 0.05 <= result.percent <= high + 0.05
    expected = sum(i.weight * i.progress for i in items) / sum(i.weight for i in items)
    assert abs(result.percent - expected) <= 0.05 + 1e-9
    assert result.is_done == all(i.progress == 100 for i in items)
    assert result.overdue == sum(1 for i in items if i.progress < 100 and i.due_on < TODAY)


def test_weights_matter():
    heavy = rules.Leaf(3, 100, TODAY)
    light = rules.Leaf(1, 0, TODAY)
    assert rules.rollup([heavy, light], TODAY).percent == 75.0


def test_done_summary_counts_items_whose_leaves_are_all_done():
    done = rules.Rollup(200, 2, 2, 2, 0)
    half = rules.Rollup(100, 2, 2, 1, 0)
    empty = rules.Rollup()
    assert rules.done_summary([done, half, empty]) == (1, 2)


@given(
    st.integers(0, 100),
    st.dates(date(2025, 1, 1), date(2027, 12, 31)),
    st.dates(date(2025, 1, 1), date(2027, 12, 31)),
)
def test_status_is_consistent_with_dates_and_progress(progress, due_on, on):
    status = rules.item_status(progress, due_on, on)
    if progress == 100:
        assert status == "done"
    elif due_on < on:
        assert status == "overdue"
    elif (due_on - on).days <= rules.AT_RISK_DAYS:
        assert status == "at_risk"
    else:
        assert status in {"not_started", "in_progress"}
        assert (status == "not_started") == (progress == 0)


def test_status_at_risk_when_behind_elapsed_time_or_blocked():
    start, due = date(2026, 1, 1), date(2026, 12, 31)
    on = date(2026, 9, 1)  # ~67% of the time gone
    assert rules.item_status(30, due, on, starts_on=start) == "at_risk"
    assert rules.item_status(60, due, on, starts_on=start) == "in_progress"
    assert rules.item_status(60, due, on, starts_on=start, blocked=True) == "at_risk"
    assert rules.item_status(60, due, due + timedelta(days=1)) == "overdue"


@given(st.lists(st.integers(1, 9999), min_size=1, max_size=8))
def test_child_paths_nest(numbers):
    path = ""
    for n in numbers:
        path = rules.child_path(path, n)
    assert len(path) == rules.STEPLEN * len(numbers)
    assert path.startswith(rules.child_path("", numbers[0]))


def test_item_problems():
    base = dict(
        programme_start=date(2026, 1, 1),
        programme_end=date(2026, 12, 31),
        parent_due=date(2026, 6, 30),
        depth=2,
        weight=1,
    )
    assert rules.item_problems(due_on=date(2026, 6, 1), **base) == {}
    assert "due_on" in rules.item_problems(due_on=date(2026, 7, 1), **base)
    assert "due_on" in rules.item_problems(due_on=date(2027, 1, 1), **base)
    assert "parent" in rules.item_problems(due_on=date(2026, 6, 1), **{**base, "depth": 9})
    assert "weight" in rules.item_problems(due_on=date(2026, 6, 1), **{**base, "weight": 0})


def test_document_number_symbol():
    assert rules.document_number_problem("05-NQ/TU", "NQ") is None
    assert rules.document_number_problem("12-QD/TU", "QĐ") is None  # typed without diacritics
    assert rules.document_number_problem("05-CTHĐ/TU", "CT") is not None
    assert rules.document_number_problem("", "NQ") is not None


def test_report_problems():
    assert rules.report_problems(100, "done", TODAY, TODAY) == {}
    assert "status" in rules.report_problems(90, "done", TODAY, TODAY)
    assert "status" in rules.report_problems(100, "in_progress", TODAY, TODAY)
    assert "percent" in rules.report_problems(101, "in_progress", TODAY, TODAY)
    assert "reported_on" in rules.report_problems(
        10, "in_progress", TODAY + timedelta(days=1), TODAY
    )
