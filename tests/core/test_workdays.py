from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from dangbo.core.workdays import make_calendar

CAL = make_calendar()


def test_weekends_and_national_day_are_not_working_days():
    assert not CAL.is_working_day(date(2026, 11, 21))  # Saturday
    assert not CAL.is_working_day(date(2025, 9, 2))  # National Day
    assert CAL.is_working_day(date(2026, 11, 23))


def test_add_working_days_skips_weekend():
    assert CAL.add_working_days(date(2026, 11, 20), 1) == date(2026, 11, 23)


def test_overrides_shift_days():
    cal = make_calendar([(date(2026, 11, 23), False), (date(2026, 11, 21), True)])
    assert not cal.is_working_day(date(2026, 11, 23))
    assert cal.is_working_day(date(2026, 11, 21))


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)), st.integers(0, 80))
def test_add_then_count_round_trips(start, n):
    end = CAL.add_working_days(start, n)
    assert CAL.working_days_between(start, end) == n
    assert end >= start + timedelta(days=n)
