"""Planning an organisation import: a tree of any depth, parents by name, label or path."""

from datetime import date

from dangbo.core.text import normalize
from dangbo.imports import rules
from dangbo.imports.orgindex import (
    OrgIndex,
    OrgRef,
)
from dangbo.imports.planning import (
    Plan,
    RowPlan,
    _parse_rows,
    labels_for,
)
from dangbo.imports.rules import (
    ORG_SHAPE,
    CellError,
)
from dangbo.imports.sheets import Sheet
from dangbo.organizations import rules as org_rules
from dangbo.organizations import services as org_services
from dangbo.organizations.models import Organization, OrgType

# ---------------------------------------------------------------- organisations


def _matches_existing_org(plan: RowPlan, orgs: "OrgIndex", parent, type_code) -> bool:
    """A row naming an org already in the tree (by system code, code, or name under its
    parent): unchanged, or an error if it asks for a change a decision must make. False for a
    new org."""
    values = plan.values
    existing = None
    if values.get("id"):
        existing = orgs.by_id.get(values["id"])
        if existing is None or existing.id < 0:
            plan.error(
                "id",
                f"Không tìm thấy tổ chức có mã hệ thống {values['id']} trong phạm vi được giao.",
            )
            plan.action = "error"
            return True
    elif values.get("code"):
        same = [r for r in orgs.by_code.get(normalize(values["code"]), []) if r.id > 0]
        existing = same[0] if len(same) == 1 else None
    elif parent is not None and values.get("name"):
        same = [r for r in orgs.by_name.get(normalize(values["name"]), []) if _is_parent(parent, r)]
        existing = same[0] if len(same) == 1 else None
    if existing is None:
        return False
    plan.object_id = existing.id
    plan.data = {"name": existing.name}
    differs = (
        normalize(values.get("name")) != normalize(existing.name)
        or (type_code and type_code != existing.type_code)
        or (parent is not None and not _is_parent(parent, existing))
    )
    if differs:
        plan.error(
            "name",
            "Tổ chức đã có; đổi tên, đổi loại hay chuyển cấp trên phải làm bằng quyết "
            "định trên màn hình Tổ chức đảng.",
        )
    plan.action = "error" if plan.errors else "unchanged"
    return True


def _check_org_parent(plan: RowPlan, parent, type_code, caps, parent_types, pending) -> None:
    """A new org's parent: a row above (which must be sound) or an org of the tree that is
    active, may hold orgs, may hold this type, and was founded first."""
    if parent.id < 0:
        plan.parent_row = pending[parent.id].row
        if pending[parent.id].action == "error":
            plan.error("parent", f"Tổ chức cấp trên ở dòng {plan.parent_row} bị lỗi.")
    else:
        plan.org_id = parent.id
    plan.data["parent_name"] = parent.name
    if not parent.is_active:
        plan.error("parent", f"Tổ chức cấp trên «{parent.name}» đã giải thể.")
    elif not org_rules.can_contain_org(org_rules.TypeCapabilities(parent.holds_members)):
        plan.error(
            "parent",
            f"«{parent.name}» là chi bộ, chỉ có đảng viên, không có tổ chức trực thuộc.",
        )
    elif (
        type_code
        and parent.type_code
        and not org_rules.parent_type_allowed(parent.type_code, type_code, parent_types)
    ):
        plan.error(
            "org_type",
            f"Loại «{caps[type_code].name}» không được đặt trực thuộc "
            f"«{caps[parent.type_code].name}» («{parent.name}»).",
        )
    founded = plan.data["founded_on"]
    if founded and founded < parent.founded_on:
        plan.error("founded_on", "Ngày thành lập không được trước ngày thành lập của cấp trên.")


def plan_orgs(
    sheet: Sheet, mapping: dict[int, str], *, user, root: Organization, today: date, progress=None
) -> Plan:
    """Orgs are created in file order; a parent may be an existing org or one on a row above."""
    rows = parents_first(_parse_rows(sheet, mapping, ORG_SHAPE, progress))
    orgs = OrgIndex.for_user(user, root, "organizations.change")
    types = list(OrgType.objects.all())
    type_choices = tuple((t.code, t.name) for t in types)
    caps = {t.code: t for t in types}
    parent_types = org_services.parent_types_on(today, root.path)
    pending: dict[int, RowPlan] = {}  # fake negative ids → rows creating them
    for plan in rows:
        values = plan.values
        if _names_the_root(plan, root):
            continue
        type_code = None
        if values.get("org_type"):
            try:
                type_code = rules.parse_choice(values["org_type"], type_choices)
            except CellError as error:
                plan.error("org_type", error.message)
        parent = None
        if values.get("parent"):
            try:
                parent = orgs.resolve(values["parent"], "tổ chức cấp trên")
            except CellError as error:
                plan.error("parent", error.message)
        if _matches_existing_org(plan, orgs, parent, type_code):
            continue
        plan.data = {
            "name": values.get("name", ""),
            "code": values.get("code", ""),
            "org_type": type_code,
            "founded_on": values.get("founded_on"),
            "decision_number": values.get("decision_number", ""),
            "signer": values.get("signer", ""),
        }
        if parent is not None:
            _check_org_parent(plan, parent, type_code, caps, parent_types, pending)
        if plan.data["founded_on"] and plan.data["founded_on"] > today:
            plan.error("founded_on", "Ngày hiệu lực không được sau ngày hôm nay.")
        plan.action = "error" if plan.errors else "create"
        fake = OrgRef(
            id=-plan.row,
            name=plan.data["name"],
            path="",
            holds_members=bool(type_code and caps[type_code].holds_members),
            is_active=True,
            founded_on=plan.data["founded_on"] or date.min,
            type_code=type_code or "",
            code=plan.data["code"],
            parent_id=parent.id if parent is not None else None,
        )
        pending[fake.id] = plan
        orgs.add(fake)
    names = {ref.id: ref.name for ref in orgs.by_id.values() if ref.id > 0}
    return Plan(ORG_SHAPE, rows, labels_for(sheet.headers, mapping), names)


def parents_first(rows: list[RowPlan]) -> list[RowPlan]:
    """The rows in an order where each row comes after the rows of the file its parent cell
    may name (same name), otherwise in file order: a sheet sorted by name or by cell still
    brings a whole tree in. Rows keep their sheet numbers; a cycle stays in file order (its
    rows then report their unknown parent)."""
    by_name: dict[str, list[int]] = {}
    for index, plan in enumerate(rows):
        by_name.setdefault(rules.key_of(plan.values.get("name") or ""), []).append(index)
    needs: list[list[int]] = []
    for index, plan in enumerate(rows):
        chain = rules.org_chain(plan.values.get("parent") or "")
        found = by_name.get(chain[0], []) if chain else []
        needs.append([other for other in found if other != index])
    if not any(other > index for index, found in enumerate(needs) for other in found):
        return rows  # already parents first: nothing to do
    placed: list[bool] = [False] * len(rows)
    ordered: list[RowPlan] = []
    visiting: set[int] = set()

    def place(index: int) -> None:
        stack = [(index, iter(needs[index]))]
        visiting.add(index)
        while stack:
            current, pending = stack[-1]
            other = next(pending, None)
            if other is None:
                stack.pop()
                visiting.discard(current)
                if not placed[current]:
                    placed[current] = True
                    ordered.append(rows[current])
            elif not placed[other] and other not in visiting:
                visiting.add(other)
                stack.append((other, iter(needs[other])))

    for index in range(len(rows)):
        if not placed[index]:
            place(index)
    return ordered


def _names_the_root(plan: RowPlan, root: Organization) -> bool:
    """A sheet may start with the root itself (no parent): that row is already there."""
    values = plan.values
    if values.get("parent") or values.get("id") not in (None, root.pk):
        return False
    if normalize(values.get("name")) != normalize(root.name):
        return False
    plan.errors = [(name, message) for name, message in plan.errors if name != "parent"]
    plan.object_id = root.pk
    plan.data = {"name": root.name}
    plan.action = "error" if plan.errors else "unchanged"
    return True


def _is_parent(parent: OrgRef, child: OrgRef) -> bool:
    return bool(parent.path) and child.path[:-4] == parent.path
