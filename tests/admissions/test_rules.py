from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangbo.admissions import rules
from dangbo.admissions.rules import AdmissionParams, Ratio, Stage
from dangbo.core.workdays import make_calendar

P = AdmissionParams()
CAL = make_calendar()
relaxed = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
days = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))


def test_age_bounds_by_month():
    born = date(2008, 6, 15)
    assert rules.age_problem(born, date(2026, 6, 14), P) is not None  # 17 years 11 months
    assert rules.age_problem(born, date(2026, 6, 15), P) is None  # exactly 18
    old = date(1966, 6, 15)
    assert rules.age_problem(old, date(2026, 6, 15), P) is None  # exactly 60
    assert "quá 60" in rules.age_problem(old, date(2026, 7, 15), P)


@relaxed
@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2010, 1, 1)), days)
def test_age_rule_matches_month_count(born, on):
    months = rules.age_in_months(born, on)
    ok = rules.age_problem(born, on, P) is None
    assert ok == (18 * 12 <= months <= 60 * 12)


def test_certificate_valid_60_months():
    issued = date(2020, 3, 10)
    # the same reading as the training register (members.rules.validity_end)
    assert rules.certificate_expires(issued, P) == date(2025, 3, 9)
    assert rules.certificate_problem(issued, date(2025, 3, 9), P) is None
    assert "60 tháng" in rules.certificate_problem(issued, date(2025, 3, 10), P)


def test_vote_thresholds():
    two_thirds, half = Ratio(2, 3), Ratio(1, 2, strict=True)
    assert rules.vote_problem("chi bộ", 6, 9, two_thirds) is None
    assert "2/3" in rules.vote_problem("chi bộ", 5, 9, two_thirds)
    assert rules.vote_problem("cấp ủy", 4, 7, half) is None
    assert "trên 1/2" in rules.vote_problem("cấp ủy", 3, 6, half)
    assert rules.vote_problem("chi bộ", 10, 9, two_thirds) is not None


@relaxed
@given(st.integers(0, 500), st.integers(1, 500))
def test_ratio_is_exact_fraction(votes, eligible):
    assert Ratio(2, 3).met(votes, eligible) == (3 * votes >= 2 * eligible)
    assert Ratio(1, 2, strict=True).met(votes, eligible) == (2 * votes > eligible)


def test_introducers():
    on = date(2026, 6, 1)
    good = rules.Introducer("A", True, date(2025, 6, 1))
    new = rules.Introducer("B", True, date(2025, 7, 1))
    prob = rules.Introducer("C", False, date(2020, 1, 1))
    assert rules.introducer_problems([good, good], False, on, P) == []
    assert rules.introducer_problems([good], True, on, P) == []
    assert rules.introducer_problems([good], False, on, P)
    assert "11 tháng" in rules.introducer_problems([good, new], False, on, P)[0]
    assert "chính thức" in rules.introducer_problems([good, prob], False, on, P)[0]


def test_state_machine():
    assert rules.next_stages(Stage.CELL_VOTED, grassroots_cell=False) == [
        Stage.COMMITTEE_VOTED,
        Stage.CLOSED,
    ]
    assert rules.next_stages(Stage.CELL_VOTED, grassroots_cell=True) == [
        Stage.RECEIVED,
        Stage.CLOSED,
    ]
    assert rules.transition_problem(Stage.IDENTIFIED, Stage.DECIDED, False)
    assert rules.next_stages(Stage.RECOGNISED, False) == []
    assert Stage.CLOSED not in rules.next_stages(Stage.DECIDED, False)


def test_deadlines_in_working_days():
    # Received Friday 20/11/2026: 45 working days later, skipping weekends.
    due = rules.decision_due(date(2026, 11, 20), False, P, CAL)
    assert CAL.working_days_between(date(2026, 11, 20), due) == 45
    extended = rules.decision_due(date(2026, 11, 20), True, P, CAL)
    assert CAL.working_days_between(due, extended) == 15
    assert rules.probation_end(date(2024, 2, 29), P) == date(2025, 2, 28)


def test_next_deadline_by_stage():
    d = rules.FileDates(stage=Stage.DECIDED, decided_on=date(2026, 1, 5))
    due, label = rules.next_deadline(d, P, CAL)
    assert label == "Tổ chức lễ kết nạp" and CAL.working_days_between(d.decided_on, due) == 30
    assert rules.next_deadline(rules.FileDates(stage=Stage.RECOGNISED), P, CAL) is None
    early = rules.FileDates(stage=Stage.COURSE, certificate_on=date(2024, 1, 1))
    assert rules.next_deadline(early, P, CAL)[0] == date(2028, 12, 31)


@relaxed
@given(days, st.booleans())
def test_deadline_never_before_start(start, extended):
    assert rules.decision_due(start, extended, P, CAL) > start
    assert rules.ceremony_due(start, P, CAL) > start
    assert rules.recognition_due(start, P, CAL) > rules.probation_end(start, P)


@relaxed
@given(days, st.lists(st.dates(min_value=date(2015, 1, 1), max_value=date(2036, 6, 1))))
def test_adding_holidays_never_makes_a_deadline_earlier(start, extra_days_off):
    more_off = make_calendar([(d, False) for d in extra_days_off])
    assert rules.decision_due(start, False, P, more_off) >= rules.decision_due(start, False, P, CAL)


@relaxed
@given(days, st.integers(0, 120))
def test_add_months_keeps_order(start, months):
    later = rules.add_months(start, months)
    assert later >= start
    assert later - start <= timedelta(days=31 * months + 1)


def test_target_percent():
    assert rules.target_percent(919, 600) == 153.2
    assert rules.target_percent(3, None) is None


# --- targets: year and term (congress) ---------------------------------------------------


def test_term_target_share_and_excess_in_tenths():
    share = rules.target_share(45, 40)
    assert share.share == Decimal("112.5") and share.excess == Decimal("12.5") and share.met
    under = rules.target_share(35, 40)
    assert under.share == Decimal("87.5") and under.excess is None and not under.met
    exact = rules.target_share(40, 40)
    assert exact.share == 100 and exact.excess is None and exact.met
    assert rules.target_share(1, 3).share == Decimal("33.3")
    assert rules.target_share(2, 3).share == Decimal("66.7")  # half up, not truncated
    assert rules.target_share(1, 8).share == Decimal("12.5")
    assert rules.target_share(1, 16).share == Decimal("6.3")  # 6.25 half up
    assert rules.target_share(3, 0) is None and rules.target_share(3, None) is None


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=10**5))
def test_target_share_is_the_exact_ratio_rounded_half_up(admitted, target):
    share = rules.target_share(admitted, target)
    exact = Fraction(100 * admitted, target)
    assert abs(Fraction(share.share) - exact) <= Fraction(1, 20)  # within half a tenth
    assert Fraction(share.share) * 10 == int(Fraction(share.share) * 10)  # a tenth
    expected = (exact * 10 + Fraction(1, 2)).__floor__() / Fraction(10)
    assert Fraction(share.share) == expected
    assert share.met == (admitted >= target)
    if admitted > target:
        tenths = (Fraction(100 * (admitted - target), target) * 10 + Fraction(1, 2)).__floor__()
        assert Fraction(share.excess) == Fraction(tenths, 10)
        assert share.excess > 0
    else:
        assert share.excess is None


def test_term_period_counts_to_the_end_or_the_report_date():
    start, end = date(2020, 10, 15), date(2025, 10, 14)
    assert rules.term_period(start, end, date(2023, 12, 31)) == (start, date(2023, 12, 31))
    assert rules.term_period(start, end, date(2026, 12, 31)) == (start, end)
    assert rules.term_period(start, end, date(2020, 10, 14)) is None
    assert rules.term_period(start, end, start) == (start, start)


@given(days, days, days)
def test_term_period_lies_within_the_term(start, end, on):
    period = rules.term_period(start, end, on)
    if on < start:
        assert period is None
    else:
        assert period[0] == start and period[1] == min(end, on) and period[1] <= on
