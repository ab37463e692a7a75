"""Writing and rolling back an import of members' past placements and statuses (#22).

Per member, inside the commit's transaction: the closed placement periods in the tree are
added, the current placement starts on arrival (the end of the last period before it, or the
open row's start), and each status row goes through members.services.change_status — the
screens' own use case: it closes the open status period, opens the new one, sets the status,
its date and the official date, keeps the member summary exact (Member.save) and records the
event. Like the screens, leaving does not end the placement: reports count active statuses.
The database triggers mark the months the back-dated rows touch (reports.BackdatedMonth), and
the committed import asks for a recount (hooks.register_changed, imports.tasks).

Each written row keeps the member's periods and status before and after, so a rollback can
restore them exactly while nothing else changed the member since.
"""

from collections import defaultdict
from datetime import date

from dangbo.core.accounts import actor as _actor
from dangbo.core.errors import DomainError
from dangbo.imports import writers
from dangbo.imports.models import ImportJob, ImportRow
from dangbo.imports.shapes import HISTORY_PLACEMENT, OUTSIDE_TREE
from dangbo.imports.writers import _reason, _written
from dangbo.members import services as member_services
from dangbo.members.models import Member, MemberEvent, Placement, StatusPeriod
from dangbo.organizations.models import Organization

FROM_IMPORT = " (nhập từ Excel)"
STATE_KEYS = ("status", "status_since", "official_on", "placements", "status_periods")


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def member_state(member_id: int) -> dict:
    """A member's status and dated periods as JSON (what a rollback restores)."""
    member = Member.objects.filter(pk=member_id).values(*STATE_KEYS[:3]).get()
    return {
        "status": member["status"],
        "status_since": _iso(member["status_since"]),
        "official_on": _iso(member["official_on"]),
        "placements": [
            [pk, org, _iso(start), _iso(end)]
            for pk, org, start, end in Placement.objects.filter(member_id=member_id)
            .order_by("pk")
            .values_list("pk", "organization_id", "valid_from", "valid_to")
        ],
        "status_periods": [
            [pk, status, _iso(start), _iso(end)]
            for pk, status, start, end in StatusPeriod.objects.filter(member_id=member_id)
            .order_by("pk")
            .values_list("pk", "status", "valid_from", "valid_to")
        ],
    }


def apply_history(job: ImportJob, plan, user) -> list[dict]:
    rows = [r for r in plan.rows if r.action == "create"]
    by_member: dict[int, list] = defaultdict(list)
    for row in rows:
        by_member[row.object_id].append(row)
    org_ids = {r.data["organization_id"] for r in rows if r.data["organization_id"]}
    names = dict(Organization.objects.filter(pk__in=org_ids).values_list("pk", "name"))
    written: list[dict] = []
    for done, (member_id, group) in enumerate(by_member.items()):
        writers.checkpoint("commit", done)
        try:
            written += _apply_member(job, member_id, group, names, user)
        except DomainError as error:
            row = error.row if error.row is not None else group[0].row
            raise DomainError(error.message, error.field, row=row) from error
    return written


def _held_placements(member_id: int) -> list:
    held = Placement.objects.filter(member_id=member_id).values_list(
        "organization_id", "valid_from", "valid_to"
    )
    return sorted(held, key=lambda r: (r[1], r[2] is None))


def _apply_member(job, member_id: int, group: list, names: dict, user) -> list[dict]:
    member = Member.objects.select_for_update().get(pk=member_id)
    before = member_state(member_id)
    placements = [r for r in group if r.data["entry"] == HISTORY_PLACEMENT]
    statuses = sorted(
        (r for r in group if r.data["entry"] != HISTORY_PLACEMENT),
        key=lambda r: (r.data["valid_from"], r.row),
    )
    stale = (placements and _held_placements(member_id) != placements[0].current["placements"]) or (
        statuses
        and (member.status, member.status_since)
        != (statuses[0].current["status"], statuses[0].current["status_since"])
    )
    if stale:
        raise DomainError("Dữ liệu đã thay đổi trong lúc ghi; hãy thử lại.", "id")
    events = _write_placements(job, member, placements, names, user) if placements else []
    for row in statuses:
        events.append(_write_status(job, member, row, user))
    after = member_state(member_id) | {"events": events}
    return [_written(r.row, ImportRow.Action.CREATED, member_id, before, after) for r in group]


def _write_placements(job, member: Member, rows: list, names: dict, user) -> list[int]:
    events = []
    for row in sorted(rows, key=lambda r: r.data["valid_from"]):
        data = row.data
        org_id, start, end = data["organization_id"], data["valid_from"], data["valid_to"]
        if org_id is not None and end is not None:
            Placement.objects.create(
                member=member,
                organization_id=org_id,
                valid_from=start,
                valid_to=end,
                decision_number=data["decision_number"],
                note=data["note"][:255],
            )
        where = f"tại {names[org_id]}" if org_id else OUTSIDE_TREE.lower()
        until = f" đến {end:%d/%m/%Y}" if end else ""
        event = MemberEvent.objects.create(
            member=member,
            kind=MemberEvent.Kind.TRANSFERRED,
            date=start,
            summary=f"Sinh hoạt {where} từ {start:%d/%m/%Y}{until}{FROM_IMPORT}",
            decision_number=data["decision_number"],
            reason=_why(job, data),
            recorded_by=_actor(user),
            details={"import_job": job.pk},
        )
        events.append(event.pk)
    arrival = rows[0].data["arrival"]
    current = Placement.objects.get(member=member, valid_to__isnull=True)
    if current.valid_from != arrival:
        current.valid_from = arrival
        current.save()
    return events


def _write_status(job, member: Member, row, user) -> int:
    data = row.data
    try:
        member_services.change_status(
            member,
            new_status=data["status"],
            on=data["valid_from"],
            decision_number=data["decision_number"],
            reason=_why(job, data),
            user=user,
        )
    except DomainError as error:
        raise DomainError(error.message, error.field, row=row.row) from error
    event = MemberEvent.objects.filter(member=member).latest("pk")
    event.summary += FROM_IMPORT
    event.details = {**(event.details or {}), "import_job": job.pk}
    event.save()
    return event.pk


def _why(job, data: dict) -> str:
    return f"{data['note']}. {_reason(job)}" if data["note"] else _reason(job)


# ---------------------------------------------------------------- rollback


def _by_member(rows: list[ImportRow]) -> dict[int, ImportRow]:
    first: dict[int, ImportRow] = {}
    for row in rows:
        first.setdefault(row.object_id, row)
    return first


def rollback_problems(rows: list[ImportRow]) -> list[str]:
    """A member's imported history can be taken back while the member holds exactly what the
    import left and no event was recorded on them since."""
    problems = []
    for member_id, row in _by_member(rows).items():
        after = row.after
        now = member_state(member_id)
        if now != {k: after[k] for k in STATE_KEYS}:
            problems.append(f"dòng {row.row_number} đã được sửa sau lần nhập")
        elif MemberEvent.objects.filter(member_id=member_id, pk__gt=max(after["events"])).exists():
            problems.append(f"dòng {row.row_number}: đảng viên đã có sự kiện mới sau lần nhập")
    return problems


def rollback_history(job: ImportJob, rows: list[ImportRow], user) -> None:
    """Each member's periods and status as before the import; its events removed."""
    for done, (member_id, row) in enumerate(_by_member(rows).items()):
        writers.checkpoint("rollback", done)
        before, after = row.before, row.after
        MemberEvent.objects.filter(pk__in=after["events"]).delete()
        _restore(Placement, before["placements"], after["placements"], "organization_id")
        _restore(StatusPeriod, before["status_periods"], after["status_periods"], "status")
        member = Member.objects.select_for_update().get(pk=member_id)
        member.status = before["status"]
        member.status_since = date.fromisoformat(before["status_since"])
        official = before["official_on"]
        member.official_on = date.fromisoformat(official) if official else None
        member.save()


def _restore(model, before: list, after: list, field: str) -> None:
    """Rows the import added removed, rows it changed given their dates back."""
    kept = {pk: values for pk, *values in before}
    model.objects.filter(pk__in=[pk for pk, *_ in after if pk not in kept]).delete()
    changed = {pk: values for pk, *values in after if pk in kept and kept[pk] != values}
    for obj in model.objects.filter(pk__in=list(changed)).order_by("-valid_to"):
        _value, start, end = kept[obj.pk]
        obj.valid_from = date.fromisoformat(start)
        obj.valid_to = date.fromisoformat(end) if end else None
        obj.save()
