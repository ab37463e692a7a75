from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangbo.core.workdays import make_calendar
from dangbo.transfers import rules
from dangbo.transfers.rules import Kind, State, TransferParams

P = TransferParams()
CAL = make_calendar()
relaxed = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
days = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))


def test_deadlines():
    d = rules.deadlines(date(2026, 11, 2), P, CAL)
    assert CAL.working_days_between(date(2026, 11, 2), d.present_by) == 30
    assert CAL.working_days_between(date(2026, 11, 2), d.complete_by) == 60
    assert d.rejoin_by == date(2027, 2, 2)


@relaxed
@given(days)
def test_deadlines_ordered(issued):
    d = rules.deadlines(issued, P, CAL)
    assert issued < d.present_by < d.complete_by


@relaxed
@given(days, st.lists(st.dates(min_value=date(2015, 1, 1), max_value=date(2036, 6, 1))))
def test_more_days_off_never_shorten_deadlines(issued, off):
    cal = make_calendar([(d, False) for d in off])
    assert (
        rules.deadlines(issued, P, cal).complete_by >= rules.deadlines(issued, P, CAL).complete_by
    )


def test_flags():
    issued = date(2026, 1, 5)
    d = rules.deadlines(issued, P, CAL)
    assert rules.flags(State.ISSUED, issued, d.present_by, d.complete_by, d.rejoin_by) == []
    late = rules.flags(State.ISSUED, date(2026, 6, 1), d.present_by, d.complete_by, d.rejoin_by)
    assert len(late) == 3 and "xóa tên" in late[2]
    assert rules.flags(State.COMPLETED, date(2027, 1, 1), d.present_by, None, None) == []


def test_temporary_period():
    start = date(2026, 1, 10)
    assert rules.temporary_period_problem(start, date(2026, 4, 10), False, P) is None
    assert "từ 3 tháng" in rules.temporary_period_problem(start, date(2026, 4, 9), False, P)
    assert rules.temporary_period_problem(start, date(2027, 1, 9), False, P) is None
    assert "dưới 12" in rules.temporary_period_problem(start, date(2027, 1, 10), False, P)
    assert rules.temporary_period_problem(start, date(2028, 1, 10), True, P) is None
    assert "24 tháng" in rules.temporary_period_problem(start, date(2028, 1, 11), True, P)


def test_state_machine():
    assert rules.transition_problem(Kind.OFFICIAL, State.ISSUED, State.PRESENTED) is None
    assert rules.transition_problem(Kind.OFFICIAL, State.ISSUED, State.COMPLETED)
    assert rules.transition_problem(Kind.OFFICIAL, State.COMPLETED, State.CANCELLED)
    assert rules.transition_problem(Kind.OUT, State.COMPLETED, State.CANCELLED)
    # temporary: the home introduces, the host accepts (or the home withdraws), then ends
    assert rules.transition_problem(Kind.TEMPORARY, State.ISSUED, State.ACTIVE) is None
    assert rules.transition_problem(Kind.TEMPORARY, State.ISSUED, State.CANCELLED) is None
    assert rules.transition_problem(Kind.TEMPORARY, State.ISSUED, State.ENDED)
    assert rules.transition_problem(Kind.TEMPORARY, State.ACTIVE, State.ENDED) is None


@given(days, days, days, st.one_of(st.none(), days), st.sampled_from(sorted(State.LABELS)))
def test_hosted_only_between_acceptance_and_end(day, accepted, ends, ended, state):
    hosted = rules.is_hosted_on(day, state, accepted, ends, ended)
    if hosted:
        assert state in (State.ACTIVE, State.ENDED) and accepted <= day
        assert day < (ended or ends + timedelta(days=1))
    elif state in (State.ACTIVE, State.ENDED) and accepted <= day:
        assert day >= rules.hosted_until(ends, ended)
    assert not rules.is_hosted_on(day, state, None, ends, ended)
