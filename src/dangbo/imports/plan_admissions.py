"""Planning an import of admission candidates."""

from datetime import date

from dangbo.admissions.models import AdmissionFile
from dangbo.admissions.rules import Stage as AdmissionStage
from dangbo.admissions.services import IDENTITY_FIELDS as ADMISSION_IDENTITY
from dangbo.core.permissions import reachable_paths
from dangbo.imports import rules
from dangbo.imports.orgindex import OrgIndex
from dangbo.imports.planning import (
    MEMBER_DEFAULTS,
    Plan,
    _chunks,
    _in_scope,
    _parse_rows,
    labels_for,
)
from dangbo.imports.rules import (
    ADMISSION_SHAPE,
    CellError,
)
from dangbo.imports.sheets import Sheet
from dangbo.members.models import Member
from dangbo.organizations.models import Organization

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
