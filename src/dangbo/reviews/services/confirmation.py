"""The committee's confirmation under the quota, appeals and corrections of final grades."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from dangbo.core.accounts import actor as _actor
from dangbo.core.errors import DomainError
from dangbo.organizations.models import Organization
from dangbo.reviews import rules
from dangbo.reviews.models import (
    Confirmation,
    MemberReview,
    ReviewStep,
    ReviewYear,
)
from dangbo.reviews.services.common import _label, _open_year_or_fail, _step, quota_percent
from dangbo.reviews.services.tallies import tally_members
from dangbo.reviews.services.years import confirming_unit

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
