"""Pure rules of documents, programmes and tasks: roll-up arithmetic, status from dates and
progress, item paths. No database access; parameters are passed in."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from dangbo.core.text import normalize

STEPLEN = 4
MAX_DEPTH = 8  # item trees deeper than this are refused (and roll-ups query 8 levels)
AT_RISK_DAYS = 15  # default of RuleParameter "programmes.at_risk_days"
LAG_POINTS = 25  # default of RuleParameter "programmes.at_risk_lag_points"
MAX_ATTACHMENT_MB = 20  # default of RuleParameter "programmes.attachment_max_mb"

# The statement of the roll-up rule, shown on screen next to the bars.
ROLLUP_RULE = (
    "Tiến độ của một mục có mục con = trung bình có trọng số tiến độ các mục lá bên dưới "
    "(trọng số do người lập chương trình đặt, mặc định 1); mục lá hoàn thành khi đạt 100%."
)


# --- roll-up ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rollup:
    """Sums over the leaves below a node: everything needed for % and 'x of y done'."""

    weighted: int = 0  # Σ weight × progress
    weight: int = 0  # Σ weight
    leaves: int = 0
    done: int = 0
    overdue: int = 0

    @property
    def percent(self) -> float:
        """Weighted mean progress (0 when nothing below carries weight)."""
        return round(self.weighted / self.weight, 1) if self.weight else 0.0

    @property
    def is_done(self) -> bool:
        return self.leaves > 0 and self.done == self.leaves

    def __add__(self, other: Rollup) -> Rollup:
        return Rollup(
            self.weighted + other.weighted,
            self.weight + other.weight,
            self.leaves + other.leaves,
            self.done + other.done,
            self.overdue + other.overdue,
        )


@dataclass(frozen=True)
class Leaf:
    weight: int
    progress: int
    due_on: date


def is_overdue(progress: int, due_on: date, on: date) -> bool:
    """Past its deadline and not finished."""
    return progress < 100 and due_on < on


def rollup(leaves: Iterable[Leaf], on: date) -> Rollup:
    """Roll leaves up: Σw·p / Σw, leaves done (100%), leaves overdue on `on`."""
    total = Rollup()
    for leaf in leaves:
        total += Rollup(
            weighted=leaf.weight * leaf.progress,
            weight=leaf.weight,
            leaves=1,
            done=int(leaf.progress >= 100),
            overdue=int(is_overdue(leaf.progress, leaf.due_on, on)),
        )
    return total


def combine(parts: Iterable[Rollup]) -> Rollup:
    """A parent's roll-up from its children's: plain sums, so levels compose exactly."""
    total = Rollup()
    for part in parts:
        total += part
    return total


def done_summary(rollups: Iterable[Rollup]) -> tuple[int, int]:
    """'x of y items done' over top-level items: an item is done when all its leaves are."""
    rollups = [r for r in rollups if r.leaves]
    return sum(1 for r in rollups if r.is_done), len(rollups)


# --- status -------------------------------------------------------------------------------


def item_status(
    progress: float,
    due_on: date,
    on: date,
    *,
    starts_on: date | None = None,
    blocked: bool = False,
    at_risk_days: int = AT_RISK_DAYS,
    lag_points: int = LAG_POINTS,
) -> str:
    """Status of an item or task on `on` from its progress and dates.

    done: 100%; overdue: past due and not done; at risk: blocked, or due within
    `at_risk_days`, or progress behind the time elapsed since `starts_on` by more than
    `lag_points`; not started: 0%; otherwise in progress.
    """
    if progress >= 100:
        return "done"
    if due_on < on:
        return "overdue"
    if blocked or (due_on - on).days <= at_risk_days:
        return "at_risk"
    if starts_on is not None and starts_on < due_on and on > starts_on:
        elapsed = (on - starts_on).days / (due_on - starts_on).days * 100
        if elapsed - progress > lag_points:
            return "at_risk"
    if progress <= 0:
        return "not_started"
    return "in_progress"


# --- item tree ---------------------------------------------------------------------------


def child_path(parent_path: str, sibling_number: int) -> str:
    """Path of the n-th child (1-based) below `parent_path`: 4 digits a level."""
    if not 1 <= sibling_number <= 10**STEPLEN - 1:
        raise ValueError("sibling number out of range")
    return f"{parent_path}{sibling_number:0{STEPLEN}d}"


def item_problems(
    *,
    due_on: date,
    programme_start: date,
    programme_end: date,
    parent_due: date | None,
    depth: int,
    weight: int,
) -> dict[str, str]:
    """Rule checks for a new item; {field: Vietnamese message}."""
    problems: dict[str, str] = {}
    if depth > MAX_DEPTH:
        problems["parent"] = f"Chương trình chỉ cho phép tối đa {MAX_DEPTH} cấp mục."
    if not programme_start <= due_on <= programme_end:
        problems["due_on"] = (
            f"Thời hạn phải trong thời gian của chương trình "
            f"({programme_start:%d/%m/%Y} – {programme_end:%d/%m/%Y})."
        )
    elif parent_due is not None and due_on > parent_due:
        problems["due_on"] = (
            f"Thời hạn không được sau thời hạn của mục cha ({parent_due:%d/%m/%Y})."
        )
    if not 1 <= weight <= 100:
        problems["weight"] = "Trọng số phải từ 1 đến 100."
    return problems


def report_problems(percent: int, status: str, reported_on: date, today: date) -> dict[str, str]:
    """Checks on a progress report; 'done' and 100% go together."""
    problems: dict[str, str] = {}
    if not 0 <= percent <= 100:
        problems["percent"] = "Tiến độ phải từ 0 đến 100%."
    elif status == "done" and percent != 100:
        problems["status"] = "Chỉ chọn «Hoàn thành» khi tiến độ đạt 100%."
    elif percent == 100 and status != "done":
        problems["status"] = "Tiến độ 100% thì tình trạng phải là «Hoàn thành»."
    if reported_on > today:
        problems["reported_on"] = "Ngày báo cáo không được sau ngày hôm nay."
    return problems


# --- documents ------------------------------------------------------------------------------


def document_number_problem(number: str, doc_type: str) -> str | None:
    """A document number must carry its type's symbol, e.g. '05-NQ/TU' for a resolution."""
    if not number:
        return "Cần nhập số, ký hiệu văn bản."
    symbol = re.escape(normalize(doc_type))
    if not re.search(rf"(?<![a-z]){symbol}(?![a-z])", normalize(number)):
        return f"Số, ký hiệu «{number}» không chứa ký hiệu loại văn bản {doc_type}."
    return None
