"""Party badge eligibility (DOMAIN.md "Training, badges, dues"): pure, over dated parameters.

A badge for N years is due when party age (from the admission decision, gaps excluded) reaches
N years. It may be awarded up to `early` months before (24 for 70 years and more), on one of
the award days; discipline in force delays it by the longest delay of its forms.

On an award day a member is eligible for the highest milestone they reach by then (allowance
included) above every badge they hold. Lower milestones passed without a badge are not awarded
after the fact — a badge marks the party age reached (Hướng dẫn 01-HD/TW 2021, mục 18.1: "đủ
30, 40, … năm tuổi đảng được xét tặng"), so a member with 62 years is proposed the 60-year
badge, never the 30-year one; the reason names the skipped milestones so the officer can check
the member's file (badges received before the system may be missing from it).
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
    skipped: tuple[int, ...] = ()  # lower milestones passed without a badge on record

    def reason(self) -> str:
        text = f"Đủ {self.milestone} năm tuổi đảng ngày {self.due_on:%d/%m/%Y}"
        if self.early_months:
            text += f"; được xét sớm tối đa {self.early_months} tháng"
        if self.delayed_until:
            text += f"; lùi đến {self.delayed_until:%d/%m/%Y} do kỷ luật"
        if self.skipped:
            years = ", ".join(str(y) for y in self.skipped)
            text += f"; chưa ghi nhận huy hiệu {years} năm (không xét tặng bù mốc thấp hơn)"
        return text


def milestone_date(
    admitted_on: date, gaps: Iterable[tuple[date, date | None]], years: int, today: date
) -> date:
    """The day party age reaches `years`: admission + years, pushed by the days of gaps."""
    gap_days = sum(((end or today) - start).days for start, end in gaps if (end or today) > start)
    return add_months(admitted_on, years * 12) + timedelta(days=gap_days)


def early_months(years: int, params: BadgeParams = BadgeParams()) -> int:
    return params.early_months_senior if years >= params.senior_from else params.early_months


def badge_on(
    admitted_on: date,
    gaps: Iterable[tuple[date, date | None]],
    awarded: Iterable[int],
    disciplines: Iterable[tuple[date, int]],
    award_day: date,
    today: date,
    params: BadgeParams = BadgeParams(),
) -> Eligibility | None:
    """The badge the member can be given on `award_day`, or None.

    It is the highest milestone above every badge held whose day, less the early allowance,
    has come by `award_day`. `disciplines` are (decision date, delay months) of decisions in
    force: no badge before the decision date plus its delay.
    """
    gaps = list(gaps)
    highest = max(awarded, default=0)
    reached = []
    for years in sorted(params.milestones):
        if years <= highest:
            continue
        due = milestone_date(admitted_on, gaps, years, today)
        early = early_months(years, params)
        if add_months(due, -early) <= award_day:
            reached.append((years, due, early))
    if not reached:
        return None
    years, due, early = reached[-1]
    eligible = add_months(due, -early)
    delayed = max((add_months(d, months) for d, months in disciplines if months), default=None)
    skipped = tuple(y for y, _due, _early in reached[:-1])
    if delayed and delayed > eligible:
        if delayed > award_day:
            return None
        return Eligibility(years, due, delayed, early, delayed, skipped)
    return Eligibility(years, due, eligible, early, skipped=skipped)


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
