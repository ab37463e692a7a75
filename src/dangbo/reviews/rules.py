"""Pure rules of the annual review (DOMAIN.md "Annual review and classification").

No database access: dated parameters (thresholds, quota rates, discipline caps) are passed in.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from dangbo.members import rules as member_rules
from dangbo.members.rules import months_between

# Grades, from lowest to highest (codes stored in the database; defined by members, which
# also holds the discipline cap inspections shows).
NOT_COMPLETED = member_rules.GRADE_NOT_COMPLETED
COMPLETED = member_rules.GRADE_COMPLETED
GOOD = member_rules.GRADE_GOOD
EXCELLENT = member_rules.GRADE_EXCELLENT
GRADES = member_rules.GRADES
RANK = {grade: index for index, grade in enumerate(GRADES)}
GRADE_LABELS = member_rules.GRADE_LABELS
GRADE_SHORT = {EXCELLENT: "HTXSNV", GOOD: "HTTNV", COMPLETED: "HTNV", NOT_COMPLETED: "KHTNV"}


@dataclass(frozen=True)
class GradeRules:
    """Thresholds in force for a review year (configurable, dated)."""

    excellent_min: Decimal = Decimal(90)
    good_min: Decimal = Decimal(70)
    completed_min: Decimal = Decimal(50)
    excellent_exceed_percent: Decimal = Decimal(30)


DEFAULT_RULES = GradeRules()

# Quota: Excellent ≤ rate × Good (RuleParameter "reviews.quota_percent" / "…_outstanding").
DEFAULT_QUOTA_PERCENT = 20
DEFAULT_QUOTA_PERCENT_OUTSTANDING = 25

# Exemption reasons (not classified).
EXCUSED = "excused"
SUSPENDED = "suspended"
RECENTLY_ADMITTED = "recent"
EXEMPTION_LABELS = {
    EXCUSED: "Được miễn công tác và sinh hoạt đảng",
    SUSPENDED: "Đang bị đình chỉ sinh hoạt đảng",
    RECENTLY_ADMITTED: "Vào Đảng chưa đủ 6 tháng",
}
DEFAULT_MIN_MONTHS_SINCE_ADMISSION = 6
ABSENCE_KINDS = [
    (EXCUSED, "Miễn công tác và sinh hoạt đảng"),
    (SUSPENDED, "Đình chỉ sinh hoạt đảng"),
]


def lower(a: str, b: str | None) -> str:
    """The lower of two grades (None means no cap)."""
    if b is None:
        return a
    return a if RANK[a] <= RANK[b] else b


def grade_from_score(
    total: Decimal,
    all_tasks_done: bool,
    exceed_percent: Decimal,
    rules: GradeRules = DEFAULT_RULES,
    cap: str | None = None,
) -> str:
    """The proposed grade for a 100-point total, the task conditions and a cap.

    Excellent needs the excellent threshold AND every task done with at least the configured
    share exceeding; a high score without those conditions is Good.
    """
    total = Decimal(total)
    if total >= rules.excellent_min:
        excellent = all_tasks_done and Decimal(exceed_percent) >= rules.excellent_exceed_percent
        grade = EXCELLENT if excellent else GOOD
    elif total >= rules.good_min:
        grade = GOOD
    elif total >= rules.completed_min:
        grade = COMPLETED
    else:
        grade = NOT_COMPLETED
    return lower(grade, cap)


# A yearly responsibility commitment (programmes) feeds the task results: configurable
# RuleParameter "reviews.commitment_min_percent".
DEFAULT_COMMITMENT_MIN_PERCENT = 50


@dataclass(frozen=True)
class CommitmentEffect:
    """What an evaluated commitment does to the computed grade."""

    all_tasks_done: bool  # False: "every task done" cannot be claimed (so not Excellent)
    cap: str | None  # the highest grade allowed (None: no cap)

    @property
    def note(self) -> str:
        if self.cap:
            return f"tối đa {GRADE_SHORT[self.cap]}"
        if not self.all_tasks_done:
            return "chưa hoàn thành tất cả nhiệm vụ"
        return ""


def commitment_effect(
    achieved: int | None, items: int | None, min_percent=DEFAULT_COMMITMENT_MIN_PERCENT
) -> CommitmentEffect:
    """The rule: a member whose evaluated commitment has every item achieved is judged on the
    score alone; a missed item means not every task was done (no Excellent); fewer than
    `min_percent` % of the items achieved caps the grade at Completed (HTNV). No evaluated
    commitment (None or no items): no effect."""
    if not items:
        return CommitmentEffect(True, None)
    if achieved >= items:
        return CommitmentEffect(True, None)
    if Fraction(achieved, items) * 100 < Fraction(str(min_percent)):
        return CommitmentEffect(False, COMPLETED)
    return CommitmentEffect(False, None)


def excellent_limit(good_count: int, percent: int | Decimal) -> int:
    """How many may be Excellent: the largest n with n ≤ percent% × good (exact arithmetic)."""
    if good_count <= 0:
        return 0
    return int(Fraction(good_count) * Fraction(str(percent)) / 100)


@dataclass(frozen=True)
class QuotaCheck:
    excellent: int
    good: int
    percent: int | Decimal
    limit: int

    @property
    def excess(self) -> int:
        return max(self.excellent - self.limit, 0)

    @property
    def holds(self) -> bool:
        return self.excess == 0


def quota_check(grades: Iterable[str], percent: int | Decimal) -> QuotaCheck:
    """Count Excellent and Good among proposed/decided grades and compare with the limit."""
    grades = list(grades)
    excellent = sum(1 for g in grades if g == EXCELLENT)
    good = sum(1 for g in grades if g == GOOD)
    return QuotaCheck(excellent, good, percent, excellent_limit(good, percent))


def over_quota(ranked: Iterable[tuple[object, Decimal]], excess: int) -> list[object]:
    """The `excess` Excellent entries with the lowest scores (who is over the quota)."""
    if excess <= 0:
        return []
    ordered = sorted(ranked, key=lambda item: (item[1], str(item[0])))
    return [key for key, _score in ordered[:excess]]


def exemption_reason(
    admitted_on: date,
    reference_date: date,
    absences: Iterable[tuple[str, date, date | None]],
    min_months: int = DEFAULT_MIN_MONTHS_SINCE_ADMISSION,
) -> str | None:
    """Why a member is not classified on `reference_date`, or None if they must be.

    `absences` are (kind, valid_from, valid_to) periods of excuse or suspension, [from, to).
    """
    for kind, start, end in absences:
        running = start <= reference_date and (end is None or end > reference_date)
        if running and kind in (EXCUSED, SUSPENDED):
            return kind
    if months_between(admitted_on, reference_date) < min_months:
        return RECENTLY_ADMITTED
    return None


def split_total(
    scores: Mapping[str, Decimal], criteria: Iterable[tuple[str, str, Decimal]]
) -> tuple[Decimal, Decimal]:
    """Sum scores into (general, task) points; criteria are (code, group, max_points)."""
    general = task = Decimal(0)
    for code, group, _max in criteria:
        value = Decimal(scores.get(code) or 0)
        if group == "general":
            general += value
        else:
            task += value
    return general, task


def points(value) -> str:
    """Points as Vietnamese text: no trailing zeros, decimal comma."""
    text = f"{Decimal(value).normalize():f}"
    return text.replace(".", ",")


GENERAL_POINTS = Decimal(30)
TASK_POINTS = Decimal(70)


def criteria_problem(criteria: Iterable[tuple[str, str, Decimal]]) -> str | None:
    """A criteria set must give 30 points to general criteria and 70 to task results."""
    general = sum((Decimal(m) for _c, g, m in criteria if g == "general"), Decimal(0))
    task = sum((Decimal(m) for _c, g, m in criteria if g != "general"), Decimal(0))
    if general != GENERAL_POINTS or task != TASK_POINTS:
        return (
            f"Bộ tiêu chí phải có 30 điểm tiêu chí chung và 70 điểm kết quả nhiệm vụ "
            f"(đang là {points(general)} và {points(task)})."
        )
    return None


def score_problems(
    scores: Mapping[str, Decimal], criteria: Iterable[tuple[str, str, Decimal]]
) -> dict[str, str]:
    """Scores out of range, keyed by criterion code (Vietnamese messages)."""
    problems = {}
    for code, _group, maximum in criteria:
        value = scores.get(code)
        if value is None:
            continue
        if value < 0 or value > maximum:
            problems[code] = f"điểm phải từ 0 đến {points(maximum)}"
    return problems


def share(part: int, whole: int) -> Decimal | None:
    """Percentage with two decimals (None when there is nothing to divide)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"))


def grade_shares(counts: Mapping[str, int]) -> dict[str, Decimal | None]:
    """Shares of each grade, of good-or-better, among those classified."""
    total = sum(counts.get(g, 0) for g in GRADES)
    result = {g: share(counts.get(g, 0), total) for g in GRADES}
    result["good_or_better"] = share(counts.get(GOOD, 0) + counts.get(EXCELLENT, 0), total)
    return result


def streak(years_with_grade: Iterable[int], up_to: int) -> int:
    """How many consecutive years ending at `up_to` appear in `years_with_grade`."""
    years = set(years_with_grade)
    count = 0
    while up_to - count in years:
        count += 1
    return count


# --- results of past years entered from records (services.record_past_results) ---------------

FIRST_YEAR = 1930  # the Party's founding year: no review result before it


def past_result_problems(
    *,
    year: int,
    grade: str,
    exemption: str,
    admitted_on: date | None,
    left_on: date | None,
    today: date,
    cap: str | None = None,
) -> dict[str, str]:
    """What is wrong with one member's result of a past year, by field (year, grade, exemption).

    The year is not in the future, not before the member's admission, not after they left the
    Party; a row has a final grade or a reason for not being classified, never both; a
    discipline decided in the year caps the grade (`cap`, as for a committee's decision)."""
    problems: dict[str, str] = {}
    if year > today.year:
        problems["year"] = f"Năm {year} chưa kết thúc (sau năm {today.year})."
    elif year < FIRST_YEAR:
        problems["year"] = f"Năm {year} không hợp lệ."
    elif admitted_on is not None and year < admitted_on.year:
        problems["year"] = f"Năm {year} trước năm vào Đảng của đảng viên ({admitted_on:%d/%m/%Y})."
    elif left_on is not None and year > left_on.year:
        problems["year"] = (
            f"Năm {year} sau khi đảng viên đã thôi sinh hoạt đảng ({left_on:%d/%m/%Y})."
        )
    if grade and grade not in RANK:
        problems["grade"] = "Mức xếp loại không hợp lệ."
    elif grade and exemption:
        problems["exemption"] = "Đã có mức xếp loại thì không ghi lý do không xếp loại."
    elif not grade and not exemption:
        problems["grade"] = "Cần ghi mức xếp loại hoặc lý do không xếp loại."
    elif grade and cap and RANK[grade] > RANK[cap]:
        problems["grade"] = (
            f"Bị kỷ luật trong năm {year}: tối đa {GRADE_SHORT[cap]}, không thể "
            f"{GRADE_SHORT[grade]}."
        )
    return problems


def imported_year_root(
    member_path: str, root_path: str, taken: Iterable[str], steplen: int = 4
) -> str | None:
    """Where to open the record of a past year for a member none covers: the highest org
    between `root_path` and the member's org whose subtree holds no review of that year yet
    (`taken`: paths of the year's reviews under the root), so review years never overlap.
    None when the member is not under the root or their own org is taken."""
    if not member_path.startswith(root_path):
        return None
    taken = tuple(taken)
    for end in range(len(root_path), len(member_path) + 1, steplen):
        candidate = member_path[:end]
        if not any(path.startswith(candidate) for path in taken):
            return candidate
    return None


def past_org_result_problems(
    *,
    year: int,
    grade: str,
    classified: bool,
    founded_on: date | None,
    dissolved_on: date | None,
    today: date,
) -> dict[str, str]:
    """What is wrong with one org's result of a past year, by field (organization, year,
    grade): only cells and grassroots orgs are classified; the year lies between the org's
    founding and dissolution and is not in the future; a grade is required."""
    problems: dict[str, str] = {}
    if not classified:
        problems["organization"] = (
            "Chỉ chi bộ và tổ chức cơ sở đảng được xếp loại chất lượng hằng năm."
        )
    if year > today.year:
        problems["year"] = f"Năm {year} chưa kết thúc (sau năm {today.year})."
    elif year < FIRST_YEAR:
        problems["year"] = f"Năm {year} không hợp lệ."
    elif founded_on is not None and year < founded_on.year:
        problems["year"] = f"Năm {year} trước khi tổ chức được thành lập ({founded_on:%d/%m/%Y})."
    elif dissolved_on is not None and year > dissolved_on.year:
        problems["year"] = f"Năm {year} sau khi tổ chức đã giải thể ({dissolved_on:%d/%m/%Y})."
    if not grade:
        problems["grade"] = "Cần ghi mức xếp loại."
    elif grade not in RANK:
        problems["grade"] = "Mức xếp loại không hợp lệ."
    return problems
