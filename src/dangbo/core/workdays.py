"""Working-day calendar (Vietnam): weekends, public holidays incl. lunar Tết, and overrides.

Pure functions take the overrides as arguments so they can be tested without a database;
`calendar_for()` builds them from the DayOverride table.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("VN", years=year).keys())


@dataclass(frozen=True)
class WorkCalendar:
    """Extra days off (e.g. shifted Tết days) and extra working days (compensating Saturdays)."""

    days_off: frozenset[date] = field(default_factory=frozenset)
    working_days: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        if day in self.working_days:
            return True
        if day in self.days_off or day.weekday() >= 5:
            return False
        return day not in _public_holidays(day.year)

    def add_working_days(self, start: date, count: int) -> date:
        """The date `count` working days after `start` (the start day itself is not counted)."""
        if count < 0:
            raise ValueError("count must be >= 0")
        day = start
        remaining = count
        while remaining:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(
            1 for n in range(1, (end - start).days + 1) if self.is_working_day(start + timedelta(n))
        )


def make_calendar(overrides: Iterable[tuple[date, bool]] = ()) -> WorkCalendar:
    off, on = set(), set()
    for day, is_working in overrides:
        (on if is_working else off).add(day)
    return WorkCalendar(frozenset(off), frozenset(on))


def calendar_for() -> WorkCalendar:
    """The calendar with the overrides recorded in the database."""
    from dangbo.core.models import DayOverride

    return make_calendar(DayOverride.objects.values_list("day", "is_working_day"))
