"""Use cases of the annual review. Each is one transaction: validate → write → record the step."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import connections, router, transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from dangbo.core import hooks
from dangbo.core.accounts import actor as _actor
from dangbo.core.errors import DomainError
from dangbo.core.models import RuleParameter
from dangbo.core.permissions import has_permission, reachable_paths
from dangbo.core.text import clean_spaces
from dangbo.members import rules as member_rules
from dangbo.members import services as member_services
from dangbo.members.choices import ACTIVE_STATUSES
from dangbo.members.models import Discipline, Member
from dangbo.organizations.models import Organization
from dangbo.reviews import rules
from dangbo.reviews.models import (
    Absence,
    Confirmation,
    CriteriaSet,
    Grade,
    MemberReview,
    OrgReview,
    ReviewStep,
    ReviewYear,
)


def _label(grade: str) -> str:
    return rules.GRADE_SHORT.get(grade, grade)


# --- dated parameters -------------------------------------------------------------------------


def grade_rules(review_year: ReviewYear) -> rules.GradeRules:
    on, path = review_year.reference_date, review_year.organization.path
    values = {
        name: RuleParameter.value_on(
            f"reviews.{name}", on, path, getattr(rules.DEFAULT_RULES, name)
        )
        for name in ("excellent_min", "good_min", "completed_min", "excellent_exceed_percent")
    }
    return rules.GradeRules(**{k: Decimal(str(v)) for k, v in values.items()})


def discipline_caps(review_year: ReviewYear) -> dict:
    """The discipline cap table (owned by members, shown by inspections) on the review day."""
    return member_services.discipline_grade_caps(
        review_year.reference_date, review_year.organization.path
    )


def commitment_min_percent(review_year: ReviewYear) -> Decimal:
    return Decimal(
        str(
            RuleParameter.value_on(
                "reviews.commitment_min_percent",
                review_year.reference_date,
                review_year.organization.path,
                rules.DEFAULT_COMMITMENT_MIN_PERCENT,
            )
        )
    )


def commitment_results(review_year: ReviewYear, member_ids) -> dict[int, tuple[int, int]]:
    """(achieved, items) of the members' evaluated commitments of the year, from programmes."""
    member_ids = list(member_ids)
    if not member_ids:
        return {}
    return hooks.call("programmes.commitment_results", member_ids, review_year.year) or {}


def commitment_effect(review: MemberReview, min_percent) -> rules.CommitmentEffect:
    return rules.commitment_effect(review.commitment_achieved, review.commitment_items, min_percent)


def quota_percent(review_year: ReviewYear, org: Organization, outstanding: bool) -> Decimal:
    key = "reviews.quota_percent_outstanding" if outstanding else "reviews.quota_percent"
    default = (
        rules.DEFAULT_QUOTA_PERCENT_OUTSTANDING if outstanding else rules.DEFAULT_QUOTA_PERCENT
    )
    return Decimal(str(RuleParameter.value_on(key, review_year.reference_date, org.path, default)))


def _open_year_or_fail(review_year: ReviewYear) -> None:
    if not review_year.is_open:
        raise DomainError(
            f"Đợt đánh giá năm {review_year.year} đã kết thúc; mọi điều chỉnh phải là "
            "quyết định điều chỉnh mới."
        )


def _step(
    review_year, kind, user, *, member_review=None, org_review=None, grade="", note="", **details
):
    return ReviewStep(
        review_year=review_year,
        member_review=member_review,
        org_review=org_review,
        kind=kind,
        grade=grade or "",
        note=note,
        details=details,
        decided_by=_actor(user),
        decided_at=timezone.now(),
    )


# --- opening a year ---------------------------------------------------------------------------


def classified_org(org: Organization) -> bool:
    """Cells and grassroots orgs are classified; higher committees are not (in this module)."""
    return org.org_type.holds_members or org.org_type.is_grassroots


def confirming_unit(org: Organization) -> bool:
    """A committee that decides member grades: a grassroots org or any org above cells."""
    return org.org_type.is_grassroots or not org.org_type.holds_members


def _absences_by_member(path: str) -> dict[int, list]:
    result: dict[int, list] = {}
    rows = Absence.objects.filter(member__org_path__startswith=path).values_list(
        "member_id", "kind", "valid_from", "valid_to"
    )
    for member_id, kind, start, end in rows:
        result.setdefault(member_id, []).append((kind, start, end))
    return result


def _caps_by_member(review_year: ReviewYear, path: str) -> dict[int, str]:
    """Discipline decided in the year (and not annulled) caps the grade (configurable)."""
    caps = discipline_caps(review_year)
    forms: dict[int, list[str]] = {}
    rows = Discipline.objects.filter(
        member__org_path__startswith=path, decided_on__year=review_year.year
    ).values_list("member_id", "form", "annulled_on")
    for member_id, form, annulled_on in rows:
        if annulled_on is None:
            forms.setdefault(member_id, []).append(form)
    return {m: member_rules.discipline_grade_cap(f, caps) or "" for m, f in forms.items()}


def _check_no_overlap(organization: Organization, year: int) -> None:
    """One review of a year per member: no open year above or below the org."""
    overlapping = ReviewYear.objects.filter(year=year).filter(
        Q(organization__path__startswith=organization.path)
        | Q(organization__path__in=_ancestor_paths(organization.path))
    )
    clash = overlapping.select_related("organization").first()
    if clash:
        raise DomainError(
            f"Năm {year} đã có đợt đánh giá của «{clash.organization.name}» trùng phạm vi.",
            "year",
        )


def _criteria_in_force(reference_date: date):
    """The member and org criteria sets in force on the reference date, both sound."""
    member_set = CriteriaSet.in_force(CriteriaSet.Subject.MEMBER, reference_date)
    org_set = CriteriaSet.in_force(CriteriaSet.Subject.ORG, reference_date)
    if member_set is None or org_set is None:
        raise DomainError("Chưa có bộ tiêu chí đánh giá có hiệu lực cho năm này.", "year")
    for criteria_set in (member_set, org_set):
        problem = rules.criteria_problem(criteria_set.as_rules())
        if problem:
            raise DomainError(f"«{criteria_set.name}»: {problem}", "year")
    return member_set, org_set


@transaction.atomic
def open_year(
    *, organization: Organization, year: int, user=None, reference_date: date | None = None
) -> ReviewYear:
    """Open the review of `year` on a subtree: list every active member, exempt or not."""
    reference_date = reference_date or date(year, 12, 1)
    if reference_date.year != year:
        raise DomainError("Ngày đánh giá phải thuộc năm đánh giá.", "reference_date")
    if not organization.is_active:
        raise DomainError(f"Tổ chức «{organization.name}» đã giải thể.", "organization")
    _check_no_overlap(organization, year)
    member_set, org_set = _criteria_in_force(reference_date)
    review_year = ReviewYear.objects.create(
        organization=organization,
        year=year,
        reference_date=reference_date,
        member_criteria=member_set,
        org_criteria=org_set,
        opened_by=_actor(user),
    )
    orgs = list(
        Organization.objects.filter(path__startswith=organization.path, is_active=True)
        .select_related("org_type")
        .order_by("path")
    )
    OrgReview.objects.bulk_create(
        OrgReview(review_year=review_year, organization=org, is_classified=classified_org(org))
        for org in orgs
    )
    members = list(
        Member.objects.filter(
            org_path__startswith=organization.path, status__in=ACTIVE_STATUSES
        ).values_list("id", "organization_id", "admitted_on")
    )
    absences = _absences_by_member(organization.path)
    caps = _caps_by_member(review_year, organization.path)
    min_months = RuleParameter.value_on(
        "reviews.min_months_since_admission",
        reference_date,
        organization.path,
        rules.DEFAULT_MIN_MONTHS_SINCE_ADMISSION,
    )
    MemberReview.objects.bulk_create(
        (
            MemberReview(
                review_year=review_year,
                member_id=member_id,
                organization_id=org_id,
                exemption=rules.exemption_reason(
                    admitted_on, reference_date, absences.get(member_id, ()), min_months
                )
                or "",
                discipline_cap=caps.get(member_id, ""),
            )
            for member_id, org_id, admitted_on in members
        ),
        batch_size=2000,
    )
    tally_members(review_year)
    _step(
        review_year,
        ReviewStep.Kind.OPENED,
        user,
        note=f"{len(members)} đảng viên, {len(orgs)} tổ chức",
    ).save()
    return review_year


def _ancestor_paths(path: str) -> list[str]:
    step = Organization.steplen
    return [path[:i] for i in range(step, len(path), step)]


def _require(user, permission: str, path: str) -> None:
    """Services called from screens/API check reach again (callers without a user are
    trusted: seeds, other services)."""
    if user is not None and not has_permission(user, permission, path):
        raise PermissionDenied


def _resync_exemption(member: Member) -> int:
    """Re-derive the exemption of the member's reviews in open years not yet decided by a
    committee, after an absence changed. Returns how many reviews changed."""
    absences = [(a.kind, a.valid_from, a.valid_to) for a in Absence.objects.filter(member=member)]
    changed = 0
    reviews = MemberReview.objects.select_for_update().filter(
        member=member, review_year__state=ReviewYear.State.OPEN, committee_grade=""
    )
    for review in reviews.select_related("review_year__organization"):
        min_months = RuleParameter.value_on(
            "reviews.min_months_since_admission",
            review.review_year.reference_date,
            review.review_year.organization.path,
            rules.DEFAULT_MIN_MONTHS_SINCE_ADMISSION,
        )
        exemption = (
            rules.exemption_reason(
                member.admitted_on, review.review_year.reference_date, absences, min_months
            )
            or ""
        )
        if exemption != review.exemption:
            review.exemption = exemption
            review.save(update_fields=["exemption", "updated_at"])
            tally_members(review.review_year, [review.organization_id])
            changed += 1
    return changed


@transaction.atomic
def record_absence(
    *,
    member: Member,
    kind: str,
    valid_from: date,
    valid_to=None,
    decision_number="",
    note="",
    user=None,
) -> Absence:
    """A period of excuse from activity or of suspension (a dated decision with its reason).
    Open review years not yet decided pick up the exemption it gives."""
    _require(user, "reviews.change", member.org_path)
    if kind not in dict(Absence.Kind.choices):
        raise DomainError("Loại miễn/đình chỉ sinh hoạt không hợp lệ.", "kind")
    if valid_from is None:
        raise DomainError("Cần nhập ngày bắt đầu.", "valid_from")
    if valid_to is not None and valid_to <= valid_from:
        raise DomainError("Ngày kết thúc phải sau ngày bắt đầu.", "valid_to")
    if member.status not in ACTIVE_STATUSES:
        raise DomainError("Đảng viên không còn sinh hoạt đảng.", "member")
    note = clean_spaces(note)
    if not note:
        raise DomainError("Cần nêu lý do miễn/đình chỉ sinh hoạt.", "note")
    clash = (
        Absence.objects.filter(member=member, kind=kind)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=valid_from))
        .filter(valid_from__lt=valid_to)
        if valid_to is not None
        else Absence.objects.filter(member=member, kind=kind).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=valid_from)
        )
    ).first()
    if clash is not None:
        raise DomainError(
            f"Trùng với thời gian đã ghi: {clash.get_kind_display().lower()} "
            f"từ {clash.valid_from:%d/%m/%Y}.",
            "valid_from",
        )
    absence = Absence.objects.create(
        member=member,
        kind=kind,
        valid_from=valid_from,
        valid_to=valid_to,
        decision_number=clean_spaces(decision_number)[:60],
        note=note[:255],
    )
    _resync_exemption(member)
    return absence


@transaction.atomic
def end_absence(absence: Absence, *, valid_to: date, note: str = "", user=None) -> Absence:
    """End a running period on a date (the day activity resumes); the row is kept."""
    absence = Absence.objects.select_for_update().select_related("member").get(pk=absence.pk)
    _require(user, "reviews.change", absence.member.org_path)
    if absence.valid_to is not None:
        raise DomainError(
            f"Thời gian này đã kết thúc ngày {absence.valid_to:%d/%m/%Y}.", "valid_to"
        )
    if valid_to is None or valid_to <= absence.valid_from:
        raise DomainError("Ngày kết thúc phải sau ngày bắt đầu.", "valid_to")
    if valid_to > timezone.localdate():
        raise DomainError("Ngày kết thúc không được sau ngày hôm nay.", "valid_to")
    absence.valid_to = valid_to
    note = clean_spaces(note)
    if note:
        absence.note = f"{absence.note}; kết thúc: {note}"[:255]
    absence.save()
    _resync_exemption(absence.member)
    return absence


# --- member steps -----------------------------------------------------------------------------


@transaction.atomic
def self_assess(review: MemberReview, *, text: str, grade: str, user=None) -> MemberReview:
    review = (
        MemberReview.objects.select_for_update().select_related("review_year").get(pk=review.pk)
    )
    _open_year_or_fail(review.review_year)
    if review.is_exempt:
        raise DomainError("Đảng viên này thuộc diện không xếp loại.")
    text = (text or "").strip()
    if not text:
        raise DomainError("Cần nhập nội dung bản tự kiểm điểm.", "text")
    if grade not in rules.GRADES:
        raise DomainError("Mức tự xếp loại không hợp lệ.", "grade")
    review.self_assessment, review.self_grade, review.self_at = text, grade, timezone.now()
    review.save()
    _step(review.review_year, ReviewStep.Kind.SELF, user, member_review=review, grade=grade).save()
    return review


def _decimal(value, field_name: str, row: int | None) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).replace(",", "."))
    except InvalidOperation as exc:
        raise DomainError(f"{field_name}: «{value}» không phải là số.", row=row) from exc
    if not number.is_finite():
        raise DomainError(f"{field_name}: «{value}» không phải là số.", row=row)
    return number


@dataclass
class ScoreRow:
    """One member's line of the cell's entry form."""

    review_id: int
    scores: dict = field(default_factory=dict)
    all_tasks_done: bool = False
    exceed_percent: object = 0
    cell_grade: str = ""


def _score(
    obj,
    criteria,
    row: ScoreRow,
    number: int,
    params: rules.GradeRules,
    cap: str | None,
    commitment: rules.CommitmentEffect | None = None,
):
    """Validate one row's scores and fill the score fields of `obj`; returns the proposal.

    An evaluated responsibility commitment (`commitment`) can withdraw "every task done" and
    lower the cap (rules.commitment_effect)."""
    names = {code: name for code, name, _g, _m in criteria}
    values = {}
    for code, name, _group, _max in criteria:
        values[code] = _decimal(row.scores.get(code), name, number)
    missing = [names[c] for c, v in values.items() if v is None]
    if missing:
        raise DomainError(f"Chưa nhập điểm «{missing[0]}».", row=number)
    simple = [(code, group, maximum) for code, _n, group, maximum in criteria]
    problems = rules.score_problems(values, simple)
    if problems:
        code, message = next(iter(problems.items()))
        raise DomainError(f"«{names[code]}»: {message}.", row=number)
    exceed = _decimal(row.exceed_percent, "Tỷ lệ vượt mức", number) or Decimal(0)
    if exceed < 0 or exceed > 1000:
        raise DomainError("Tỷ lệ vượt mức phải từ 0 đến 1000%.", row=number)
    general, task = rules.split_total(values, simple)
    obj.scores = {code: str(v) for code, v in values.items()}
    obj.general_score, obj.task_score, obj.total_score = general, task, general + task
    all_done = bool(row.all_tasks_done)
    if commitment is not None:
        all_done = all_done and commitment.all_tasks_done
        if commitment.cap:
            cap = commitment.cap if cap is None else rules.lower(cap, commitment.cap)
    obj.all_tasks_done, obj.exceed_percent = all_done, exceed
    obj.proposed_grade = rules.grade_from_score(
        obj.total_score, obj.all_tasks_done, exceed, params, cap
    )
    return obj.proposed_grade


def _criteria(criteria_set: CriteriaSet):
    return [(c.code, c.name, c.group, c.max_points) for c in criteria_set.criteria.all()]


# What the cell's entry writes on a member's review.
CELL_ENTRY_FIELDS = [
    "scores",
    "general_score",
    "task_score",
    "total_score",
    "all_tasks_done",
    "exceed_percent",
    "proposed_grade",
    "commitment_achieved",
    "commitment_items",
    "cell_grade",
    "scored_by",
    "scored_at",
    "cell_by",
    "cell_at",
    "updated_at",
]


def _check_cell_may_enter(review: MemberReview, number: int) -> None:
    """The cell scores only members it classifies and the committee has not decided yet."""
    if review.is_exempt:
        raise DomainError(
            f"{review.member.full_name} thuộc diện không xếp loại "
            f"({review.get_exemption_display().lower()}).",
            row=number,
        )
    if review.committee_grade:
        raise DomainError(
            f"{review.member.full_name} đã được cấp ủy quyết định; không sửa ở chi bộ.",
            row=number,
        )


def _cell_entry(review: MemberReview) -> tuple:
    """The values a cell's entry decides, to tell a real change from a re-save."""
    return (
        review.total_score,
        review.proposed_grade,
        review.cell_grade,
        review.commitment_achieved,
        review.commitment_items,
    )


@transaction.atomic
def enter_cell(
    *, review_year: ReviewYear, cell: Organization, rows: list[ScoreRow], user=None
) -> int:
    """The cell's entry form for all its members: scores, computed grade and the cell's proposal.

    Rows without any score are left as they were. All rows are saved or none.
    """
    review_year = ReviewYear.objects.select_related("organization").get(pk=review_year.pk)
    _open_year_or_fail(review_year)
    reviews = {
        r.pk: r
        for r in MemberReview.objects.select_for_update()
        .filter(review_year=review_year, organization=cell)
        .select_related("member")
    }
    criteria = _criteria(review_year.member_criteria)
    params = grade_rules(review_year)
    commitments = commitment_results(review_year, (r.member_id for r in reviews.values()))
    min_percent = commitment_min_percent(review_year)
    now, actor = timezone.now(), _actor(user)
    changed, steps = [], []
    for number, row in enumerate(rows, start=1):
        review = reviews.get(row.review_id)
        if review is None:
            raise DomainError("Đảng viên không thuộc chi bộ trong đợt đánh giá này.", row=number)
        blank = all(row.scores.get(code) in (None, "") for code, *_ in criteria)
        if blank and not row.cell_grade:
            continue
        _check_cell_may_enter(review, number)
        before = _cell_entry(review)
        review.commitment_achieved, review.commitment_items = commitments.get(
            review.member_id, (None, None)
        )
        effect = commitment_effect(review, min_percent)
        proposed = _score(
            review, criteria, row, number, params, review.discipline_cap or None, effect
        )
        cell_grade = row.cell_grade or proposed
        if cell_grade not in rules.GRADES:
            raise DomainError("Mức chi bộ đề xuất không hợp lệ.", row=number)
        if rules.RANK[cell_grade] > rules.RANK[proposed]:
            raise DomainError(
                f"{review.member.full_name}: chi bộ không thể đề xuất {_label(cell_grade)} "
                f"cao hơn mức tính theo điểm ({_label(proposed)}).",
                row=number,
            )
        review.cell_grade = cell_grade
        if before == _cell_entry(review):
            continue
        review.scored_by = review.cell_by = actor
        review.scored_at = review.cell_at = now
        changed.append(review)
        steps.append(
            _step(
                review_year,
                ReviewStep.Kind.SCORED,
                user,
                member_review=review,
                grade=proposed,
                scores=review.scores,
                total=str(review.total_score),
                commitment=[review.commitment_achieved, review.commitment_items],
                commitment_effect=effect.note,
            )
        )
        steps.append(
            _step(review_year, ReviewStep.Kind.CELL, user, member_review=review, grade=cell_grade)
        )
    MemberReview.objects.bulk_update(changed, CELL_ENTRY_FIELDS)
    ReviewStep.objects.bulk_create(steps)
    tally_members(review_year, [cell.pk])
    return len(changed)


# --- committee confirmation and the quota -----------------------------------------------------


@dataclass
class QuotaPanel:
    check: rules.QuotaCheck
    outstanding: bool
    excellent: list  # MemberReview rows graded Excellent, lowest score first
    over: set  # ids of the reviews over the quota
    pending: list  # reviews still without a cell proposal

    @property
    def holds(self) -> bool:
        return self.check.holds


def _committee_reviews(review_year: ReviewYear, org: Organization):
    return (
        MemberReview.objects.filter(
            review_year=review_year, organization__path__startswith=org.path, exemption=""
        )
        .select_related("member", "organization")
        .order_by("organization__path", "member__name_search", "id")
    )


def quota_panel(
    review_year: ReviewYear, org: Organization, grades: dict | None = None, outstanding=False
) -> QuotaPanel:
    """The quota as it would stand with the committee's grades (`grades`: review id → grade)."""
    grades = grades or {}
    reviews = list(_committee_reviews(review_year, org))
    decided = {r.pk: grades.get(r.pk) or r.committee_grade or r.cell_grade for r in reviews}
    check = rules.quota_check(decided.values(), quota_percent(review_year, org, outstanding))
    excellent = sorted(
        (r for r in reviews if decided[r.pk] == rules.EXCELLENT),
        key=lambda r: (r.total_score or 0, r.member.name_search, r.pk),
    )
    over = set(rules.over_quota([(r.pk, r.total_score or 0) for r in excellent], check.excess))
    pending = [r for r in reviews if not r.cell_grade]
    return QuotaPanel(check, outstanding, excellent, over, pending)


def _checked_confirmation(review_year: ReviewYear, organization: Organization, grades) -> dict:
    """The org decides for its members (a grassroots committee, not a dependent cell); the
    grades typed are valid: {review id: grade}."""
    if not organization.path.startswith(review_year.organization.path):
        raise DomainError("Tổ chức không thuộc phạm vi đợt đánh giá.", "organization")
    if not confirming_unit(organization):
        raise DomainError(
            "Chi bộ trực thuộc không tự quyết định xếp loại; cấp ủy cơ sở quyết định.",
            "organization",
        )
    grades = {int(k): v for k, v in (grades or {}).items() if v}
    for value in grades.values():
        if value not in rules.GRADES:
            raise DomainError("Mức xếp loại không hợp lệ.", "grades")
    return grades


def _refuse_over_quota(panel) -> None:
    check = panel.check
    names = ", ".join(r.member.full_name for r in panel.excellent if r.pk in panel.over)
    raise DomainError(
        f"Vượt tỷ lệ HTXSNV: {check.excellent} đảng viên HTXSNV, tối đa {check.limit} "
        f"({rules.points(check.percent)}% của {check.good} đảng viên HTTNV); "
        f"vượt {check.excess}: {names}. Hạ mức hoặc ghi căn cứ được phép vượt.",
        "grades",
    )


@transaction.atomic
def confirm(
    *,
    review_year: ReviewYear,
    organization: Organization,
    grades: dict | None = None,
    outstanding: bool = False,
    exception_note: str = "",
    exception_document: str = "",
    user=None,
) -> Confirmation:
    """The committee decides the grades of every member under it, if the quota holds (or a
    documented exception is recorded)."""
    review_year = ReviewYear.objects.select_for_update().get(pk=review_year.pk)
    _open_year_or_fail(review_year)
    grades = _checked_confirmation(review_year, organization, grades)
    panel = quota_panel(review_year, organization, grades, outstanding)
    if panel.pending:
        first = panel.pending[0]
        raise DomainError(
            f"Còn {len(panel.pending)} đảng viên chưa có đề xuất của chi bộ "
            f"(ví dụ: {first.member.full_name} — {first.organization.name})."
        )
    reviews = list(_committee_reviews(review_year, organization).select_for_update(of=("self",)))
    unknown = set(grades) - {r.pk for r in reviews}
    if unknown:
        raise DomainError("Có đảng viên không thuộc phạm vi cấp ủy này.", "grades")
    exception_note, exception_document = exception_note.strip(), exception_document.strip()
    if not panel.holds and not (exception_note and exception_document):
        _refuse_over_quota(panel)
    now, actor = timezone.now(), _actor(user)
    steps = []
    for review in reviews:
        grade = grades.get(review.pk) or review.committee_grade or review.cell_grade
        if review.discipline_cap and rules.RANK[grade] > rules.RANK[review.discipline_cap]:
            raise DomainError(
                f"{review.member.full_name} bị kỷ luật trong năm: tối đa "
                f"{_label(review.discipline_cap)}.",
                "grades",
            )
        if grade == review.committee_grade and review.final_grade:
            continue
        review.committee_grade = review.final_grade = grade
        review.committee_by = review.final_by = actor
        review.committee_at = review.final_at = now
        steps.append(
            _step(review_year, ReviewStep.Kind.COMMITTEE, user, member_review=review, grade=grade)
        )
    MemberReview.objects.bulk_update(
        reviews,
        ["committee_grade", "committee_by", "committee_at", "final_grade", "final_by", "final_at"],
    )
    ReviewStep.objects.bulk_create(steps)
    tally_members(review_year, {r.organization_id for r in reviews})
    Confirmation.objects.filter(
        review_year=review_year, organization=organization, is_current=True
    ).update(is_current=False)
    check = panel.check
    return Confirmation.objects.create(
        review_year=review_year,
        organization=organization,
        outstanding_unit=outstanding,
        excellent_count=check.excellent,
        good_count=check.good,
        quota_percent=check.percent,
        quota_limit=check.limit,
        exception_note=exception_note if not check.holds else "",
        exception_document=exception_document if not check.holds else "",
        confirmed_by=actor,
    )


@transaction.atomic
def file_appeal(review: MemberReview, *, text: str, user=None) -> MemberReview:
    review = (
        MemberReview.objects.select_for_update().select_related("review_year").get(pk=review.pk)
    )
    _open_year_or_fail(review.review_year)
    if not review.committee_grade:
        raise DomainError("Chỉ khiếu nại sau khi cấp ủy đã quyết định xếp loại.")
    text = (text or "").strip()
    if not text:
        raise DomainError("Cần nêu nội dung kiến nghị, khiếu nại.", "text")
    review.appeal, review.appeal_at = text, timezone.now()
    review.save()
    _step(review.review_year, ReviewStep.Kind.APPEAL, user, member_review=review, note=text).save()
    return review


@transaction.atomic
def decide_appeal(review: MemberReview, *, grade: str, note: str, user=None) -> MemberReview:
    review = (
        MemberReview.objects.select_for_update().select_related("review_year").get(pk=review.pk)
    )
    _open_year_or_fail(review.review_year)
    if not review.appeal:
        raise DomainError("Không có khiếu nại để giải quyết.")
    _final(review, grade, note, ReviewStep.Kind.APPEAL_DECIDED, user)
    return review


@transaction.atomic
def correct_final(
    review: MemberReview, *, grade: str, note: str, decision_number: str, user=None
) -> MemberReview:
    """After the year is closed, a correction is a new decision kept in the history."""
    review = (
        MemberReview.objects.select_for_update().select_related("review_year").get(pk=review.pk)
    )
    if review.review_year.is_open:
        raise DomainError("Đợt đánh giá còn mở: quyết định lại ở cấp ủy.")
    if not (decision_number or "").strip():
        raise DomainError("Cần số quyết định điều chỉnh.", "decision_number")
    _final(review, grade, note, ReviewStep.Kind.CORRECTED, user, decision=decision_number.strip())
    return review


def _final(review, grade, note, kind, user, **details):
    if grade not in rules.GRADES:
        raise DomainError("Mức xếp loại không hợp lệ.", "grade")
    if review.discipline_cap and rules.RANK[grade] > rules.RANK[review.discipline_cap]:
        raise DomainError(f"Bị kỷ luật trong năm: tối đa {_label(review.discipline_cap)}.", "grade")
    if not (note or "").strip():
        raise DomainError("Cần nêu căn cứ, lý do.", "note")
    review.final_grade, review.final_by, review.final_at = grade, _actor(user), timezone.now()
    review.save()
    tally_members(review.review_year, [review.organization_id])
    _step(
        review.review_year, kind, user, member_review=review, grade=grade, note=note, **details
    ).save()


# --- organisations ----------------------------------------------------------------------------


@transaction.atomic
def score_org(review: OrgReview, *, row: ScoreRow, self_grade: str = "", user=None) -> OrgReview:
    """An org's own scoring against the org criteria (and its self-grade)."""
    review = (
        OrgReview.objects.select_for_update()
        .select_related("review_year", "review_year__org_criteria", "review_year__organization")
        .get(pk=review.pk)
    )
    _open_year_or_fail(review.review_year)
    if not review.is_classified:
        raise DomainError("Tổ chức này không thuộc diện xếp loại trong đợt đánh giá.")
    if review.committee_grade:
        raise DomainError("Cấp ủy cấp trên đã quyết định; không sửa điểm.")
    criteria = _criteria(review.review_year.org_criteria)
    _score(review, criteria, row, None, grade_rules(review.review_year), None)
    if self_grade and self_grade not in rules.GRADES:
        raise DomainError("Mức tự xếp loại không hợp lệ.", "self_grade")
    review.self_grade = self_grade or review.proposed_grade
    review.scored_by, review.scored_at = _actor(user), timezone.now()
    review.save()
    _step(
        review.review_year,
        ReviewStep.Kind.SCORED,
        user,
        org_review=review,
        grade=review.proposed_grade,
        scores=review.scores,
    ).save()
    return review


@transaction.atomic
def decide_orgs(*, parent: OrgReview, grades: dict, user=None) -> int:
    """The committee above decides the grades of its directly subordinate classified orgs."""
    review_year = parent.review_year
    _open_year_or_fail(review_year)
    children = {
        r.pk: r
        for r in OrgReview.objects.select_for_update(of=("self",))
        .filter(
            review_year=review_year,
            is_classified=True,
            organization__path__startswith=parent.organization.path,
            organization__depth=parent.organization.depth + 1,
        )
        .select_related("organization")
    }
    now, actor = timezone.now(), _actor(user)
    changed, steps = [], []
    for number, (pk, grade) in enumerate(sorted(grades.items()), start=1):
        child = children.get(int(pk))
        if child is None:
            raise DomainError("Tổ chức không trực thuộc cấp ủy này.", "grades", row=number)
        if not grade or grade == child.committee_grade:
            continue
        _check_org_grade(child, grade, number)
        child.committee_grade = child.final_grade = grade
        child.committee_by = child.final_by = actor
        child.committee_at = child.final_at = now
        changed.append(child)
        steps.append(
            _step(review_year, ReviewStep.Kind.COMMITTEE, user, org_review=child, grade=grade)
        )
    OrgReview.objects.bulk_update(
        changed,
        ["committee_grade", "committee_by", "committee_at", "final_grade", "final_by", "final_at"],
    )
    ReviewStep.objects.bulk_create(steps)
    return len(changed)


def _check_org_grade(review: OrgReview, grade: str, number=None) -> None:
    if grade not in rules.GRADES:
        raise DomainError("Mức xếp loại không hợp lệ.", "grades", row=number)
    if not review.proposed_grade:
        raise DomainError(f"«{review.organization.name}» chưa tự chấm điểm.", "grades", row=number)
    if rules.RANK[grade] > rules.RANK[review.proposed_grade]:
        raise DomainError(
            f"«{review.organization.name}»: không thể xếp {_label(grade)} cao hơn mức tính "
            f"theo điểm ({_label(review.proposed_grade)}).",
            "grades",
            row=number,
        )


@transaction.atomic
def decide_root(review: OrgReview, *, grade: str, user) -> OrgReview:
    """The org at the root of a year is classified by the committee above it (outside the
    year's subtree): a user holding reviews.confirm on the parent decides."""
    review = (
        OrgReview.objects.select_for_update(of=("self",))
        .select_related("organization", "review_year")
        .get(pk=review.pk)
    )
    _open_year_or_fail(review.review_year)
    if review.organization_id != review.review_year.organization_id or not review.is_classified:
        raise DomainError("Chỉ dùng cho tổ chức gốc của đợt đánh giá.")
    parent_path = review.organization.path[: -Organization.steplen]
    if not parent_path or not has_permission(user, "reviews.confirm", parent_path):
        raise PermissionDenied
    _check_org_grade(review, grade)
    review.committee_grade = review.final_grade = grade
    review.committee_by = review.final_by = _actor(user)
    review.committee_at = review.final_at = timezone.now()
    review.save()
    _step(
        review.review_year, ReviewStep.Kind.COMMITTEE, user, org_review=review, grade=grade
    ).save()
    return review


# --- closing and results ----------------------------------------------------------------------


@transaction.atomic
def close_year(review_year: ReviewYear, *, user=None) -> ReviewYear:
    review_year = ReviewYear.objects.select_for_update().get(pk=review_year.pk)
    _open_year_or_fail(review_year)
    missing = MemberReview.objects.filter(
        review_year=review_year, exemption="", final_grade=""
    ).count()
    if missing:
        raise DomainError(f"Còn {missing} đảng viên chưa có kết quả xếp loại cuối cùng.")
    orgs_missing = (
        OrgReview.objects.filter(review_year=review_year, is_classified=True, final_grade="")
        .exclude(organization=review_year.organization)  # decided by the level above, later
        .count()
    )
    if orgs_missing:
        raise DomainError(f"Còn {orgs_missing} tổ chức đảng chưa được xếp loại.")
    review_year.state = ReviewYear.State.CLOSED
    review_year.closed_at, review_year.closed_by = timezone.now(), _actor(user)
    review_year.save()
    _step(review_year, ReviewStep.Kind.CLOSED, user).save()
    # The grades are final: other apps react (recognition proposes commendations for streaks).
    hooks.classification_confirmed.send(sender=ReviewYear, review_year=review_year, user=user)
    return review_year


# --- results of past years entered from records ----------------------------------------------
#
# A province brings the final grades of past years in from its spreadsheets (imports app).
# Where no review of that year covers the member, the year is created in the IMPORTED state
# (final from the start, with the criteria sets in force that year) on the highest org under
# the caller's root whose subtree holds no review of that year (rules.imported_year_root), so
# years never overlap. A member's result is attached to their current org. A result of the
# OPEN year is never written this way: it comes from the cell, the committee and the quota.
# Changing a result already recorded is the correction path (a CORRECTED step keeps the old
# value), and in a year closed through the normal process it needs a decision number, as
# `correct_final` does. No `classification_confirmed` signal: commendations of past years were
# decided at the time (the imported grades still count in streaks and statistics).

PAST_RESULT_FIELDS = ("review_year_id", "member_id", "organization_id", "final_grade", "exemption")
CHUNK = 5000


@dataclass
class PastResult:
    """One member's final result of a past year (a grade, or a reason not to be classified)."""

    member_id: int
    year: int
    grade: str = ""
    exemption: str = ""
    decision: str = ""
    row: int | None = None
    # (final_grade, exemption) the caller saw when it previewed; refused when it changed since
    expected: tuple | None = None


@dataclass
class PastResultCheck:
    """What recording a PastResult would do: create, update, unchanged, or the problems."""

    action: str = ""
    problems: list = field(default_factory=list)  # (field, message): member/year/grade/...
    review_id: int | None = None
    review_year_id: int | None = None  # an existing year (None: opened at year_root)
    year_root: str = ""
    organization_id: int | None = None
    organization_name: str = ""
    member_name: str = ""
    cap: str = ""
    year_state: str = ""
    current: dict = field(default_factory=dict)  # final_grade, exemption before (updates)


_MEMBER_VALUES = (
    "pk",
    "full_name",
    "org_path",
    "organization_id",
    "organization__name",
    "admitted_on",
    "status",
    "status_since",
)
_REVIEW_VALUES = (
    "pk",
    "member_id",
    "review_year_id",
    "review_year__year",
    "review_year__state",
    "review_year__organization__name",
    "organization_id",
    "organization__path",
    "organization__name",
    "final_grade",
    "exemption",
    "discipline_cap",
)


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _open_year_message(year: int, org_name: str) -> str:
    return (
        f"Năm {year} đang đánh giá theo quy trình (đợt của «{org_name}»): kết quả do chi bộ, "
        "cấp ủy quyết định trên màn hình Đánh giá, xếp loại, không nhập từ tệp."
    )


def _past_result_context(member_ids: list[int], years: list[int]):
    """By chunks of members: the members, their reviews of those years (anywhere) and their
    discipline forms by (member, year)."""
    members: dict[int, dict] = {}
    reviews: dict[tuple[int, int], dict] = {}
    forms: dict[tuple[int, int], list[str]] = {}
    for chunk in _chunks(member_ids):
        for row in Member.objects.filter(pk__in=chunk).values(*_MEMBER_VALUES):
            members[row["pk"]] = row
        existing = MemberReview.objects.filter(member_id__in=chunk, review_year__year__in=years)
        for row in existing.values(*_REVIEW_VALUES):
            reviews[(row["member_id"], row["review_year__year"])] = row
        disciplines = Discipline.objects.filter(
            member_id__in=chunk, decided_on__year__in=years, annulled_on__isnull=True
        ).values_list("member_id", "decided_on__year", "form")
        for member_id, year, form in disciplines:
            forms.setdefault((member_id, year), []).append(form)
    return members, reviews, forms


def check_past_results(
    *, root: Organization, results: list[PastResult], today: date | None = None, user=None
) -> list[PastResultCheck]:
    """Check each result against the database without writing (the preview of an import).

    A few grouped queries per 5,000 results: members, the years' reviews under and above the
    root, existing member reviews of those years (anywhere), discipline decisions, criteria."""
    today = today or timezone.localdate()
    paths = reachable_paths(user, "reviews.confirm") if user is not None else None
    years = sorted({r.year for r in results if r.year})
    members, reviews, forms = _past_result_context(sorted({r.member_id for r in results}), years)
    year_rows = _years_around(root, years)
    caps_by_year = {
        year: member_services.discipline_grade_caps(date(year, 12, 31), root.path)
        for year in years
        if year <= today.year
    }
    has_criteria = _criteria_checker()

    def reachable(path: str) -> bool:
        return _reachable(path, root.path, paths)

    checks = []
    seen: dict[tuple[int, int], int | None] = {}
    for number, result in enumerate(results, start=1):
        check = PastResultCheck()
        checks.append(check)
        key = (result.member_id, result.year)
        if key in seen:
            check.problems.append(
                ("year", f"Đảng viên đã có kết quả năm {result.year} ở dòng {seen[key]}.")
            )
            check.action = "error"
            continue
        seen[key] = result.row if result.row is not None else number
        member = members.get(result.member_id)
        if member is None or not reachable(member["org_path"]):
            check.problems.append(("member", "Không tìm thấy đảng viên trong phạm vi được giao."))
            check.action = "error"
            continue
        check.member_name = member["full_name"]
        check.organization_id = member["organization_id"]
        check.organization_name = member["organization__name"]
        existing = reviews.get((result.member_id, result.year))
        caps = caps_by_year.get(result.year, member_rules.DEFAULT_DISCIPLINE_GRADE_CAPS)
        cap = member_rules.discipline_grade_cap(
            forms.get((result.member_id, result.year), ()), caps
        )
        if existing and existing["discipline_cap"]:
            cap = rules.lower(existing["discipline_cap"], cap)
        check.cap = cap or ""
        left_on = member["status_since"] if member["status"] not in ACTIVE_STATUSES else None
        problems = rules.past_result_problems(
            year=result.year,
            grade=result.grade,
            exemption=result.exemption,
            admitted_on=member["admitted_on"],
            left_on=left_on,
            today=today,
            cap=cap,
        )
        check.problems.extend(problems.items())
        if "year" not in problems:
            _place_past_result(
                check, result, member, existing, root.path, year_rows, reachable, has_criteria
            )
        check.action = "error" if check.problems else check.action
    return checks


def _place_past_result(
    check, result, member, existing, root_path, year_rows, reachable, has_criteria
):
    """Which review the result goes to: an existing one (update/unchanged), a new one in an
    existing closed year, or one in a year to open at `year_root`."""
    year = result.year
    if existing is not None:
        check.review_id = existing["pk"]
        check.review_year_id = existing["review_year_id"]
        check.year_state = existing["review_year__state"]
        check.organization_id = existing["organization_id"]
        check.organization_name = existing["organization__name"]
        check.current = {"final_grade": existing["final_grade"], "exemption": existing["exemption"]}
        if existing["review_year__state"] == ReviewYear.State.OPEN:
            check.problems.append(
                ("year", _open_year_message(year, existing["review_year__organization__name"]))
            )
        elif not reachable(existing["organization__path"]):
            check.problems.append(
                (
                    "member",
                    f"Đảng viên đã có kết quả năm {year} tại «{existing['organization__name']}», "
                    "ngoài phạm vi được giao.",
                )
            )
        elif (check.current["final_grade"], check.current["exemption"]) == (
            result.grade,
            result.exemption,
        ):
            check.action = "unchanged"
        else:
            check.action = "update"
            decided = check.current["final_grade"] or check.current["exemption"]
            if (
                check.year_state == ReviewYear.State.CLOSED
                and decided
                and not clean_spaces(result.decision)
            ):
                check.problems.append(
                    (
                        "decision",
                        f"Kết quả năm {year} đã được cấp ủy quyết định theo quy trình; điều "
                        "chỉnh cần ghi số quyết định điều chỉnh.",
                    )
                )
        seen = (check.current["final_grade"], check.current["exemption"])
    else:
        seen = ("", "")
        check.action = "create"
        _place_in_year(check, year, member["org_path"], root_path, year_rows, has_criteria)
    if result.expected is not None and tuple(result.expected) != seen:
        check.problems.append(("member", "Dữ liệu đã thay đổi trong lúc ghi; hãy thử lại."))


@dataclass
class RecordedResult:
    """A member review record_past_results wrote: its values before and after (snapshots)."""

    row: int | None
    review_id: int
    created: bool
    before: dict
    after: dict


def _iso(value):
    return value.isoformat() if value is not None else None


def past_result_snapshots(review_ids) -> dict[int, dict]:
    """The tracked values of member reviews, with the id of their latest step (`last_step`):
    a later decision, correction or import on a review changes it."""
    return _snapshots(MemberReview, PAST_RESULT_FIELDS, review_ids)


def _snapshots(model, fields, review_ids) -> dict[int, dict]:
    result = {}
    for chunk in _chunks(sorted(review_ids)):
        rows = (
            model.objects.filter(pk__in=chunk)
            .annotate(last_step=Max("steps__id"))
            .values("pk", *fields, "last_step")
        )
        for row in rows:
            result[row.pop("pk")] = row
    return result


def _work_or_first_problem(results, checks) -> list[tuple]:
    """(result, check) pairs to write; the first problem of any row is raised with its row."""
    for result, check in zip(results, checks, strict=True):
        if check.problems:
            field_name, message = check.problems[0]
            raise DomainError(message, field_name, row=result.row)
    return [
        (r, c) for r, c in zip(results, checks, strict=True) if c.action in ("create", "update")
    ]


def _values_before(review, fields, last_steps: dict) -> dict:
    """What a past result held before an import changed it (its undo restores this)."""
    return {f: getattr(review, f) for f in fields} | {
        "last_step": last_steps.get(review.pk),
        "committee_grade": review.committee_grade,
        "final_by_id": review.final_by_id,
        "final_at": _iso(review.final_at),
    }


def _recorded(reviews, steps, befores, batch, fields, created: bool) -> list:
    return [
        RecordedResult(
            result.row,
            review.pk,
            created,
            before,
            {f: getattr(review, f) for f in fields} | {"last_step": step.pk},
        )
        for review, step, before, (result, _check) in zip(
            reviews, steps, befores, batch, strict=True
        )
    ]


def _write_past_results(work, *, model, fields, snapshots, new_row, change, step, write):
    """Write checked past results of members or orgs in batches: new rows with an IMPORTED
    step each; changed rows (locked, `change` refusing a row changed since the check) with a
    CORRECTED step keeping the values before. Returns what was recorded, for the undo."""
    written: list[RecordedResult] = []
    creates = [(r, c) for r, c in work if c.action == "create"]
    for batch in _chunks(creates, 2000):
        rows = [new_row(result, check) for result, check in batch]
        model.objects.bulk_create(rows)
        steps = [
            step(row, ReviewStep.Kind.IMPORTED, result, {})
            for row, (result, _check) in zip(rows, batch, strict=True)
        ]
        ReviewStep.objects.bulk_create(steps)
        written += _recorded(rows, steps, [{}] * len(rows), batch, fields, True)
    updates = [(r, c) for r, c in work if c.action == "update"]
    for batch in _chunks(updates, 2000):
        ids = [c.review_id for _r, c in batch]
        locked = model.objects.select_for_update(of=("self",)).select_related("review_year")
        current = locked.in_bulk(ids)
        last = {pk: row["last_step"] for pk, row in snapshots(ids).items()}
        changed, steps, befores = [], [], []
        for result, check in batch:
            row = current[check.review_id]
            before = _values_before(row, fields, last)
            change(row, result, check)
            changed.append(row)
            befores.append(before)
            steps.append(step(row, ReviewStep.Kind.CORRECTED, result, before))
        model.objects.bulk_update(changed, write)
        ReviewStep.objects.bulk_create(steps)
        written += _recorded(changed, steps, befores, batch, fields, False)
    return written


@transaction.atomic
def record_past_results(
    *, root: Organization, results: list[PastResult], note: str, user=None, today=None
) -> list[RecordedResult]:
    """Write final results of past years under `root`, all or none (the first problem is raised
    with its row). Creates IMPORTED years and the org rows the members need, one step per
    result (IMPORTED for a new result, CORRECTED with the old value for a change), and keeps the
    org tallies exact. Results that change nothing are skipped."""
    _require(user, "reviews.confirm", root.path)
    note = clean_spaces(note)
    if not note:
        raise DomainError("Cần nêu căn cứ, nguồn của kết quả.", "note")
    checks = check_past_results(root=root, results=results, today=today, user=user)
    work = _work_or_first_problem(results, checks)
    now, actor = timezone.now(), _actor(user)
    years = _open_imported_years(root, work, note, user, now)
    touched: dict[int, set[int]] = {}
    _ensure_org_rows(_year_orgs([(r, c) for r, c in work if c.action == "create"], years))

    def new_row(result, check):
        year_id = check.review_year_id or years[(result.year, check.year_root)]
        touched.setdefault(year_id, set()).add(check.organization_id)
        return MemberReview(
            review_year_id=year_id,
            member_id=result.member_id,
            organization_id=check.organization_id,
            exemption=result.exemption,
            discipline_cap=check.cap,
            committee_grade=result.grade,
            final_grade=result.grade,
            final_by=actor,
            final_at=now,
        )

    def change(review, result, check):
        if (review.final_grade, review.exemption) != (
            check.current["final_grade"],
            check.current["exemption"],
        ):
            raise DomainError(
                "Dữ liệu đã thay đổi trong lúc ghi; hãy thử lại.", "member", row=result.row
            )
        review.final_grade, review.exemption = result.grade, result.exemption
        if review.review_year.state == ReviewYear.State.IMPORTED:
            review.committee_grade = result.grade
        review.final_by, review.final_at, review.updated_at = actor, now, now
        touched.setdefault(review.review_year_id, set()).add(review.organization_id)

    def step(review, kind, result, before):
        previous = {
            "previous": before.get("final_grade"),
            "previous_exemption": before.get("exemption"),
        }
        return _past_step(review.review_year_id, review, kind, result, note, user, **previous)

    written = _write_past_results(
        work,
        model=MemberReview,
        fields=PAST_RESULT_FIELDS,
        snapshots=past_result_snapshots,
        new_row=new_row,
        change=change,
        step=step,
        write=["final_grade", "exemption", "committee_grade", "final_by", "final_at", "updated_at"],
    )
    for year_id, org_ids in touched.items():
        tally_members(ReviewYear(pk=year_id), org_ids)
    return written


def _past_step(year_id, review, kind, result, note, user, **details):
    details = {k: v for k, v in details.items() if v}
    if result.exemption:
        details["exemption"] = result.exemption
    decision = clean_spaces(result.decision)
    if decision:
        details["decision"] = decision[:120]
    return _year_step(year_id, kind, user, review, result.grade, note, details)


def _year_step(year_id, kind, user, review, grade, note, details) -> ReviewStep:
    return ReviewStep(
        review_year_id=year_id,
        member_review=review,
        kind=kind,
        grade=grade or "",
        note=note,
        details=details,
        decided_by=_actor(user),
        decided_at=timezone.now(),
    )


def _open_imported_years(root, work, note, user, now) -> dict[tuple[int, str], int]:
    """Open (as IMPORTED) the years the results need: (year, root path) → review year id."""
    wanted = sorted(
        {(r.year, c.year_root) for r, c in work if c.action == "create" and not c.review_year_id}
    )
    if not wanted:
        return {}
    orgs = dict(
        Organization.objects.filter(path__in={path for _y, path in wanted}).values_list(
            "path", "pk"
        )
    )
    opened = {}
    for year, path in wanted:
        on = date(year, 12, 1)
        review_year = ReviewYear.objects.create(
            organization_id=orgs[path],
            year=year,
            reference_date=on,
            state=ReviewYear.State.IMPORTED,
            member_criteria=CriteriaSet.in_force(CriteriaSet.Subject.MEMBER, on),
            org_criteria=CriteriaSet.in_force(CriteriaSet.Subject.ORG, on),
            opened_by=_actor(user),
            closed_at=now,
            closed_by=_actor(user),
        )
        _step(review_year, ReviewStep.Kind.OPENED, user, note=note).save()
        opened[(year, path)] = review_year.pk
    return opened


def _year_orgs(creates, years) -> dict[int, set[int]]:
    result: dict[int, set[int]] = {}
    for result_, check in creates:
        year_id = check.review_year_id or years[(result_.year, check.year_root)]
        result.setdefault(year_id, set()).add(check.organization_id)
    return result


def _ensure_org_rows(year_orgs: dict[int, set[int]], skip: dict | None = None) -> None:
    """The org rows the results need in each year: the orgs holding them and every org between
    them and the year's root (the year's screens walk down that chain). Added to a past year
    they are not classified: an org's own result of that year is recorded separately. `skip`:
    orgs whose row the caller creates itself (year id → org ids)."""
    if not year_orgs:
        return
    roots = dict(
        ReviewYear.objects.filter(pk__in=year_orgs).values_list("pk", "organization__path")
    )
    step = Organization.steplen
    for year_id, org_ids in year_orgs.items():
        root_path = roots[year_id]
        chain: set[str] = set()
        for chunk in _chunks(sorted(org_ids)):
            for path in Organization.objects.filter(pk__in=chunk).values_list("path", flat=True):
                chain.update(path[:end] for end in range(len(root_path), len(path) + 1, step))
        wanted: set[int] = set()
        for chunk in _chunks(sorted(chain)):
            wanted.update(Organization.objects.filter(path__in=chunk).values_list("pk", flat=True))
        wanted -= (skip or {}).get(year_id, set())
        have: set[int] = set()
        for chunk in _chunks(sorted(wanted)):
            have.update(
                OrgReview.objects.filter(
                    review_year_id=year_id, organization_id__in=chunk
                ).values_list("organization_id", flat=True)
            )
        OrgReview.objects.bulk_create(
            (
                OrgReview(review_year_id=year_id, organization_id=org_id, is_classified=False)
                for org_id in sorted(wanted - have)
            ),
            batch_size=2000,
        )


@transaction.atomic
def undo_past_results(
    *,
    root: Organization,
    created: list[int],
    restored: list[tuple[int, dict, int]],
    user=None,
) -> None:
    """Take back what record_past_results wrote, as if it had never been recorded: results it
    added are removed with their step; results it changed get their values back (grade,
    exemption, who and when) and lose the step it wrote (`restored`: review id, the values
    before, that step's id). IMPORTED years (and their org rows) left empty are removed. The
    caller checks beforehand that nothing touched the rows since (past_result_snapshots); the
    trace of the import and of its undoing stays with the caller (the import job) and in the
    audit log."""
    _require(user, "reviews.confirm", root.path)
    ids = list(created) + [pk for pk, _before, _step in restored]
    touched: dict[int, set[int]] = {}
    for chunk in _chunks(ids):
        for year_id, org_id in MemberReview.objects.filter(pk__in=chunk).values_list(
            "review_year_id", "organization_id"
        ):
            touched.setdefault(year_id, set()).add(org_id)
    for batch in _chunks(restored, 2000):
        reviews = MemberReview.objects.select_for_update(of=("self",)).in_bulk(
            [pk for pk, _before, _step in batch]
        )
        now = timezone.now()
        for pk, before, _step in batch:
            review = reviews[pk]
            review.final_grade = before["final_grade"]
            review.exemption = before["exemption"]
            review.committee_grade = before["committee_grade"]
            review.final_by_id = before["final_by_id"]
            final_at = before["final_at"]
            review.final_at = datetime.fromisoformat(final_at) if final_at else None
            review.updated_at = now
        MemberReview.objects.bulk_update(
            list(reviews.values()),
            ["final_grade", "exemption", "committee_grade", "final_by", "final_at", "updated_at"],
        )
        ReviewStep.objects.filter(pk__in=[step for _pk, _before, step in batch]).delete()
    for chunk in _chunks(list(created)):
        ReviewStep.objects.filter(member_review_id__in=chunk).delete()
        MemberReview.objects.filter(pk__in=chunk).delete()
    for year_id, org_ids in touched.items():
        tally_members(ReviewYear(pk=year_id), org_ids)
    _discard_empty_imported(touched)


def _discard_empty_imported(touched: dict[int, set[int]], created_rows=()) -> None:
    """Org rows with no member, no grade and no step, and none below them that has one, go:
    in IMPORTED years all such rows, elsewhere those an undone import added (`created_rows`).
    An IMPORTED year left with nothing but its opening step goes too."""
    created_rows = set(created_rows)
    for review_year in ReviewYear.objects.filter(pk__in=touched):
        imported = review_year.state == ReviewYear.State.IMPORTED
        if not imported and not created_rows:
            continue
        rows = list(
            OrgReview.objects.filter(review_year=review_year)
            .annotate(steps_count=Count("steps"))
            .values_list("pk", "organization__path", "members_total", "final_grade", "steps_count")
        )
        held = [path for _pk, path, total, grade, steps in rows if total or grade or steps]
        empty = [
            pk
            for pk, path, *_rest in rows
            if (imported or pk in created_rows) and not any(h.startswith(path) for h in held)
        ]
        for chunk in _chunks(empty):
            OrgReview.objects.filter(pk__in=chunk).delete()
        unused = imported and not (
            held
            or MemberReview.objects.filter(review_year=review_year).exists()
            or review_year.steps.exclude(kind=ReviewStep.Kind.OPENED).exists()
            or review_year.confirmations.exists()
        )
        if unused:
            review_year.steps.all().delete()
            review_year.delete()


# --- org results of past years ------------------------------------------------------------
#
# The same for the classification of cells and grassroots orgs: the org row of the year (an
# OrgReview) gets the final grade and is marked classified; the year is found or opened as for
# members. Undoing resets the row, and removes it when nothing else (member tallies, steps)
# holds it.

PAST_ORG_RESULT_FIELDS = ("review_year_id", "organization_id", "final_grade", "is_classified")


@dataclass
class PastOrgResult:
    """One org's final grade of a past year."""

    organization_id: int
    year: int
    grade: str = ""
    decision: str = ""
    row: int | None = None
    expected: str | None = None  # the final grade the caller saw when it previewed


_ORG_VALUES = (
    "pk",
    "name",
    "path",
    "founded_on",
    "dissolved_on",
    "org_type__holds_members",
    "org_type__is_grassroots",
)
_ORG_REVIEW_VALUES = (
    "pk",
    "organization_id",
    "review_year_id",
    "review_year__year",
    "review_year__state",
    "review_year__organization__name",
    "final_grade",
    "is_classified",
)


def _check_org_result_change(check: PastResultCheck, result: PastOrgResult, existing: dict):
    """A result for an org review that exists: unchanged, an update (a closed year's decided
    grade needs the adjusting decision's number), or refused while its year is open."""
    check.review_id = existing["pk"]
    check.review_year_id = existing["review_year_id"]
    check.year_state = existing["review_year__state"]
    check.current = {
        "final_grade": existing["final_grade"],
        "is_classified": existing["is_classified"],
    }
    if check.year_state == ReviewYear.State.OPEN:
        name = existing["review_year__organization__name"]
        check.problems.append(("year", _open_year_message(result.year, name)))
    elif existing["final_grade"] == result.grade and existing["is_classified"]:
        check.action = "unchanged"
    else:
        check.action = "update"
        if (
            check.year_state == ReviewYear.State.CLOSED
            and existing["final_grade"]
            and not clean_spaces(result.decision)
        ):
            check.problems.append(
                (
                    "decision",
                    f"Kết quả năm {result.year} đã được cấp ủy quyết định theo quy "
                    "trình; điều chỉnh cần ghi số quyết định điều chỉnh.",
                )
            )


def check_past_org_results(
    *, root: Organization, results: list[PastOrgResult], today: date | None = None, user=None
) -> list[PastResultCheck]:
    """Check each org result against the database without writing (the preview)."""
    today = today or timezone.localdate()
    paths = reachable_paths(user, "reviews.confirm") if user is not None else None
    years = sorted({r.year for r in results if r.year})
    orgs: dict[int, dict] = {}
    rows: dict[tuple[int, int], dict] = {}
    for chunk in _chunks(sorted({r.organization_id for r in results})):
        orgs.update(
            (row["pk"], row)
            for row in Organization.objects.filter(pk__in=chunk).values(*_ORG_VALUES)
        )
        existing = OrgReview.objects.filter(organization_id__in=chunk, review_year__year__in=years)
        for row in existing.values(*_ORG_REVIEW_VALUES):
            rows[(row["organization_id"], row["review_year__year"])] = row
    year_rows = _years_around(root, years)
    has_criteria = _criteria_checker()
    checks, seen = [], {}
    for number, result in enumerate(results, start=1):
        check = PastResultCheck()
        checks.append(check)
        key = (result.organization_id, result.year)
        org = orgs.get(result.organization_id)
        if key in seen:
            check.problems.append(
                ("year", f"Tổ chức đã có kết quả năm {result.year} ở dòng {seen[key]}.")
            )
        elif org is None or not _reachable(org["path"], root.path, paths):
            check.problems.append(
                ("organization", "Không tìm thấy tổ chức trong phạm vi được giao.")
            )
        if check.problems:
            check.action = "error"
            continue
        seen[key] = result.row if result.row is not None else number
        check.organization_id, check.organization_name = org["pk"], org["name"]
        problems = rules.past_org_result_problems(
            year=result.year,
            grade=result.grade,
            classified=org["org_type__holds_members"] or org["org_type__is_grassroots"],
            founded_on=org["founded_on"],
            dissolved_on=org["dissolved_on"],
            today=today,
        )
        check.problems.extend(problems.items())
        if "year" not in problems:
            existing = rows.get(key)
            if existing is not None:
                _check_org_result_change(check, result, existing)
                seen_grade = existing["final_grade"]
            else:
                seen_grade = ""
                check.action = "create"
                _place_in_year(check, result.year, org["path"], root.path, year_rows, has_criteria)
            if result.expected is not None and result.expected != seen_grade:
                check.problems.append(
                    ("organization", "Dữ liệu đã thay đổi trong lúc ghi; hãy thử lại.")
                )
        check.action = "error" if check.problems else check.action
    return checks


def _reachable(path: str, root_path: str, paths) -> bool:
    return path.startswith(root_path) and (paths is None or any(path.startswith(p) for p in paths))


def _years_around(root: Organization, years) -> dict[int, list[dict]]:
    """The review years of `years` under the root or above it, by year."""
    result: dict[int, list[dict]] = {}
    around = ReviewYear.objects.filter(year__in=years).filter(
        Q(organization__path__startswith=root.path)
        | Q(organization__path__in=_ancestor_paths(root.path))
    )
    for row in around.values("pk", "year", "state", "organization__path", "organization__name"):
        result.setdefault(row["year"], []).append(row)
    return result


def _criteria_checker():
    known: dict[int, bool] = {}

    def has_criteria(year: int) -> bool:
        if year not in known:
            on = date(year, 12, 1)
            known[year] = all(
                CriteriaSet.in_force(subject, on) is not None
                for subject in (CriteriaSet.Subject.MEMBER, CriteriaSet.Subject.ORG)
            )
        return known[year]

    return has_criteria


def _place_in_year(check, year, path, root_path, year_rows, has_criteria) -> None:
    """A new result goes into the year covering `path`, or into a year to open (IMPORTED) on
    the highest org under the root whose subtree holds no review of that year."""
    rows = year_rows.get(year, [])
    covering = next((r for r in rows if path.startswith(r["organization__path"])), None)
    if covering is not None:
        check.review_year_id = covering["pk"]
        check.year_state = covering["state"]
        if covering["state"] == ReviewYear.State.OPEN:
            check.problems.append(
                ("year", _open_year_message(year, covering["organization__name"]))
            )
        return
    check.year_state = ReviewYear.State.IMPORTED
    taken = [r["organization__path"] for r in rows]
    check.year_root = rules.imported_year_root(path, root_path, taken, Organization.steplen) or ""
    if not check.year_root:
        check.problems.append(("organization", "Không thuộc phạm vi được giao."))
    elif not has_criteria(year):
        check.problems.append(
            (
                "year",
                f"Chưa có bộ tiêu chí đánh giá có hiệu lực năm {year}: thêm bộ tiêu chí "
                "(với ngày hiệu lực) trước khi nhập kết quả năm này.",
            )
        )


def past_org_result_snapshots(review_ids) -> dict[int, dict]:
    """The tracked values of org rows, with the id of their latest step (`last_step`)."""
    return _snapshots(OrgReview, PAST_ORG_RESULT_FIELDS, review_ids)


@transaction.atomic
def record_past_org_results(
    *, root: Organization, results: list[PastOrgResult], note: str, user=None, today=None
) -> list[RecordedResult]:
    """Write org results of past years under `root`, all or none, as record_past_results does
    for members (IMPORTED years opened when needed; an IMPORTED step for a new result, a
    CORRECTED one keeping the old grade for a change)."""
    _require(user, "reviews.confirm", root.path)
    note = clean_spaces(note)
    if not note:
        raise DomainError("Cần nêu căn cứ, nguồn của kết quả.", "note")
    checks = check_past_org_results(root=root, results=results, today=today, user=user)
    work = _work_or_first_problem(results, checks)
    now, actor = timezone.now(), _actor(user)
    years = _open_imported_years(root, work, note, user, now)
    made = _year_orgs([(r, c) for r, c in work if c.action == "create"], years)
    _ensure_org_rows(made, skip=made)

    def new_row(result, check):
        return OrgReview(
            review_year_id=check.review_year_id or years[(result.year, check.year_root)],
            organization_id=result.organization_id,
            is_classified=True,
            committee_grade=result.grade,
            final_grade=result.grade,
            final_by=actor,
            final_at=now,
        )

    def change(row, result, check):
        if row.final_grade != check.current["final_grade"]:
            raise DomainError(
                "Dữ liệu đã thay đổi trong lúc ghi; hãy thử lại.", "organization", row=result.row
            )
        row.final_grade, row.is_classified = result.grade, True
        if row.review_year.state == ReviewYear.State.IMPORTED or not row.committee_grade:
            row.committee_grade = result.grade
        row.final_by, row.final_at, row.updated_at = actor, now, now

    def step(row, kind, result, before):
        return _org_step(row, kind, result, note, user, previous=before.get("final_grade"))

    return _write_past_results(
        work,
        model=OrgReview,
        fields=PAST_ORG_RESULT_FIELDS,
        snapshots=past_org_result_snapshots,
        new_row=new_row,
        change=change,
        step=step,
        write=_ORG_RESULT_WRITE,
    )


_ORG_RESULT_WRITE = [
    "final_grade",
    "committee_grade",
    "is_classified",
    "final_by",
    "final_at",
    "updated_at",
]


def _org_step(org_review, kind, result, note, user, **details) -> ReviewStep:
    details = {k: v for k, v in details.items() if v}
    decision = clean_spaces(result.decision)
    if decision:
        details["decision"] = decision[:120]
    return ReviewStep(
        review_year_id=org_review.review_year_id,
        org_review=org_review,
        kind=kind,
        grade=result.grade,
        note=note,
        details=details,
        decided_by=_actor(user),
        decided_at=timezone.now(),
    )


@transaction.atomic
def undo_past_org_results(
    *,
    root: Organization,
    created: list[tuple[int, int]],
    restored: list[tuple[int, dict, int]],
    user=None,
) -> None:
    """Take back what record_past_org_results wrote: each org row gets its values back and loses
    the step the import wrote (`created`: row id, step id; `restored`: row id, values before,
    step id); rows it added are removed when nothing holds them (member tallies, a grade or a
    step on them or below them), and IMPORTED years left empty go (see undo_past_results)."""
    _require(user, "reviews.confirm", root.path)
    blank = {
        "final_grade": "",
        "committee_grade": "",
        "is_classified": False,
        "final_by_id": None,
        "final_at": None,
    }
    entries = [(pk, blank, step) for pk, step in created] + list(restored)
    touched: dict[int, set[int]] = {}
    for batch in _chunks(entries, 2000):
        rows = OrgReview.objects.select_for_update(of=("self",)).in_bulk([e[0] for e in batch])
        now = timezone.now()
        for pk, before, _step in batch:
            row = rows[pk]
            row.final_grade, row.committee_grade = before["final_grade"], before["committee_grade"]
            row.is_classified, row.final_by_id = before["is_classified"], before["final_by_id"]
            row.final_at = (
                datetime.fromisoformat(before["final_at"]) if before["final_at"] else None
            )
            row.updated_at = now
            touched.setdefault(row.review_year_id, set()).add(row.organization_id)
        OrgReview.objects.bulk_update(list(rows.values()), _ORG_RESULT_WRITE)
        ReviewStep.objects.filter(pk__in=[step for _pk, _before, step in batch]).delete()
    _discard_empty_imported(touched, created_rows=[pk for pk, _step in created])


# --- member tallies on the org rows (exact, maintained by the services) ------------------------

TALLY = {
    "members_total": None,
    "members_exempt": ~Q(exemption=""),
    "members_proposed": Q(exemption="") & ~Q(cell_grade=""),
    "members_excellent": Q(exemption="", final_grade=rules.EXCELLENT),
    "members_good": Q(exemption="", final_grade=rules.GOOD),
    "members_completed": Q(exemption="", final_grade=rules.COMPLETED),
    "members_not_completed": Q(exemption="", final_grade=rules.NOT_COMPLETED),
}
TALLY_GRADES = {
    rules.EXCELLENT: "members_excellent",
    rules.GOOD: "members_good",
    rules.COMPLETED: "members_completed",
    rules.NOT_COMPLETED: "members_not_completed",
}


def tally_members(review_year: ReviewYear, org_ids=None) -> int:
    """Recount the member tallies of the year's org rows (all, or those of `org_ids`) from the
    member reviews: one grouped query and a bulk update of the rows that changed.

    Every service that creates member reviews or changes their exemption, cell proposal or
    final grade calls it for the orgs it touched. Returns how many org rows changed."""
    rows = MemberReview.objects.filter(review_year=review_year)
    targets = OrgReview.objects.filter(review_year=review_year)
    if org_ids is not None:
        org_ids = set(org_ids)
        if not org_ids:
            return 0
        rows = rows.filter(organization_id__in=org_ids)
        targets = targets.filter(organization_id__in=org_ids)
    counts = {
        row["organization_id"]: row
        for row in rows.values("organization_id")
        .annotate(**{name: Count("id", filter=cond) for name, cond in TALLY.items()})
        .order_by()
    }
    changed = []
    for pk, org_id, *old in targets.values_list("id", "organization_id", *TALLY):
        fresh = counts.get(org_id, {})
        values = [fresh.get(name, 0) for name in TALLY]
        if values != old:
            changed.append([*values, pk])
    _write_tallies(changed)
    return len(changed)


def _write_tallies(rows: list[list[int]]) -> None:
    """One prepared UPDATE executed for every changed org row ([*tally values, id]): the ORM's
    bulk_update builds a CASE per field and row, about 4 ms a row (measured on 20,000 imported
    results); the tallies are not audited fields."""
    if not rows:
        return
    connection = connections[router.db_for_write(OrgReview)]
    quote = connection.ops.quote_name
    meta = OrgReview._meta
    columns = ", ".join(f"{quote(meta.get_field(name).column)} = %s" for name in TALLY)
    sql = f"UPDATE {quote(meta.db_table)} SET {columns} WHERE {quote(meta.pk.column)} = %s"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def progress_by_child(review_year: ReviewYear, org: Organization, children: list) -> dict:
    """Per child org (and for `org` itself): members to classify, exempt, proposed, decided —
    summed from the org rows' tallies (one query over the year's org rows)."""
    from django.db.models.functions import Substr

    width = len(org.path) + Organization.steplen
    rows = (
        OrgReview.objects.filter(review_year=review_year, organization__path__startswith=org.path)
        .annotate(child=Substr("organization__path", 1, width))
        .values("child")
        .annotate(
            total=Sum("members_total"),
            exempt=Sum("members_exempt"),
            proposed=Sum("members_proposed"),
            excellent=Sum("members_excellent"),
            good=Sum("members_good"),
            completed=Sum("members_completed"),
            not_completed=Sum("members_not_completed"),
        )
        .order_by()
    )
    result = {}
    for row in rows:
        if not row["total"]:
            continue
        row["decided"] = (
            row["excellent"] + row.pop("good") + row.pop("completed") + row.pop("not_completed")
        )
        result[row["child"]] = row
    return result


def grades_by_child(review_year: ReviewYear, org: Organization) -> dict[str, dict[str, int]]:
    """Final member grades per child org of `org` (key: the child's path; `org` itself when
    members sit directly in it), exempt and pending apart: one query over the org tallies."""
    from django.db.models.functions import Substr

    width = len(org.path) + (0 if org.org_type.holds_members else Organization.steplen)
    rows = (
        OrgReview.objects.filter(review_year=review_year, organization__path__startswith=org.path)
        .annotate(child=Substr("organization__path", 1, width))
        .values("child")
        .annotate(**{name: Sum(name) for name in TALLY})
        .order_by()
    )
    result: dict[str, dict[str, int]] = {}
    for row in rows:
        if not row["members_total"]:
            continue
        counts = {grade: row[name] for grade, name in TALLY_GRADES.items()}
        counts["exempt"] = row["members_exempt"]
        counts["pending"] = (
            row["members_total"]
            - row["members_exempt"]
            - sum(row[name] for name in TALLY_GRADES.values())
        )
        result[row["child"]] = counts
    return result


def grade_counts(path: str, years=None):
    """Members (from the org rows' tallies) and classified orgs per year under `path`:
    ({year: {grade|"exempt"|"pending": n}}, {year: {"grassroots"|"cells": {grade|"pending": n}}}),
    one grouped query over the org rows."""
    qs = OrgReview.objects.filter(organization__path__startswith=path)
    if years:
        qs = qs.filter(review_year__year__in=years)
    rows = (
        qs.values(
            "review_year__year",
            "is_classified",
            "organization__org_type__is_grassroots",
            "final_grade",
        )
        .annotate(n=Count("id"), **{name: Sum(name) for name in TALLY})
        .order_by()
    )
    members: dict[int, dict[str, int]] = {}
    orgs: dict[int, dict[str, dict[str, int]]] = {}
    for row in rows:
        year = row["review_year__year"]
        counts = members.setdefault(year, {})
        graded = 0
        for grade, name in TALLY_GRADES.items():
            graded += row[name] or 0
            counts[grade] = counts.get(grade, 0) + (row[name] or 0)
        counts["exempt"] = counts.get("exempt", 0) + (row["members_exempt"] or 0)
        pending = (row["members_total"] or 0) - (row["members_exempt"] or 0) - graded
        counts["pending"] = counts.get("pending", 0) + pending
        if row["is_classified"]:
            kind = "grassroots" if row["organization__org_type__is_grassroots"] else "cells"
            by_grade = orgs.setdefault(year, {}).setdefault(kind, {})
            key = row["final_grade"] or "pending"
            by_grade[key] = by_grade.get(key, 0) + row["n"]
    for year, counts in members.items():
        members[year] = {k: v for k, v in counts.items() if v}
    return members, orgs


def member_counts(path: str, years=None) -> dict[int, dict[str, int]]:
    """Final grades of members under `path` per year (exempt counted apart)."""
    return grade_counts(path, years)[0]


def org_counts(path: str, years=None) -> dict[int, dict[str, dict[str, int]]]:
    """Final grades of classified orgs under `path` per year, split grassroots / cells."""
    return grade_counts(path, years)[1]


@dataclass
class YearShares:
    year: int
    members: dict
    member_shares: dict
    grassroots: dict
    grassroots_shares: dict
    cells: dict
    cell_shares: dict


def shares(path: str, years=None) -> list[YearShares]:
    """Counts and shares per grade, per year, for members, grassroots orgs and cells."""
    members, orgs = grade_counts(path, years)
    result = []
    for year in sorted(set(members) | set(orgs)):
        m = members.get(year, {})
        g = orgs.get(year, {}).get("grassroots", {})
        c = orgs.get(year, {}).get("cells", {})
        result.append(
            YearShares(
                year, m, rules.grade_shares(m), g, rules.grade_shares(g), c, rules.grade_shares(c)
            )
        )
    return result


def averages(rows: list[YearShares]) -> dict:
    """Multi-year averages of the member and grassroots-org shares (mean of yearly shares)."""
    result = {}
    for key in (*rules.GRADES, "good_or_better"):
        values = [r.member_shares[key] for r in rows if r.member_shares.get(key) is not None]
        result[key] = (sum(values) / len(values)).quantize(Decimal("0.01")) if values else None
    values = [
        r.grassroots_shares["good_or_better"]
        for r in rows
        if r.grassroots_shares.get("good_or_better") is not None
    ]
    result["grassroots_good_or_better"] = (
        (sum(values) / len(values)).quantize(Decimal("0.01")) if values else None
    )
    return result


def grade_choices_up_to(grade: str):
    return [
        (g, label) for g, label in Grade.choices if not grade or rules.RANK[g] <= rules.RANK[grade]
    ]


def excellent_streaks(path: str, up_to: int, min_years: int = 2) -> list[tuple]:
    """Members under `path` rated Excellent in consecutive years ending at `up_to`
    (commendation candidates), longest first: one query."""
    rows = (
        MemberReview.objects.filter(
            organization__path__startswith=path,
            final_grade=rules.EXCELLENT,
            review_year__year__lte=up_to,
        )
        .values_list("member_id", "member__full_name", "review_year__year")
        .order_by()
    )
    years: dict[tuple, list[int]] = {}
    for member_id, name, year in rows:
        years.setdefault((member_id, name), []).append(year)
    result = [(key, rules.streak(ys, up_to)) for key, ys in years.items()]
    return sorted(
        ((member_id, name, n) for (member_id, name), n in result if n >= min_years),
        key=lambda item: (-item[2], item[1]),
    )


def org_excellent_streaks(path: str, up_to: int, min_years: int = 2) -> list[tuple]:
    """Classified orgs under `path` rated Excellent in consecutive years ending at `up_to`,
    longest first: one query."""
    rows = (
        OrgReview.objects.filter(
            organization__path__startswith=path,
            is_classified=True,
            final_grade=rules.EXCELLENT,
            review_year__year__lte=up_to,
        )
        .values_list("organization_id", "organization__name", "review_year__year")
        .order_by()
    )
    years: dict[tuple, list[int]] = {}
    for org_id, name, year in rows:
        years.setdefault((org_id, name), []).append(year)
    result = [(key, rules.streak(ys, up_to)) for key, ys in years.items()]
    return sorted(
        ((org_id, name, n) for (org_id, name), n in result if n >= min_years),
        key=lambda item: (-item[2], item[1]),
    )
