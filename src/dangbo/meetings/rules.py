"""Pure rules for cell meetings: calendar, duration, documents, attendance, absences, scoring.

No database access: configurable values (minimum minutes, thresholds, grade bands) are passed
in by the caller, which reads them for the meeting's date (core.RuleParameter).
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

REGULAR, THEMATIC, COMBINED, EXTRAORDINARY = "regular", "thematic", "combined", "extraordinary"
MONTHLY_KINDS = frozenset({REGULAR, COMBINED})
THEMATIC_KINDS = frozenset({THEMATIC, COMBINED})

PRESENT, ONLINE, EXCUSED, UNEXCUSED = "present", "online", "excused", "unexcused"
ATTENDED = frozenset({PRESENT, ONLINE})

# Common scale (score out of 100, lower bound inclusive): Tốt ≥90, Khá 70–89, TB 50–69, Kém <50.
GRADE_BANDS: tuple[tuple[Decimal, str], ...] = (
    (Decimal(90), "tot"),
    (Decimal(70), "kha"),
    (Decimal(50), "trung_binh"),
    (Decimal(0), "kem"),
)

DEFAULTS = {
    "meetings.min_minutes_regular": 90,
    "meetings.min_minutes_combined": 120,
    "meetings.documents_days_before": 1,
    "meetings.attendance_min_pct": 95,
    "meetings.absence_months_for_deletion": 3,
    "meetings.regular_day_of_month": 10,
    "meetings.thematic_months": [3, 6, 9, 12],
}


# --- scoring ---------------------------------------------------------------------------------


def grade_for(score: Decimal | float | int, bands=GRADE_BANDS) -> str:
    """The grade code for a score out of 100."""
    value = Decimal(str(score))
    for lower, code in bands:
        if value >= lower:
            return code
    return bands[-1][1]


def score_problems(points: Sequence[Decimal | None], maxima: Sequence[Decimal]) -> dict[int, str]:
    """Per criterion index: why its points are not acceptable (missing, negative, over max)."""
    problems = {}
    for index, (given, maximum) in enumerate(zip(points, maxima, strict=True)):
        if given is None:
            problems[index] = "Chưa nhập điểm."
        elif given < 0:
            problems[index] = "Điểm không được âm."
        elif given > maximum:
            problems[index] = f"Điểm vượt quá tối đa ({_fmt(maximum)})."
    return problems


def percent_score(points: Sequence[Decimal], maxima: Sequence[Decimal]) -> Decimal:
    """Total points brought to a 100-point scale (one decimal): sets need not total 100."""
    total_max = sum(maxima, Decimal(0))
    if total_max <= 0:
        raise ValueError("criteria set has no points")
    raw = sum(points, Decimal(0)) * 100 / total_max
    return raw.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def criteria_problems(rows: Sequence[tuple[str, Decimal]]) -> dict[int, str]:
    """Per row of a criteria set being defined: empty name or non-positive maximum."""
    problems = {}
    for index, (name, maximum) in enumerate(rows):
        if not name.strip():
            problems[index] = "Thiếu tên tiêu chí."
        elif maximum is None or maximum <= 0:
            problems[index] = "Điểm tối đa phải lớn hơn 0."
    return problems


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


# --- duration and documents -----------------------------------------------------------------


def duration_minutes(start: datetime, end: datetime) -> int:
    return int((end - start).total_seconds() // 60)


def minimum_minutes(kind: str, min_regular: int = 90, min_combined: int = 120) -> int:
    return min_combined if kind == COMBINED else min_regular


def duration_problem(
    kind: str, minutes: int | None, min_regular: int = 90, min_combined: int = 120
) -> str | None:
    """A warning when a held meeting was shorter than its kind requires."""
    if minutes is None:
        return None
    required = minimum_minutes(kind, min_regular, min_combined)
    if minutes < required:
        return f"Thời gian sinh hoạt {minutes} phút, dưới mức tối thiểu {required} phút."
    return None


def documents_deadline(meeting_day: date, days_before: int = 1) -> date:
    """The last day documents may be published to members."""
    return meeting_day - timedelta(days=days_before)


def document_is_late(published_on: date, meeting_day: date, days_before: int = 1) -> bool:
    return published_on > documents_deadline(meeting_day, days_before)


# --- calendar ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarGaps:
    missing_months: tuple[int, ...]  # months (1–12) with no regular meeting
    missing_quarters: tuple[int, ...]  # quarters (1–4) with no thematic meeting

    @property
    def ok(self) -> bool:
        return not self.missing_months and not self.missing_quarters


def quarter_of(month: int) -> int:
    return (month - 1) // 3 + 1


def calendar_gaps(
    year: int, meetings: Iterable[tuple[date, str]], through_month: int = 12
) -> CalendarGaps:
    """Months (up to `through_month`) lacking a regular meeting, and quarters that have ended
    by then lacking a thematic one. `meetings`: (day, kind) of meetings that count."""
    months, quarters = set(), set()
    for day, kind in meetings:
        if day.year != year:
            continue
        if kind in MONTHLY_KINDS:
            months.add(day.month)
        if kind in THEMATIC_KINDS:
            quarters.add(quarter_of(day.month))
    through_month = max(0, min(12, through_month))
    return CalendarGaps(
        tuple(m for m in range(1, through_month + 1) if m not in months),
        tuple(q for q in range(1, through_month // 3 + 1) if q not in quarters),
    )


def propose_calendar(
    year: int,
    meetings: Iterable[tuple[date, str]],
    *,
    day_of_month: int = 10,
    thematic_months: Sequence[int] = (3, 6, 9, 12),
    from_month: int = 1,
    is_working_day: Callable[[date], bool] = lambda d: d.weekday() < 5,
) -> list[tuple[date, str]]:
    """Meetings to add so that every month from `from_month` has a regular meeting and every
    quarter a thematic one: a regular meeting on a working day near `day_of_month`; a quarter
    lacking a thematic meeting gets it combined with the regular meeting of its chosen month
    (or, when that month already has one, as a separate thematic meeting)."""
    meetings = [(d, k) for d, k in meetings if d.year == year]
    gaps = calendar_gaps(year, meetings)
    missing_months = {m for m in gaps.missing_months if m >= from_month}
    proposals: list[tuple[date, str]] = []
    thematic_in: dict[int, int] = {}
    for quarter in gaps.missing_quarters:
        months = [m for m in range(3 * quarter - 2, 3 * quarter + 1) if m >= from_month]
        if not months:
            continue
        preferred = [m for m in thematic_months if m in months]
        thematic_in[quarter] = preferred[0] if preferred else months[-1]
    taken = {d for d, _ in meetings}
    for month in range(from_month, 13):
        needs_regular = month in missing_months
        needs_thematic = thematic_in.get(quarter_of(month)) == month
        if not (needs_regular or needs_thematic):
            continue
        if needs_regular and needs_thematic:
            kind = COMBINED
        else:
            kind = REGULAR if needs_regular else THEMATIC
        day = _working_day_near(year, month, day_of_month, is_working_day, taken)
        taken.add(day)
        proposals.append((day, kind))
    return proposals


def _working_day_near(year, month, day_of_month, is_working_day, taken) -> date:
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    start = min(max(1, day_of_month), last)
    order = [*range(start, last + 1), *range(start - 1, 0, -1)]
    for d in order:
        day = date(year, month, d)
        if is_working_day(day) and day not in taken:
            return day
    return date(year, month, start)


# --- attendance -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceCounts:
    expected: int
    attended: int
    excused: int
    unexcused: int


def count_attendance(statuses: Iterable[str]) -> AttendanceCounts:
    statuses = list(statuses)
    return AttendanceCounts(
        expected=len(statuses),
        attended=sum(1 for s in statuses if s in ATTENDED),
        excused=sum(1 for s in statuses if s == EXCUSED),
        unexcused=sum(1 for s in statuses if s == UNEXCUSED),
    )


def attendance_rate(attended: int, expected: int) -> Decimal | None:
    """Share of members who attended (in person or online), in percent with one decimal."""
    if expected <= 0:
        return None
    return (Decimal(attended) * 100 / expected).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def below_threshold(rate: Decimal | None, threshold_pct: float | int | Decimal) -> bool:
    return rate is not None and rate < Decimal(str(threshold_pct))


def month_outcome(statuses: Iterable[str]) -> str:
    """A member's month from the meetings held: attended any → present; else unexcused if any
    absence was unexcused; else excused."""
    statuses = set(statuses)
    if statuses & ATTENDED:
        return PRESENT
    return UNEXCUSED if UNEXCUSED in statuses else EXCUSED


def absence_streaks(months: Iterable[tuple[int, str]]) -> tuple[int, int]:
    """(longest, current) runs of months absent without reason. `months`: (month index, outcome)
    for the months in which the cell held meetings; months without meetings neither break nor
    extend a run."""
    longest = current = 0
    for _index, outcome in sorted(months):
        current = current + 1 if outcome == UNEXCUSED else 0
        longest = max(longest, current)
    return longest, current


def member_absence_streaks(rows: Iterable[tuple[int, date, str]]) -> dict[int, tuple[int, int]]:
    """Per member: (longest, current) unexcused runs from (member id, meeting day, status) rows."""
    per_member: dict[int, dict[int, list[str]]] = {}
    for member_id, day, status in rows:
        per_member.setdefault(member_id, {}).setdefault(day.year * 12 + day.month, []).append(
            status
        )
    return {
        member_id: absence_streaks((m, month_outcome(s)) for m, s in months.items())
        for member_id, months in per_member.items()
    }


def unexcused_runs(
    months: Iterable[tuple[int, str]],
) -> list[tuple[int, int, int | None]]:
    """For each month a member was absent without reason (outcome `UNEXCUSED`): (month index,
    run, next month index). `run` counts the months absent without reason in a row ending with
    this one (months without meetings neither break nor extend a run, as in `absence_streaks`);
    `next` is the member's next month with meetings (None: none yet). `months`: (month index,
    outcome) of every month in which the member was due at a meeting."""
    ordered = sorted(months)
    result, run = [], 0
    for position, (index, outcome) in enumerate(ordered):
        run = run + 1 if outcome == UNEXCUSED else 0
        if run:
            later = ordered[position + 1][0] if position + 1 < len(ordered) else None
            result.append((index, run, later))
    return result


def current_run(run: int, next_index: int | None, end_index: int) -> int:
    """The run still going just before month `end_index`, from the member's last month absent
    without reason before it (`run`, and the next month with meetings): broken if the member
    was due at a meeting (and came, or gave a reason) in a month before `end_index`."""
    return run if next_index is None or next_index >= end_index else 0


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def deletion_flag(longest_run: int, months_threshold: int = 3) -> bool:
    """Absent without reason for `months_threshold` months in a row → propose deletion."""
    return longest_run >= months_threshold


# --- statistics -------------------------------------------------------------------------------


def expected_meetings(cells: int, months: int) -> int:
    """Regular meetings expected of `cells` cells over `months` months."""
    return max(0, cells) * max(0, months)


def last_month_due(year: int, from_month: int, to_month: int, today: date) -> int:
    """The last month of [from_month, to_month] of `year` that is over by `today` — a month is
    expected to have had its meeting only once it has ended; the month under way is shown as
    in progress, never as missing. `from_month − 1` when none is over yet."""
    if year < today.year:
        return to_month
    if year > today.year:
        return from_month - 1
    return max(from_month - 1, min(to_month, today.month - 1))


def required_quarters(from_month: int, to_month: int) -> list[int]:
    """Quarters lying wholly inside [from_month, to_month]: each needs a thematic meeting."""
    return [q for q in range(1, 5) if 3 * q - 2 >= from_month and 3 * q <= to_month]
