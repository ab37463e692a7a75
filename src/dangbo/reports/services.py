"""Use cases of the reports app: freezing issued figures, comparing, background exports."""

import hashlib
import json
import os
import uuid
from dataclasses import asdict, replace
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from dangbo.core import jobs
from dangbo.core.errors import DomainError
from dangbo.core.exports import IdentityMask, new_workbook, save_workbook
from dangbo.core.permissions import has_permission
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
    data = asdict(replace(grid, org=None))  # the figures; the org is the snapshot's own
    del data["org"]
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


EXPORT_JOBS = jobs.JobKind(
    name="exports",
    model=ExportJob,
    running_states=ExportJob.RUNNING_STATES,
    failed_state=ExportJob.State.FAILED,
    message_field="error",
    message=(
        "Tiến trình xuất bị dừng giữa chừng (máy chạy nền bị tắt hoặc gặp sự cố); tệp dở dang "
        "đã bị bỏ. Bấm «Thử lại» để tạo lại tệp."
    ),
    on_reaped=lambda ids: _discard_files(*ids),
)


class Superseded(Exception):
    """The job moved on without this run (reaped, or retried as a later attempt)."""


def start_member_export(user, root: Organization, on: date, path: str = "") -> ExportJob:
    """Queue an XLSX of the members behind a report (the subtree at `path` on `on`)."""
    if not (
        has_permission(user, "reports.view", root.path)
        and has_permission(user, "members.view", root.path)
    ):
        raise DomainError("Bạn không có quyền xuất dữ liệu của tổ chức này.", "organization")
    path = path or root.path
    if not path.startswith(root.path):
        raise DomainError("Phạm vi xuất nằm ngoài tổ chức đã chọn.", "path")
    with transaction.atomic():  # the job and its queued task, or neither
        job = ExportJob.objects.create(
            organization=root,
            requested_by=user,
            title=f"Danh sách đảng viên — {root.name} — đến ngày {on:%d/%m/%Y}",
            params={"kind": "members", "on": on.isoformat(), "path": path},
        )
        _enqueue(job)
    job.refresh_from_db()
    return job


def _enqueue(job: ExportJob) -> None:
    from dangbo.reports import tasks

    result = tasks.run_export.enqueue(job.pk, job.attempt)
    ExportJob.objects.filter(pk=job.pk, attempt=job.attempt).update(task_id=str(result.id)[:64])


def retry_export(job: ExportJob, user) -> ExportJob:
    """Start a failed export over (attempt n+1, a fresh file); only its requester may."""
    if job.requested_by_id != user.pk:
        raise DomainError("Chỉ người yêu cầu được chạy lại tệp xuất này.", "state")
    with transaction.atomic():
        again = ExportJob.objects.filter(pk=job.pk, state=ExportJob.State.FAILED).update(
            state=ExportJob.State.QUEUED,
            attempt=F("attempt") + 1,
            progress_done=0,
            progress_total=0,
            file_name="",
            error="",
            finished_at=None,
            heartbeat_at=timezone.now(),
            task_id="",
        )
        if not again:
            raise DomainError("Chỉ chạy lại được một tệp xuất bị lỗi.", "state")
        job.refresh_from_db()
        _discard_files(job.pk)
        _enqueue(job)
    job.refresh_from_db()
    return job


def run_export(job_id: int, attempt: int | None = None, today: date | None = None) -> None:
    """Build the file of an export job (worker side). The run claims the job (queued → running
    at its attempt), refreshes the heartbeat with the progress every 5,000 rows, writes to a
    temporary file renamed on success, and gives up without a trace when the job has moved on
    (reaped as dead, or retried)."""
    job = ExportJob.objects.select_related("organization", "requested_by").get(pk=job_id)
    attempt = attempt or job.attempt
    mine = ExportJob.objects.filter(pk=job_id, attempt=attempt)
    claimed = mine.filter(state=ExportJob.State.QUEUED).update(
        state=ExportJob.State.RUNNING, error="", heartbeat_at=timezone.now()
    )
    if not claimed:
        return
    running = mine.filter(state=ExportJob.State.RUNNING)
    try:
        file_name, rows = _write_member_xlsx(job, attempt, running, today or timezone.localdate())
    except Superseded:
        return
    except Exception as error:  # the job shows the failure; the worker keeps running
        running.update(
            state=ExportJob.State.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    done = running.update(
        state=ExportJob.State.DONE,
        file_name=file_name,
        progress_done=rows,
        progress_total=rows,
        heartbeat_at=timezone.now(),
        finished_at=timezone.now(),
    )
    if not done:  # reaped while renaming: this file is nobody's
        (exports_dir() / file_name).unlink(missing_ok=True)


def _beat(running, **progress) -> None:
    """Save progress with a heartbeat; a job that moved on stops this run."""
    if not running.update(heartbeat_at=timezone.now(), **progress):
        raise Superseded


def _write_member_xlsx(job: ExportJob, attempt: int, running, today: date) -> tuple[str, int]:
    on = date.fromisoformat(job.params["on"])
    qs = queries.members_on(job.params["path"], on, today)
    total = qs.count()
    _beat(running, progress_total=total)
    shown_id = IdentityMask(job.requested_by)  # full only where the requester may see it
    statuses, genders = dict(Status.choices), dict(Gender.choices)
    # rows stream to disk: memory stays flat
    workbook = new_workbook(write_only=True, org=job.organization, on=on)
    sheet = workbook.create_sheet("Dang vien")
    sheet.append([job.title])
    sheet.append(MEMBER_COLUMNS)
    rows = qs.order_by("name_search", "id").values_list(
        "full_name",
        "birth_date",
        "gender",
        "id_number",
        "org_path",
        "organization__name",
        "status",
        "admitted_on",
        "official_on",
    )
    written = 0
    for written, row in enumerate(rows.iterator(chunk_size=5000), start=1):
        name, birth, gender, id_number, path, org, status, admitted, official = row
        sheet.append(
            [
                written,
                name,
                _d(birth),
                genders.get(gender, gender),
                shown_id(id_number, path),
                org,
                statuses.get(status, status),
                _d(admitted),
                _d(official),
            ]
        )
        if written % 5000 == 0:
            _beat(running, progress_done=written)
    # A unique hidden name per run: a reader (or another attempt) never sees half a file, and
    # what a killed run leaves behind is removed by the reaper or the retry (_discard_files).
    file_name = f"xuat-{job.pk}-{attempt}-{on:%Y%m%d}.xlsx"
    partial = exports_dir() / f".{file_name}.{uuid.uuid4().hex[:8]}.part"
    try:
        save_workbook(workbook, partial)
        _beat(running)
        os.replace(partial, exports_dir() / file_name)
    finally:
        partial.unlink(missing_ok=True)
    return file_name, written


def _discard_files(*job_ids: int) -> None:
    """Files of jobs that are not done: partial files of killed runs, a file renamed by a run
    that was reaped before it could say so. None of them is ever served."""
    for job_id in job_ids:
        for pattern in (f"xuat-{job_id}-*", f".xuat-{job_id}-*.part"):
            for path in exports_dir().glob(pattern):
                path.unlink(missing_ok=True)


def reap_stale_exports() -> int:
    return jobs.reap(EXPORT_JOBS)


def _d(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""
