"""Org results of past years entered from records: checks, record and undo."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from dangbo.core.accounts import actor as _actor
from dangbo.core.errors import DomainError
from dangbo.core.permissions import reachable_paths
from dangbo.core.text import clean_spaces
from dangbo.organizations.models import Organization
from dangbo.reviews import rules
from dangbo.reviews.models import (
    OrgReview,
    ReviewStep,
    ReviewYear,
)
from dangbo.reviews.services.past_results import (
    PastResultCheck,
    RecordedResult,
    _chunks,
    _discard_empty_imported,
    _ensure_org_rows,
    _open_imported_years,
    _open_year_message,
    _place_in_year,
    _reachable,
    _snapshots,
    _work_or_first_problem,
    _write_past_results,
    _year_orgs,
    _years_around,
)
from dangbo.reviews.services.years import _require

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
                _place_in_year(check, result.year, org["path"], root.path, year_rows)
            if result.expected is not None and result.expected != seen_grade:
                check.problems.append(
                    ("organization", "Dữ liệu đã thay đổi trong lúc ghi; hãy thử lại.")
                )
        check.action = "error" if check.problems else check.action
    return checks


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
