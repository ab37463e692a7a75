"""Rollback of committed imports: whether it is still possible (nothing else refers to the
written rows, which still hold the imported values) and the removal/restoration itself."""

import contextlib
from datetime import date

from auditlog.context import disable_auditlog
from django.db import transaction
from django.db.models import Count

from dangbo.admissions.models import AdmissionFile, AdmissionStep
from dangbo.core.errors import DomainError
from dangbo.imports import history_import, pipeline, user_import, writers
from dangbo.imports.models import ImportJob, ImportRow, Kind
from dangbo.imports.writers import (
    _candidate_snapshot,
    _hold,
    _meeting_snapshot,
    _now,
    _org_snapshot,
    _refresh_meeting_tallies,
    snapshot,
)
from dangbo.meetings.models import Meeting
from dangbo.members import services as member_services
from dangbo.members import summary as member_summary
from dangbo.members.models import Member, MemberEvent, Placement, StatusPeriod
from dangbo.organizations.models import Organization, OrgEvent, OrgPeriod
from dangbo.reviews import services as review_services
from dangbo.reviews.models import MemberReview, ReviewStep

State = ImportJob.State


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
    if job.kind == Kind.USERS:
        return user_import.rollback_problems(rows)
    if job.kind == Kind.HISTORY:
        return history_import.rollback_problems(rows)
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
            with _maybe_quiet(len(rows) >= writers.BULK_THRESHOLD):
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
        elif job.kind == Kind.USERS:
            user_import.rollback_users(job, rows, user)
        elif job.kind == Kind.HISTORY:
            history_import.rollback_history(job, rows, user)
        elif job.kind == Kind.ADMISSIONS:
            ids = [r.object_id for r in rows]
            with _maybe_quiet(len(ids) >= writers.BULK_THRESHOLD):
                AdmissionStep.objects.filter(file_id__in=ids).delete()
                AdmissionFile.objects.filter(pk__in=ids).delete()
        else:
            _rollback_orgs(rows)
        ImportJob.objects.filter(pk=job.pk).update(
            state=State.ROLLED_BACK, rolled_back_at=_now(), heartbeat_at=_now()
        )


def _rollback_meetings(rows: list[ImportRow]) -> None:
    """Changed meetings get their values back (audited saves); added ones are removed."""
    updated = [r for r in rows if r.action == ImportRow.Action.UPDATED]
    written = [{"before": r.before, "after": r.after} for r in rows]
    moved = [r.object_id for r in updated if r.before["planned_on"] != r.after["planned_on"]]
    for done, row in enumerate(updated):
        writers.checkpoint("rollback", done)
        meeting = Meeting.objects.get(pk=row.object_id)
        for field in pipeline.MEETING_FIELDS:
            value = row.before[field]
            setattr(meeting, field, date.fromisoformat(value) if field == "planned_on" else value)
        meeting.save()
    created = [r.object_id for r in rows if r.action == ImportRow.Action.CREATED]
    for start in range(0, len(created), writers.BATCH):
        writers.checkpoint("rollback", len(updated) + start)
        with _maybe_quiet(len(created) >= writers.BULK_THRESHOLD):
            Meeting.objects.filter(pk__in=created[start : start + writers.BATCH]).delete()
    _refresh_meeting_tallies(written, moved)


def _rollback_members(job: ImportJob, rows: list[ImportRow], user) -> None:
    reason = f"Hoàn tác lần nhập #{job.pk} (tệp «{job.file_name}»)"
    updated = [r for r in rows if r.action == ImportRow.Action.UPDATED]
    created_ids = [r.object_id for r in rows if r.action == ImportRow.Action.CREATED]
    for done, row in enumerate(updated):
        writers.checkpoint("rollback", done)
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
    quiet = len(created_ids) >= writers.BULK_THRESHOLD
    for start in range(0, len(created_ids), writers.BATCH):
        writers.checkpoint("rollback", len(updated) + start)
        chunk = created_ids[start : start + writers.BATCH]
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
        writers.checkpoint("rollback", done)
        OrgEvent.objects.filter(organization=org).delete()
        OrgPeriod.objects.filter(organization=org).delete()
        Organization.objects.get(pk=org.pk).delete()
