"""Member results of past years entered from records: checks, record and undo."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from dangbo.core.accounts import actor as _actor
from dangbo.core.errors import DomainError
from dangbo.core.permissions import reachable_paths
from dangbo.core.text import clean_spaces
from dangbo.members import rules as member_rules
from dangbo.members import services as member_services
from dangbo.members.choices import ACTIVE_STATUSES
from dangbo.members.models import Discipline, Member
from dangbo.organizations.models import Organization
from dangbo.reviews import rules
from dangbo.reviews.models import (
    CriteriaSet,
    MemberReview,
    OrgReview,
    ReviewStep,
    ReviewYear,
)
from dangbo.reviews.services.common import _step
from dangbo.reviews.services.tallies import tally_members
from dangbo.reviews.services.years import _ancestor_paths, _require

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
    score: Decimal | None = None  # the total score reported then, if any (new results only)


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
            _place_past_result(check, result, member, existing, root.path, year_rows, reachable)
        check.action = "error" if check.problems else check.action
    return checks


def _place_past_result(check, result, member, existing, root_path, year_rows, reachable):
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
        _place_in_year(check, year, member["org_path"], root_path, year_rows)
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
            total_score=result.score,
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
        for pk, before, _last_step in batch:
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


def _place_in_year(check, year, path, root_path, year_rows) -> None:
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
