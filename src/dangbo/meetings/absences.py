"""Months absent without reason, with their runs, behind the deletion-proposal flags
(`models.AbsenceRun`).

`refresh(member_ids)` recomputes those members' rows from their attendance at held meetings
(services call it whenever attendance or a meeting's date changes); `rebuild()` recomputes
everyone (after bulk loads, from `dangbo rebuild_meeting_tally` and the migration). Both are
exact: tests compare the flags they give with `queries.absence_flags_live`."""

from collections.abc import Iterable
from datetime import date

from django.db import transaction

from dangbo.meetings import rules
from dangbo.meetings.models import AbsenceRun, Attendance, AttendanceStatus, MeetingStatus

CHUNK = 2000
_HISTORY = ("member_id", "meeting__planned_on", "meeting_id", "meeting__organization_id", "status")


def first_day(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def history(member_ids: Iterable[int]):
    """(member, day, meeting, cell, status) of the members' attendance at held meetings."""
    return (
        Attendance.objects.filter(member_id__in=member_ids, meeting__status=MeetingStatus.HELD)
        .order_by()
        .values_list(*_HISTORY)
    )


def member_months(rows) -> dict[int, dict[int, tuple[list[str], int | None]]]:
    """Per member and month index: the statuses of the month's meetings and the cell of the
    last meeting missed without reason (by day, then meeting)."""
    months: dict[int, dict[int, tuple[list[str], int | None]]] = {}
    last: dict[tuple[int, int], tuple] = {}
    for member_id, day, meeting_id, org_id, status in rows:
        index = rules.month_index(day)
        statuses, _ = months.setdefault(member_id, {}).setdefault(index, ([], None))
        statuses.append(status)
        if status == AttendanceStatus.UNEXCUSED:
            key = (member_id, index)
            if key not in last or last[key][0] < (day, meeting_id):
                last[key] = ((day, meeting_id), org_id)
    for (member_id, index), (_, org_id) in last.items():
        months[member_id][index] = (months[member_id][index][0], org_id)
    return months


def runs_of(member_id: int, months: dict[int, tuple[list[str], int | None]]) -> list[AbsenceRun]:
    outcomes = ((index, rules.month_outcome(statuses)) for index, (statuses, _) in months.items())
    return [
        AbsenceRun(
            member_id=member_id,
            organization_id=months[index][1],
            month=first_day(index),
            run=run,
            next_month=None if later is None else first_day(later),
        )
        for index, run, later in rules.unexcused_runs(outcomes)
    ]


def _write(member_ids: list[int]) -> int:
    written = []
    for member_id, months in member_months(history(member_ids)).items():
        written.extend(runs_of(member_id, months))
    AbsenceRun.objects.bulk_create(written, batch_size=5000)
    return len(written)


@transaction.atomic(savepoint=False)  # inside the caller's transaction: no savepoint round trips
def refresh(member_ids: Iterable[int]) -> None:
    """Recompute the members' rows from their whole attendance history."""
    ids = sorted(set(member_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        AbsenceRun.objects.filter(member_id__in=chunk).delete()
        _write(chunk)


def refresh_meetings(meeting_ids: Iterable[int]) -> None:
    """After meetings changed date (imports): recompute everyone who attended them."""
    ids = list(meeting_ids)
    members: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        members.update(
            Attendance.objects.filter(meeting_id__in=ids[start : start + CHUNK])
            .order_by()
            .values_list("member_id", flat=True)
        )
    refresh(members)


@transaction.atomic
def rebuild() -> int:
    """Recompute every member's rows (only members ever absent without reason have any);
    returns the number of rows written."""
    AbsenceRun.objects.all().delete()
    members = sorted(
        set(
            Attendance.objects.filter(status=AttendanceStatus.UNEXCUSED)
            .order_by()
            .values_list("member_id", flat=True)
        )
    )
    return sum(_write(members[i : i + CHUNK]) for i in range(0, len(members), CHUNK))
