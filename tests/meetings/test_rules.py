from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangbo.meetings import rules

scores = st.decimals(min_value=0, max_value=100, places=1, allow_nan=False, allow_infinity=False)


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (100, "tot"),
        (90, "tot"),
        (Decimal("89.9"), "kha"),
        (70, "kha"),
        (Decimal("69.9"), "trung_binh"),
        (50, "trung_binh"),
        (Decimal("49.9"), "kem"),
        (0, "kem"),
    ],
)
def test_grade_bands(score, grade):
    assert rules.grade_for(score) == grade


@given(scores, scores)
def test_grade_is_monotone(a, b):
    order = ["kem", "trung_binh", "kha", "tot"]
    low, high = sorted((a, b))
    assert order.index(rules.grade_for(low)) <= order.index(rules.grade_for(high))


@given(
    st.lists(
        st.tuples(
            st.decimals(min_value=1, max_value=50, places=1),
            st.floats(min_value=0, max_value=1),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_percent_score_stays_on_100_scale(rows):
    maxima = [m for m, _ in rows]
    points = [(m * Decimal(str(f))).quantize(Decimal("0.1")).min(m) for m, f in rows]
    value = rules.percent_score(points, maxima)
    assert Decimal(0) <= value <= Decimal(100)
    assert rules.percent_score(maxima, maxima) == 100


def test_percent_score_of_a_set_not_totalling_100():
    assert rules.percent_score([Decimal(40), Decimal(5)], [Decimal(40), Decimal(10)]) == Decimal(
        "90.0"
    )


def test_score_problems_name_the_criterion_index():
    problems = rules.score_problems([Decimal(5), None, Decimal(-1), Decimal(11)], [Decimal(10)] * 4)
    assert problems == {
        1: "Chưa nhập điểm.",
        2: "Điểm không được âm.",
        3: "Điểm vượt quá tối đa (10).",
    }


def test_criteria_problems():
    assert rules.criteria_problems([("A", Decimal(10)), ("", Decimal(5)), ("C", Decimal(0))]) == {
        1: "Thiếu tên tiêu chí.",
        2: "Điểm tối đa phải lớn hơn 0.",
    }


@pytest.mark.parametrize(
    ("kind", "minutes", "flagged"),
    [
        ("regular", 89, True),
        ("regular", 90, False),
        ("thematic", 95, False),
        ("combined", 110, True),
        ("combined", 120, False),
    ],
)
def test_duration_problem(kind, minutes, flagged):
    assert (rules.duration_problem(kind, minutes) is not None) is flagged


def test_duration_minutes():
    start = datetime(2026, 3, 10, 8, 0)
    assert rules.duration_minutes(start, start + timedelta(minutes=95, seconds=30)) == 95


def test_documents_must_be_published_a_day_before():
    day = date(2026, 3, 10)
    assert not rules.document_is_late(date(2026, 3, 9), day)
    assert rules.document_is_late(date(2026, 3, 10), day)
    assert rules.document_is_late(date(2026, 3, 8), day, days_before=3)


def test_calendar_gaps_months_and_quarters():
    meetings = [
        (date(2026, 1, 10), "regular"),
        (date(2026, 2, 10), "combined"),
        (date(2026, 3, 10), "thematic"),
        (date(2025, 3, 10), "regular"),
    ]
    gaps = rules.calendar_gaps(2026, meetings, through_month=6)
    assert gaps.missing_months == (3, 4, 5, 6)
    assert gaps.missing_quarters == (2,)
    assert rules.calendar_gaps(2026, meetings, through_month=2).missing_quarters == ()


def test_propose_calendar_combines_the_thematic_meeting_into_the_quarter_month():
    existing = [(date(2026, 1, 9), "regular"), (date(2026, 3, 5), "regular")]
    proposals = rules.propose_calendar(2026, existing, day_of_month=10)
    kinds = {d.month: k for d, k in proposals}
    assert 1 not in kinds
    assert kinds[2] == "regular"
    assert kinds[3] == "thematic"  # March has its regular meeting already
    assert kinds[6] == "combined"
    assert all(d.weekday() < 5 for d, _ in proposals)


def test_propose_calendar_from_the_current_month():
    proposals = rules.propose_calendar(2026, [], from_month=11)
    assert [(d.month, k) for d, k in proposals] == [(11, "regular"), (12, "combined")]


@given(
    st.lists(
        st.tuples(
            st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)),
            st.sampled_from(["regular", "thematic", "combined", "extraordinary"]),
        ),
        max_size=20,
    )
)
def test_proposals_close_every_gap(existing):
    proposals = rules.propose_calendar(2026, existing)
    assert rules.calendar_gaps(2026, existing + proposals).ok
    taken = [d for d, _ in existing]
    assert all(d.year == 2026 for d, _ in proposals)
    assert len({d for d, _ in proposals}) == len(proposals)
    assert not ({d for d, _ in proposals} & set(taken))


def test_attendance_rate_and_threshold():
    counts = rules.count_attendance(["present", "online", "excused", "unexcused"])
    assert counts == rules.AttendanceCounts(expected=4, attended=2, excused=1, unexcused=1)
    assert rules.attendance_rate(19, 20) == Decimal("95.0")
    assert not rules.below_threshold(rules.attendance_rate(19, 20), 95)
    assert rules.below_threshold(rules.attendance_rate(18, 20), 95)
    assert rules.attendance_rate(0, 0) is None
    assert not rules.below_threshold(None, 95)


@given(st.integers(min_value=0, max_value=500), st.integers(min_value=1, max_value=500))
def test_attendance_rate_bounds(attended, expected):
    attended = min(attended, expected)
    assert Decimal(0) <= rules.attendance_rate(attended, expected) <= Decimal(100)


def test_month_outcome():
    assert rules.month_outcome(["unexcused", "present"]) == "present"
    assert rules.month_outcome(["excused", "unexcused"]) == "unexcused"
    assert rules.month_outcome(["excused"]) == "excused"


def test_absence_streaks_reset_on_attended_or_excused_month():
    months = [(1, "unexcused"), (2, "unexcused"), (3, "present"), (4, "unexcused")]
    assert rules.absence_streaks(months) == (2, 1)
    months = [(5, "unexcused"), (6, "unexcused"), (8, "unexcused")]  # no meeting in month 7
    assert rules.absence_streaks(months) == (3, 3)
    assert rules.deletion_flag(3)
    assert not rules.deletion_flag(2)


@given(st.lists(st.sampled_from(["present", "excused", "unexcused"]), max_size=24))
def test_absence_streak_bounds(outcomes):
    longest, current = rules.absence_streaks(enumerate(outcomes))
    assert 0 <= current <= longest <= outcomes.count("unexcused")
    if "unexcused" in outcomes:
        assert longest >= 1


def test_member_absence_streaks_groups_by_month():
    rows = [
        (1, date(2026, 1, 10), "unexcused"),
        (1, date(2026, 1, 25), "present"),
        (1, date(2026, 2, 10), "unexcused"),
        (1, date(2026, 3, 10), "unexcused"),
        (1, date(2026, 4, 10), "unexcused"),
        (2, date(2026, 1, 10), "excused"),
    ]
    assert rules.member_absence_streaks(rows) == {1: (3, 3), 2: (0, 0)}


def test_expected_meetings_and_the_months_due():
    assert rules.expected_meetings(10, 12) == 120
    today = date(2026, 12, 7)
    assert rules.last_month_due(2026, 1, 12, today) == 11  # December is under way
    assert rules.last_month_due(2026, 12, 12, today) == 11  # nothing due: from_month − 1
    assert rules.last_month_due(2025, 1, 12, today) == 12
    assert rules.last_month_due(2027, 1, 3, today) == 0
    assert rules.required_quarters(1, 11) == [1, 2, 3]


@given(
    st.integers(min_value=2024, max_value=2028),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=1, max_value=12),
    st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31)),
)
def test_a_month_is_due_only_once_it_is_over(year, a, b, today):
    from_month, to_month = sorted((a, b))
    due = rules.last_month_due(year, from_month, to_month, today)
    assert from_month - 1 <= due <= to_month
    for month in range(from_month, due + 1):  # every month due has ended
        assert date(year, month, 1) < today.replace(day=1)
    if due < to_month:  # the next month has not ended yet
        assert date(year, due + 1, 1) >= today.replace(day=1)


def test_unexcused_runs_and_current_run():
    months = [
        (1, "unexcused"),
        (2, "unexcused"),
        (4, "unexcused"),
        (5, "present"),
        (7, "unexcused"),
    ]
    # no meeting in month 3: the run goes on; month 5 breaks it
    assert rules.unexcused_runs(months) == [(1, 1, 2), (2, 2, 4), (4, 3, 5), (7, 1, None)]
    assert rules.current_run(3, 5, end_index=5) == 3  # before month 5 the run is going
    assert rules.current_run(3, 5, end_index=6) == 0  # month 5 (attended) broke it
    assert rules.current_run(1, None, end_index=99) == 1
    assert rules.month_index(date(2026, 1, 31)) == 2026 * 12


@given(
    st.dictionaries(
        st.integers(min_value=0, max_value=40),
        st.sampled_from(["present", "excused", "unexcused"]),
        max_size=30,
    ),
    st.integers(min_value=0, max_value=42),
)
def test_unexcused_runs_agree_with_streaks(months, end):
    """The month rows give the same longest and current runs as the streak rule, for the
    months before any `end`."""
    before = {m: o for m, o in months.items() if m < end}
    longest, current = rules.absence_streaks(before.items())
    runs = [r for r in rules.unexcused_runs(months.items()) if r[0] < end]
    assert max((run for _, run, _ in runs), default=0) == longest
    last = runs[-1] if runs else None
    assert (rules.current_run(last[1], last[2], end) if last else 0) == current
