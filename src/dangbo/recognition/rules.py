"""Party badge eligibility (DOMAIN.md "Training, badges, dues"): pure, over dated parameters.

A badge for N years is due when party age (from the admission decision, gaps excluded) reaches
N years. It may be awarded up to `early` months before (24 for 70 years and more), on one of
the award days; discipline in force delays it by the longest delay of its forms.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from dangbo.members.rules import add_months

DEFAULT_MILESTONES = (30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90)
AWARD_DAYS = ((2, 3), (5, 19), (9, 2), (11, 7))  # (month, day): 3/2, 19/5, 2/9, 7/11


@dataclass(frozen=True)
class BadgeParams:
    milestones: tuple[int, ...] = DEFAULT_MILESTONES
    early_months: int = 12
    early_months_senior: int = 24
    senior_from: int = 70


@dataclass(frozen=True)
class Eligibility:
    milestone: int
    due_on: date  # the day party age reaches the milestone
    eligible_from: date  # after early allowance and discipline delay
    early_months: int
    delayed_until: date | None = None

    def reason(self) -> str:
        text = f"Đủ {self.milestone} năm tuổi đảng ngày {self.due_on:%d/%m/%Y}"
        if self.early_months:
            text += f"; được xét sớm tối đa {self.early_months} tháng"
        if self.delayed_until:
            text += f"; lùi đến {self.delayed_until:%d/%m/%Y} do kỷ luật"
        return text


def milestone_date(
    admitted_on: date, gaps: Iterable[tuple[date, date | None]], years: int, today: date
) -> date:
    """The day party age reaches `years`: admission + years, pushed by the days of gaps."""
    gap_days = sum(((end or today) - start).days for start, end in gaps if (end or today) > start)
    return add_months(admitted_on, years * 12) + timedelta(days=gap_days)


def next_badge(
    admitted_on: date,
    gaps: Iterable[tuple[date, date | None]],
    awarded: Iterable[int],
    disciplines: Iterable[tuple[date, int]],
    today: date,
    params: BadgeParams = BadgeParams(),
) -> Eligibility | None:
    """The next badge the member can get (milestones already awarded are skipped).

    `disciplines` are (decision date, delay months) of decisions in force: the badge cannot be
    awarded before the decision date plus its delay.
    """
    gaps = list(gaps)
    done = set(awarded)
    highest = max(done, default=0)
    for years in params.milestones:
        if years in done or years <= highest:
            continue
        due = milestone_date(admitted_on, gaps, years, today)
        early = params.early_months_senior if years >= params.senior_from else params.early_months
        eligible = add_months(due, -early)
        delayed = max((add_months(d, months) for d, months in disciplines if months), default=None)
        if delayed and delayed > eligible:
            return Eligibility(years, due, delayed, early, delayed)
        return Eligibility(years, due, eligible, early)
    return None


def award_days(start: date, count: int) -> list[date]:
    """The next `count` award days on or after `start`."""
    result = []
    year = start.year
    while len(result) < count:
        for month, day in AWARD_DAYS:
            candidate = date(year, month, day)
            if candidate >= start:
                result.append(candidate)
                if len(result) == count:
                    break
        year += 1
    return result


def latest_admission_for(award_day: date, params: BadgeParams = BadgeParams()) -> date:
    """Anyone admitted after this date cannot be eligible by `award_day` (a safe SQL pre-filter)."""
    smallest = min(params.milestones)
    early = params.early_months_senior if smallest >= params.senior_from else params.early_months
    return add_months(award_day, -(smallest * 12 - max(early, params.early_months_senior)))


# --- commendations fed by classification streaks --------------------------------------------

MEMBER = "member"
ORGANIZATION = "organization"
STREAK_RULES_KEY = "commendation.streak_rules"


@dataclass(frozen=True)
class StreakRule:
    """`years` consecutive years rated Excellent earn a commendation of `form` by `issuer`."""

    subject: str  # MEMBER or ORGANIZATION
    years: int
    form: str
    issuer: str

    @classmethod
    def parse(cls, value: dict) -> "StreakRule":
        return cls(value["subject"], int(value["years"]), value["form"], value["issuer"])


# Defaults (overridden by the dated RuleParameter `commendation.streak_rules`).
DEFAULT_STREAK_RULES = (
    StreakRule(MEMBER, 5, "Bằng khen", "Ban Thường vụ Tỉnh ủy"),
    StreakRule(MEMBER, 3, "Giấy khen", "Ban Thường vụ đảng ủy cấp trên trực tiếp của cơ sở"),
    StreakRule(ORGANIZATION, 5, "Bằng khen", "Ban Thường vụ Tỉnh ủy"),
    StreakRule(ORGANIZATION, 2, "Giấy khen", "Ban Thường vụ đảng ủy cấp trên trực tiếp của cơ sở"),
)


def streak_rule(subject: str, years: int, rules: Iterable[StreakRule]) -> StreakRule | None:
    """The commendation a streak of `years` earns this year, or None.

    A rule applies when the streak completes a whole number of its periods (5, 10, … years
    for a 5-year rule), so the same streak is not commended again the year after; among the
    rules that apply, the one with the longest period wins."""
    if years <= 0:
        return None
    applying = [r for r in rules if r.subject == subject and r.years > 0 and years % r.years == 0]
    return max(applying, key=lambda r: r.years, default=None)


def streak_reason(subject: str, years: int, up_to: int) -> str:
    who = "Đảng viên" if subject == MEMBER else "Tổ chức đảng"
    return f"{who} hoàn thành xuất sắc nhiệm vụ {years} năm liền ({up_to - years + 1}–{up_to})"
