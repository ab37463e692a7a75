"""Shared pieces of the review services: grade labels, the dated parameters of a year, steps."""

from decimal import Decimal

from django.utils import timezone

from dangbo.core import hooks
from dangbo.core.accounts import actor as _actor
from dangbo.core.errors import DomainError
from dangbo.core.models import RuleParameter
from dangbo.members import services as member_services
from dangbo.organizations.models import Organization
from dangbo.reviews import rules
from dangbo.reviews.models import (
    MemberReview,
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
