"""Pure rules of transfers (DOMAIN.md "Transfers"): kinds, states, deadlines, periods.

Numbers arrive as a `TransferParams` built from dated core.RuleParameter rows.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from dangbo.core.workdays import WorkCalendar
from dangbo.members.rules import add_months, months_between


class Kind:
    OFFICIAL = "official"
    TEMPORARY = "temporary"
    OUT = "out"
    IN = "in"
    CHOICES = [
        (OFFICIAL, "Chuyển sinh hoạt chính thức (trong hệ thống)"),
        (TEMPORARY, "Sinh hoạt tạm thời"),
        (OUT, "Chuyển ra ngoài hệ thống"),
        (IN, "Chuyển đến từ ngoài hệ thống"),
    ]


class State:
    ISSUED = "issued"
    PRESENTED = "presented"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    ACTIVE = "active"  # temporary attendance under way
    ENDED = "ended"
    CHOICES = [
        (ISSUED, "Đã giới thiệu đi"),
        (PRESENTED, "Đã xuất trình tại nơi đến"),
        (COMPLETED, "Đã tiếp nhận"),
        (CANCELLED, "Đã hủy"),
        (ACTIVE, "Đang sinh hoạt tạm thời"),
        (ENDED, "Đã kết thúc sinh hoạt tạm thời"),
    ]
    LABELS = dict(CHOICES)
    OPEN = frozenset({ISSUED, PRESENTED, ACTIVE})


# Allowed moves, one table per kind (one-sided kinds are complete when recorded).
TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
    Kind.OFFICIAL: {
        State.ISSUED: frozenset({State.PRESENTED, State.CANCELLED}),
        State.PRESENTED: frozenset({State.COMPLETED, State.CANCELLED}),
    },
    # The home org introduces (issued); the host org accepts (active) or the home withdraws.
    Kind.TEMPORARY: {
        State.ISSUED: frozenset({State.ACTIVE, State.CANCELLED}),
        State.ACTIVE: frozenset({State.ENDED}),
    },
    Kind.OUT: {},
    Kind.IN: {},
}


def transition_problem(kind: str, current: str, new: str) -> str | None:
    if new in TRANSITIONS.get(kind, {}).get(current, frozenset()):
        return None
    return (
        f"Không thể chuyển giấy giới thiệu từ «{State.LABELS.get(current, current)}» "
        f"sang «{State.LABELS.get(new, new)}»."
    )


@dataclass(frozen=True)
class TransferParams:
    present_working_days: int = 30
    complete_working_days: int = 60
    rejoin_months: int = 3
    temporary_min_months: int = 3
    temporary_max_months: int = 12  # exclusive
    study_max_months: int = 24  # inclusive


PARAM_KEYS = {
    "present_working_days": "transfer.present_working_days",
    "complete_working_days": "transfer.complete_working_days",
    "rejoin_months": "transfer.rejoin_months",
    "temporary_min_months": "transfer.temporary_min_months",
    "temporary_max_months": "transfer.temporary_max_months",
    "study_max_months": "transfer.study_max_months",
}


@dataclass(frozen=True)
class Deadlines:
    present_by: date
    complete_by: date
    rejoin_by: date


def deadlines(issued_on: date, params: TransferParams, cal: WorkCalendar) -> Deadlines:
    return Deadlines(
        present_by=cal.add_working_days(issued_on, params.present_working_days),
        complete_by=cal.add_working_days(issued_on, params.complete_working_days),
        rejoin_by=add_months(issued_on, params.rejoin_months),
    )


ENDING_SOON_DAYS = 15


def hosted_until(ends_on: date, ended_on: date | None) -> date:
    """The first day the member is no longer at the host: the day the end was recorded, or
    the day after the period while nobody has recorded it (the member returns home)."""
    return ended_on if ended_on is not None else ends_on + timedelta(days=1)


def is_hosted_on(
    day: date, state: str, accepted_on: date | None, ends_on: date, ended_on: date | None
) -> bool:
    """Whether a temporary attendance places the member at the host on `day`: accepted by
    the host on or before it, and not over. Until accepted the member stays at home."""
    if state not in (State.ACTIVE, State.ENDED) or accepted_on is None:
        return False
    return accepted_on <= day < hosted_until(ends_on, ended_on)


def temporary_flag(state: str, today: date, ends_on: date | None) -> str | None:
    """The flag of a temporary attendance not accepted yet by the host, or whose period is
    over (or ends within 15 days) but that nobody has ended yet: the host cell must end it,
    the member returns home."""
    if ends_on is None:
        return None
    if state == State.ISSUED:
        if today > ends_on:
            return f"Hết thời hạn ({ends_on:%d/%m/%Y}) mà nơi đến chưa tiếp nhận: cần hủy"
        return "Chờ chi bộ nơi đến tiếp nhận sinh hoạt tạm thời"
    if state != State.ACTIVE:
        return None
    if today > ends_on:
        return f"Đã hết thời hạn sinh hoạt tạm thời ({ends_on:%d/%m/%Y}): cần ghi kết thúc"
    if (ends_on - today).days <= ENDING_SOON_DAYS:
        return f"Sắp hết thời hạn sinh hoạt tạm thời ({ends_on:%d/%m/%Y})"
    return None


def flags(
    state: str,
    today: date,
    present_by: date | None,
    complete_by: date | None,
    rejoin_by: date | None,
    ends_on: date | None = None,
) -> list[str]:
    """Warnings for a transfer still open on `today` (official deadlines, temporary end)."""
    temporary = temporary_flag(state, today, ends_on)
    if temporary:
        return [temporary]
    if state not in (State.ISSUED, State.PRESENTED):
        return []
    result = []
    if state == State.ISSUED and present_by and today > present_by:
        result.append("Quá hạn xuất trình (30 ngày làm việc)")
    if complete_by and today > complete_by:
        result.append("Quá hạn hoàn tất (60 ngày làm việc)")
    if rejoin_by and today > rejoin_by:
        result.append("Quá 3 tháng chưa sinh hoạt: đề nghị xóa tên")
    return result


def temporary_period_problem(
    starts_on: date, ends_on: date, study: bool, params: TransferParams
) -> str | None:
    """Temporary attendance lasts 3 to under 12 months (for study, up to 24 months)."""
    if ends_on <= starts_on:
        return "Ngày kết thúc phải sau ngày bắt đầu."
    months = months_between(starts_on, ends_on)
    exact = add_months(starts_on, months) == ends_on
    if months < params.temporary_min_months:
        return f"Sinh hoạt tạm thời phải từ {params.temporary_min_months} tháng trở lên."
    if study:
        if months > params.study_max_months or (months == params.study_max_months and not exact):
            return f"Sinh hoạt tạm thời để đi học tối đa {params.study_max_months} tháng."
    elif months >= params.temporary_max_months:
        return f"Sinh hoạt tạm thời phải dưới {params.temporary_max_months} tháng."
    return None
