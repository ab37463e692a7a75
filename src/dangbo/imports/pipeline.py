"""Reading a sheet and planning what each row would do (create / update / unchanged / error).

The plan is the dry run: commit applies exactly the plan computed the same way, inside one
transaction. Database look-ups are batched (a few queries per 5,000 rows), parsing is pure
(rules.py), so a 100,000-row file plans in seconds.
"""

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

from dangbo.admissions.models import AdmissionFile
from dangbo.admissions.rules import Stage as AdmissionStage
from dangbo.admissions.services import IDENTITY_FIELDS as ADMISSION_IDENTITY
from dangbo.core.errors import DomainError
from dangbo.core.models import RuleParameter
from dangbo.core.permissions import reachable_paths
from dangbo.core.text import normalize
from dangbo.imports import rules
from dangbo.imports.limits import ImportLimits, check_csv, check_workbook, import_limits
from dangbo.imports.rules import (
    ADMISSION_SHAPE,
    MEETING_SHAPE,
    MEMBER_SHAPE,
    ORG_REVIEW_SHAPE,
    ORG_SHAPE,
    REVIEW_SHAPE,
    CellError,
    Shape,
)
from dangbo.meetings.models import Meeting, MeetingStatus
from dangbo.members.choices import Status
from dangbo.members.models import Member
from dangbo.members.services import IDENTITY_FIELDS
from dangbo.organizations import rules as org_rules
from dangbo.organizations import services as org_services
from dangbo.organizations.models import Organization, OrgType
from dangbo.reviews import services as review_services

CHUNK = 5000
EXAMPLE_MARK = "vi du"
SKIP_SHEETS = {"danh muc", "huong dan"}
# Values a new member gets when an optional column is absent or blank (the model defaults).
# A blank theory level stays blank: «Chưa khai» in the reports, not «Chưa qua đào tạo» (#22).
MEMBER_DEFAULTS = {"ethnicity": "Kinh", "religion": "none"}
# …and on an update a blank cell keeps the declared level (never "undeclares" it).
KEEP_WHEN_BLANK = ("theory_level",)
DATE_FIELDS = ("birth_date", "admitted_on", "ceremony_on", "official_on")
CONFLICT_LABELS = {"full_name": "họ tên", "birth_date": "ngày sinh"}
TRACKED_FIELDS = (*IDENTITY_FIELDS, "organization_id", "status", "status_since")
ProgressFn = Callable[[int, int], None]


# ---------------------------------------------------------------- reading files


@dataclass
class Sheet:
    name: str
    headers: list
    rows: Iterator[tuple[int, tuple]]  # (row number in the file, cell values)
    estimated_rows: int


def open_sheet(fileobj, file_name: str, limits: ImportLimits | None = None) -> Sheet:
    """The first data sheet of an .xlsx file (or a .csv), once the file is within the import
    limits (imports.limits: unpacked size, ratio, rows, columns).

    Read with calamine (Rust; python-calamine): a 100,000-row sheet reads in ~2 s of CPU,
    where openpyxl's read-only mode took ~24 s (measured, bench/README.md). openpyxl still
    writes the templates and exports. Never call it inside a transaction: reading a large
    file takes seconds, and a transaction would hold the database (SQLite's write lock)."""
    limits = limits or import_limits()
    if file_name.lower().endswith(".csv"):
        return _open_csv(fileobj, file_name, limits)
    check_workbook(fileobj, file_name, limits)
    try:
        workbook = CalamineWorkbook.from_filelike(fileobj)
        names = [n for n in workbook.sheet_names if normalize(n) not in SKIP_SHEETS]
        if not names:
            raise DomainError("Tệp không có trang tính dữ liệu.", "file")
        ws = workbook.get_sheet_by_name(names[0])
        pad = (None,) * (ws.start[1] if ws.start else 0)
        source = ws.iter_rows()
    except DomainError:
        raise
    except Exception as exc:  # calamine raises several types for a damaged or foreign file
        raise DomainError("Không đọc được tệp: cần tệp Excel (.xlsx) hoặc .csv.", "file") from exc
    rows = (pad + tuple(None if v == "" else v for v in values) for values in source)
    header_row = 0
    headers: list = []
    for values in rows:
        header_row += 1
        if any(v not in (None, "") for v in values):
            headers = list(values)
            break
    while headers and headers[-1] in (None, ""):
        headers.pop()
    if not headers:
        raise DomainError("Trang tính trống: không thấy dòng tiêu đề.", "file")
    last_row = ws.start[0] + ws.height if ws.start else 0
    total = max(last_row - header_row, 0)
    numbered = ((n, values) for n, values in enumerate(rows, start=header_row + 1))
    return Sheet(ws.name, headers, numbered, total)


def _open_csv(fileobj, file_name: str, limits: ImportLimits) -> Sheet:
    raw = fileobj.read(limits.max_bytes + 1)
    if len(raw) > limits.max_bytes:
        raise DomainError(f"Tệp «{file_name}» vượt quá dung lượng cho phép.", "file")
    check_csv(raw, file_name, limits)
    for encoding in ("utf-8-sig", "cp1258", "latin-1"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        headers = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise DomainError("Tệp trống: không thấy dòng tiêu đề.", "file") from exc
    if len(headers) > limits.columns:
        raise DomainError(
            f"Tệp «{file_name}» có {len(headers)} cột, vượt giới hạn {limits.columns} cột.",
            "file",
        )
    lines = text.count("\n")
    return Sheet("CSV", headers, ((n, tuple(r)) for n, r in enumerate(reader, start=2)), lines)


def column_label(index: int, headers: list) -> str:
    header = rules.header_key(headers[index]) and str(headers[index]).strip()
    letter = get_column_letter(index + 1)
    return f"{header} (cột {letter})" if header else f"cột {letter}"


# ---------------------------------------------------------------- org look-up


@dataclass
class OrgRef:
    id: int
    name: str
    path: str
    holds_members: bool
    is_active: bool
    founded_on: date
    type_code: str = ""
    code: str = ""
    parent_id: int | None = None


class OrgIndex:
    """Orgs a user may act on under the job's root, found by #id, code, name (no diacritics),
    or a name with enough of its path to be unique.

    A name shared by several orgs (six «Chi bộ Văn phòng» under different committees) is
    ambiguous on its own; the cell then names it with its parents, as the exports write it:
    «Chi bộ Văn phòng — Đảng bộ Sở Tư pháp» (child first, parents after «—»), or as a path
    «Đảng bộ Sở Tư pháp > Chi bộ Văn phòng» (parents first, «>» or « / » between), or by
    code or #id.
    """

    def __init__(self, refs: list[OrgRef], outer: dict[str, OrgRef] | None = None):
        self.by_id: dict[int, OrgRef] = {}
        self.by_path: dict[str, OrgRef] = dict(outer or {})  # + the root's ancestors
        self.by_code: dict[str, list[OrgRef]] = {}
        self.by_name: dict[str, list[OrgRef]] = {}
        for ref in refs:
            self.add(ref)

    def add(self, ref: OrgRef) -> None:
        self.by_id[ref.id] = ref
        if ref.path:
            self.by_path[ref.path] = ref
        if ref.code:
            self.by_code.setdefault(normalize(ref.code), []).append(ref)
        self.by_name.setdefault(normalize(ref.name), []).append(ref)

    def parent_of(self, ref: OrgRef) -> OrgRef | None:
        """The parent of an org in the index (or above the root); rows planned in this file
        name theirs by `parent_id`."""
        if ref.parent_id is not None:
            return self.by_id.get(ref.parent_id)
        if len(ref.path) > Organization.steplen:
            return self.by_path.get(ref.path[: -Organization.steplen])
        return None

    @classmethod
    def for_user(cls, user, root: Organization, permission: str, **filters) -> "OrgIndex":
        qs = Organization.objects.filter(path__startswith=root.path, **filters)
        paths = reachable_paths(user, permission)
        if paths is not None:
            condition = Q(pk__in=[])
            for path in paths:
                condition |= Q(path__startswith=path)
            qs = qs.filter(condition)
        refs = [
            OrgRef(
                id=row["pk"],
                name=row["name"],
                path=row["path"],
                holds_members=row["org_type__holds_members"],
                is_active=row["is_active"],
                founded_on=row["founded_on"],
                type_code=row["org_type__code"],
                code=row["code"],
            )
            for row in qs.values(
                "pk",
                "name",
                "path",
                "org_type__holds_members",
                "org_type__code",
                "is_active",
                "founded_on",
                "code",
            )
        ]
        # The root's ancestors: a path written from the top of the tree still matches (they
        # only name a row's parents, never a row's target).
        above = [root.path[:end] for end in range(4, len(root.path) + 1, 4)]
        outer = {
            row["path"]: OrgRef(
                id=0,
                name=row["name"],
                path=row["path"],
                holds_members=False,
                is_active=True,
                founded_on=date.min,
                code=row["code"],
            )
            for row in Organization.objects.filter(path__in=above).values("name", "path", "code")
        }
        return cls(refs, outer)

    def resolve(self, text: str, noun: str = "tổ chức") -> OrgRef:
        """The one org a cell names, or CellError (unknown / ambiguous)."""
        if text.startswith("#"):
            head = text[1:].split(maxsplit=1)[0] if text[1:].strip() else ""
            pk = rules.ascii_int(head, 18)
            if pk in self.by_id:
                return self.by_id[pk]
            raise CellError(f"Không tìm thấy {noun} «{text[:60]}» trong phạm vi được giao.")
        key = rules.key_of(text)
        ambiguous = None
        for candidates in (self.by_code.get(key), self.by_name.get(key)):
            if not candidates:
                continue
            if len(candidates) > 1:
                ambiguous = candidates
                break
            return candidates[0]
        chain = rules.org_chain(text)
        if len(chain) > 1:
            found = [ref for ref in self.by_name.get(chain[0], []) if self._under(ref, chain[1:])]
            if len(found) == 1:
                return found[0]
            if found:
                ambiguous = found
        if ambiguous:
            shown = "; ".join(self.label(ref) for ref in ambiguous[:3])
            raise CellError(
                f"Có {len(ambiguous)} {noun} tên «{text[:60]}» ({shown}…); hãy ghi kèm cấp "
                "trên như «Chi bộ … — Đảng bộ …», hoặc mã tổ chức, hoặc #mã hệ thống."
            )
        raise CellError(f"Không tìm thấy {noun} «{text[:60]}» trong phạm vi được giao.")

    def _under(self, ref: OrgRef, parents: list[str]) -> bool:
        """`parents` (keys, nearest first) name the org's parent, grandparent…"""
        node = ref
        for key in parents:
            node = self.parent_of(node)
            if node is None or key not in (normalize(node.name), normalize(node.code)):
                return False
        return True

    def label(self, ref: OrgRef) -> str:
        parent = self.parent_of(ref)
        return f"{ref.name} — {parent.name}" if parent else ref.name


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


def _in_scope(path: str, root_path: str, paths: list[str] | None) -> bool:
    if not path.startswith(root_path):
        return False
    return paths is None or any(path.startswith(p) for p in paths)


# ---------------------------------------------------------------- members


def plan_members(
    sheet: Sheet, mapping: dict[int, str], *, user, root: Organization, today: date, progress=None
) -> Plan:
    mapped = set(mapping.values())
    rows = _parse_rows(sheet, mapping, MEMBER_SHAPE, progress)
    orgs = OrgIndex.for_user(user, root, "members.change")
    paths = reachable_paths(user, "members.change")

    ids = {r.values["id"] for r in rows if r.values.get("id")}
    numbers = {
        r.values["id_number"]
        for r in rows
        if r.values.get("id_number") and not rules.is_masked_id(r.values["id_number"])
    }
    fields = ["pk", *TRACKED_FIELDS, "org_path", "organization__name"]
    by_pk = {row["pk"]: row for row in member_rows("pk", ids, fields)}
    by_number = {row["id_number"]: row for row in member_rows("id_number", numbers, fields)}

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
        row = by_pk.get(values["id"])
        if row is None or not _in_scope(row["org_path"], root_path, paths):
            plan.error(
                "id",
                f"Không tìm thấy đảng viên có mã hệ thống {values['id']} trong phạm vi được giao.",
            )
            return False, None
        return True, row
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


# ---------------------------------------------------------------- admission candidates

CANDIDATE_FIELDS = (*ADMISSION_IDENTITY, "identified_on")
CANDIDATE_TRACKED = ("organization_id", "stage", *CANDIDATE_FIELDS)


def plan_admissions(
    sheet: Sheet, mapping: dict[int, str], *, user, root: Organization, today: date, progress=None
) -> Plan:
    """Outstanding candidates (quần chúng ưu tú): each new row opens an admission file at its
    first step, as the screen does. A row with a system id must match its file: changes to a
    file go through the admission screens (each step has its own decision)."""
    rows = _parse_rows(sheet, mapping, ADMISSION_SHAPE, progress)
    orgs = OrgIndex.for_user(user, root, "admissions.change")
    paths = reachable_paths(user, "admissions.change")
    fields = ["pk", *CANDIDATE_TRACKED, "organization__path"]
    ids = sorted({r.values["id"] for r in rows if r.values.get("id")})
    by_pk: dict[int, dict] = {}
    for chunk in _chunks(ids):
        for row in AdmissionFile.objects.filter(pk__in=chunk).values(*fields):
            by_pk[row["pk"]] = row
    numbers = sorted(
        {
            r.values["id_number"]
            for r in rows
            if r.values.get("id_number") and not rules.is_masked_id(r.values["id_number"])
        }
    )
    members_with: set[str] = set()
    open_files: set[str] = set()
    for chunk in _chunks(numbers):
        members_with.update(
            Member.objects.filter(id_number__in=chunk).values_list("id_number", flat=True)
        )
        open_files.update(
            AdmissionFile.objects.filter(id_number__in=chunk)
            .exclude(stage__in=AdmissionStage.FINAL)
            .values_list("id_number", flat=True)
        )
    seen_numbers: dict[str, int] = {}
    for plan in rows:
        values = plan.values
        org = None
        if values.get("organization") and not any(f == "organization" for f, _ in plan.errors):
            try:
                org = orgs.resolve(values["organization"], "chi bộ")
            except CellError as error:
                plan.error("organization", error.message)
        if values.get("id"):
            _match_candidate(plan, by_pk, root.path, paths)
        else:
            _new_candidate(plan, org, members_with, open_files)
            number = plan.data.get("id_number")
            if number and number in seen_numbers:
                plan.error(
                    "id_number",
                    f"Số định danh {number} trùng với dòng {seen_numbers[number]} trong tệp.",
                )
            elif number:
                seen_numbers[number] = plan.row
            if not plan.errors:
                for key, message in rules.candidate_problems(plan.data, today).items():
                    plan.error(key, message)
        if plan.errors:
            plan.action = "error"
    names = {ref.id: ref.name for ref in orgs.by_id.values()}
    return Plan(ADMISSION_SHAPE, rows, labels_for(sheet.headers, mapping), names)


def _new_candidate(plan, org, members_with, open_files) -> None:
    values = plan.values
    number = values.get("id_number") or ""
    if rules.is_masked_id(number):
        plan.error("id_number", "Số định danh bị che (***); cần nhập đủ 12 chữ số.")
        return
    data = {}
    for key in CANDIDATE_FIELDS:
        value = values.get(key)
        if value in (None, "") and key in MEMBER_DEFAULTS:
            value = MEMBER_DEFAULTS[key]
        elif value is None and key not in ("birth_date", "identified_on"):
            value = ""
        data[key] = value
    plan.data = data
    if number in members_with:
        plan.error("id_number", f"Số định danh {number} đã thuộc một đảng viên trong sổ.")
    elif number in open_files:
        plan.error("id_number", "Người này đã có một hồ sơ kết nạp đang xét.")
    if org is not None:
        if not org.is_active:
            plan.error("organization", f"Tổ chức «{org.name}» đã giải thể.")
        elif not org.holds_members:
            plan.error("organization", f"«{org.name}» là đảng bộ; hồ sơ kết nạp thuộc một chi bộ.")
        plan.org_id = org.id
    plan.action = "create"


def _match_candidate(plan, by_pk, root_path, paths) -> None:
    """A row exported earlier: unchanged, or an error saying where to make the change."""
    values = plan.values
    target = by_pk.get(values["id"])
    if target is None or not _in_scope(target["organization__path"], root_path, paths):
        plan.error(
            "id",
            f"Không tìm thấy hồ sơ có mã hệ thống {values['id']} trong phạm vi được giao.",
        )
        return
    plan.object_id = target["pk"]
    plan.org_id = target["organization_id"]
    plan.data = {"full_name": target["full_name"]}
    number = values.get("id_number") or ""
    if rules.is_masked_id(number) and rules.masked_matches(number, target["id_number"]):
        values["id_number"] = target["id_number"]
    for key in CANDIDATE_FIELDS:
        if key not in values or any(f == key for f, _ in plan.errors):
            continue
        value = values[key]
        if value in (None, "") and key in MEMBER_DEFAULTS:
            value = MEMBER_DEFAULTS[key]
        if (value or None) != (target[key] or None):
            plan.error(
                key,
                "Hồ sơ đã có; sửa thông tin hồ sơ kết nạp trên màn hình Kết nạp đảng viên.",
            )
            return
    plan.action = "unchanged"


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
    ids = {r.values["id"] for r in rows if r.values.get("id")}
    numbers = {
        r.values["id_number"]
        for r in rows
        if r.values.get("id_number") and not rules.is_masked_id(r.values["id_number"])
    }
    names = {
        rules.key_of(r.values["full_name"])
        for r in rows
        if r.values.get("full_name") and not r.values.get("id") and not r.values.get("id_number")
    }
    by_pk = {row["pk"]: row for row in member_rows("pk", ids, fields)}
    by_number = {row["id_number"]: row for row in member_rows("id_number", numbers, fields)}
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
    if values.get("id"):
        member = by_pk.get(values["id"])
        if member is None or not _in_scope(member["org_path"], root_path, paths):
            plan.error(
                "id",
                f"Không tìm thấy đảng viên có mã hệ thống {values['id']} trong phạm vi được giao.",
            )
            return None
        masked = rules.is_masked_id(number)
        if number and not (
            rules.masked_matches(number, member["id_number"])
            if masked
            else number == member["id_number"]
        ):
            plan.error("id_number", "Số định danh không khớp với đảng viên có mã hệ thống này.")
    elif number and not rules.is_masked_id(number):
        member = by_number.get(number)
        if member is None or not _in_scope(member["org_path"], root_path, paths):
            plan.error(
                "id_number",
                f"Không tìm thấy đảng viên có số định danh {number} trong phạm vi được giao.",
            )
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


PLANNERS = {
    "members": plan_members,
    "organizations": plan_orgs,
    "meetings": plan_meetings,
    "admissions": plan_admissions,
    "reviews": plan_reviews,
    "org_reviews": plan_org_reviews,
}
