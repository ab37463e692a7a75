"""Planning an import of members' past: where they belonged before (placement periods) and
their later statuses (official recognition, leaving), one dated fact per row (#22).

A row names a member already in the register (system id or ID number; a name, if given, must
match). Placement rows of one member together state the periods before the current cell,
checked as a whole (members.rules.placement_history_problems); status rows are applied in date
order from the member's status as members.services.change_status would
(members.rules.status_history_problems). A member's history is taken only while the register
holds nothing but the placement made on registration; the same history imported again is
«không đổi». A bad row makes its member's other rows of the same kind errors too, so that
skipping errors never writes half a history.
"""

from collections import defaultdict
from datetime import date

from dangbo.core.permissions import reachable_paths
from dangbo.imports import rules
from dangbo.imports.orgindex import OrgIndex
from dangbo.imports.planning import (
    Plan,
    RowPlan,
    _parse_rows,
    labels_for,
    member_by_code,
    members_by_code,
)
from dangbo.imports.rules import CellError
from dangbo.imports.shapes import (
    HISTORY_PLACEMENT,
    HISTORY_SHAPE,
    HISTORY_STATUS,
    OUTSIDE_TREE,
    READMISSION,
)
from dangbo.imports.sheets import Sheet
from dangbo.members import rules as member_rules
from dangbo.members.choices import Status
from dangbo.members.models import Placement, StatusPeriod
from dangbo.organizations.models import Organization

HISTORY_MEMBER_FIELDS = (
    "pk",
    "full_name",
    "id_number",
    "org_path",
    "organization_id",
    "organization__name",
    "admitted_on",
    "status",
    "status_since",
)
OUTSIDE_KEY = rules.key_of(OUTSIDE_TREE)


def plan_history(
    sheet: Sheet, mapping: dict[int, str], *, user, root: Organization, today: date, progress=None
) -> Plan:
    rows = _parse_rows(sheet, mapping, HISTORY_SHAPE, progress)
    orgs = OrgIndex.for_user(user, root, "members.change")
    paths = reachable_paths(user, "members.change")
    by_pk, by_number = members_by_code(rows, HISTORY_MEMBER_FIELDS)

    groups: dict[tuple[int, str], list[RowPlan]] = defaultdict(list)
    members: dict[int, dict] = {}
    for plan in rows:
        member = _locate(plan, by_pk, by_number, root.path, paths)
        if member is not None:
            members[member["pk"]] = member
        _check_cells(plan, member, orgs)
        entry = plan.values.get("entry")
        if member is not None and entry:
            plan.object_id = member["pk"]
            plan.data = _row_data(plan, member)
            groups[(member["pk"], entry)].append(plan)
    _check_dissolved(rows, orgs)
    recorded = _recorded(list(members))
    for (member_id, entry), group in groups.items():
        member = members[member_id]
        if entry == HISTORY_PLACEMENT:
            _decide_placements(group, member, recorded["placements"][member_id], today)
        else:
            _decide_statuses(group, member, recorded["statuses"][member_id], today)
    for plan in rows:
        if plan.errors:
            plan.action = "error"
        elif not plan.action:
            plan.action = "create"
    names = {ref.id: ref.name for ref in orgs.by_id.values()}
    return Plan(HISTORY_SHAPE, rows, labels_for(sheet.headers, mapping), names)


def _locate(plan: RowPlan, by_pk, by_number, root_path: str, paths) -> dict | None:
    """The member a row names by system id or ID number (a name, if given, must match)."""
    values = plan.values
    failed = {f for f, _ in plan.errors}
    named, member = member_by_code(plan, by_pk, by_number, root_path, paths)
    if member is None:
        if not named and "id" not in failed and "id_number" not in failed:
            plan.error(
                "id",
                "Cần ghi «Mã hệ thống đảng viên» hoặc «Số định danh cá nhân» (đủ 12 chữ số) "
                "để tìm đảng viên.",
            )
        return None
    if rules.identity_conflicts({"full_name": values.get("full_name")}, member):
        plan.error(
            "full_name",
            f"Họ tên «{values['full_name']}» không khớp với đảng viên «{member['full_name']}» "
            f"(mã hệ thống {member['pk']}).",
        )
    if member["status"] == Status.MERGED:
        plan.error(
            "id",
            f"Hồ sơ của «{member['full_name']}» đã được gộp vào hồ sơ khác: ghi quá trình cho "
            "hồ sơ được giữ.",
        )
    return member


def _check_cells(plan: RowPlan, member: dict | None, orgs: OrgIndex) -> None:
    """What the row's kind requires and forbids; the org of a placement row."""
    values = plan.values
    entry = values.get("entry")
    if entry == HISTORY_STATUS:
        if not values.get("status") and not _failed(plan, "status"):
            plan.error("status", "Dòng «Trạng thái» cần chọn trạng thái.")
        if values.get("valid_to"):
            plan.error("valid_to", "Dòng «Trạng thái» không ghi «Đến ngày» (chỉ ngày hiệu lực).")
        if values.get("organization"):
            plan.error("organization", "Dòng «Trạng thái» không ghi tổ chức.")
        return
    if entry != HISTORY_PLACEMENT:
        return
    if values.get("status"):
        plan.error("status", "Cột «Trạng thái» chỉ dùng cho dòng «Trạng thái».")
    text = values.get("organization") or ""
    if not text or rules.key_of(text) == OUTSIDE_KEY:
        return
    try:
        org = orgs.resolve(text, "chi bộ")
    except CellError as error:
        plan.error("organization", error.message)
        return
    if not org.holds_members:
        plan.error(
            "organization", f"«{org.name}» là đảng bộ; đảng viên phải sinh hoạt tại một chi bộ."
        )
    start = values.get("valid_from")
    if start and start < org.founded_on:
        plan.error(
            "organization",
            f"«{org.name}» thành lập ngày {org.founded_on:%d/%m/%Y}, sau «Từ ngày».",
        )
    plan.org_id = org.id


def _failed(plan: RowPlan, field: str) -> bool:
    return any(f == field for f, _ in plan.errors)


def _row_data(plan: RowPlan, member: dict) -> dict:
    values = plan.values
    status = values.get("status") or ""
    return {
        "full_name": member["full_name"],
        "entry": values["entry"],
        "valid_from": values.get("valid_from"),
        "valid_to": values.get("valid_to"),
        "organization_id": plan.org_id,
        "status": Status.PROBATIONARY if status == READMISSION else status,
        "decision_number": values.get("decision_number") or "",
        "note": values.get("note") or "",
    }


def _recorded(member_ids: list[int]) -> dict[str, dict[int, list]]:
    """The placements and status periods the register holds for these members."""
    found: dict[str, dict[int, list]] = {
        "placements": defaultdict(list),
        "statuses": defaultdict(list),
    }
    for chunk in _chunks(member_ids):
        for row in Placement.objects.filter(member_id__in=chunk).values_list(
            "member_id", "organization_id", "valid_from", "valid_to"
        ):
            found["placements"][row[0]].append(row[1:])
        for row in StatusPeriod.objects.filter(member_id__in=chunk).values_list(
            "member_id", "status", "valid_from"
        ):
            found["statuses"][row[0]].append(row[1:])
    return found


def _chunks(items: list, size: int = 5000):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _spoil(group: list[RowPlan], field: str, noun: str) -> bool:
    """Rows of a member's history that cannot be written while another of them is wrong."""
    bad = [p.row for p in group if p.errors]
    if not bad:
        return False
    shown = ", ".join(str(n) for n in bad[:5])
    for plan in group:
        if not plan.errors:
            plan.error(
                field,
                f"{noun.capitalize()} của đảng viên này còn dòng lỗi ({shown}): sửa rồi nhập "
                f"lại cả {noun}.",
            )
    return True


def _decide_placements(group: list[RowPlan], member: dict, recorded: list, today: date) -> None:
    dated = [p for p in group if p.data["valid_from"] and not _failed(p, "valid_to")]
    periods = [
        member_rules.PastPeriod(
            row=p.row,
            valid_from=p.data["valid_from"],
            valid_to=p.data["valid_to"],
            in_tree=_in_tree(p),
            current=p.org_id == member["organization_id"] or _failed(p, "organization"),
        )
        for p in dated
    ]
    problems = member_rules.placement_history_problems(periods, member["admitted_on"], today)
    for plan in group:
        for field, message in problems.get(plan.row, []):
            plan.error(field, message)
    if _spoil(group, "valid_from", "quá trình sinh hoạt"):
        return
    arrival = member_rules.arrival_date(periods, member["admitted_on"])
    wanted = sorted(
        (p.org_id, p.data["valid_from"], p.data["valid_to"])
        for p in group
        if p.org_id is not None and p.data["valid_to"] is not None
    )
    wanted.append((member["organization_id"], arrival, None))
    held = sorted(recorded, key=lambda r: (r[1], r[2] is None))
    fresh = [(member["organization_id"], member["admitted_on"], None)]
    for plan in group:
        plan.data["arrival"] = arrival
        plan.current = {"placements": held, "status": member["status"]}
    if held == sorted(wanted, key=lambda r: (r[1], r[2] is None)):
        for plan in group:
            plan.action = "unchanged"
    elif held != fresh:
        for plan in group:
            plan.error(
                "id",
                f"Đảng viên «{member['full_name']}» đã có quá trình sinh hoạt ghi trong hệ "
                f"thống ({len(held)} giai đoạn) khác với tệp: sửa trên hồ sơ đảng viên hoặc "
                "bằng thủ tục chuyển sinh hoạt, không nhập lại bằng tệp.",
            )


def _in_tree(plan: RowPlan) -> bool:
    text = plan.values.get("organization") or ""
    return plan.org_id is not None or bool(text and rules.key_of(text) != OUTSIDE_KEY)


def _decide_statuses(group: list[RowPlan], member: dict, recorded: list, today: date) -> None:
    held = set(recorded)
    steps = []
    for plan in group:
        plan.current = {"status": member["status"], "status_since": member["status_since"]}
        if not (plan.data["status"] and plan.data["valid_from"]):
            continue
        if (plan.data["status"], plan.data["valid_from"]) in held:
            plan.action = "unchanged"
        else:
            steps.append(
                member_rules.StatusStep(
                    row=plan.row,
                    status=plan.data["status"],
                    on=plan.data["valid_from"],
                    decision_number=plan.data["decision_number"],
                )
            )
    problems, _status, _since = member_rules.status_history_problems(
        member["status"], member["status_since"], steps, today
    )
    for plan in group:
        for field, message in problems.get(plan.row, []):
            plan.error(field, message)
    _spoil(group, "status", "quá trình trạng thái")


def _check_dissolved(rows: list[RowPlan], orgs: OrgIndex) -> None:
    """A period in a dissolved cell ends by the day it was dissolved."""
    gone = {p.org_id for p in rows if p.org_id is not None and not orgs.by_id[p.org_id].is_active}
    if not gone:
        return
    ended = dict(Organization.objects.filter(pk__in=gone).values_list("pk", "dissolved_on"))
    for plan in rows:
        end, until = plan.values.get("valid_to"), ended.get(plan.org_id)
        if plan.org_id in gone and until is not None and (end is None or end > until):
            plan.error(
                "valid_to",
                f"«{orgs.by_id[plan.org_id].name}» đã giải thể từ {until:%d/%m/%Y}: «Đến ngày» "
                "không được sau ngày đó.",
            )
