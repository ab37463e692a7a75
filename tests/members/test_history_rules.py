"""The pure checks of a member's past placements and statuses (members.rules), as the history
import takes them (#22): properties against a brute-force reading of the rules, and examples."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from dangbo.members import rules
from dangbo.members.choices import LEFT_STATUSES, Status
from dangbo.members.rules import PastPeriod, StatusStep

ADMITTED = date(2010, 1, 1)
TODAY = date(2020, 1, 1)

days = st.integers(min_value=-200, max_value=3900).map(lambda n: ADMITTED + timedelta(days=n))


@st.composite
def histories(draw):
    count = draw(st.integers(min_value=0, max_value=5))
    periods = []
    for row in range(2, 2 + count):
        start = draw(days)
        end = draw(st.one_of(st.none(), days))
        periods.append(
            PastPeriod(row, start, end, in_tree=draw(st.booleans()), current=draw(st.booleans()))
        )
    return periods


def _overlap(a: PastPeriod, b: PastPeriod) -> bool:
    far = date.max
    return a.valid_from < (b.valid_to or far) and b.valid_from < (a.valid_to or far)


def _valid(periods) -> bool:
    """The rules read plainly: every period inside [admission, today], ending after it starts;
    one open period at most, the current cell; no two periods sharing a day."""
    open_ = [p for p in periods if p.valid_to is None]
    if len(open_) > 1 or any(not (p.in_tree and p.current) for p in open_):
        return False
    for p in periods:
        if p.valid_from < ADMITTED or p.valid_from > TODAY:
            return False
        if p.valid_to is not None and not p.valid_from < p.valid_to <= TODAY:
            return False
    return not any(
        _overlap(a, b) for i, a in enumerate(periods) for b in periods[i + 1 :] if a is not b
    )


@given(histories())
def test_placement_problems_exactly_when_the_rules_are_broken(periods):
    problems = rules.placement_history_problems(periods, ADMITTED, TODAY)
    assert (not problems) == _valid(periods)
    assert set(problems) <= {p.row for p in periods}
    for found in problems.values():
        assert found and all(field in ("valid_from", "valid_to") and msg for field, msg in found)


@given(histories())
def test_a_consistent_history_ends_before_the_current_placement_starts(periods):
    if rules.placement_history_problems(periods, ADMITTED, TODAY):
        return
    arrival = rules.arrival_date(periods, ADMITTED)
    assert ADMITTED <= arrival <= TODAY
    assert all(p.valid_to <= arrival for p in periods if p.valid_to is not None)
    # order of the rows does not matter
    assert rules.arrival_date(list(reversed(periods)), ADMITTED) == arrival
    assert not rules.placement_history_problems(list(reversed(periods)), ADMITTED, TODAY)


def test_placement_examples_name_the_row_and_field():
    periods = [
        PastPeriod(2, date(2010, 5, 1), date(2014, 1, 1)),
        PastPeriod(3, date(2013, 6, 1), date(2015, 1, 1), in_tree=False),  # overlaps row 2
        PastPeriod(4, date(2016, 1, 1), date(2015, 1, 1)),  # ends before it starts
        PastPeriod(5, date(2009, 1, 1), date(2009, 6, 1)),  # before admission
        PastPeriod(6, date(2017, 1, 1), None, in_tree=False),  # outside, open
    ]
    problems = rules.placement_history_problems(periods, ADMITTED, TODAY)
    assert "dòng 2" in problems[3][0][1]
    assert problems[4] == [("valid_to", "«Đến ngày» phải sau «Từ ngày».")]
    assert problems[5][0] == ("valid_from", "«Từ ngày» trước ngày vào Đảng (01/01/2010).")
    assert problems[6][0][0] == "valid_to"
    assert 2 not in problems


def test_arrival_is_the_open_row_or_the_latest_end_or_admission():
    closed = [
        PastPeriod(2, date(2010, 1, 1), date(2012, 1, 1)),
        PastPeriod(3, date(2013, 1, 1), date(2015, 3, 1), in_tree=False),
    ]
    assert rules.arrival_date(closed, ADMITTED) == date(2015, 3, 1)
    opened = [*closed, PastPeriod(4, date(2016, 1, 1), None, current=True)]
    assert rules.arrival_date(opened, ADMITTED) == date(2016, 1, 1)
    assert rules.arrival_date([], ADMITTED) == ADMITTED


statuses = st.sampled_from([Status.PROBATIONARY, Status.OFFICIAL, *LEFT_STATUSES])


@st.composite
def status_steps(draw):
    count = draw(st.integers(min_value=0, max_value=4))
    return [
        StatusStep(row, draw(statuses), draw(days), draw(st.sampled_from(["", "12-QĐ/ĐU"])))
        for row in range(2, 2 + count)
    ]


@given(st.sampled_from([Status.PROBATIONARY, Status.OFFICIAL]), days, status_steps())
def test_status_steps_follow_the_transition_table_in_date_order(start, since, steps):
    problems, status, reached_on = rules.status_history_problems(start, since, steps, TODAY)
    current, current_since = start, since
    for step in sorted(steps, key=lambda s: (s.on, s.row)):
        allowed = (
            step.status != Status.PROBATIONARY
            and rules.transition_problem(current, step.status) is None
            and current_since <= step.on <= TODAY
            and bool(step.decision_number)
        )
        assert (step.row not in problems) == allowed
        if allowed:
            current, current_since = step.status, step.on
    assert (status, reached_on) == (current, current_since)


def test_status_examples():
    steps = [
        StatusStep(2, Status.OFFICIAL, date(2011, 1, 1), "1-QĐ"),
        StatusStep(3, Status.DECEASED, date(2018, 4, 2), ""),  # no decision number
        StatusStep(4, Status.PROBATIONARY, date(2019, 1, 1), "2-QĐ"),  # re-admission
        StatusStep(5, Status.RESIGNED, date(2010, 6, 1), "3-QĐ"),  # before it is official
    ]
    problems, status, since = rules.status_history_problems(
        Status.PROBATIONARY, date(2010, 1, 1), steps, TODAY
    )
    assert (status, since) == (Status.RESIGNED, date(2010, 6, 1))
    assert 5 not in problems
    assert problems[2][0][0] == "status"  # resigned members are not recognised official
    assert ("decision_number", "Cần nhập số quyết định.") in problems[3]
    assert "Kết nạp lại" in problems[4][0][1]
