"""Classification of organisations (scores, decisions of the superior) and closing a year."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from dangbo.core import hooks
from dangbo.core.accounts import actor as _actor
from dangbo.core.errors import DomainError
from dangbo.core.permissions import has_permission
from dangbo.organizations.models import Organization
from dangbo.reviews import rules
from dangbo.reviews.models import (
    MemberReview,
    OrgReview,
    ReviewStep,
    ReviewYear,
)
from dangbo.reviews.services.common import _label, _open_year_or_fail, _step, grade_rules
from dangbo.reviews.services.entry import ScoreRow, _criteria, _score

# --- organisations ----------------------------------------------------------------------------


@transaction.atomic
def score_org(review: OrgReview, *, row: ScoreRow, self_grade: str = "", user=None) -> OrgReview:
    """An org's own scoring against the org criteria (and its self-grade)."""
    review = (
        OrgReview.objects.select_for_update(of=("self", "review_year"))
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
