"""Pure rules about members (DOMAIN.md "Members"): ages, party age, ID numbers, transitions."""

import re
from calendar import monthrange
from collections.abc import Iterable, Mapping
from datetime import date
from typing import NamedTuple

from dangbo.members.choices import AGE_BANDS, LEFT_STATUSES, Status

ID_NUMBER = re.compile(r"^\d{12}$")


def months_between(start: date, end: date) -> int:
    """Whole months from start to end (negative if end is before start)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return months


def add_months(start: date, months: int) -> date:
    """The same day `months` later (clamped to the month's last day)."""
    total = start.year * 12 + start.month - 1 + months
    year, month = divmod(total, 12)
    return date(year, month + 1, min(start.day, monthrange(year, month + 1)[1]))


def validity_end(issued_on: date, months: int) -> date:
    """The last day of a paper valid for `months` from `issued_on`: the day before the same date
    `months` on (a certificate of 10/03/2020 valid 60 months holds through 09/03/2025). The one
    reading of "valid N months" for the admissions check and the training register alike."""
    return date.fromordinal(add_months(issued_on, months).toordinal() - 1)


def age_in_years(birth_date: date, on: date) -> int:
    return months_between(birth_date, on) // 12


def age_band(birth_date: date, on: date) -> str:
    age = age_in_years(birth_date, on)
    for code, _label, low, high in AGE_BANDS:
        if low <= age <= high:
            return code
    return AGE_BANDS[0][0]


def gap_days(gaps: Iterable[tuple[date, date | None]], on: date) -> int:
    """Days of membership gaps [start, end) that fall before `on` (an open gap runs to `on`)."""
    total = 0
    for start, end in gaps:
        stop = min(end or on, on)
        if stop > start:
            total += (stop - start).days
    return total


def party_age_days(admitted_on: date, gaps: Iterable[tuple[date, date | None]], on: date) -> int:
    """Party age in days: from the admission decision to `on`, minus the gaps."""
    if on <= admitted_on:
        return 0
    return (on - admitted_on).days - gap_days(gaps, on)


def party_age(admitted_on: date, gaps: Iterable[tuple[date, date | None]], on: date):
    """Party age as (years, months): whole months counted from admission, gaps taken out."""
    gaps = list(gaps)
    total_months = months_between(admitted_on, on) if on > admitted_on else 0
    gap_months = sum(
        months_between(start, min(end or on, on))
        for start, end in gaps
        if min(end or on, on) > start
    )
    months = max(total_months - gap_months, 0)
    return months // 12, months % 12


def validate_id_number(value: str | None) -> str | None:
    """Return the Vietnamese problem with an ID number, or None when it is well-formed."""
    if value in (None, ""):
        return None
    if not ID_NUMBER.match(value):
        return "Số định danh cá nhân phải gồm đúng 12 chữ số."
    return None


ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PROBATIONARY: frozenset({Status.OFFICIAL, *LEFT_STATUSES}),
    Status.OFFICIAL: frozenset(LEFT_STATUSES),
}


def transition_problem(current: str, new: str) -> str | None:
    """None if the status change is allowed, else a Vietnamese reason."""
    if new in ALLOWED_TRANSITIONS.get(current, frozenset()):
        return None
    labels = dict(Status.choices)
    return (
        f"Không thể chuyển trạng thái từ «{labels.get(current, current)}» "
        f"sang «{labels.get(new, new)}»."
    )


def date_order_problems(
    birth_date: date | None,
    admitted_on: date | None,
    ceremony_on: date | None,
    official_on: date | None,
    today: date,
) -> dict[str, str]:
    """Impossible dates in a member's record, keyed by field."""
    problems: dict[str, str] = {}
    if birth_date and birth_date > today:
        problems["birth_date"] = "Ngày sinh không được sau ngày hôm nay."
    if admitted_on and admitted_on > today:
        problems["admitted_on"] = "Ngày vào Đảng không được sau ngày hôm nay."
    if birth_date and admitted_on and age_in_years(birth_date, admitted_on) < 18:
        problems["admitted_on"] = "Ngày vào Đảng phải khi đã đủ 18 tuổi."
    if ceremony_on and admitted_on and ceremony_on < admitted_on:
        problems["ceremony_on"] = "Ngày lễ kết nạp không được trước ngày quyết định kết nạp."
    if official_on and admitted_on and official_on < admitted_on:
        problems["official_on"] = "Ngày chính thức không được trước ngày vào Đảng."
    if official_on and official_on > today:
        problems["official_on"] = "Ngày chính thức không được sau ngày hôm nay."
    return problems


# Discipline effects (DOMAIN.md): badge delay by form, in months; the grade cap in the year.
DISCIPLINE_BADGE_DELAY_MONTHS = {"reprimand": 6, "warning": 9, "dismissal": 12, "expulsion": 12}
PROBATIONARY_DISCIPLINE_FORMS = frozenset({"reprimand", "warning"})


def discipline_form_problem(member_status: str, form: str) -> str | None:
    """A probationary member may only be reprimanded or warned."""
    if member_status == Status.PROBATIONARY and form not in PROBATIONARY_DISCIPLINE_FORMS:
        return "Đảng viên dự bị chỉ có thể bị khiển trách hoặc cảnh cáo."
    return None


# Who may impose which form (Điều lệ Đảng, Điều 36; Quy định 22-QĐ/TW 2021, Điều 9–10): a
# cell reprimands or warns its members; a grassroots committee also dismisses from posts (and
# expels only where it is empowered to admit — a province adds it per subtree); the committees
# above decide every form for the members and orgs under them. An org is disciplined by a
# committee above it. Dated rule parameter (by org type code), tunable per subtree.
DISCIPLINE_AUTHORITY_KEY = "members.discipline_authority"
_ALL_MEMBER_FORMS = ["reprimand", "warning", "dismissal", "expulsion"]
_ALL_ORG_FORMS = ["reprimand", "warning", "dissolution"]
DEFAULT_DISCIPLINE_AUTHORITY = {
    "member": {
        "cell": ["reprimand", "warning"],
        "grassroots_cell": ["reprimand", "warning"],
        "sub_committee": [],
        "grassroots_committee": ["reprimand", "warning", "dismissal"],
        "superior": _ALL_MEMBER_FORMS,
        "province": _ALL_MEMBER_FORMS,
        "central": _ALL_MEMBER_FORMS,
    },
    "org": {
        "grassroots_committee": ["reprimand", "warning"],
        "superior": _ALL_ORG_FORMS,
        "province": _ALL_ORG_FORMS,
        "central": _ALL_ORG_FORMS,
    },
}


def discipline_authority_problem(
    *,
    target: str,
    form: str,
    authority_type: str,
    authority_name: str,
    over_target: bool,
    table: Mapping = DEFAULT_DISCIPLINE_AUTHORITY,
) -> str | None:
    """Why the org `authority_name` (of type `authority_type`) may not impose `form` on the
    `target` ("member" or "org"), or None. `over_target`: the authority is the member's org or
    above it (for an org: strictly above it) on the decision day."""
    whom = "đảng viên" if target == "member" else "tổ chức đảng"
    if not over_target:
        return f"{authority_name} không phải cấp có thẩm quyền đối với {whom} này."
    if form not in table.get(target, {}).get(authority_type, []):
        return f"{authority_name} không có thẩm quyền quyết định hình thức kỷ luật này với {whom}."
    return None


def badge_delay_months(forms_in_force: Iterable[str]) -> int:
    """The longest badge delay among the discipline decisions in force."""
    return max((DISCIPLINE_BADGE_DELAY_MONTHS.get(f, 0) for f in forms_in_force), default=0)


LEAVING_STATUSES = (Status.DELETED, Status.EXPELLED, Status.RESIGNED, Status.DECEASED)
READMITTABLE_STATUSES = frozenset({Status.DELETED, Status.EXPELLED, Status.RESIGNED})


def readmission_problem(
    status: str,
    left_on: date,
    on: date,
    *,
    readmitted_before: bool,
    barred: bool,
    min_months: int = 36,
) -> str | None:
    """Re-admission: once only, at least `min_months` after leaving, never when barred."""
    if status not in READMITTABLE_STATUSES:
        return "Chỉ kết nạp lại người đã bị xóa tên, khai trừ hoặc xin ra Đảng."
    if barred:
        return "Người bị khai trừ vì vi phạm nghiêm trọng không được kết nạp lại."
    if readmitted_before:
        return "Chỉ được kết nạp lại một lần."
    months = months_between(left_on, on)
    if months < min_months:
        return (
            f"Chỉ kết nạp lại sau ít nhất {min_months} tháng kể từ ngày ra khỏi Đảng "
            f"({left_on:%d/%m/%Y}); mới {max(months, 0)} tháng."
        )
    return None


def discipline_forms_in_force(
    decisions: Iterable[tuple[str, date, date | None]], on: date
) -> list[str]:
    """Forms of the (form, decided_on, annulled_on) decisions in force on `on` (not annulled)."""
    return [
        form
        for form, decided_on, annulled_on in decisions
        if decided_on <= on and (annulled_on is None or annulled_on > on)
    ]


# Member grades of the annual review, lowest first: the codes reviews stores. They live here
# because the discipline cap below is read by reviews (applies it) and by inspections (shows
# its effect on a decision), which may not import each other.
GRADE_NOT_COMPLETED = "kht"
GRADE_COMPLETED = "ht"
GRADE_GOOD = "htt"
GRADE_EXCELLENT = "htxs"
GRADES = (GRADE_NOT_COMPLETED, GRADE_COMPLETED, GRADE_GOOD, GRADE_EXCELLENT)
GRADE_LABELS = {
    GRADE_EXCELLENT: "Hoàn thành xuất sắc nhiệm vụ",
    GRADE_GOOD: "Hoàn thành tốt nhiệm vụ",
    GRADE_COMPLETED: "Hoàn thành nhiệm vụ",
    GRADE_NOT_COMPLETED: "Không hoàn thành nhiệm vụ",
}

# The cap a discipline decided in the review year puts on the member's grade: dated data, the
# RuleParameter below (the key keeps its first name: configured rows use it), by form.
# Quy định 124-QĐ/TW (04/10/2023), Điều 12 khoản 4 điểm 4.3 d: an individual "bị xử lý kỷ
# luật trong năm đánh giá" is rated "Không hoàn thành nhiệm vụ" (save a violation found and
# remedied by the member themself — the committee's judgement, not data here); so was it
# under Quy định 132-QĐ/TW (2018), one violation counted once. Every form caps at KHTNV.
DISCIPLINE_GRADE_CAPS_KEY = "reviews.discipline_caps"
DEFAULT_DISCIPLINE_GRADE_CAPS = {
    "reprimand": GRADE_NOT_COMPLETED,
    "warning": GRADE_NOT_COMPLETED,
    "dismissal": GRADE_NOT_COMPLETED,
    "expulsion": GRADE_NOT_COMPLETED,
}


def lower_grade(grade: str, cap: str | None) -> str:
    """The lower of a grade and a cap (None: no cap)."""
    if cap is None:
        return grade
    return min(grade, cap, key=GRADES.index)


def discipline_grade_cap(
    forms_in_year: Iterable[str], caps: Mapping[str, str] = DEFAULT_DISCIPLINE_GRADE_CAPS
) -> str | None:
    """The best grade a member may get in a year with these discipline forms (None: no cap);
    several decisions: the lowest of their caps."""
    cap = None
    for form in forms_in_year:
        limit = caps.get(form)
        if limit is not None:
            cap = lower_grade(limit, cap)
    return cap


# ---------------------------------------------------------------- past history (imports)


class PastPeriod(NamedTuple):
    """One period of a member's placement history as a sheet states it: `row` (its number),
    [valid_from, valid_to) with valid_to None for the current cell, `in_tree` False for time
    spent outside the system (no org), `current` True when the org is the member's cell now."""

    row: int
    valid_from: date
    valid_to: date | None
    in_tree: bool = True
    current: bool = False


def _d(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def placement_history_problems(
    periods: Iterable[PastPeriod], admitted_on: date, today: date
) -> dict[int, list[tuple[str, str]]]:
    """Why a member's stated placement history cannot stand, by row: (field, message) pairs.

    The periods, sorted by start, must each end after they start, lie between the admission
    decision and today, and not overlap; gaps between them are time outside the tree. At most
    one period is open (no end): the member's current cell, which then runs to today, so it
    must come last. Empty: the history is consistent."""
    problems: dict[int, list[tuple[str, str]]] = {}

    def add(row: int, field: str, message: str) -> None:
        problems.setdefault(row, []).append((field, message))

    ordered = sorted(periods, key=lambda p: (p.valid_from, p.row))
    open_rows = [p.row for p in ordered if p.valid_to is None]
    for period in ordered:
        start, end = period.valid_from, period.valid_to
        if start < admitted_on:
            add(period.row, "valid_from", f"«Từ ngày» trước ngày vào Đảng ({_d(admitted_on)}).")
        if start > today:
            add(period.row, "valid_from", "«Từ ngày» không được sau ngày hôm nay.")
        if end is None:
            if not period.in_tree or not period.current:
                add(
                    period.row,
                    "valid_to",
                    "Cần ghi «Đến ngày»: chỉ nơi sinh hoạt hiện tại của đảng viên (chi bộ "
                    "đang sinh hoạt) được để trống «Đến ngày».",
                )
            elif period.row != open_rows[0]:
                add(
                    period.row,
                    "valid_to",
                    f"Nơi sinh hoạt hiện tại đã ghi ở dòng {open_rows[0]}; dòng này cần ghi "
                    "«Đến ngày».",
                )
            continue
        if end <= start:
            add(period.row, "valid_to", "«Đến ngày» phải sau «Từ ngày».")
        if end > today:
            add(period.row, "valid_to", "«Đến ngày» không được sau ngày hôm nay.")
    reach: PastPeriod | None = None  # the period reaching furthest so far
    for period in ordered:
        if reach is not None and (reach.valid_to is None or period.valid_from < reach.valid_to):
            until = _d(reach.valid_to) if reach.valid_to else "nay"
            add(
                period.row,
                "valid_from",
                f"Trùng thời gian với dòng {reach.row} ({_d(reach.valid_from)} – {until}).",
            )
        if reach is None or _ends_later(period, reach):
            reach = period
    return problems


def _ends_later(period: PastPeriod, other: PastPeriod) -> bool:
    if other.valid_to is None:
        return False
    return period.valid_to is None or period.valid_to > other.valid_to


def arrival_date(periods: Iterable[PastPeriod], admitted_on: date) -> date:
    """When the member's current placement starts, given a consistent history: the start of
    the open period if the sheet states one, else the end of the latest closed period (a gap
    before it is time outside the tree), else the admission decision."""
    periods = list(periods)
    for period in periods:
        if period.valid_to is None:
            return period.valid_from
    return max((p.valid_to for p in periods), default=admitted_on)


class StatusStep(NamedTuple):
    """A dated change of status as a sheet states it (official recognition or leaving)."""

    row: int
    status: str
    on: date
    decision_number: str = ""


def status_history_problems(
    status: str, since: date, steps: Iterable[StatusStep], today: date
) -> tuple[dict[int, list[tuple[str, str]]], str, date]:
    """The steps applied in date order from the member's `status` held `since`, as
    members.services.change_status would take them one by one: each allowed from the status
    reached (transition_problem), dated from the day that status began and not after today,
    with its decision number. A refused step is not applied. Re-admission (back to
    probationary) is refused: it has its own screen and rules.

    Returns (problems by row, the status reached, since when)."""
    problems: dict[int, list[tuple[str, str]]] = {}
    labels = dict(Status.choices)
    for step in sorted(steps, key=lambda s: (s.on, s.row)):
        found: list[tuple[str, str]] = []
        if step.status == Status.PROBATIONARY:
            found.append(
                (
                    "status",
                    "Kết nạp lại (trở lại dự bị) không nhập bằng tệp: dùng chức năng «Kết nạp "
                    "lại» trên hồ sơ đảng viên.",
                )
            )
        elif step.status == status:
            found.append(
                (
                    "status",
                    f"Đảng viên đã ở trạng thái «{labels.get(status, status)}» từ {_d(since)}.",
                )
            )
        else:
            problem = transition_problem(status, step.status)
            if problem:
                found.append(("status", problem))
        if step.on > today:
            found.append(("valid_from", "Ngày hiệu lực không được sau ngày hôm nay."))
        if step.on < since:
            found.append(
                (
                    "valid_from",
                    f"Ngày hiệu lực phải từ {_d(since)} trở đi (trạng thái "
                    f"«{labels.get(status, status)}» từ ngày đó).",
                )
            )
        if not (step.decision_number or "").strip():
            found.append(("decision_number", "Cần nhập số quyết định."))
        if found:
            problems[step.row] = found
        else:
            status, since = step.status, step.on
    return problems, status, since
