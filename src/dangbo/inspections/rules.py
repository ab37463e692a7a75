"""Pure rules of inspection and supervision: quarters, plan vs done, overdue remedies,
appeal time limits, who may be disciplined how (no database access)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

QUARTERS = (1, 2, 3, 4)
ORG_DISCIPLINE_FORMS = ("reprimand", "warning", "dissolution")
# Điều lệ Đảng: an appeal is lodged within one month of receiving the decision (configurable
# through core.RuleParameter "inspections.appeal_days").
DEFAULT_APPEAL_DAYS = 30


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of a quarter."""
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, end - timedelta(days=1)


def target_kind(*, is_member: bool, holds_members: bool, is_grassroots: bool) -> str:
    """How an inspection target is counted: a member, a grassroots org (including a grassroots
    cell), a cell under a grassroots committee, or a committee above grassroots."""
    if is_member:
        return "member"
    if is_grassroots:
        return "grassroots"
    if holds_members:
        return "cell"
    return "committee"


def plan_problems(
    *,
    year: int,
    planned_quarter: int | None,
    planned_start: date | None,
    planned_end: date | None,
) -> dict[str, str]:
    """What is wrong with a planned period, keyed by field."""
    problems: dict[str, str] = {}
    if planned_quarter not in QUARTERS:
        problems["planned_quarter"] = "Quý dự kiến phải từ 1 đến 4."
    if planned_start and planned_start.year != year:
        problems["planned_start"] = f"Ngày bắt đầu dự kiến phải trong năm {year}."
    if planned_start and planned_end and planned_end < planned_start:
        problems["planned_end"] = "Ngày kết thúc dự kiến không được trước ngày bắt đầu."
    if (
        planned_start
        and planned_quarter in QUARTERS
        and quarter_of(planned_start) != planned_quarter
        and "planned_start" not in problems
    ):
        problems["planned_start"] = (
            f"Ngày bắt đầu dự kiến {planned_start:%d/%m/%Y} không thuộc quý {planned_quarter}."
        )
    return problems


@dataclass(frozen=True)
class QuarterRow:
    quarter: int | None  # None: the whole year
    planned: int
    done: int

    @property
    def rate(self) -> float:
        return round(100 * self.done / self.planned, 1) if self.planned else 0.0


def plan_vs_done(items: Iterable[tuple[int, str]]) -> list[QuarterRow]:
    """Per quarter and for the year: items planned (not cancelled) and items concluded.

    `items` are (planned_quarter, status) of a programme's inspections; an item counts as done
    in the quarter it was planned for.
    """
    planned = dict.fromkeys(QUARTERS, 0)
    done = dict.fromkeys(QUARTERS, 0)
    for quarter, status in items:
        if status == "cancelled" or quarter not in planned:
            continue
        planned[quarter] += 1
        if status == "concluded":
            done[quarter] += 1
    rows = [QuarterRow(q, planned[q], done[q]) for q in QUARTERS]
    rows.append(QuarterRow(None, sum(planned.values()), sum(done.values())))
    return rows


def remedy_overdue_days(due_on: date, status: str, today: date) -> int:
    """Days a remedy is past its due date (0 if done or not yet due)."""
    if status == "done" or today <= due_on:
        return 0
    return (today - due_on).days


def conclusion_problems(
    *,
    violations_found: bool | None,
    conclusion: str,
    remedies: list[tuple[str, str, date | None]],
    concluded_on: date | None,
    started_on: date | None,
    today: date,
) -> dict[str, str]:
    """What is wrong with a conclusion and the remedies it requires, keyed by field."""
    problems: dict[str, str] = {}
    if concluded_on is None:
        problems["concluded_on"] = "Cần nhập ngày kết luận."
    elif concluded_on > today:
        problems["concluded_on"] = "Ngày kết luận không được sau ngày hôm nay."
    elif started_on and concluded_on < started_on:
        problems["concluded_on"] = (
            f"Ngày kết luận không được trước ngày bắt đầu {started_on:%d/%m/%Y}."
        )
    if violations_found is None:
        problems["violations_found"] = "Cần chọn có hay không có vi phạm."
    if not conclusion.strip():
        problems["conclusion"] = "Cần nhập nội dung kết luận."
    for row, (description, owner, due_on) in enumerate(remedies, start=1):
        if not description.strip():
            problems.setdefault("remedies", f"Dòng {row}: cần nhập nội dung khắc phục.")
        elif not owner.strip():
            problems.setdefault("remedies", f"Dòng {row}: cần nêu người/tổ chức chịu trách nhiệm.")
        elif due_on is None:
            problems.setdefault("remedies", f"Dòng {row}: cần nhập hạn hoàn thành.")
        elif concluded_on and due_on < concluded_on:
            problems.setdefault(
                "remedies", f"Dòng {row}: hạn hoàn thành không được trước ngày kết luận."
            )
    return problems


def appeal_deadline(decided_on: date, days: int = DEFAULT_APPEAL_DAYS) -> date:
    return decided_on + timedelta(days=days)


def appeal_problem(
    decided_on: date, lodged_on: date, today: date, days: int = DEFAULT_APPEAL_DAYS
) -> str | None:
    """None if an appeal lodged on `lodged_on` is receivable, else a Vietnamese reason."""
    if lodged_on > today:
        return "Ngày nhận khiếu nại không được sau ngày hôm nay."
    if lodged_on < decided_on:
        return "Ngày nhận khiếu nại không được trước ngày quyết định kỷ luật."
    deadline = appeal_deadline(decided_on, days)
    if lodged_on > deadline:
        return (
            f"Quá thời hạn khiếu nại ({days} ngày, đến {deadline:%d/%m/%Y}); "
            "khiếu nại không được xem xét."
        )
    return None


def org_discipline_problem(form: str, is_active: bool) -> str | None:
    if form not in ORG_DISCIPLINE_FORMS:
        return "Hình thức kỷ luật tổ chức đảng không hợp lệ."
    if not is_active:
        return "Tổ chức đảng đã giải thể, không thể thi hành kỷ luật."
    return None


def within_subtree(path: str, root_path: str) -> bool:
    return path.startswith(root_path)


# Time limits for answering, in days from receipt (core.RuleParameter
# "inspections.complaint_days" / "inspections.denunciation_days" override them).
DEFAULT_ANSWER_DAYS = {"complaint": 90, "denunciation": 60}


def complaint_due(received_on: date, days: int) -> date:
    return received_on + timedelta(days=days)


def complaint_overdue_days(due_on: date, status: str, today: date) -> int:
    """Days a complaint is past its time limit without an answer (0 otherwise)."""
    if status == "answered" or today <= due_on:
        return 0
    return (today - due_on).days
