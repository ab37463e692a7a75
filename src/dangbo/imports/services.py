"""Import use cases: upload → mapping → preview (dry run) → commit → rollback; templates, exports.

Commit writes every valid row in one transaction, or nothing. Small files go through the member
and org services row by row (register_member, correct_identity, found_org: the screens' own
code, with its audit trail); from BULK_THRESHOLD rows on, members are written by bulk inserts
after the same pure checks (rules.member_identity_problems = members.rules), with the same
derived rows (status periods, placement, events). tests/imports/test_consistency.py runs both
paths on the same files and compares the results.

Rolling back a created member or org **removes** it, and only when nothing else refers to it
(no later event, transfer, discipline, document, child org, …) and it still holds exactly the
values the import wrote. Rationale: a rolled-back import never described the world; keeping
100,000 mistaken rows with a "withdrawn" status would pollute every count and search. The
trace stays: the job keeps the file, the report and each written row's values (ImportRow), and
the audit log records the rollback. Once anything else refers to a row, rollback is refused as a
whole, and corrections go through the normal screens (where nothing is ever deleted).

Classification results of past years (members, orgs) go through reviews.services
(record_past_results / record_past_org_results): each result carries a step naming the import;
rolling back gives changed results their old values and removes added ones, the steps the
import wrote and the IMPORTED years left empty (reviews.services.undo_past_results).
"""

import logging

from auditlog.context import set_actor
from django.db import transaction
from django.utils import timezone

from dangbo.core import jobs, uploads
from dangbo.core.errors import DomainError
from dangbo.imports import bulk, history_import, pipeline, rules, undo, user_import
from dangbo.imports import headers as headers_rules
from dangbo.imports.abandoned import discard, may_discard  # noqa: F401  (import paths kept)
from dangbo.imports.access import (  # noqa: F401  (import paths kept)
    VIEW_PERMISSION,
    WRITE_PERMISSION,
    check_can_import,
    import_roots,
)
from dangbo.imports.downloads import (  # noqa: F401  (import paths kept)
    export_bytes,
    kept_file_copy,
    may_download_file,
    report_for,
    template_bytes,
)
from dangbo.imports.limits import import_limits
from dangbo.imports.models import ImportJob, ImportRow, Kind, SavedMapping
from dangbo.imports.undo import rollback_problems  # noqa: F401  (import path kept)
from dangbo.imports.writers import (  # noqa: F401  (import paths kept)
    APPLY,
    BATCH,
    BULK_THRESHOLD,
    Superseded,
    _hold,
    _now,
    checkpoint,
    snapshot,
)
from dangbo.organizations.models import Organization

logger = logging.getLogger(__name__)

State = ImportJob.State
APPLY[Kind.USERS] = user_import.apply_users
APPLY[Kind.HISTORY] = history_import.apply_history


# ---------------------------------------------------------------- upload and mapping


def start_import(*, user, root: Organization, kind: str, uploaded) -> ImportJob:
    """Keep the file, read its headers and guess the mapping. Nothing is checked yet.

    The file passes the upload rule (core.uploads: .xlsx or .csv by content, size, zip
    bounds) and the import limits (rows, columns), and is read, before any transaction: a
    large or hostile file costs this request time, never a database lock."""
    if kind not in rules.SHAPES:
        raise DomainError("Loại dữ liệu không hợp lệ.", "kind")
    check_can_import(user, root, kind)
    limits = import_limits()
    checked = uploads.check_upload(
        uploaded,
        allowed=uploads.SHEET_TYPES,
        max_bytes=limits.max_bytes,
        zip_limits=limits.zip,
        field="file",
    )
    sheet = pipeline.open_sheet(checked.file, checked.name, limits)
    checked.file.seek(0)
    shape = rules.SHAPES[kind]
    headers = [rules.parse_text(h) if _safe_text(h) else "" for h in sheet.headers]
    mapping = headers_rules.auto_mapping(headers, shape, remembered_mapping(user, kind))
    job = ImportJob(
        kind=kind,
        organization=root,
        file_name=checked.name,
        sheet_name=sheet.name[:100],
        headers=headers,
        mapping={str(k): v for k, v in mapping.items()},
        state=State.MAPPING,
        created_by=user,
        progress_total=sheet.estimated_rows,
    )
    job.file.save(checked.stored_name(), checked.file, save=False)
    with transaction.atomic():  # the row and its audit entry; short, after all the reading
        job.save()
    return job


def _safe_text(value) -> bool:
    try:
        rules.parse_text(value)
    except rules.CellError:
        return False
    return True


def job_mapping(job: ImportJob) -> dict[int, str]:
    return {int(k): v for k, v in job.mapping.items() if v}


def parse_mapping(raw: dict) -> dict[int, str]:
    """{"0": "full_name", "3": ""} (column index → field, blank: skip) as set_mapping takes it."""
    mapping = {}
    for key, name in raw.items():
        index = rules.ascii_int(str(key), 4)
        if index is None:
            raise DomainError(f"«{str(key)[:20]}» không phải số thứ tự cột.", "mapping")
        if name:
            mapping[index] = name
    return mapping


def set_mapping(job: ImportJob, mapping: dict[int, str], *, user) -> ImportJob:
    """Save the user's column choices and start the check (dry run) in the background."""
    check_can_import(user, job.organization, job.kind)
    if job.state not in (State.MAPPING, State.PREVIEWED, State.FAILED):
        raise DomainError("Lần nhập này không còn sửa được cách ghép cột.", "mapping")
    shape = rules.SHAPES[job.kind]
    fields = {c.field for c in shape.columns}
    for index, name in mapping.items():
        if not 0 <= index < len(job.headers):
            raise DomainError(f"Tệp không có cột số {index + 1}.", "mapping")
        if name not in fields:
            raise DomainError(f"Không có thông tin «{name[:40]}» để ghép cột.", "mapping")
    problems = rules.mapping_problems(mapping, shape)
    if problems:
        raise DomainError(" ".join(problems), "mapping")
    job.mapping = {str(k): v for k, v in mapping.items()}
    job.save(update_fields=["mapping", "updated_at"])
    remember_mapping(user, job.kind, job.headers, mapping)
    return _enqueue(job, State.VALIDATING, "validate")


def remembered_mapping(user, kind: str) -> dict[str, str]:
    """The mapping `user` last confirmed for `kind` (header key → field, "" = skipped)."""
    saved = SavedMapping.objects.filter(user=user, kind=kind).values_list("columns", flat=True)
    return saved.first() or {}


def remember_mapping(user, kind: str, headers: list, mapping: dict[int, str]) -> None:
    """Keep the choices where the user overrode the recognition, header by header, on top of
    those of earlier files (a choice equal to the recognition is forgotten)."""
    columns = remembered_mapping(user, kind)
    automatic = headers_rules.auto_mapping(headers, rules.SHAPES[kind])
    for index, header in enumerate(headers):
        key = headers_rules.header_key(header)
        if not key:
            continue
        if mapping.get(index, "") == automatic.get(index, ""):
            columns.pop(key, None)
        else:
            columns[key] = mapping.get(index, "")
    SavedMapping.objects.update_or_create(user=user, kind=kind, defaults={"columns": columns})


# ---------------------------------------------------------------- background steps


def _enqueue(job: ImportJob, state: str, step: str) -> ImportJob:
    from dangbo.imports import tasks

    job.state = state
    job.step = step
    job.error_message = ""
    job.progress_done = 0
    job.heartbeat_at = _now()
    job.save(
        update_fields=[
            "state",
            "step",
            "error_message",
            "progress_done",
            "heartbeat_at",
            "updated_at",
        ]
    )
    result = tasks.run_import_step.enqueue(job.pk, step)
    ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def _progress(job_id: int):
    def report(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(
            progress_done=done, progress_total=total, heartbeat_at=_now()
        )

    return report


STEPS = {}


def run_step(job_id: int, step: str) -> None:
    """Body of the background task. A failure leaves the data unchanged and marks the job."""
    job = ImportJob.objects.select_related("organization", "created_by").get(pk=job_id)
    expected = {"validate": State.VALIDATING, "commit": State.COMMITTING}
    expected["rollback"] = State.ROLLING_BACK
    if job.state != expected[step]:
        return
    actor = job.rolled_back_by if step == "rollback" else job.committed_by or job.created_by
    try:
        with set_actor(actor):
            STEPS[step](job, actor)
    except Superseded:
        logger.warning("import %s: step %s no longer owns the job; nothing written", job_id, step)
    except DomainError as error:
        _fail(job_id, step, error.full_message)
    except Exception:
        logger.exception("import %s failed in step %s", job_id, step)
        _fail(
            job_id,
            step,
            "Lỗi hệ thống khi xử lý; dữ liệu không thay đổi. Bấm «Thử lại» hoặc báo quản trị.",
        )
        raise


def _fail(job_id: int, step: str, message: str) -> None:
    """Only a job still running is marked failed (never one another run has finished)."""
    ImportJob.objects.filter(pk=job_id, state__in=ImportJob.RUNNING_STATES).update(
        state=State.FAILED, step=step, error_message=message, heartbeat_at=_now()
    )


JOBS = jobs.JobKind(
    name="imports",
    model=ImportJob,
    running_states=ImportJob.RUNNING_STATES,
    failed_state=State.FAILED,
    message_field="error_message",
    message="Tiến trình xử lý bị dừng giữa chừng; dữ liệu không thay đổi. Bấm «Thử lại».",
)


def reap_stale_jobs() -> int:
    """Jobs whose worker died (no heartbeat for DANGBO_STALE_JOB_SECONDS) are marked failed.
    The data is unchanged: writing happens in one transaction, which the database rolled
    back when the worker's connection died."""
    return jobs.reap(JOBS)


def _plan(job: ImportJob, user, progress=None) -> pipeline.Plan:
    with job.file.open("rb") as handle:
        sheet = pipeline.open_sheet(handle, job.file_name)
        planner = pipeline.PLANNERS[job.kind]
        return planner(
            sheet,
            job_mapping(job),
            user=user,
            root=job.organization,
            today=timezone.localdate(),
            progress=progress,
        )


def _validate(job: ImportJob, user) -> None:
    plan = _plan(job, job.created_by, _progress(job.pk))
    counts = plan.counts
    ImportJob.objects.filter(pk=job.pk).update(
        state=State.PREVIEWED,
        report=plan.report(),
        progress_done=counts["total"],
        progress_total=counts["total"],
        heartbeat_at=_now(),
    )


STEPS["validate"] = _validate


def request_commit(job: ImportJob, *, user, skip_errors: bool) -> ImportJob:
    check_can_import(user, job.organization, job.kind)
    if job.state != State.PREVIEWED and not (job.state == State.FAILED and job.step == "commit"):
        raise DomainError("Chỉ ghi được sau khi đã kiểm tra (chạy thử) tệp.", "state")
    if job.counts.get("error") and not skip_errors:
        raise DomainError(
            f"Tệp còn {job.counts['error']} dòng lỗi: sửa tệp rồi tải lên lại, hoặc chọn "
            "«ghi các dòng hợp lệ, bỏ qua dòng lỗi».",
            "skip_errors",
        )
    if not (job.counts.get("create") or job.counts.get("update")):
        raise DomainError("Không có dòng nào cần ghi.", "state")
    job.skip_errors = skip_errors
    job.committed_by = user
    job.save(update_fields=["skip_errors", "committed_by", "updated_at"])
    return _enqueue(job, State.COMMITTING, "commit")


def _commit(job: ImportJob, user) -> None:
    plan = _plan(job, job.committed_by, _progress(job.pk))
    if plan.counts["error"] and not job.skip_errors:
        raise DomainError(
            f"Tệp có {plan.counts['error']} dòng lỗi; không ghi dòng nào.", "skip_errors"
        )
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=_now(), progress_done=0)
    with transaction.atomic():
        _hold(job, State.COMMITTING)
        written = APPLY[job.kind](job, plan, user)
        bulk.insert_rows(ImportRow, ({"job_id": job.pk, **w} for w in written))
        report = plan.report()
        ImportJob.objects.filter(pk=job.pk).update(
            state=State.COMMITTED,
            committed_at=_now(),
            report=report,
            heartbeat_at=_now(),
            progress_done=report["counts"]["total"],
            progress_total=report["counts"]["total"],
        )


STEPS["commit"] = _commit

# ---------------------------------------------------------------- rollback


def request_rollback(job: ImportJob, *, user) -> ImportJob:
    check_can_import(user, job.organization, job.kind)
    if job.state != State.COMMITTED and not (job.state == State.FAILED and job.step == "rollback"):
        raise DomainError("Chỉ hoàn tác được một lần nhập đã ghi.", "state")
    problems = rollback_problems(job)
    if problems:
        raise DomainError(undo._problems_message(problems), "state")
    job.rolled_back_by = user
    job.save(update_fields=["rolled_back_by", "updated_at"])
    return _enqueue(job, State.ROLLING_BACK, "rollback")


def retry(job: ImportJob, *, user) -> ImportJob:
    """Run the failed step again (the data was left unchanged by the failure)."""
    check_can_import(user, job.organization, job.kind)
    if job.state != State.FAILED:
        raise DomainError("Chỉ thử lại được một lần nhập bị lỗi.", "state")
    if job.step == "commit":
        return request_commit(job, user=user, skip_errors=job.skip_errors)
    if job.step == "rollback":
        return request_rollback(job, user=user)
    return set_mapping(job, job_mapping(job), user=user)


STEPS["rollback"] = undo._rollback
