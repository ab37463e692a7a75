from datetime import date, timedelta

from hypothesis import assume, given
from hypothesis import strategies as st

from dangbo.members import rules

dates = st.dates(min_value=date(1950, 1, 1), max_value=date(2030, 12, 31))


def test_party_age_without_gaps():
    assert rules.party_age(date(2010, 5, 19), [], date(2026, 11, 23)) == (16, 6)


def test_party_age_subtracts_gaps():
    gaps = [(date(2015, 1, 1), date(2018, 1, 1))]
    assert rules.party_age(date(2010, 5, 19), gaps, date(2026, 11, 23)) == (13, 6)


@given(dates, dates, st.lists(st.tuples(dates, st.integers(0, 2000))))
def test_party_age_never_exceeds_calendar_time(admitted, on, raw_gaps):
    gaps = [(start, start + timedelta(days=length)) for start, length in raw_gaps]
    years, months = rules.party_age(admitted, gaps, on)
    assert years >= 0 and 0 <= months < 12
    assert years * 12 + months <= max(rules.months_between(admitted, on), 0)


@given(dates, dates)
def test_party_age_days_monotonic(admitted, on):
    assume(on >= admitted)
    assert rules.party_age_days(admitted, [], on + timedelta(days=1)) == (
        rules.party_age_days(admitted, [], on) + 1
    )


def test_age_band():
    assert rules.age_band(date(2000, 1, 1), date(2026, 1, 1)) == "18-30"
    assert rules.age_band(date(1950, 1, 1), date(2026, 1, 1)) == "71+"


def test_id_number_format():
    assert rules.validate_id_number("001203004567") is None
    assert rules.validate_id_number("12345") is not None
    assert rules.validate_id_number("00120300456a") is not None


def test_transitions():
    assert rules.transition_problem("probationary", "official") is None
    assert rules.transition_problem("official", "probationary") is not None
    assert rules.transition_problem("deceased", "official") is not None


def test_impossible_dates():
    today = date(2026, 11, 23)
    problems = rules.date_order_problems(date(2010, 1, 1), date(2020, 1, 1), None, None, today)
    assert "admitted_on" in problems
    assert rules.date_order_problems(date(2999, 1, 1), None, None, None, today)["birth_date"]
