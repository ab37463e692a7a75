"""Planning imports of classification results (members and organisations), past years included."""

from datetime import date

from dangbo.core.permissions import reachable_paths
from dangbo.imports import rules
from dangbo.imports.orgindex import (
    OrgIndex,
    OrgRef,
)
from dangbo.imports.planning import (
    Plan,
    RowPlan,
    _in_scope,
    _parse_rows,
    labels_for,
    member_by_code,
    member_rows,
    members_by_code,
)
from dangbo.imports.rules import (
    ORG_REVIEW_SHAPE,
    REVIEW_SHAPE,
    CellError,
)
from dangbo.imports.sheets import Sheet
from dangbo.organizations.models import Organization
from dangbo.reviews import services as review_services

# ---------------------------------------------------------------- classification results

REVIEW_MEMBER_FIELDS = (
    "pk",
    "full_name",
    "name_search",
    "birth_date",
    "id_number",
    "org_path",
    "organization_id",
)
REVIEW_LABELS = {
    "grade": dict(REVIEW_SHAPE.column("grade").choices),
    "exemption": dict(REVIEW_SHAPE.column("exemption").choices),
}
# reviews.services reports problems by its own field names; the sheet's columns are these
REVIEW_FIELD_COLUMNS = {f: f for f in ("year", "grade", "exemption", "decision")}


def plan_reviews(
    sheet: Sheet, mapping: dict[int, str], *, user, root: Organization, today: date, progress=None
) -> Plan:
    """Final classification results of past years, one row per member and year.

    The member is found by system id, ID number, or name and birth date (within the named cell
    when one is given), among the members the user may classify under the root. What the row
    does (create / update old → new / unchanged) and what the review rules refuse (the open
    year, a future year, a year before admission, a discipline cap, the same member and year
    twice) come from reviews.services.check_past_results, which the commit runs again."""
    rows = _parse_rows(sheet, mapping, REVIEW_SHAPE, progress)
    orgs = OrgIndex.for_user(user, root, "reviews.confirm")
    paths = reachable_paths(user, "reviews.confirm")
    fields = REVIEW_MEMBER_FIELDS
    by_pk, by_number = members_by_code(rows, fields)
    names = {
        rules.key_of(r.values["full_name"])
        for r in rows
        if r.values.get("full_name") and not r.values.get("id") and not r.values.get("id_number")
    }
    by_name: dict[tuple[str, date], list[dict]] = {}
    for row in member_rows("name_search", names, fields, org_path__startswith=root.path):
        by_name.setdefault((row["name_search"], row["birth_date"]), []).append(row)

    located: list[tuple[RowPlan, dict]] = []
    for plan in rows:
        member = _find_member(plan, orgs, by_pk, by_number, by_name, root.path, paths)
        if member is not None and not plan.errors:
            located.append((plan, member))
    results = [
        review_services.PastResult(
            member_id=member["pk"],
            year=plan.values["year"],
            grade=plan.values.get("grade") or "",
            exemption=plan.values.get("exemption") or "",
            decision=plan.values.get("decision") or "",
            row=plan.row,
            score=plan.values.get("score"),
        )
        for plan, member in located
    ]
    checks = review_services.check_past_results(root=root, results=results, today=today, user=user)
    for (plan, member), result, check in zip(located, results, checks, strict=True):
        _decide_review(plan, member, result, check)
    for plan in rows:
        if plan.errors:
            plan.action = "error"
    names_by_id = {ref.id: ref.name for ref in orgs.by_id.values()}
    return Plan(REVIEW_SHAPE, rows, labels_for(sheet.headers, mapping), names_by_id)


def _find_member(plan, orgs, by_pk, by_number, by_name, root_path, paths) -> dict | None:
    """The one member a row names (system id, ID number, or name + birth date), or None with
    the row's error."""
    values = plan.values
    number = values.get("id_number") or ""
    birth = values.get("birth_date")
    name = values.get("full_name") or ""
    org = None
    if values.get("organization") and not any(f == "organization" for f, _ in plan.errors):
        try:
            org = orgs.resolve(values["organization"], "chi bộ")
        except CellError as error:
            plan.error("organization", error.message)
    named, member = member_by_code(plan, by_pk, by_number, root_path, paths)
    if named:
        if member is None:
            return None
    elif number:
        plan.error(
            "id_number", "Số định danh bị che (***); cần nhập đủ 12 chữ số hoặc mã hệ thống."
        )
        return None
    else:
        if not name or birth is None:
            if not any(f in ("full_name", "birth_date") for f, _ in plan.errors):
                plan.error(
                    "birth_date" if name else "full_name",
                    "Cần mã hệ thống, số định danh, hoặc họ tên và ngày sinh để tìm đảng viên.",
                )
            return None
        candidates = [
            m
            for m in by_name.get((rules.key_of(name), birth), [])
            if _in_scope(m["org_path"], root_path, paths)
            and (org is None or m["org_path"].startswith(org.path))
        ]
        if not candidates:
            plan.error(
                "full_name",
                f"Không tìm thấy đảng viên «{name[:60]}» sinh ngày {birth:%d/%m/%Y} trong phạm vi "
                "được giao.",
            )
            return None
        if len(candidates) > 1:
            plan.error(
                "full_name",
                f"Có {len(candidates)} đảng viên «{name[:60]}» sinh ngày {birth:%d/%m/%Y}; hãy "
                "ghi mã hệ thống hoặc số định danh.",
            )
            return None
        member = candidates[0]
    if name and rules.key_of(name) != member["name_search"]:
        plan.error(
            "full_name", f"Họ tên không khớp với đảng viên tìm được («{member['full_name']}»)."
        )
    if birth is not None and birth != member["birth_date"]:
        plan.error(
            "birth_date",
            f"Ngày sinh không khớp với đảng viên tìm được ({member['birth_date']:%d/%m/%Y}).",
        )
    return member


def _decide_review(plan: RowPlan, member: dict, result, check) -> None:
    located_by = next(f for f in ("id", "id_number", "full_name") if plan.values.get(f))
    for name, message in check.problems:
        plan.error(REVIEW_FIELD_COLUMNS.get(name, located_by), message)
    plan.object_id = check.review_id
    plan.org_id = check.organization_id
    plan.current = dict(check.current)
    plan.data = {
        "full_name": f"{member['full_name']} — năm {result.year}",
        "member_id": member["pk"],
        "year": result.year,
        "grade": result.grade,
        "exemption": result.exemption,
        "decision": result.decision,
        "score": result.score,
    }
    if check.action == "update":
        old = {"grade": check.current["final_grade"], "exemption": check.current["exemption"]}
        new = {"grade": result.grade, "exemption": result.exemption}
        plan.changes = {
            f: (REVIEW_LABELS[f].get(old[f], old[f]), REVIEW_LABELS[f].get(new[f], new[f]))
            for f in ("grade", "exemption")
            if old[f] != new[f]
        }
    plan.action = check.action


def plan_org_reviews(
    sheet: Sheet, mapping: dict[int, str], *, user, root: Organization, today: date, progress=None
) -> Plan:
    """Final classification results of cells and grassroots orgs for past years, one row per
    org and year; the checks are reviews.services.check_past_org_results."""
    rows = _parse_rows(sheet, mapping, ORG_REVIEW_SHAPE, progress)
    orgs = OrgIndex.for_user(user, root, "reviews.confirm")
    located: list[tuple[RowPlan, OrgRef]] = []
    for plan in rows:
        org = None
        values = plan.values
        if values.get("id"):
            org = orgs.by_id.get(values["id"])
            if org is None:
                plan.error(
                    "id",
                    f"Không tìm thấy tổ chức có mã hệ thống {values['id']} trong phạm vi "
                    "được giao.",
                )
        if values.get("organization") and not plan.errors:
            try:
                named = orgs.resolve(values["organization"])
            except CellError as error:
                if org is None:
                    plan.error("organization", error.message)
            else:
                if org is not None and named.id != org.id:
                    plan.error(
                        "organization",
                        f"Tên tổ chức không khớp với mã hệ thống {org.id} («{org.name}»).",
                    )
                org = org or named
        if org is not None and not plan.errors:
            located.append((plan, org))
    results = [
        review_services.PastOrgResult(
            organization_id=org.id,
            year=plan.values["year"],
            grade=plan.values.get("grade") or "",
            decision=plan.values.get("decision") or "",
            row=plan.row,
        )
        for plan, org in located
    ]
    checks = review_services.check_past_org_results(
        root=root, results=results, today=today, user=user
    )
    labels = REVIEW_LABELS["grade"]
    for (plan, org), result, check in zip(located, results, checks, strict=True):
        for name, message in check.problems:
            plan.error(name if name in ("year", "grade", "decision") else "organization", message)
        plan.object_id = check.review_id
        plan.org_id = org.id
        plan.current = dict(check.current)
        plan.data = {
            "name": f"{org.name} — năm {result.year}",
            "organization_id": org.id,
            "year": result.year,
            "grade": result.grade,
            "decision": result.decision,
        }
        if check.action == "update":
            old = check.current["final_grade"]
            plan.changes = {"grade": (labels.get(old, old), labels.get(result.grade))}
        plan.action = check.action
    for plan in rows:
        if plan.errors:
            plan.action = "error"
    names = {ref.id: ref.name for ref in orgs.by_id.values()}
    return Plan(ORG_REVIEW_SHAPE, rows, labels_for(sheet.headers, mapping), names)
