"""Planning a meeting import: planned and held meetings of the cells."""

from datetime import date

from dangbo.core.permissions import reachable_paths
from dangbo.imports import rules
from dangbo.imports.orgindex import OrgIndex
from dangbo.imports.planning import (
    Plan,
    _chunks,
    _in_scope,
    _parse_rows,
    labels_for,
)
from dangbo.imports.rules import (
    MEETING_SHAPE,
    CellError,
)
from dangbo.imports.sheets import Sheet
from dangbo.meetings.models import Meeting, MeetingStatus
from dangbo.organizations.models import Organization

# ---------------------------------------------------------------- meetings

MEETING_FIELDS = (
    "kind",
    "planned_on",
    "topic",
    "expected_count",
    "attended_count",
    "excused_count",
    "unexcused_count",
    "grade",
)
MEETING_TRACKED = ("organization_id", "status", *MEETING_FIELDS)


def plan_meetings(
    sheet: Sheet, mapping: dict[int, str], *, user, root: Organization, today: date, progress=None
) -> Plan:
    """Held meetings of cells (records kept on paper), with their attendance counts.

    A row with a system id updates that meeting (counts, kind, topic, grade, date); a row
    without one adds a held meeting. One meeting per cell and day, as on the screens."""
    mapped = set(mapping.values())
    rows = _parse_rows(sheet, mapping, MEETING_SHAPE, progress)
    orgs = OrgIndex.for_user(user, root, "meetings.change")
    paths = reachable_paths(user, "meetings.change")
    fields = ["pk", *MEETING_TRACKED, "organization__path", "organization__name"]
    ids = sorted({r.values["id"] for r in rows if r.values.get("id")})
    by_pk: dict[int, dict] = {}
    for chunk in _chunks(ids):
        for row in Meeting.objects.filter(pk__in=chunk).values(*fields):
            by_pk[row["pk"]] = row
    dates = [r.values["planned_on"] for r in rows if r.values.get("planned_on")]
    taken: dict[tuple[int, date], int] = {}  # (cell, day) → meeting id, active meetings
    if dates:
        existing = (
            Meeting.objects.exclude(status=MeetingStatus.CANCELLED)
            .filter(
                organization__path__startswith=root.path,
                planned_on__gte=min(dates),
                planned_on__lte=max(dates),
            )
            .values_list("organization_id", "planned_on", "pk")
        )
        taken = {(org_id, day): pk for org_id, day, pk in existing}

    seen: dict[tuple[int, date], int] = {}
    seen_ids: dict[int, int] = {}
    for plan in rows:
        _decide_meeting(plan, mapped, orgs, paths, root.path, by_pk, today)
        key = (plan.org_id, plan.data.get("planned_on"))
        if plan.org_id and key[1] and not any(f == "planned_on" for f, _ in plan.errors):
            if key in seen:
                plan.error(
                    "planned_on", f"Chi bộ đã có buổi sinh hoạt cùng ngày ở dòng {seen[key]}."
                )
            elif taken.get(key, plan.object_id) != plan.object_id:
                plan.error("planned_on", f"Chi bộ đã có buổi sinh hoạt ngày {key[1]:%d/%m/%Y}.")
            seen.setdefault(key, plan.row)
        if plan.object_id:
            if plan.object_id in seen_ids:
                plan.error("id", f"Buổi sinh hoạt này đã có ở dòng {seen_ids[plan.object_id]}.")
            seen_ids.setdefault(plan.object_id, plan.row)
        if plan.errors:
            plan.action = "error"
    names = {ref.id: ref.name for ref in orgs.by_id.values()}
    return Plan(MEETING_SHAPE, rows, labels_for(sheet.headers, mapping), names)


def _decide_meeting(plan, mapped, orgs, paths, root_path, by_pk, today) -> None:
    values = plan.values
    org = None
    if values.get("organization") and not any(f == "organization" for f, _ in plan.errors):
        try:
            org = orgs.resolve(values["organization"], "chi bộ")
        except CellError as error:
            plan.error("organization", error.message)
    target = None
    if values.get("id"):
        target = by_pk.get(values["id"])
        if target is None or not _in_scope(target["organization__path"], root_path, paths):
            plan.error(
                "id",
                f"Không tìm thấy buổi sinh hoạt có mã hệ thống {values['id']} trong phạm vi "
                "được giao.",
            )
            return
        if target["status"] != MeetingStatus.HELD:
            plan.error("id", "Chỉ cập nhật được buổi sinh hoạt đã họp.")
            return
    if target is None:
        data = {f: values.get(f) for f in MEETING_FIELDS}
        for f in ("topic", "grade"):
            data[f] = data[f] or ""
        for f in ("excused_count", "unexcused_count"):
            data[f] = data[f] or 0
        plan.data = data
        if org is not None:
            if not org.is_active:
                plan.error("organization", f"Chi bộ «{org.name}» đã giải thể.")
            elif not org.holds_members:
                plan.error(
                    "organization",
                    f"«{org.name}» không phải chi bộ; chỉ chi bộ tổ chức sinh hoạt chi bộ.",
                )
            elif data["planned_on"] and data["planned_on"] < org.founded_on:
                plan.error("planned_on", "Ngày sinh hoạt trước ngày thành lập chi bộ.")
            plan.org_id = org.id
        plan.action = "create"
    else:
        current = {f: target[f] for f in MEETING_TRACKED}
        data = {f: current[f] for f in MEETING_FIELDS}
        for f in MEETING_FIELDS:
            if f in mapped and not any(e == f for e, _ in plan.errors):
                value = values.get(f)
                if value is None:
                    value = "" if f in ("topic", "grade") else 0 if f.endswith("_count") else None
                data[f] = value
        plan.data = data | {"name": target["organization__name"]}
        plan.object_id = target["pk"]
        plan.org_id = target["organization_id"]
        plan.current = current
        if org is not None and org.id != target["organization_id"]:
            plan.error(
                "organization",
                f"Buổi sinh hoạt thuộc «{target['organization__name']}»; không đổi chi bộ được.",
            )
        plan.changes = {f: (current[f], data[f]) for f in MEETING_FIELDS if current[f] != data[f]}
        plan.action = "update" if plan.changes else "unchanged"
    if plan.errors:
        return
    for key, message in rules.meeting_problems(plan.data, today).items():
        plan.error(key, message)
