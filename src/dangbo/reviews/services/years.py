"""Opening a review year, and absences from the review (exemptions)."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dangbo.core.accounts import actor as _actor
from dangbo.core.errors import DomainError
from dangbo.core.models import RuleParameter
from dangbo.core.permissions import has_permission
from dangbo.core.text import clean_spaces
from dangbo.members import rules as member_rules
from dangbo.members.choices import ACTIVE_STATUSES
from dangbo.members.models import Discipline, Member
from dangbo.organizations.models import Organization
from dangbo.reviews import rules
from dangbo.reviews.models import (
    Absence,
    CriteriaSet,
    MemberReview,
    OrgReview,
    ReviewStep,
    ReviewYear,
)
from dangbo.reviews.services.common import _step, discipline_caps
from dangbo.reviews.services.tallies import tally_members

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
