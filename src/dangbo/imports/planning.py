"""The plan of an import (what each row would do) and the helpers every planner shares."""

from collections.abc import Callable
from dataclasses import dataclass, field

from dangbo.imports import rules
from dangbo.imports.rules import (
    CellError,
    Shape,
)
from dangbo.imports.sheets import (
    CHUNK,
    EXAMPLE_MARK,
    Sheet,
    column_label,
)
from dangbo.members.models import Member
from dangbo.members.services import IDENTITY_FIELDS

# Values a new member gets when an optional column is absent or blank (the model defaults).
# A blank theory level stays blank: «Chưa khai» in the reports, not «Chưa qua đào tạo» (#22).
MEMBER_DEFAULTS = {"ethnicity": "Kinh", "religion": "none"}
# …and on an update a blank cell keeps the declared level (never "undeclares" it).
KEEP_WHEN_BLANK = ("theory_level",)
DATE_FIELDS = ("birth_date", "admitted_on", "ceremony_on", "official_on")
CONFLICT_LABELS = {"full_name": "họ tên", "birth_date": "ngày sinh"}
TRACKED_FIELDS = (*IDENTITY_FIELDS, "organization_id", "status", "status_since")
ProgressFn = Callable[[int, int], None]
# ---------------------------------------------------------------- plans


@dataclass
class RowPlan:
    row: int
    values: dict
    errors: list[tuple[str, str]] = field(default_factory=list)  # (field, message)
    action: str = ""  # create | update | unchanged | error
    object_id: int | None = None
    org_id: int | None = None
    data: dict = field(default_factory=dict)
    changes: dict = field(default_factory=dict)  # field -> (old, new)
    current: dict = field(default_factory=dict)  # tracked values before (updates)
    parent_row: int | None = None  # orgs: parent created by an earlier row

    def error(self, field_name: str, message: str) -> None:
        self.errors.append((field_name, message))


@dataclass
class Plan:
    shape: Shape
    rows: list[RowPlan]
    labels: dict[str, str]  # field -> column label in the file
    org_names: dict[int, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # shown before commit, never blocking

    def by_action(self, action: str) -> list[RowPlan]:
        return [r for r in self.rows if r.action == action]

    @property
    def counts(self) -> dict[str, int]:
        counts = {"create": 0, "update": 0, "unchanged": 0, "error": 0}
        for row in self.rows:
            counts[row.action] += 1
        counts["total"] = len(self.rows)
        return counts

    def report(self, limit_errors=5000, limit_updates=2000, limit_creates=500) -> dict:
        """The preview as JSON: counts, every error (up to a limit), old → new for updates."""
        field_labels = {c.field: c.header for c in self.shape.columns}
        errors = [
            {
                "row": r.row,
                "column": self.labels.get(f, field_labels.get(f, "")),
                "message": message,
            }
            for r in sorted(self.rows, key=lambda r: r.row)  # org rows are planned parents first
            if r.action == "error"
            for f, message in r.errors
        ]
        updates = [
            {
                "row": r.row,
                "id": r.object_id,
                "name": r.data.get("full_name") or r.data.get("name", ""),
                "changes": [
                    [field_labels.get(f, f), rules.display_value(o), rules.display_value(n)]
                    for f, (o, n) in r.changes.items()
                ],
            }
            for r in self.rows
            if r.action == "update"
        ]
        creates = [
            {
                "row": r.row,
                "name": r.data.get("full_name") or r.data.get("name", ""),
                "org": self.org_names.get(r.org_id, r.data.get("parent_name", "")),
            }
            for r in self.rows
            if r.action == "create"
        ]
        return {
            "counts": self.counts,
            "errors": errors[:limit_errors],
            "errors_total": len(errors),
            "warnings": self.warnings,
            "updates": updates[:limit_updates],
            "creates": creates[:limit_creates],
        }


def _parse_rows(sheet: Sheet, mapping: dict[int, str], shape: Shape, progress: ProgressFn | None):
    columns = {c.field: c for c in shape.columns}
    items = [(index, columns[name]) for index, name in mapping.items() if name in columns]
    rows: list[RowPlan] = []
    for done, (number, values) in enumerate(sheet.rows, start=1):
        if progress and done % 1000 == 0:
            progress(done, sheet.estimated_rows)
        if not any(v is not None and str(v).strip() for v in values):
            continue
        plan = RowPlan(row=number, values={})
        for index, column in items:
            raw = values[index] if index < len(values) else None
            if (
                column.kind == "system_id"
                and isinstance(raw, str)
                and rules.key_of(raw) == EXAMPLE_MARK
            ):
                plan = None
                break
            try:
                plan.values[column.field] = rules.parse_cell(column, raw)
            except CellError as error:
                plan.error(column.field, error.message)
        if plan is not None:
            rows.append(plan)
    return rows


def labels_for(sheet_headers: list, mapping: dict[int, str]) -> dict[str, str]:
    return {name: column_label(index, sheet_headers) for index, name in mapping.items()}


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def member_rows(field_name: str, values, fields, **filters) -> list[dict]:
    """Members whose `field_name` is one of `values` (a query per 5,000 values)."""
    rows: list[dict] = []
    for chunk in _chunks(sorted(values)):
        qs = Member.objects.filter(**{f"{field_name}__in": chunk}, **filters)
        rows.extend(qs.values(*fields))
    return rows


def members_by_code(rows, fields) -> tuple[dict, dict]:
    """The register's members the rows name, read once: {system id: row} and {full ID number:
    row} (masked numbers name nobody), with `fields` of each."""
    ids = {r.values["id"] for r in rows if r.values.get("id")}
    numbers = {
        r.values["id_number"]
        for r in rows
        if r.values.get("id_number") and not rules.is_masked_id(r.values["id_number"])
    }
    by_pk = {row["pk"]: row for row in member_rows("pk", ids, fields)}
    by_number = {row["id_number"]: row for row in member_rows("id_number", numbers, fields)}
    return by_pk, by_number


def _in_scope(path: str, root_path: str, paths: list[str] | None) -> bool:
    if not path.startswith(root_path):
        return False
    return paths is None or any(path.startswith(p) for p in paths)


def member_by_system_id(plan, by_pk, root_path: str, paths) -> dict | None:
    """The member a row names by its «Mã hệ thống», or None with the row's error when there is
    no such member within the user's reach (every member-keyed import says it alike)."""
    member = by_pk.get(plan.values["id"])
    if member is None or not _in_scope(member["org_path"], root_path, paths):
        plan.error(
            "id",
            f"Không tìm thấy đảng viên có mã hệ thống {plan.values['id']} trong phạm vi được giao.",
        )
        return None
    return member


def member_by_code(plan, by_pk, by_number, root_path: str, paths) -> tuple[bool, dict | None]:
    """The register's member a row of a member-keyed import (past results, history) names by
    system id or by a full ID number: (True, member); (True, None) with the row's error when
    the one it names is not in reach; (False, None) when the row names neither (a blank or
    masked ID number: each kind says what else it takes)."""
    values = plan.values
    number = values.get("id_number") or ""
    if values.get("id"):
        member = member_by_system_id(plan, by_pk, root_path, paths)
        if member is None:
            return True, None
        if number and not (
            rules.masked_matches(number, member["id_number"])
            if rules.is_masked_id(number)
            else number == member["id_number"]
        ):
            plan.error("id_number", "Số định danh không khớp với đảng viên có mã hệ thống này.")
        return True, member
    if number and not rules.is_masked_id(number):
        member = by_number.get(number)
        if member is None or not _in_scope(member["org_path"], root_path, paths):
            plan.error(
                "id_number",
                f"Không tìm thấy đảng viên có số định danh {number} trong phạm vi được giao.",
            )
            return True, None
        return True, member
    return False, None
