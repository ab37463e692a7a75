"""Commit writers: each import kind's rows written through the services (or in bulk for
large member files), returning what each row wrote (ImportRow values) for rollback."""

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from dangbo.admissions import services as admission_services
from dangbo.core.errors import DomainError
from dangbo.core.text import normalize
from dangbo.imports import bulk, pipeline
from dangbo.imports.models import ImportJob, ImportRow, Kind
from dangbo.meetings import absences as meeting_absences
from dangbo.meetings import tally as meeting_tally
from dangbo.meetings.models import Meeting, MeetingStatus
from dangbo.members import services as member_services
from dangbo.members import summary as member_summary
from dangbo.members.choices import Status
from dangbo.members.models import Member, MemberEvent, Placement, StatusPeriod
from dangbo.organizations import services as org_services
from dangbo.organizations.models import Organization, OrgType
from dangbo.reviews import services as review_services

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
            score=row.data.get("score"),
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
