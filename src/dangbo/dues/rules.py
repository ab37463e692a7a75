"""Party dues arithmetic (DOMAIN.md "Dues"): pure functions over dated rate tables, in whole VND.

Money is an int of đồng; percentages are Decimal; rounding is half-up to the rate's unit.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from dangbo.core.text import vi_number, vi_percent


class DuesError(ValueError):
    """A dues basis that the rate table cannot price (Vietnamese message)."""


@dataclass(frozen=True)
class Rate:
    income_type: str
    valid_from: date
    percent: Decimal | None = None  # of the income basis (salary, pension)
    fixed_amount: int | None = None  # VND (students)
    wage_percent_min: Decimal | None = None  # of the regional minimum wage (other incomes)
    wage_percent_max: Decimal | None = None
    round_to: int = 1


@dataclass(frozen=True)
class Basis:
    income_type: str
    amount: int = 0  # monthly salary for social insurance, or pension, in VND
    region: int | None = None  # 1..4 for the regional minimum wage
    wage_percent: Decimal | None = None  # chosen within the rate's range (other incomes)


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def in_force(rows: Iterable, on: date, key=lambda r: r.valid_from):
    """The row with the latest valid_from ≤ on, or None."""
    best = None
    for row in rows:
        if key(row) <= on and (best is None or key(row) > key(best)):
            best = row
    return best


def round_vnd(value: Decimal, unit: int = 1) -> int:
    unit_d = Decimal(unit)
    return int((value / unit_d).quantize(Decimal(1), rounding=ROUND_HALF_UP) * unit_d)


def monthly_due(basis: Basis, rate: Rate, regional_wage: int | None = None) -> int:
    """The dues for one month under `rate` for a member's `basis`."""
    if rate.income_type != basis.income_type:
        raise DuesError("Mức đóng không khớp loại thu nhập.")
    if rate.fixed_amount is not None:
        return rate.fixed_amount
    if rate.percent is not None:
        if basis.amount <= 0:
            raise DuesError("Cần nhập mức thu nhập làm căn cứ đóng đảng phí.")
        return round_vnd(Decimal(basis.amount) * rate.percent / 100, rate.round_to)
    if regional_wage is None:
        raise DuesError("Chưa có mức lương tối thiểu vùng cho vùng đã chọn.")
    percent = basis.wage_percent if basis.wage_percent is not None else rate.wage_percent_min
    if percent is None or not (rate.wage_percent_min <= percent <= rate.wage_percent_max):
        raise DuesError(
            f"Tỷ lệ phải từ {vi_percent(rate.wage_percent_min, None)} đến "
            f"{vi_percent(rate.wage_percent_max, None)} "
            "lương tối thiểu vùng."
        )
    return round_vnd(Decimal(regional_wage) * percent / 100, rate.round_to)


def split_remittance(collected: int, retain_percents: Sequence[Decimal]) -> list[int]:
    """Split a cell's collection up the chain: each level keeps its share of what reaches it.

    Returns the amount kept at each level (cell first); the last level keeps the rest, so the
    parts always add up to `collected` exactly.
    """
    kept = []
    remaining = collected
    for percent in retain_percents:
        part = round_vnd(Decimal(remaining) * percent / 100)
        kept.append(part)
        remaining -= part
    kept.append(remaining)
    return kept


# Where a member attending temporarily at another cell pays (dated, configurable). Default:
# at the host cell, whose meetings they attend; the home cell keeps them on its register
# (Quy định 232-QĐ/TW 2025, mục 6.3.2, on temporary attendance; set False where a province
# keeps dues at home).
TEMPORARY_AT_HOST_KEY = "dues.temporary_dues_at_host"
DEFAULT_TEMPORARY_AT_HOST = True


def collecting_org(home_org_id: int, host_org_id: int | None) -> int:
    """The cell whose ledger holds a member's month: the host during an accepted temporary
    attendance covering the month's first day (when dues are paid at the host), else home."""
    return host_org_id if host_org_id is not None else home_org_id


def carried_into(item_month: date, remittance_month: date, remitted_months) -> bool:
    """Whether money not yet passed up, paid for `item_month`, goes up with the remittance
    for `remittance_month`.

    A remitted month is closed: its remittance is a fixed record. A payment made for it
    afterwards (a member paying late, or a lower level remitting late) is not lost: it goes up
    with the org's next remittance, which names the months it pays for. Money for a month not
    yet remitted waits for that month's own remittance.
    """
    item_month, remittance_month = first_of_month(item_month), first_of_month(remittance_month)
    return item_month == remittance_month or (
        item_month < remittance_month and item_month in remitted_months
    )


def vnd(amount: int) -> str:
    """An amount in đồng written the Vietnamese way: 1.234.567."""
    return vi_number(amount)


def arrears_streak(ledger: Sequence[tuple[date, int, int]], until: date) -> int:
    """Consecutive months, ending at `until`'s month, in which less than the due was paid."""
    by_month = {first_of_month(m): (due, paid) for m, due, paid in ledger}
    streak = 0
    month = first_of_month(until)
    while month in by_month and by_month[month][1] < by_month[month][0]:
        streak += 1
        month = add_months(month, -1)
    return streak


ARREARS_FLAG_MONTHS = 3


def is_in_arrears(ledger, until: date, threshold: int = ARREARS_FLAG_MONTHS) -> bool:
    return arrears_streak(ledger, until) >= threshold
