"""Member steps: self-assessment and the cell's entry of scores and proposed grades."""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from dangbo.core.accounts import actor as _actor
from dangbo.core.errors import DomainError
from dangbo.organizations.models import Organization
from dangbo.reviews import rules
from dangbo.reviews.models import (
    CriteriaSet,
    MemberReview,
    ReviewStep,
    ReviewYear,
)
from dangbo.reviews.services.common import (
    _label,
    _open_year_or_fail,
    _step,
    commitment_effect,
    commitment_min_percent,
    commitment_results,
    grade_rules,
)
from dangbo.reviews.services.tallies import tally_members

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


def _criteria(criteria_set: CriteriaSet | None):
    if criteria_set is None:  # an imported year before any criteria set (#22)
        return []
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
