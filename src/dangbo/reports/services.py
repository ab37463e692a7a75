"""Use cases of the reports app: freezing issued figures, comparing, background exports."""

import hashlib
import json
import os
from dataclasses import asdict
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook

from dangbo.core.errors import DomainError
from dangbo.core.permissions import has_permission
from dangbo.core.text import mask_id_number
from dangbo.members.choices import Gender, Status
from dangbo.organizations.models import Organization
from dangbo.reports import catalogue, queries
from dangbo.reports.exports import Grid
from dangbo.reports.models import ExportJob, ReportSnapshot
from dangbo.reports.report import build_member_table, member_grid

# ---------------------------------------------------------------- grids by report key


def grid_for(report_key: str, root: Organization, params: dict, user, today: date) -> Grid:
    """Recompute a report's grid: 'members:<breakdown>' (params on, children) or
    'module:<key>' (params year, children)."""
    family, _, code = report_key.partition(":")
    by_child = bool(params.get("children", True))
    if family == "members" and code in queries.BREAKDOWNS:
        on = date.fromisoformat(params["on"])
        return member_grid(
            build_member_table(root, on, code, by_child and root.numchild > 0, today)
        )
    report = catalogue.REPORTS.get(code)
    if family == "module" and report is not None:
        table = catalogue.build_table(report, root, int(params["year"]), today, user, by_child)
        return catalogue.module_grid(table)
    raise DomainError("Không có báo cáo này trong danh mục.", "report_key")


def _grid_data(grid: Grid) -> dict:
    data = asdict(grid)
    data["rows"] = [[label, list(values)] for label, values in grid.rows]
    return data


def _checksum(data: dict) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@transaction.atomic
def issue_snapshot(
    user, root: Organization, report_key: str, params: dict, note: str = "", today=None
) -> ReportSnapshot:
    """Freeze the report's figures as computed now, with who issued it and a checksum."""
    if not has_permission(user, "reports.view", root.path):
        raise DomainError("Bạn không có quyền báo cáo cho tổ chức này.", "organization")
    today = today or timezone.localdate()
    grid = grid_for(report_key, root, params, user, today)
    data = _grid_data(grid)
    return ReportSnapshot.objects.create(
        organization=root,
        report_key=report_key,
        title=grid.title,
        params=params,
        grid=data,
        content_sha256=_checksum(data),
        note=note.strip()[:255],
        issued_by=user,
    )


def differences(snapshot: ReportSnapshot, user, today=None) -> list[dict]:
    """Cells whose value today differs from what was issued (back-dated changes show here)."""
    today = today or timezone.localdate()
    current = _grid_data(
        grid_for(snapshot.report_key, snapshot.organization, snapshot.params, user, today)
    )
    issued = snapshot.grid
    headers = issued["lead_columns"] + issued["columns"]
    issued_rows = {label: values for label, values in issued["rows"]}
    issued_rows["Tổng cộng"] = issued["totals"]
    current_rows = {label: values for label, values in current["rows"]}
    current_rows["Tổng cộng"] = current["totals"]
    changed = []
    for label in list(issued_rows) + [k for k in current_rows if k not in issued_rows]:
        old = issued_rows.get(label) or [None] * len(headers)
        new = current_rows.get(label) or [None] * len(headers)
        for header, before, after in zip(headers, old, new, strict=False):
            if before != after:
                changed.append({"row": label, "column": header, "issued": before, "now": after})
    return changed


# ---------------------------------------------------------------- background exports

MEMBER_COLUMNS = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số định danh cá nhân",
    "Nơi sinh hoạt hiện tại",
    "Trạng thái",
    "Ngày vào Đảng",
    "Ngày chính thức",
]


def exports_dir() -> Path:
    path = Path(getattr(settings, "DANGBO_EXPORTS_DIR", settings.DATA_DIR / "exports"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def start_member_export(user, root: Organization, on: date, path: str = "") -> ExportJob:
    """Queue an XLSX of the members behind a report (the subtree at `path` on `on`)."""
    from dangbo.reports import tasks

    if not has_permission(user, "reports.view", root.path):
        raise DomainError("Bạn không có quyền xuất dữ liệu của tổ chức này.", "organization")
    path = path or root.path
    if not path.startswith(root.path):
        raise DomainError("Phạm vi xuất nằm ngoài tổ chức đã chọn.", "path")
    job = ExportJob.objects.create(
        organization=root,
        requested_by=user,
        title=f"Danh sách đảng viên — {root.name} — đến ngày {on:%d/%m/%Y}",
        params={"kind": "members", "on": on.isoformat(), "path": path},
    )
    tasks.run_export.enqueue(job.pk)
    job.refresh_from_db()
    return job


def run_export(job_id: int, today: date | None = None) -> None:
    """Build the file of an export job (worker side); progress is saved every 5,000 rows."""
    job = ExportJob.objects.select_related("organization", "requested_by").get(pk=job_id)
    if job.state not in (ExportJob.State.QUEUED, ExportJob.State.FAILED):
        return
    ExportJob.objects.filter(pk=job_id).update(state=ExportJob.State.RUNNING, error="")
    try:
        file_name, rows = _write_member_xlsx(job, today or timezone.localdate())
    except Exception as error:  # the job shows the failure; the worker keeps running
        ExportJob.objects.filter(pk=job_id).update(
            state=ExportJob.State.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    ExportJob.objects.filter(pk=job_id).update(
        state=ExportJob.State.DONE,
        file_name=file_name,
        progress_done=rows,
        progress_total=rows,
        finished_at=timezone.now(),
    )


def _write_member_xlsx(job: ExportJob, today: date) -> tuple[str, int]:
    on = date.fromisoformat(job.params["on"])
    qs = queries.members_on(job.params["path"], on, today)
    total = qs.count()
    ExportJob.objects.filter(pk=job.pk).update(progress_total=total)
    show_id = has_permission(job.requested_by, "members.view_identity", job.organization.path)
    statuses, genders = dict(Status.choices), dict(Gender.choices)
    workbook = Workbook(write_only=True)  # rows stream to disk: memory stays flat
    sheet = workbook.create_sheet("Dang vien")
    sheet.append([job.title])
    sheet.append(MEMBER_COLUMNS)
    rows = qs.order_by("name_search", "id").values_list(
        "full_name",
        "birth_date",
        "gender",
        "id_number",
        "organization__name",
        "status",
        "admitted_on",
        "official_on",
    )
    written = 0
    for written, row in enumerate(rows.iterator(chunk_size=5000), start=1):
        name, birth, gender, id_number, org, status, admitted, official = row
        sheet.append(
            [
                written,
                name,
                _d(birth),
                genders.get(gender, gender),
                id_number if show_id else mask_id_number(id_number),
                org,
                statuses.get(status, status),
                _d(admitted),
                _d(official),
            ]
        )
        if written % 5000 == 0:
            ExportJob.objects.filter(pk=job.pk).update(progress_done=written)
    file_name = f"xuat-{job.pk}-{on:%Y%m%d}.xlsx"
    target = exports_dir() / file_name
    partial = target.with_suffix(".part")
    workbook.save(partial)
    os.replace(partial, target)  # a reader never sees half a file
    return file_name, written


def _d(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""
