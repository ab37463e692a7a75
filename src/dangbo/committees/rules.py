"""Pure rules for committees and cadres: elections, terms and congress schedule, planning
conditions and composition targets, comment deadlines. No database access: the dated
parameters (core.RuleParameter) are read by the services and passed in."""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

# Parameters (key → default when no RuleParameter row is in force).
DEFAULTS = {
    # Quy chế bầu cử trong Đảng: elected with more than half of the valid ballots.
    "committees.election_threshold": "1/2",
    "committees.term_years": 5,
    # A congress is "due" this many months before its term ends.
    "committees.congress_warning_months": 6,
    # Days a residence cell / committee has to answer a comment request.
    "committees.comment_days": 15,
    # Cadre planning (Quy định 50-QĐ/TW, 2021; configurable per province).
    "cadres.candidates_per_post": {"min": 2, "max": 4},
    "cadres.max_posts_per_person": 3,
    "cadres.retirement_age": {"M": 62, "F": 60},
    "cadres.min_service_years": 5,
    "cadres.min_theory_level": "intermediate",
    "cadres.young_max_age": 40,
    "cadres.targets": {"women": 0.25, "young": 0.15, "ethnic_minority": 0.0},
}

THEORY_ORDER = ["none", "elementary", "intermediate", "advanced", "bachelor"]
MAJORITY_ETHNICITY = "Kinh"
NOT_COMPLETED = "kht"  # the annual review's grade "không hoàn thành nhiệm vụ"


def parse_fraction(text: str) -> Fraction:
    """'1/2' → Fraction(1, 2); '2/3' → Fraction(2, 3)."""
    return Fraction(str(text).strip())


def percent(votes: int, voters: int) -> float:
    """Share of the valid ballots in %, two decimals; 0 when nobody voted."""
    return round(100 * votes / voters, 2) if voters else 0.0


def passes(votes: int, voters: int, threshold: Fraction) -> bool:
    """More than `threshold` of the valid ballots (strictly: exactly half is not enough)."""
    return voters > 0 and Fraction(votes, voters) > threshold


def elect(candidates: list[tuple[int, int]], voters: int, seats: int, threshold: Fraction):
    """Who is elected: (key, votes) pairs → set of keys.

    Those passing the threshold, by votes, up to `seats`. When candidates tied at the last
    seat would exceed it, none of the tied is elected (the congress votes again for them).
    """
    if seats <= 0:
        return set()
    passing = sorted(
        (c for c in candidates if passes(c[1], voters, threshold)), key=lambda c: -c[1]
    )
    if len(passing) <= seats:
        return {key for key, _ in passing}
    cutoff = passing[seats - 1][1]
    above = {key for key, votes in passing if votes > cutoff}
    tied = {key for key, votes in passing if votes == cutoff}
    return above | tied if len(above) + len(tied) <= seats else above


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def term_end(starts_on: date, years: int) -> date:
    return add_years(starts_on, years)


TERM_YEARS_IN_NAME = re.compile(r"((?:19|20)\d\d)\s*[-–—]\s*((?:19|20)\d\d)")


def term_name_problem(name: str, starts_on: date, ends_on: date) -> str | None:
    """A term named with its years («2025–2030») must match its dates: the congress is held in
    the first year (or late in the year before) and the term ends in the last year (or the year
    before, when the next congress comes early). Names without years are not checked."""
    found = TERM_YEARS_IN_NAME.search(name or "")
    if found is None:
        return None
    first, last = int(found.group(1)), int(found.group(2))
    if last <= first:
        return f"Tên nhiệm kỳ «{name}»: năm cuối phải sau năm đầu."
    if not first - 1 <= starts_on.year <= first:
        return (
            f"Đại hội ngày {starts_on:%d/%m/%Y} không mở nhiệm kỳ «{name}» "
            f"(nhiệm kỳ này bắt đầu năm {first})."
        )
    if not last - 1 <= ends_on.year <= last:
        return (
            f"Nhiệm kỳ «{name}» kết thúc năm {last}, không phải {ends_on:%d/%m/%Y}: "
            "nhập ngày kết thúc nhiệm kỳ."
        )
    return None


def congress_status(term_ends_on: date | None, today: date, warning_months: int) -> str:
    """'late' once the term has ended without a new congress, 'due' within `warning_months`
    of its end, else 'ok'; 'none' when the org has no term at all."""
    if term_ends_on is None:
        return "none"
    if today >= term_ends_on:
        return "late"
    if today >= add_months(term_ends_on, -warning_months):
        return "due"
    return "ok"


STATUS_LABELS = {
    "late": "Quá hạn đại hội",
    "due": "Sắp đến hạn đại hội",
    "ok": "Trong nhiệm kỳ",
    "none": "Chưa có nhiệm kỳ",
}


def age_on(birth_date: date, on: date) -> int:
    """Age in whole years on a date."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


@dataclass(frozen=True)
class PlanningParams:
    retirement_age: dict
    min_service_years: int
    min_theory_level: str
    candidates_per_post: dict
    max_posts_per_person: int
    young_max_age: int
    targets: dict

    @classmethod
    def from_values(cls, values: dict) -> "PlanningParams":
        def get(key):
            return values.get(key, DEFAULTS[key])

        return cls(
            retirement_age=get("cadres.retirement_age"),
            min_service_years=int(get("cadres.min_service_years")),
            min_theory_level=get("cadres.min_theory_level"),
            candidates_per_post=get("cadres.candidates_per_post"),
            max_posts_per_person=int(get("cadres.max_posts_per_person")),
            young_max_age=int(get("cadres.young_max_age")),
            targets=get("cadres.targets"),
        )


@dataclass(frozen=True)
class Profile:
    """What planning rules need to know about a candidate."""

    gender: str
    birth_date: date
    ethnicity: str = MAJORITY_ETHNICITY
    theory_level: str = "none"
    active: bool = True
    disciplined: bool = False
    grade: str | None = None  # last classification (reviews' codes: "kht" = not completed)


def age_ok(profile: Profile, term_start: date, params: PlanningParams) -> bool:
    """Old enough to still serve `min_service_years` before retirement, counted from the
    start of the planned term."""
    retirement = int(params.retirement_age.get(profile.gender, 60))
    return age_on(profile.birth_date, term_start) + params.min_service_years <= retirement


def theory_ok(level: str, minimum: str) -> bool:
    order = {name: n for n, name in enumerate(THEORY_ORDER)}
    return order.get(level or "none", 0) >= order.get(minimum, 0)


def is_young(profile: Profile, term_start: date, params: PlanningParams) -> bool:
    return age_on(profile.birth_date, term_start) <= params.young_max_age


def is_minority(profile: Profile) -> bool:
    return bool(profile.ethnicity) and profile.ethnicity != MAJORITY_ETHNICITY


def candidate_warnings(profile: Profile, term_start: date, params: PlanningParams) -> list[str]:
    """Conditions a planned candidate no longer (or never) meets, in Vietnamese."""
    warnings = []
    if not profile.active:
        warnings.append("Không còn sinh hoạt đảng (đã ra khỏi Đảng hoặc chuyển đi).")
    if not age_ok(profile, term_start, params):
        warnings.append(
            f"Quá tuổi quy hoạch: {age_on(profile.birth_date, term_start)} tuổi khi bắt đầu "
            f"nhiệm kỳ, không đủ {params.min_service_years} năm công tác."
        )
    if not theory_ok(profile.theory_level, params.min_theory_level):
        warnings.append("Chưa đạt trình độ lý luận chính trị yêu cầu.")
    if profile.disciplined:
        warnings.append("Bị kỷ luật trong thời gian quy hoạch.")
    if profile.grade == NOT_COMPLETED:
        warnings.append("Xếp loại không hoàn thành nhiệm vụ.")
    return warnings


def post_count_warning(count: int, params: PlanningParams) -> str | None:
    low, high = params.candidates_per_post.get("min", 0), params.candidates_per_post.get("max")
    if high is not None and count > high:
        return f"Vượt số người tối đa cho một chức danh ({count}/{high})."
    if count < low:
        return f"Chưa đủ số người tối thiểu cho một chức danh ({count}/{low})."
    return None


def posts_per_person_ok(count: int, params: PlanningParams) -> bool:
    return count <= params.max_posts_per_person


def composition(profiles: list[Profile], term_start: date, params: PlanningParams) -> dict:
    """Counts and shares of women, young and ethnic-minority cadres, with the targets."""
    total = len(profiles)
    counts = {
        "women": sum(p.gender == "F" for p in profiles),
        "young": sum(is_young(p, term_start, params) for p in profiles),
        "ethnic_minority": sum(is_minority(p) for p in profiles),
    }
    result = {}
    for key, count in counts.items():
        share = count / total if total else 0.0
        target = float(params.targets.get(key, 0))
        result[key] = {
            "count": count,
            "share": round(100 * share, 1),
            "target": round(100 * target, 1),
            "met": share >= target,
        }
    result["total"] = total
    return result


def comment_due(requested_on: date, days: int) -> date:
    return requested_on + timedelta(days=days)


def is_overdue(due_on: date, responded_on: date | None, today: date) -> bool:
    return responded_on is None and today > due_on
