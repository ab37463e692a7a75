from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangbo.dues import rules

SALARY = rules.Rate("salary", date(2026, 1, 1), percent=Decimal("1"))
PENSION = rules.Rate("pension", date(2026, 1, 1), percent=Decimal("0.5"))
STUDENT = rules.Rate("student", date(2026, 1, 1), fixed_amount=5000)
OTHER = rules.Rate(
    "other",
    date(2026, 1, 1),
    wage_percent_min=Decimal("0.2"),
    wage_percent_max=Decimal("0.5"),
    round_to=1000,
)


def test_2026_rates():
    assert rules.monthly_due(rules.Basis("salary", 8_425_000), SALARY) == 84_250
    assert rules.monthly_due(rules.Basis("pension", 6_123_457), PENSION) == 30_617  # half up
    assert rules.monthly_due(rules.Basis("student"), STUDENT) == 5_000
    other = rules.Basis("other", region=1, wage_percent=Decimal("0.3"))
    assert rules.monthly_due(other, OTHER, regional_wage=5_310_000) == 16_000  # 15,930 → 16,000


def test_other_income_percent_must_be_in_range():
    with pytest.raises(rules.DuesError, match="0.2"):
        rules.monthly_due(
            rules.Basis("other", region=1, wage_percent=Decimal("0.6")),
            OTHER,
            regional_wage=5_310_000,
        )


def test_missing_salary_refused():
    with pytest.raises(rules.DuesError):
        rules.monthly_due(rules.Basis("salary", 0), SALARY)


@given(st.integers(0, 10**9))
def test_percent_dues_are_exact_half_up(amount):
    due = rules.monthly_due(rules.Basis("salary", amount + 1), SALARY)
    exact = Decimal(amount + 1) / 100
    assert abs(Decimal(due) - exact) <= Decimal("0.5")
    assert isinstance(due, int)


@given(st.integers(0, 10**10), st.lists(st.decimals(0, 100, places=2), max_size=5))
def test_remittance_split_adds_up(collected, percents):
    parts = rules.split_remittance(collected, percents)
    assert sum(parts) == collected and all(p >= 0 for p in parts)
    assert len(parts) == len(percents) + 1


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 1, 1)), st.integers(-600, 600))
def test_add_months_round_trip(day, n):
    month = rules.first_of_month(day)
    assert rules.add_months(rules.add_months(month, n), -n) == month


def test_in_force_picks_latest_started():
    later = rules.Rate("salary", date(2027, 1, 1), percent=Decimal("2"))
    assert rules.in_force([SALARY, later], date(2026, 6, 1)) is SALARY
    assert rules.in_force([SALARY, later], date(2027, 1, 1)) is later
    assert rules.in_force([SALARY], date(2025, 12, 31)) is None


def test_arrears_streak_counts_consecutive_unpaid_months():
    ledger = [(date(2026, m, 1), 10_000, 0 if m >= 7 else 10_000) for m in range(1, 11)]
    assert rules.arrears_streak(ledger, date(2026, 10, 15)) == 4
    assert rules.is_in_arrears(ledger, date(2026, 9, 1))
    assert not rules.is_in_arrears(ledger, date(2026, 8, 1))


months = st.integers(min_value=0, max_value=5).map(lambda n: rules.add_months(date(2026, 1, 1), n))


@given(
    st.lists(
        st.one_of(
            st.tuples(st.just("pay"), months, st.integers(min_value=1, max_value=100)),
            st.tuples(st.just("remit"), months, st.just(0)),
        ),
        max_size=30,
    )
)
def test_money_goes_up_once_and_a_remitted_month_stays_closed(events):
    """Payments and remittances in any order. A month is remitted once; each payment goes up
    in exactly one remittance made after it: its month's own, or — paid after its month was
    remitted — the first remittance of a later month. Nothing is lost."""
    pending: list[tuple[int, date, int]] = []  # (event index, month paid for, amount)
    done: set[date] = set()
    went_up: dict[int, int] = {}  # payment index → remittance index
    remitted_at: list[int] = []  # the remittances made (a second one for a month is refused)
    for index, (kind, month, amount) in enumerate(events):
        if kind == "pay":
            pending.append((index, month, amount))
            continue
        if month in done:
            continue  # closed: a second remittance for the month is refused
        carried = [p for p in pending if rules.carried_into(p[1], month, done)]
        pending = [p for p in pending if p not in carried]
        went_up.update({p[0]: index for p in carried})
        done.add(month)
        remitted_at.append(index)
    payments = [i for i, e in enumerate(events) if e[0] == "pay"]
    assert sorted([*went_up, *(p[0] for p in pending)]) == payments
    for paid_at, up_at in went_up.items():
        assert paid_at < up_at and events[paid_at][1] <= events[up_at][1]
    for paid_at, month, _amount in pending:
        later = [events[i][1] for i in remitted_at if i > paid_at]
        assert month not in later and not (month in done and any(m > month for m in later))


def test_vnd():
    assert rules.vnd(1_234_567) == "1.234.567" and rules.vnd(0) == "0"
