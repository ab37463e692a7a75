"""Planning a member import: match by system id / ID number, new or changed members, warnings."""

from datetime import date

from django.db.models import Count

from dangbo.core.models import RuleParameter
from dangbo.core.permissions import reachable_paths
from dangbo.imports import rules
from dangbo.imports.orgindex import OrgIndex
from dangbo.imports.planning import (
    CONFLICT_LABELS,
    DATE_FIELDS,
    KEEP_WHEN_BLANK,
    MEMBER_DEFAULTS,
    TRACKED_FIELDS,
    Plan,
    RowPlan,
    _in_scope,
    _parse_rows,
    labels_for,
    member_by_system_id,
    members_by_code,
)
from dangbo.imports.rules import (
    MEMBER_SHAPE,
    CellError,
)
from dangbo.imports.sheets import Sheet
from dangbo.members.choices import Status
from dangbo.members.duplicates import same_person_rows
from dangbo.members.models import Member
from dangbo.members.services import IDENTITY_FIELDS
from dangbo.organizations import rules as org_rules
from dangbo.organizations.models import Organization

# ---------------------------------------------------------------- members


def plan_members(
    sheet: Sheet, mapping: dict[int, str], *, user, root: Organization, today: date, progress=None
) -> Plan:
    mapped = set(mapping.values())
    rows = _parse_rows(sheet, mapping, MEMBER_SHAPE, progress)
    orgs = OrgIndex.for_user(user, root, "members.change")
    paths = reachable_paths(user, "members.change")

    fields = ["pk", *TRACKED_FIELDS, "org_path", "organization__name"]
    by_pk, by_number = members_by_code(rows, fields)

    seen_numbers: dict[str, int] = {}
    seen_ids: dict[int, int] = {}
    for plan in rows:
        _decide_member(plan, mapped, orgs, paths, root.path, by_pk, by_number, today)
        number = plan.data.get("id_number")
        if number:
            if number in seen_numbers:
                plan.error(
                    "id_number",
                    f"Số định danh {number} trùng với dòng {seen_numbers[number]} trong tệp.",
                )
            else:
                seen_numbers[number] = plan.row
        if plan.object_id:
            if plan.object_id in seen_ids:
                plan.error(
                    "id", f"Đảng viên này đã có ở dòng {seen_ids[plan.object_id]} trong tệp."
                )
            else:
                seen_ids[plan.object_id] = plan.row
        if plan.errors:
            plan.action = "error"
    names = {ref.id: ref.name for ref in orgs.by_id.values()}
    plan = Plan(MEMBER_SHAPE, rows, labels_for(sheet.headers, mapping), names)
    plan.warnings = member_warnings(rows, orgs, root, today)
    warning = duplicate_warning(rows, root.path, paths)
    if warning:
        plan.warnings.append(warning)
    return plan


MIN_OFFICIAL_KEY = "org.min_official_members"


def member_warnings(rows: list[RowPlan], orgs: "OrgIndex", root: Organization, today) -> list:
    """Figures the import would make look wrong (issue #22): members admitted long ago all
    recorded as probationary when no row has an official date; blank theory levels counted as
    not declared; cells left under the minimum of official members. Never blocks the commit."""
    creates = [r for r in rows if r.action == "create"]
    warnings = []
    official_given = any(r.values.get("official_on") for r in rows)
    overdue = rules.overdue_probationers([r.data.get("admitted_on") for r in creates], today)
    warning = rules.missing_official_warning(official_given, overdue)
    if warning:
        warnings.append(warning)
    warning = rules.undeclared_theory_warning(
        sum(1 for r in creates if not r.data.get("theory_level"))
    )
    if warning:
        warnings.append(warning)
    added: dict[int, int] = {}
    for r in creates:
        if r.org_id is not None:
            added[r.org_id] = added.get(r.org_id, 0) + (1 if r.data.get("official_on") else 0)
    if added:
        existing = dict(
            Member.objects.filter(organization_id__in=list(added), status=Status.OFFICIAL)
            .values("organization_id")
            .annotate(n=Count("pk"))
            .values_list("organization_id", "n")
        )
        minimum = RuleParameter.value_on(
            MIN_OFFICIAL_KEY, today, root.path, default=org_rules.DEFAULT_MIN_OFFICIAL_MEMBERS
        )
        cells = rules.cells_below_minimum(existing, added, minimum)
        labels = [orgs.label(orgs.by_id[cell]) for cell in cells if cell in orgs.by_id]
        warning = rules.small_cells_warning(labels, minimum)
        if warning:
            warnings.append(warning)
    return warnings


def duplicate_warning(rows: list[RowPlan], root_path: str, paths) -> str | None:
    """New rows that look like a person already registered (same accent-folded name and
    birth date, anywhere in the register) or like another new row of the file (#22)."""
    creates = [r for r in rows if r.action == "create" and r.data.get("birth_date")]
    keyed = [((rules.key_of(r.data["full_name"]), r.data["birth_date"]), r) for r in creates]
    found = same_person_rows([key for key, _row in keyed])
    notes: list[str] = []
    first_row: dict = {}
    for key, row in keyed:
        for member in found.get(key, []):
            where = (
                f"#{member['pk']} {member['full_name']} ({member['organization__name']})"
                if _in_scope(member["org_path"], root_path, paths)
                else "một đảng viên ngoài phạm vi của bạn"
            )
            notes.append(f"dòng {row.row} — {where}")
        if key in first_row:
            notes.append(f"dòng {row.row} — dòng {first_row[key]} của tệp")
        first_row.setdefault(key, row.row)
    return rules.likely_duplicates_warning(notes)


def _decide_member(plan, mapped, orgs, paths, root_path, by_pk, by_number, today) -> None:
    """The row's action, with every error it has: each bad cell, the org and match problems,
    and the record's own checks (dates, ID number) on the fields that could be read — a row
    lists all its errors, not the first one (issue #22)."""
    _match_member(plan, mapped, orgs, paths, root_path, by_pk, by_number)
    failed = {f for f, _ in plan.errors}
    checked = plan.data or {k: v for k, v in plan.values.items() if k not in failed}
    for key, message in rules.member_identity_problems(checked, today).items():
        if key not in failed:
            plan.error(key, message)


def _existing_member(plan, root_path, paths, by_pk, by_number) -> tuple[bool, dict | None]:
    """The register's member a row updates: by system code, else by ID number when the row
    names the same person. (False, None) once an error is recorded; (True, None) for a new one."""
    values = plan.values
    number = values.get("id_number") or ""
    if values.get("id"):
        row = member_by_system_id(plan, by_pk, root_path, paths)
        return row is not None, row
    if number and not rules.is_masked_id(number) and number in by_number:
        row = by_number[number]
        if not _in_scope(row["org_path"], root_path, paths):
            plan.error("id_number", f"Số định danh {number} đã thuộc một đảng viên khác.")
            return False, None
        conflicts = rules.identity_conflicts(values, row)
        if conflicts:
            plan.error(
                "id_number",
                f"Số định danh {number} đã thuộc đảng viên «{row['full_name']}» có "
                + " và ".join(CONFLICT_LABELS[key] for key in conflicts)
                + " khác dòng này: có thể trùng người hoặc nhập sai số; muốn sửa họ tên hay ngày"
                " sinh thì dùng cột «Mã hệ thống» hoặc màn hình hồ sơ.",
            )
            return False, None
        return True, row
    return True, None


def _match_member(plan, mapped, orgs, paths, root_path, by_pk, by_number) -> None:
    values = plan.values
    org = None
    if "organization" in values and not any(f == "organization" for f, _ in plan.errors):
        try:
            org = orgs.resolve(values["organization"], "chi bộ")
        except CellError as error:
            plan.error("organization", error.message)
    number = values.get("id_number") or ""
    found, target = _existing_member(plan, root_path, paths, by_pk, by_number)
    if not found:
        return
    if rules.is_masked_id(number):
        if target is not None and rules.masked_matches(number, target["id_number"]):
            values["id_number"] = target["id_number"]
        else:
            plan.error("id_number", "Số định danh bị che (***); cần nhập đủ 12 chữ số.")
            return
    number = values.get("id_number") or ""
    if target is not None and number and number != target["id_number"]:
        other = by_number.get(number)
        if other is not None and other["pk"] != target["pk"]:
            plan.error("id_number", f"Số định danh {number} đã thuộc một đảng viên khác.")

    if target is None:
        data = {}
        for key in IDENTITY_FIELDS:
            value = values.get(key)
            if value in (None, "") and key in MEMBER_DEFAULTS:
                value = MEMBER_DEFAULTS[key]
            elif value is None and key not in DATE_FIELDS:
                value = ""
            data[key] = value
        data["id_number"] = data["id_number"] or None
        plan.data = data
        if org is not None:
            if not org.is_active:
                plan.error("organization", f"Tổ chức «{org.name}» đã giải thể.")
            elif not org.holds_members:
                plan.error(
                    "organization",
                    f"«{org.name}» là đảng bộ; đảng viên phải sinh hoạt tại một chi bộ.",
                )
            plan.org_id = org.id
        plan.action = "create"
    else:
        current = {f: target[f] for f in TRACKED_FIELDS}
        data = {f: current[f] for f in IDENTITY_FIELDS}
        for key in IDENTITY_FIELDS:
            if key in mapped and not any(f == key for f, _ in plan.errors):
                value = values.get(key)
                if value in (None, "") and key in MEMBER_DEFAULTS:
                    value = MEMBER_DEFAULTS[key]
                elif value in (None, "") and key in KEEP_WHEN_BLANK:
                    value = current[key]
                data[key] = value
        data["id_number"] = data["id_number"] or None
        plan.data = data
        plan.object_id = target["pk"]
        plan.current = current
        plan.org_id = target["organization_id"]
        if org is not None and org.id != target["organization_id"]:
            plan.error(
                "organization",
                f"Đảng viên đang sinh hoạt tại «{target['organization__name']}»; "
                "muốn đổi chi bộ phải làm thủ tục chuyển sinh hoạt.",
            )
        plan.changes = {
            f: (current[f], data[f])
            for f in IDENTITY_FIELDS
            if (current[f] or None) != (data[f] or None)
        }
        plan.action = "update" if plan.changes else "unchanged"
