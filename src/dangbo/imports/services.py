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

import contextlib
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from auditlog.context import disable_auditlog, set_actor
from auditlog.signals import accessed
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from dangbo.admissions import services as admission_services
from dangbo.admissions.models import AdmissionFile, AdmissionStep
from dangbo.core import jobs, uploads
from dangbo.core.errors import DomainError
from dangbo.core.exports import IdentityMask, new_workbook, workbook_bytes
from dangbo.core.permissions import has_permission, reachable_paths
from dangbo.core.text import normalize
from dangbo.imports import bulk, pipeline, rules, xlsx
from dangbo.imports.limits import import_limits
from dangbo.imports.models import DataExport, ImportJob, ImportRow, Kind
from dangbo.meetings import absences as meeting_absences
from dangbo.meetings import tally as meeting_tally
from dangbo.meetings.models import Meeting, MeetingStatus
from dangbo.members import services as member_services
from dangbo.members import summary as member_summary
from dangbo.members.choices import Status
from dangbo.members.models import Member, MemberEvent, Placement, StatusPeriod
from dangbo.organizations import services as org_services
from dangbo.organizations.models import LABEL_SEPARATOR, Organization, OrgEvent, OrgPeriod, OrgType
from dangbo.reviews import services as review_services
from dangbo.reviews.models import MemberReview, OrgReview, ReviewStep, ReviewYear

logger = logging.getLogger(__name__)

BULK_THRESHOLD = 500
BATCH = 2000
State = ImportJob.State
ORG_TRACKED = ("name", "code", "org_type_id", "path", "is_active", "founded_on")


def checkpoint(step: str, done: int) -> None:
    """Called between batches while writing; tests inject a fault here (a killed worker)."""


def _json(value):
    return value.isoformat() if isinstance(value, date) else value


def snapshot(values: dict, fields=pipeline.TRACKED_FIELDS) -> dict:
    return {f: _json(values[f]) for f in fields}


def _now():
    return timezone.now()


# ---------------------------------------------------------------- permissions


# What writing each kind needs beside imports.change (default: "<kind>.change"). Final grades
# are a committee's decision: the code that confirms them on the review screens.
WRITE_PERMISSION = {Kind.REVIEWS: "reviews.confirm", Kind.ORG_REVIEWS: "reviews.confirm"}
VIEW_PERMISSION = {Kind.ORG_REVIEWS: "reviews.view"}


def check_can_import(user, root: Organization, kind: str) -> None:
    target = WRITE_PERMISSION.get(kind, f"{kind}.change")
    if not (
        has_permission(user, "imports.change", root.path)
        and has_permission(user, target, root.path)
    ):
        raise DomainError("Bạn không có quyền nhập dữ liệu cho tổ chức này.", "organization")


def import_roots(user):
    """The top orgs a user may import under: the nodes of their imports.change roles."""
    paths = reachable_paths(user, "imports.change")
    qs = Organization.objects.filter(is_active=True)
    if paths is None:
        return qs.filter(depth__lte=2)
    return qs.filter(path__in=paths)


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
    mapping = rules.auto_mapping(headers, shape)
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
    return _enqueue(job, State.VALIDATING, "validate")


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


class Superseded(Exception):
    """The job is no longer in the state this run started from: it was reaped (its worker
    was thought dead) or another run finished it. This run writes nothing."""


def _hold(job: ImportJob, state: str) -> None:
    """First thing inside a step's write transaction: lock the job's row and check that this
    run still owns the job. On PostgreSQL the lock, held until the transaction ends, keeps the
    reaper away from a live worker whose heartbeat is not visible while it writes; it goes
    with a dead worker's connection. Two runs of one step are serialised here: the second
    finds the job finished and writes nothing."""
    owned = ImportJob.objects.select_for_update().filter(pk=job.pk, state=state)
    if not list(owned.values_list("pk", flat=True)):
        raise Superseded


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


def _reason(job: ImportJob) -> str:
    return f"Nhập từ tệp «{job.file_name}» (lần nhập #{job.pk})"


def _apply_members(job: ImportJob, plan: pipeline.Plan, user) -> list[dict]:
    rows = [r for r in plan.rows if r.action in ("create", "update")]
    if len(rows) >= BULK_THRESHOLD:
        return _apply_members_bulk(job, rows, user)
    return _apply_members_service(job, rows, user)


def _apply_members_service(job, rows, user) -> list[dict]:
    org_ids = {r.org_id for r in rows if r.action == "create"}
    orgs = Organization.objects.select_related("org_type").in_bulk(org_ids)
    written = []
    for done, row in enumerate(rows):
        checkpoint("commit", done)
        try:
            if row.action == "create":
                member = member_services.register_member(
                    organization=orgs[row.org_id], user=user, reason=_reason(job), **row.data
                )
                before = {}
            else:
                member = Member.objects.get(pk=row.object_id)
                before = snapshot(member.__dict__ | {"organization_id": member.organization_id})
                if snapshot(row.current) != before:
                    raise DomainError("Dữ liệu đã thay đổi trong lúc ghi; hãy thử lại.", "id")
                changes = {field: new for field, (_old, new) in row.changes.items()}
                member = member_services.correct_identity(
                    member, reason=_reason(job), user=user, **changes
                )
        except DomainError as error:
            raise DomainError(error.message, error.field, row=row.row) from error
        after = snapshot(member.__dict__ | {"organization_id": member.organization_id})
        action = ImportRow.Action.CREATED if row.action == "create" else ImportRow.Action.UPDATED
        written.append(_written(row.row, action, member.pk, before, after))
    return written


@dataclass(frozen=True)
class _Writing:
    """What every row of one bulk commit carries: the day, the moment, who and why."""

    today: date
    now: datetime
    actor_id: int | None
    reason: str


def _apply_members_bulk(job, rows, user) -> list[dict]:
    """The same rows as register_member / correct_identity write, by batches of plain tuples
    (imports.bulk: COPY on PostgreSQL, executemany on SQLite), with the member summary kept
    exact by deltas."""
    writing = _Writing(
        today=timezone.localdate(),
        now=_now(),
        actor_id=user.pk if user is not None and user.is_authenticated else None,
        reason=_reason(job),
    )
    creates = [r for r in rows if r.action == "create"]
    updates = [r for r in rows if r.action == "update"]
    written = _create_members_bulk(creates, writing)
    written += _update_members_bulk(updates, writing, offset=len(creates))
    return written


def _create_members_bulk(creates, writing: _Writing) -> list[dict]:
    """New members with their status periods, placement and registration event."""
    today, actor_id, reason = writing.today, writing.actor_id, writing.reason
    written: list[dict] = []
    org_ids = {r.org_id for r in creates}
    orgs = {o.pk: o for o in Organization.objects.filter(pk__in=org_ids).only("pk", "name", "path")}
    written: list[dict] = []
    ids = bulk.allocate_ids(Member, len(creates))
    for start in range(0, len(creates), BATCH):
        checkpoint("commit", start)
        members, periods, placements, events = [], [], [], []
        deltas: Counter = Counter()
        for row, pk in zip(creates[start : start + BATCH], ids[start : start + BATCH], strict=True):
            data = row.data
            org = orgs[row.org_id]
            official = bool(data.get("official_on"))
            status = Status.OFFICIAL if official else Status.PROBATIONARY
            since = data["official_on"] if official else data["admitted_on"]
            member = {
                **data,
                "id": pk,
                "name_search": normalize(data["full_name"]),
                "status": status,
                "status_since": since,
                "organization_id": org.pk,
                "org_path": org.path,
            }
            members.append(member)
            deltas[(org.path, status, data["gender"])] += 1
            if official:
                periods.append(_period(pk, Status.PROBATIONARY, data["admitted_on"], since))
            periods.append(_period(pk, status, since, None))
            placements.append(
                {
                    "member_id": pk,
                    "organization_id": org.pk,
                    "valid_from": data["admitted_on"],
                    "valid_to": None,
                }
            )
            events.append(
                {
                    "member_id": pk,
                    "kind": MemberEvent.Kind.REGISTERED,
                    "date": today,
                    "summary": f"Đưa vào sổ đảng viên tại {org.name}",
                    "reason": reason,
                    "recorded_by_id": actor_id,
                    "details": {},
                }
            )
            written.append(_written(row.row, ImportRow.Action.CREATED, pk, {}, snapshot(member)))
        bulk.insert_rows(Member, members, with_pk=True)
        bulk.insert_rows(StatusPeriod, periods)
        bulk.insert_rows(Placement, placements)
        bulk.insert_rows(MemberEvent, events)
        # these rows bypass Member.save: keep the per-ancestor summary exact by hand
        member_summary.apply_deltas(deltas)

    return written


def _update_members_bulk(updates, writing: _Writing, offset: int) -> list[dict]:
    """Identity corrections of existing members, refused if a row changed meanwhile."""
    today, now, actor_id, reason = writing.today, writing.now, writing.actor_id, writing.reason
    written: list[dict] = []
    labels = {f.name: str(f.verbose_name) for f in Member._meta.fields}
    identity = member_services.IDENTITY_FIELDS
    columns = [*identity, "name_search", "updated_at"]
    for start in range(0, len(updates), BATCH):
        checkpoint("commit", offset + start)
        batch = updates[start : start + BATCH]
        current = {
            v["pk"]: v
            for v in Member.objects.filter(pk__in=[r.object_id for r in batch]).values(
                "pk", *pipeline.TRACKED_FIELDS, "org_path"
            )
        }
        changed, events = [], []
        deltas = Counter()
        for row in batch:
            old = current[row.object_id]
            before = snapshot(old)
            if snapshot(row.current) != before:
                raise DomainError(
                    "Dữ liệu đã thay đổi trong lúc ghi; hãy thử lại.", "id", row=row.row
                )
            new = {f: old[f] for f in identity} | {f: n for f, (_o, n) in row.changes.items()}
            new["name_search"] = normalize(new["full_name"])
            new["updated_at"] = now
            changed.append((row.object_id, new))
            if new["gender"] != old["gender"]:  # a corrected gender moves a count
                deltas[(old["org_path"], old["status"], old["gender"])] -= 1
                deltas[(old["org_path"], old["status"], new["gender"])] += 1
            events.append(
                {
                    "member_id": row.object_id,
                    "kind": MemberEvent.Kind.CORRECTED,
                    "date": today,
                    "summary": "Đính chính: " + ", ".join(labels[f] for f in row.changes),
                    "reason": reason,
                    "recorded_by_id": actor_id,
                    "details": {
                        f: [_json(o), _json(n)]
                        for f, (o, n) in row.changes.items()
                        if f != "id_number"
                    },
                }
            )
            after = snapshot(old | new)
            written.append(
                _written(row.row, ImportRow.Action.UPDATED, row.object_id, before, after)
            )
        bulk.update_rows(Member, columns, changed)
        bulk.insert_rows(MemberEvent, events)
        member_summary.apply_deltas(deltas)
    return written


def _period(member_id: int, status: str, valid_from, valid_to) -> dict:
    return {
        "member_id": member_id,
        "status": status,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "bars_readmission": False,
    }


def _written(row_number: int, action: str, object_id: int, before: dict, after: dict) -> dict:
    """One ImportRow, as the values insert_rows writes."""
    return {
        "row_number": row_number,
        "action": action,
        "object_id": object_id,
        "before": before,
        "after": after,
    }


def _org_snapshot(org: Organization) -> dict:
    return {f: _json(getattr(org, f)) for f in ORG_TRACKED}


def _apply_orgs(job: ImportJob, plan: pipeline.Plan, user) -> list[dict]:
    """Orgs go through found_org one by one (a province has thousands, not millions)."""
    types = {t.code: t for t in OrgType.objects.all()}
    created: dict[int, Organization] = {}  # row number → org
    written = []
    for done, row in enumerate(r for r in plan.rows if r.action == "create"):
        checkpoint("commit", done)
        data = row.data
        parent_id = created[row.parent_row].pk if row.parent_row else row.org_id
        parent = Organization.objects.select_related("org_type").get(pk=parent_id)
        decision = org_services.Decision(
            number=data["decision_number"],
            decided_on=data["founded_on"],
            signer=data["signer"],
            effective_date=data["founded_on"],
        )
        try:
            org = org_services.found_org(
                name=data["name"],
                org_type=types[data["org_type"]],
                parent=parent,
                decision=decision,
                user=user,
                code=data["code"],
            )
        except DomainError as error:
            raise DomainError(error.message, error.field, row=row.row) from error
        created[row.row] = org
        written.append(_written(row.row, ImportRow.Action.CREATED, org.pk, {}, _org_snapshot(org)))
    return written


def _meeting_snapshot(values: dict) -> dict:
    return {f: _json(values[f]) for f in pipeline.MEETING_TRACKED}


def _apply_meetings(job: ImportJob, plan: pipeline.Plan, user) -> list[dict]:
    """Held meetings with their counts: new ones in batches, changed ones saved one by one
    (each change in the audit log)."""
    actor = user if user is not None and user.is_authenticated else None
    written, moved = [], []
    creates = [r for r in plan.rows if r.action == "create"]
    for start in range(0, len(creates), BATCH):
        checkpoint("commit", start)
        batch = creates[start : start + BATCH]
        fields = pipeline.MEETING_FIELDS
        meetings = [
            Meeting(
                organization_id=row.org_id,
                status=MeetingStatus.HELD,
                recorded_by=actor,
                **{f: row.data[f] for f in fields},
            )
            for row in batch
        ]
        Meeting.objects.bulk_create(meetings)
        for row, meeting in zip(batch, meetings, strict=True):
            after = _meeting_snapshot(meeting.__dict__)
            written.append(_written(row.row, ImportRow.Action.CREATED, meeting.pk, {}, after))
    updates = [r for r in plan.rows if r.action == "update"]
    for done, row in enumerate(updates):
        checkpoint("commit", len(creates) + done)
        meeting = Meeting.objects.select_for_update().get(pk=row.object_id)
        before = _meeting_snapshot(meeting.__dict__)
        if _meeting_snapshot(row.current) != before:
            raise DomainError("Dữ liệu đã thay đổi trong lúc ghi; hãy thử lại.", "id", row=row.row)
        for field, (_old, new) in row.changes.items():
            setattr(meeting, field, new)
        meeting.save()
        after = _meeting_snapshot(meeting.__dict__)
        written.append(_written(row.row, ImportRow.Action.UPDATED, meeting.pk, before, after))
        if before["planned_on"] != after["planned_on"]:
            moved.append(meeting.pk)
    _refresh_meeting_tallies(written, moved)
    return written


def _refresh_meeting_tallies(written: list[dict], moved: list[int]) -> None:
    """The meetings' derived tallies (statistics per cell-month, months absent without reason)
    of every cell-year touched, before and after; attendance of meetings that changed date."""
    pairs = set()
    for row in written:
        for values in (row["before"], row["after"]):
            if values:
                pairs.add(
                    (values["organization_id"], date.fromisoformat(values["planned_on"]).year)
                )
    meeting_tally.refresh_many(pairs)
    meeting_absences.refresh_meetings(moved)


def _candidate_snapshot(values: dict) -> dict:
    return {f: _json(values[f]) for f in pipeline.CANDIDATE_TRACKED}


def _apply_admissions(job: ImportJob, plan: pipeline.Plan, user) -> list[dict]:
    """Each candidate through admissions.services.open_file (its checks, its first step)."""
    rows = [r for r in plan.rows if r.action == "create"]
    orgs = Organization.objects.select_related("org_type").in_bulk({r.org_id for r in rows})
    written = []
    for done, row in enumerate(rows):
        checkpoint("commit", done)
        data = dict(row.data)
        try:
            file = admission_services.open_file(
                organization=orgs[row.org_id],
                identified_on=data.pop("identified_on"),
                user=user,
                note=_reason(job),
                **data,
            )
        except DomainError as error:
            raise DomainError(error.message, error.field, row=row.row) from error
        after = _candidate_snapshot(file.__dict__)
        written.append(_written(row.row, ImportRow.Action.CREATED, file.pk, {}, after))
    return written


def _apply_reviews(job: ImportJob, plan: pipeline.Plan, user) -> list[dict]:
    """Past years' results through reviews.services.record_past_results (its checks again,
    IMPORTED years, steps naming this import, exact org tallies)."""
    results = [
        review_services.PastResult(
            member_id=row.data["member_id"],
            year=row.data["year"],
            grade=row.data["grade"],
            exemption=row.data["exemption"],
            decision=row.data["decision"],
            row=row.row,
            expected=(row.current.get("final_grade", ""), row.current.get("exemption", "")),
        )
        for row in plan.rows
        if row.action in ("create", "update")
    ]
    checkpoint("commit", 0)
    recorded = review_services.record_past_results(
        root=job.organization, results=results, note=_reason(job), user=user
    )
    return _recorded_rows(recorded)


def _recorded_rows(recorded) -> list[dict]:
    """The import's row records of what reviews.services wrote (created or updated)."""
    return [
        _written(
            r.row,
            ImportRow.Action.CREATED if r.created else ImportRow.Action.UPDATED,
            r.review_id,
            r.before,
            r.after,
        )
        for r in recorded
    ]


def _apply_org_reviews(job: ImportJob, plan: pipeline.Plan, user) -> list[dict]:
    """Org results through reviews.services.record_past_org_results."""
    results = [
        review_services.PastOrgResult(
            organization_id=row.data["organization_id"],
            year=row.data["year"],
            grade=row.data["grade"],
            decision=row.data["decision"],
            row=row.row,
            expected=row.current.get("final_grade", ""),
        )
        for row in plan.rows
        if row.action in ("create", "update")
    ]
    checkpoint("commit", 0)
    recorded = review_services.record_past_org_results(
        root=job.organization, results=results, note=_reason(job), user=user
    )
    return _recorded_rows(recorded)


APPLY = {
    Kind.ADMISSIONS: _apply_admissions,
    Kind.REVIEWS: _apply_reviews,
    Kind.ORG_REVIEWS: _apply_org_reviews,
    Kind.MEMBERS: _apply_members,
    Kind.ORGANIZATIONS: _apply_orgs,
    Kind.MEETINGS: _apply_meetings,
}


# ---------------------------------------------------------------- rollback


def request_rollback(job: ImportJob, *, user) -> ImportJob:
    check_can_import(user, job.organization, job.kind)
    if job.state != State.COMMITTED and not (job.state == State.FAILED and job.step == "rollback"):
        raise DomainError("Chỉ hoàn tác được một lần nhập đã ghi.", "state")
    problems = rollback_problems(job)
    if problems:
        raise DomainError(_problems_message(problems), "state")
    job.rolled_back_by = user
    job.save(update_fields=["rolled_back_by", "updated_at"])
    return _enqueue(job, State.ROLLING_BACK, "rollback")


def _problems_message(problems: list[str]) -> str:
    more = f" (và {len(problems) - 5} dòng khác)" if len(problems) > 5 else ""
    return "Không thể hoàn tác: " + "; ".join(problems[:5]) + more + "."


def rollback_problems(job: ImportJob) -> list[str]:
    """Why this import can no longer be rolled back as a whole (empty list: it can)."""
    rows = list(job.rows.all())
    if job.kind == Kind.MEMBERS:
        return _member_rollback_problems(rows)
    if job.kind == Kind.MEETINGS:
        return _meeting_rollback_problems(rows)
    if job.kind == Kind.ADMISSIONS:
        return _admission_rollback_problems(rows)
    if job.kind == Kind.REVIEWS:
        return _review_rollback_problems(rows)
    if job.kind == Kind.ORG_REVIEWS:
        return _org_review_rollback_problems(rows)
    return _org_rollback_problems(rows)


def _org_review_rollback_problems(rows: list[ImportRow]) -> list[str]:
    """An org result can be taken back while it holds what the import wrote and no later
    step was recorded on its row."""
    current = review_services.past_org_result_snapshots([r.object_id for r in rows])
    tracked = (*review_services.PAST_ORG_RESULT_FIELDS, "last_step")
    return [
        f"dòng {row.row_number} đã được sửa sau lần nhập"
        for row in rows
        if current.get(row.object_id) != {f: row.after.get(f) for f in tracked}
    ]


def _review_rollback_problems(rows: list[ImportRow]) -> list[str]:
    """A result can be taken back while it holds what the import wrote and no later step
    (a decision, a correction, another import) was recorded on it."""
    problems = []
    current = review_services.past_result_snapshots([r.object_id for r in rows])
    tracked = (*review_services.PAST_RESULT_FIELDS, "last_step")
    for row in rows:
        values = current.get(row.object_id)
        if values is None or values != {f: row.after.get(f) for f in tracked}:
            problems.append(f"dòng {row.row_number} đã được sửa sau lần nhập")
    created = [r for r in rows if r.action == ImportRow.Action.CREATED]
    for start in range(0, len(created), pipeline.CHUNK):
        problems += _extra_references(
            MemberReview,
            created[start : start + pipeline.CHUNK],
            expected={(ReviewStep, "member_review"): lambda r: 1},
        )
    return problems


def _admission_rollback_problems(rows: list[ImportRow]) -> list[str]:
    """A candidate's file can be removed while it is still at the step the import wrote."""
    problems = []
    current = {
        v["pk"]: v
        for v in AdmissionFile.objects.filter(pk__in=[r.object_id for r in rows]).values(
            "pk", *pipeline.CANDIDATE_TRACKED
        )
    }
    for row in rows:
        values = current.get(row.object_id)
        if values is None or _candidate_snapshot(values) != row.after:
            problems.append(f"dòng {row.row_number} đã được sửa sau lần nhập")
    return problems + _extra_references(
        AdmissionFile, rows, expected={(AdmissionStep, "file"): lambda r: 1}
    )


def _meeting_rollback_problems(rows: list[ImportRow]) -> list[str]:
    problems = []
    for start in range(0, len(rows), pipeline.CHUNK):
        chunk = rows[start : start + pipeline.CHUNK]
        current = {
            v["pk"]: v
            for v in Meeting.objects.filter(pk__in=[r.object_id for r in chunk]).values(
                "pk", *pipeline.MEETING_TRACKED
            )
        }
        for row in chunk:
            values = current.get(row.object_id)
            if values is None or _meeting_snapshot(values) != row.after:
                problems.append(f"dòng {row.row_number} đã được sửa sau lần nhập")
        created = [r for r in chunk if r.action == ImportRow.Action.CREATED]
        problems += _extra_references(Meeting, created, expected={})
    return problems


def _member_rollback_problems(rows: list[ImportRow]) -> list[str]:
    problems = []
    fields = ["pk", *pipeline.TRACKED_FIELDS]
    for start in range(0, len(rows), pipeline.CHUNK):
        chunk = rows[start : start + pipeline.CHUNK]
        current = {
            v["pk"]: v
            for v in Member.objects.filter(pk__in=[r.object_id for r in chunk]).values(*fields)
        }
        for row in chunk:
            values = current.get(row.object_id)
            if values is None or snapshot(values) != row.after:
                problems.append(f"dòng {row.row_number} đã được sửa sau lần nhập")
        created = [r for r in chunk if r.action == ImportRow.Action.CREATED]
        problems += _extra_references(
            Member,
            created,
            expected={
                (Placement, "member"): lambda r: 1,
                (StatusPeriod, "member"): lambda r: 2 if r.after.get("official_on") else 1,
                (MemberEvent, "member"): lambda r: 1,
            },
        )
    return problems


def _extra_references(model, rows: list[ImportRow], expected: dict, exclude: dict | None = None):
    """Rows that other records refer to beyond what the import itself wrote."""
    problems = []
    if not rows:
        return problems
    ids = [r.object_id for r in rows]
    by_id = {r.object_id: r for r in rows}
    for relation in model._meta.related_objects:
        if not relation.field.concrete or relation.many_to_many:
            continue
        related, name = relation.related_model, relation.field.name
        qs = related._base_manager.filter(**{f"{name}__in": ids})
        if exclude and (related, name) in exclude:
            qs = qs.exclude(**exclude[(related, name)])
        counts = qs.values(name).annotate(n=Count("pk")).values_list(name, "n")
        rule = expected.get((related, name), lambda r: 0)
        for object_id, n in counts:
            if n > rule(by_id[object_id]):
                problems.append(
                    f"dòng {by_id[object_id].row_number} đã có dữ liệu khác tham chiếu "
                    f"({related._meta.verbose_name})"
                )
    return problems


def _org_rollback_problems(rows: list[ImportRow]) -> list[str]:
    problems = []
    ids = [r.object_id for r in rows]
    current = Organization.objects.in_bulk(ids)
    for row in rows:
        org = current.get(row.object_id)
        if org is None or _org_snapshot(org) != row.after:
            problems.append(f"dòng {row.row_number} đã được sửa sau lần nhập")
            continue
        others = Organization.objects.filter(path__startswith=org.path).exclude(pk__in=ids).exists()
        if others:
            problems.append(f"dòng {row.row_number} đã có tổ chức trực thuộc mới")
    problems += _extra_references(
        Organization,
        rows,
        expected={
            (OrgPeriod, "organization"): lambda r: 1,
            (OrgEvent, "organization"): lambda r: 1,
        },
        exclude={(OrgPeriod, "parent"): {"organization_id__in": ids}},
    )
    return problems


def _rollback(job: ImportJob, user) -> None:
    with transaction.atomic():
        _hold(job, State.ROLLING_BACK)
        problems = rollback_problems(job)
        if problems:
            raise DomainError(_problems_message(problems), "state")
        rows = list(job.rows.all())
        if job.kind == Kind.MEMBERS:
            _rollback_members(job, rows, user)
        elif job.kind == Kind.MEETINGS:
            _rollback_meetings(rows)
        elif job.kind == Kind.REVIEWS:
            with _maybe_quiet(len(rows) >= BULK_THRESHOLD):
                review_services.undo_past_results(
                    root=job.organization,
                    created=[r.object_id for r in rows if r.action == ImportRow.Action.CREATED],
                    restored=[
                        (r.object_id, r.before, r.after["last_step"])
                        for r in rows
                        if r.action == ImportRow.Action.UPDATED
                    ],
                    user=user,
                )
        elif job.kind == Kind.ORG_REVIEWS:
            review_services.undo_past_org_results(
                root=job.organization,
                created=[
                    (r.object_id, r.after["last_step"])
                    for r in rows
                    if r.action == ImportRow.Action.CREATED
                ],
                restored=[
                    (r.object_id, r.before, r.after["last_step"])
                    for r in rows
                    if r.action == ImportRow.Action.UPDATED
                ],
                user=user,
            )
        elif job.kind == Kind.ADMISSIONS:
            ids = [r.object_id for r in rows]
            with _maybe_quiet(len(ids) >= BULK_THRESHOLD):
                AdmissionStep.objects.filter(file_id__in=ids).delete()
                AdmissionFile.objects.filter(pk__in=ids).delete()
        else:
            _rollback_orgs(rows)
        ImportJob.objects.filter(pk=job.pk).update(
            state=State.ROLLED_BACK, rolled_back_at=_now(), heartbeat_at=_now()
        )


STEPS["rollback"] = _rollback


def _rollback_meetings(rows: list[ImportRow]) -> None:
    """Changed meetings get their values back (audited saves); added ones are removed."""
    updated = [r for r in rows if r.action == ImportRow.Action.UPDATED]
    written = [{"before": r.before, "after": r.after} for r in rows]
    moved = [r.object_id for r in updated if r.before["planned_on"] != r.after["planned_on"]]
    for done, row in enumerate(updated):
        checkpoint("rollback", done)
        meeting = Meeting.objects.get(pk=row.object_id)
        for field in pipeline.MEETING_FIELDS:
            value = row.before[field]
            setattr(meeting, field, date.fromisoformat(value) if field == "planned_on" else value)
        meeting.save()
    created = [r.object_id for r in rows if r.action == ImportRow.Action.CREATED]
    for start in range(0, len(created), BATCH):
        checkpoint("rollback", len(updated) + start)
        with _maybe_quiet(len(created) >= BULK_THRESHOLD):
            Meeting.objects.filter(pk__in=created[start : start + BATCH]).delete()
    _refresh_meeting_tallies(written, moved)


def _rollback_members(job: ImportJob, rows: list[ImportRow], user) -> None:
    reason = f"Hoàn tác lần nhập #{job.pk} (tệp «{job.file_name}»)"
    updated = [r for r in rows if r.action == ImportRow.Action.UPDATED]
    created_ids = [r.object_id for r in rows if r.action == ImportRow.Action.CREATED]
    for done, row in enumerate(updated):
        checkpoint("rollback", done)
        changes = {
            f: _parse_json_value(f, row.before[f])
            for f in member_services.IDENTITY_FIELDS
            if row.before[f] != row.after[f]
        }
        member = Member.objects.get(pk=row.object_id)
        try:
            member_services.correct_identity(member, reason=reason, user=user, **changes)
        except DomainError as error:
            raise DomainError(error.message, error.field, row=row.row_number) from error
    quiet = len(created_ids) >= BULK_THRESHOLD
    for start in range(0, len(created_ids), BATCH):
        checkpoint("rollback", len(updated) + start)
        chunk = created_ids[start : start + BATCH]
        with _maybe_quiet(quiet):
            MemberEvent.objects.filter(member_id__in=chunk).delete()
            StatusPeriod.objects.filter(member_id__in=chunk).delete()
            Placement.objects.filter(member_id__in=chunk).delete()
            gone = Member.objects.filter(pk__in=chunk)
            member_summary.apply_deltas(
                {
                    (path, status, gender): -n
                    for path, status, gender, n in gone.values_list("org_path", "status", "gender")
                    .annotate(n=Count("id"))
                    .order_by()
                }
            )
            gone.delete()


def _maybe_quiet(quiet: bool):
    """Large rollbacks skip one audit entry per deleted row: the job's ImportRows hold them."""
    return disable_auditlog() if quiet else contextlib.nullcontext()


def _parse_json_value(field: str, value):
    if value and field in pipeline.DATE_FIELDS:
        return date.fromisoformat(value)
    return value


def _rollback_orgs(rows: list[ImportRow]) -> None:
    orgs = Organization.objects.in_bulk([r.object_id for r in rows])
    for done, org in enumerate(sorted(orgs.values(), key=lambda o: -len(o.path))):
        checkpoint("rollback", done)
        OrgEvent.objects.filter(organization=org).delete()
        OrgPeriod.objects.filter(organization=org).delete()
        Organization.objects.get(pk=org.pk).delete()


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


# ---------------------------------------------------------------- templates and exports


def _org_labels(root: Organization, **filters) -> dict[int, str]:
    """How each org under root is written in a sheet: its name, or, when another org of the
    subtree shares it, the name followed by as many parents as make it unique («Chi bộ Văn
    phòng — Đảng bộ Sở Tư pháp»; the imports read it back), '#id name' as a last resort."""
    every = Organization.objects.filter(path__startswith=root.path).values_list(
        "pk", "name", "path", "name_search"
    )
    above = [root.path[:end] for end in range(4, len(root.path), 4)]
    names = dict(Organization.objects.filter(path__in=above).values_list("path", "name"))
    names.update((path, name) for _pk, name, path, _key in every)
    rows = list(every.filter(**filters) if filters else every)
    groups: dict[str, list[tuple[int, str, str]]] = {}
    for pk, name, path, key in rows:
        groups.setdefault(key, []).append((pk, name, path))
    labels = {}
    for same in groups.values():
        if len(same) == 1:
            pk, name, _path = same[0]
            labels[pk] = name
            continue
        chains = {pk: [name, *_ancestor_names(path, names)] for pk, name, path in same}
        for length in range(2, max(len(c) for c in chains.values()) + 1):
            shown = {pk: LABEL_SEPARATOR.join(chain[:length]) for pk, chain in chains.items()}
            if len({normalize(text) for text in shown.values()}) == len(shown):
                labels.update(shown)
                break
        else:
            labels.update({pk: f"#{pk} {name}" for pk, name, _path in same})
    return labels


def _ancestor_names(path: str, names: dict[str, str]) -> list[str]:
    """Names of the parent, grandparent… of the org at `path` (as far as `names` knows)."""
    found = []
    for end in range(len(path) - 4, 0, -4):
        name = names.get(path[:end])
        if name is None:
            break
        found.append(name)
    return found


def _template_lists(kind: str, root: Organization) -> dict[str, list[str]]:
    if kind in (Kind.MEMBERS, Kind.MEETINGS, Kind.ADMISSIONS, Kind.REVIEWS):
        cells = _org_labels(root, is_active=True, org_type__holds_members=True)
        return {"organization": sorted(cells.values())}
    if kind == Kind.ORG_REVIEWS:
        return {"organization": sorted(_org_labels(root, is_active=True).values())}
    parents = _org_labels(root, is_active=True, org_type__holds_members=False)
    return {
        "org_type": [t.name for t in OrgType.objects.all()],
        "parent": sorted(parents.values()),
    }


def template_bytes(kind: str, *, user, root: Organization) -> bytes:
    check_can_import(user, root, kind)
    shape = rules.SHAPES[kind]
    return xlsx.build_workbook(shape, [], _template_lists(kind, root), example=True)


def export_bytes(kind: str, *, user, root: Organization) -> tuple[bytes, DataExport]:
    """The same shape as the template, filled with what the user may see under root.
    Logged (DataExport + an access entry in the audit log)."""
    if not has_permission(user, VIEW_PERMISSION.get(kind, f"{kind}.view"), root.path):
        raise DomainError("Bạn không có quyền xuất dữ liệu của tổ chức này.", "organization")
    shape = rules.SHAPES[kind]
    source = {
        Kind.MEMBERS: _member_rows,
        Kind.ORGANIZATIONS: _org_rows,
        Kind.MEETINGS: _meeting_rows,
        Kind.ADMISSIONS: _candidate_rows,
        Kind.REVIEWS: _review_rows,
        Kind.ORG_REVIEWS: _org_review_rows,
    }
    rows = list(source[kind](user, root))
    content = xlsx.build_workbook(shape, rows, _template_lists(kind, root), example=False)
    with set_actor(user):
        export = DataExport.objects.create(
            kind=kind,
            organization=root,
            user=user,
            row_count=len(rows),
            with_identity=kind in (Kind.MEMBERS, Kind.ADMISSIONS, Kind.REVIEWS)
            and IdentityMask(user).anywhere,
        )
        accessed.send(sender=DataExport, instance=export)
    return content, export


def may_download_file(job: ImportJob, user) -> bool:
    """The kept upload holds whatever its author put in it (full ID numbers, in any column,
    mapped or not): only users who see ID numbers in full on the job's org may have it."""
    return IdentityMask(user).shows(job.organization.path)


def kept_file_copy(job: ImportJob, user) -> tuple[bytes, int]:
    """The data sheet of the kept upload, as the import read it, re-written through
    core.exports: values only (formulas of the upload are not handed on), text that looks like
    a formula stays text. The original stays untouched in storage. (bytes, rows)."""
    if not may_download_file(job, user):
        raise DomainError("Bạn không được xem số định danh đầy đủ của phạm vi này.", "file")
    book = new_workbook(write_only=True, letterhead=False)  # the upload as read
    sheet = book.create_sheet("Dữ liệu")
    rows = 0
    with job.file.open("rb") as fileobj:
        source = pipeline.open_sheet(fileobj, job.file_name)
        sheet.append(list(source.headers))
        for _number, values in source.rows:
            sheet.append(list(values))
            rows += 1
    return workbook_bytes(book), rows


def report_for(job: ImportJob, user) -> dict:
    """The job's report as `user` may read it: ID numbers in error messages and in old → new
    changes masked unless the user sees them in full on the job's org."""
    report = dict(job.report or {})
    shown = IdentityMask(user)
    path = job.organization.path
    if shown.shows(path):
        return report

    def hide(value):
        return shown.in_text(value, path) if isinstance(value, str) else value

    report["errors"] = [
        {**error, "message": hide(error.get("message", ""))} for error in report.get("errors", [])
    ]
    report["updates"] = [
        {
            **update,
            "changes": [[label, hide(old), hide(new)] for label, old, new in update["changes"]],
        }
        for update in report.get("updates", [])
    ]
    return report


def _d(value) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def _member_rows(user, root: Organization):
    shape = rules.MEMBER_SHAPE
    labels = {c.field: dict(c.choices) for c in shape.columns if c.choices}
    orgs = _org_labels(root)
    shown_id = IdentityMask(user)
    fields = [c.field for c in shape.columns if c.field not in ("id", "organization")]
    qs = (
        Member.objects.restrict(user)
        .filter(org_path__startswith=root.path)
        .order_by("org_path", "name_search", "pk")
        .values_list("pk", "organization_id", "org_path", *fields)
    )
    for pk, org_id, path, *values in qs.iterator(chunk_size=BATCH):
        record = dict(zip(fields, values, strict=True))
        row = [pk]
        for column in shape.columns[1:-1]:
            value = record[column.field]
            if column.kind == "date":
                value = _d(value)
            elif column.field in labels:
                value = labels[column.field].get(value, value)
            elif column.field == "id_number":
                value = shown_id(value, path)
            row.append(value)
        row.append(orgs.get(org_id, f"#{org_id}"))
        yield row


def _org_rows(user, root: Organization):
    labels = _org_labels(root)
    founded = {
        e["organization_id"]: e
        for e in OrgEvent.objects.filter(
            kind=OrgEvent.Kind.FOUNDED, organization__path__startswith=root.path
        ).values("organization_id", "decision_number", "signer")
    }
    types = dict(OrgType.objects.values_list("pk", "name"))
    by_path = {root.path: root.pk}
    qs = (
        Organization.objects.restrict(user)
        .filter(path__startswith=root.path)
        .exclude(pk=root.pk)
        .order_by("path")
    )
    for org in qs.values("pk", "name", "code", "org_type_id", "path", "founded_on"):
        by_path[org["path"]] = org["pk"]
        parent_id = by_path.get(org["path"][:-4])
        event = founded.get(org["pk"], {})
        yield [
            org["pk"],
            org["name"],
            org["code"],
            types[org["org_type_id"]],
            labels.get(parent_id, "") if parent_id else "",
            _d(org["founded_on"]),
            event.get("decision_number", ""),
            event.get("signer", ""),
        ]


def _meeting_rows(user, root: Organization):
    """Held meetings under root, in the import shape (labels for choices, dates dd/mm/yyyy)."""
    shape = rules.MEETING_SHAPE
    labels = {c.field: dict(c.choices) for c in shape.columns if c.choices}
    orgs = _org_labels(root)
    qs = (
        Meeting.objects.restrict(user)
        .filter(organization__path__startswith=root.path, status=MeetingStatus.HELD)
        .order_by("organization__path", "planned_on", "pk")
        .values_list("pk", "organization_id", *pipeline.MEETING_FIELDS)
    )
    for pk, org_id, *values in qs.iterator(chunk_size=BATCH):
        record = dict(zip(pipeline.MEETING_FIELDS, values, strict=True))
        row = [pk, orgs.get(org_id, f"#{org_id}")]
        for column in shape.columns[2:]:
            value = record[column.field]
            if column.kind == "date":
                value = _d(value)
            elif column.field in labels:
                value = labels[column.field].get(value, value)
            row.append(value)
        yield row


def _candidate_rows(user, root: Organization):
    """Admission files under root (every stage), in the import shape; identity numbers
    masked where the user may not see members' identities."""
    shape = rules.ADMISSION_SHAPE
    labels = {c.field: dict(c.choices) for c in shape.columns if c.choices}
    orgs = _org_labels(root)
    shown_id = IdentityMask(user)
    qs = (
        AdmissionFile.objects.restrict(user)
        .filter(organization__path__startswith=root.path)
        .order_by("organization__path", "name_search", "pk")
        .values_list("pk", "organization_id", "organization__path", *pipeline.CANDIDATE_FIELDS)
    )
    for pk, org_id, path, *values in qs.iterator(chunk_size=BATCH):
        record = dict(zip(pipeline.CANDIDATE_FIELDS, values, strict=True))
        row = [pk]
        for column in shape.columns[1:]:
            if column.field == "organization":
                row.append(orgs.get(org_id, f"#{org_id}"))
                continue
            value = record[column.field]
            if column.kind == "date":
                value = _d(value)
            elif column.field in labels:
                value = labels[column.field].get(value, value)
            elif column.field == "id_number":
                value = shown_id(value, path)
            row.append(value)
        yield row


def _review_rows(user, root: Organization):
    """Final results of the years no longer open under root, one row per member and year, in
    the import shape (the member's system id first, ID numbers masked where the user may not
    see identities). The open year is left out: its results are not imported."""
    shape = rules.REVIEW_SHAPE
    labels = {c.field: dict(c.choices) for c in shape.columns if c.choices}
    orgs = _org_labels(root)
    shown_id = IdentityMask(user)
    qs = (
        MemberReview.objects.restrict(user)
        .filter(organization__path__startswith=root.path)
        .exclude(review_year__state=ReviewYear.State.OPEN)
        .order_by("review_year__year", "organization__path", "member__name_search", "pk")
        .values_list(
            "member_id",
            "member__full_name",
            "member__birth_date",
            "member__id_number",
            "member__org_path",
            "organization_id",
            "review_year__year",
            "final_grade",
            "exemption",
        )
    )
    for member_id, name, birth, number, path, org_id, year, grade, exemption in qs.iterator(
        chunk_size=BATCH
    ):
        yield [
            member_id,
            name,
            _d(birth),
            shown_id(number, path),
            orgs.get(org_id, f"#{org_id}"),
            year,
            labels["grade"].get(grade, grade),
            labels["exemption"].get(exemption, exemption),
            None,
        ]


def _org_review_rows(user, root: Organization):
    """Final grades of classified orgs in the years no longer open under root."""
    grades = dict(rules.ORG_REVIEW_SHAPE.column("grade").choices)
    orgs = _org_labels(root)
    qs = (
        OrgReview.objects.restrict(user)
        .filter(organization__path__startswith=root.path, is_classified=True)
        .exclude(review_year__state=ReviewYear.State.OPEN)
        .exclude(final_grade="")
        .order_by("review_year__year", "organization__path", "pk")
        .values_list("organization_id", "review_year__year", "final_grade")
    )
    for org_id, year, grade in qs.iterator(chunk_size=BATCH):
        yield [org_id, orgs.get(org_id, f"#{org_id}"), year, grades.get(grade, grade), None]
