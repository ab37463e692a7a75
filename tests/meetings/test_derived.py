"""Months absent without reason (`AbsenceRun`): kept exact by the services that record
attendance, equal to the live reference for many periods, subtrees and thresholds."""

import contextlib
from datetime import date, time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangbo.core.errors import DomainError
from dangbo.meetings import absences, queries, services, tally
from dangbo.meetings.models import (
    AbsenceRun,
    Attendance,
    InvitedSuperior,
    Meeting,
    MeetingStatus,
    MonthTally,
)
from dangbo.members.models import Member
from dangbo.members.services import place_members
from tests import factories
from tests.meetings.conftest import held_meeting

STATUSES = ["present", "online", "excused", "unexcused", "unexcused", "unexcused"]
CELLS = ("cell_a", "cell_b", "village")
# Months 07/2025 … 10/2026 (all in the past: a meeting is recorded after it is held).
MONTHS = [(2025, m) for m in range(7, 13)] + [(2026, m) for m in range(1, 11)]


def _flags(fn, root, start, end, threshold):
    return [(f.member.pk, f.longest, f.current) for f in fn(root.path, start, end, threshold)]


def _rows():
    return sorted(
        AbsenceRun.objects.values_list("member_id", "month", "organization_id", "run", "next_month")
    )


def _check_everything(tree) -> None:
    """Flags from the month rows = live flags; the rows = a rebuild from scratch."""
    roots = [tree[k] for k in ("province", "bloc", "committee", "commune", *CELLS)]
    periods = [
        (date(2025, 7, 1), date(2026, 11, 1)),
        (date(2026, 1, 1), date(2027, 1, 1)),
        (date(2025, 10, 1), date(2026, 4, 1)),
        (date(2026, 3, 1), date(2026, 4, 1)),
        (date(2026, 5, 1), date(2026, 8, 15)),
    ]
    for root in roots:
        for start, end in periods:
            for threshold in (2, 3, 4):
                fast = _flags(queries.absence_flags, root, start, end, threshold)
                live = _flags(queries.absence_flags_live, root, start, end, threshold)
                assert fast == live, (root.name, start, end, threshold)
    kept = _rows()
    absences.rebuild()
    assert _rows() == kept


def _reset(tree, mover, home) -> None:
    AbsenceRun.objects.all().delete()
    MonthTally.objects.all().delete()
    Attendance.objects.all().delete()
    InvitedSuperior.objects.all().delete()
    Meeting.objects.all().delete()
    mover.refresh_from_db()
    if mover.organization_id != home.pk:
        place_members([mover.pk], home, date(2025, 1, 1), summary="Về chi bộ cũ")


def _record(meeting, cell, day, statuses, chair):
    roster = list(services.roll(cell, day))
    previous = list(meeting.attendances.values_list("member_id", flat=True))
    ids = [m.pk for m in roster] + [pk for pk in previous if pk not in {m.pk for m in roster}]
    entries = []
    for index, pk in enumerate(ids):
        status = "present" if pk == chair.pk else statuses[index % len(statuses)]
        entries.append(services.AttendanceEntry(pk, status, "Ốm" if status == "excused" else ""))
    return services.record_meeting(
        meeting,
        held_on=day,
        start=time(8, 0),
        end=time(10, 0),
        chair_id=chair.pk,
        secretary_id=chair.pk,
        attendance=entries,
    )


STEP = st.tuples(
    st.sampled_from([*CELLS, *CELLS, "move", "rerecord", "redate"]),
    st.integers(min_value=0, max_value=len(MONTHS) - 1),
    st.lists(st.sampled_from(STATUSES), min_size=3, max_size=3),
)


@pytest.mark.django_db
@settings(
    max_examples=12,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=1, max_size=14))
def test_month_rows_follow_every_writer(tree, steps):
    chairs = {
        k: Member.objects.filter(full_name=f"Chủ Trì {k}").first()
        or factories.member(tree[k], f"Chủ Trì {k}")
        for k in CELLS
    }
    mover = tree["members_a"][2]
    _reset(tree, mover, tree["cell_a"])
    held: list[tuple[Meeting, str]] = []
    for action, month_index, statuses in steps:
        year, month = MONTHS[month_index]
        if action == "move":
            home = mover.organization_id == tree["cell_a"].pk
            target = tree["cell_b"] if home else tree["cell_a"]
            place_members([mover.pk], target, date(2025, 1, 1), summary="Điều động")
            mover.refresh_from_db()
            continue
        if action in ("rerecord", "redate"):
            if not held:
                continue
            meeting, key = held[-1]
            meeting.refresh_from_db()
            day = meeting.planned_on if action == "rerecord" else date(year, month, 27)
            with contextlib.suppress(DomainError):  # that cell already meets that day
                _record(meeting, tree[key], day, statuses, chairs[key])
            continue
        cell = tree[action]
        day = date(
            year,
            month,
            3
            + Meeting.objects.filter(
                organization=cell, planned_on__year=year, planned_on__month=month
            ).count(),
        )
        meeting = services.plan_meeting(organization=cell, kind="regular", planned_on=day)
        held.append((_record(meeting, cell, day, statuses, chairs[action]), action))
    _check_everything(tree)
    # The statistics tallies stay exact through the same writers.
    for root in (tree["province"], tree["bloc"], tree["cell_a"]):
        for period in ((1, 10), (3, 5), (7, 12)):
            for year in (2025, 2026):
                assert queries.subtree_stats(root, year, *period, 95) == (
                    queries.subtree_stats_live(root, year, *period, 95)
                ), (root.name, year, period)


def test_runs_cross_cells_and_months_without_meetings(tree):
    a = tree["members_a"]
    absent = {a[2].pk: ("unexcused", "")}
    held_meeting(tree["cell_a"], a, on=date(2026, 1, 10), statuses=absent)
    held_meeting(tree["cell_a"], a, on=date(2026, 2, 10), statuses=absent)
    # no meeting for the member in March; in April the member is in cell_b, absent again
    place_members([a[2].pk], tree["cell_b"], date(2026, 3, 15), summary="Điều động")
    b = [*tree["members_b"], factories.member(tree["cell_b"], "Võ Văn Tư")]
    b.append(Member.objects.get(pk=a[2].pk))
    held_meeting(tree["cell_b"], b, on=date(2026, 4, 10), statuses=absent)
    rows = list(AbsenceRun.objects.order_by("month").values_list("month", "organization", "run"))
    assert rows == [
        (date(2026, 1, 1), tree["cell_a"].pk, 1),
        (date(2026, 2, 1), tree["cell_a"].pk, 2),
        (date(2026, 4, 1), tree["cell_b"].pk, 3),
    ]
    year = (date(2026, 1, 1), date(2027, 1, 1))
    flags = queries.absence_flags(tree["cell_b"].path, *year, 3)
    assert [(f.member.pk, f.longest, f.current) for f in flags] == [(a[2].pk, 3, 3)]
    assert queries.absence_flags(tree["cell_a"].path, *year, 3) == []  # the run ended elsewhere
    # attending in May breaks the current run (the longest stays)
    held_meeting(tree["cell_b"], b, on=date(2026, 5, 10))
    flags = queries.absence_flags(tree["bloc"].path, *year, 3)
    assert [(f.longest, f.current) for f in flags] == [(3, 0)]
    # before May the run was still going
    flags = queries.absence_flags(tree["bloc"].path, date(2026, 1, 1), date(2026, 5, 1), 3)
    assert [(f.longest, f.current) for f in flags] == [(3, 3)]
    # correcting February's record to an excused absence splits the run
    february = Meeting.objects.get(planned_on=date(2026, 2, 10))
    services.record_meeting(
        february,
        held_on=february.planned_on,
        start=time(8, 0),
        end=time(10, 0),
        chair_id=a[0].pk,
        secretary_id=a[1].pk,
        attendance=[
            services.AttendanceEntry(a[0].pk, "present"),
            services.AttendanceEntry(a[1].pk, "present"),
            services.AttendanceEntry(a[2].pk, "excused", "Ốm"),
        ],
    )
    assert queries.absence_flags(tree["province"].path, *year, 3) == []
    assert queries.absence_flags(tree["province"].path, *year, 1)[0].longest == 1


def test_rebuild_command_and_cancelled_meetings(tree):
    from django.core.management import call_command

    a = tree["members_a"]
    for month in (1, 2, 3):
        held_meeting(
            tree["cell_a"], a, on=date(2026, month, 10), statuses={a[2].pk: ("unexcused", "")}
        )
    planned = services.plan_meeting(
        organization=tree["cell_a"], kind="regular", planned_on=date(2026, 4, 10)
    )
    services.cancel_meeting(planned, reason="Bão")
    kept = _rows()
    AbsenceRun.objects.all().delete()
    MonthTally.objects.all().delete()
    call_command("rebuild_meeting_tally", verbosity=0)
    assert _rows() == kept and len(kept) == 3
    assert MonthTally.objects.filter(year=2026).count() == 12
    assert Meeting.objects.filter(status=MeetingStatus.CANCELLED).count() == 1
    assert tally.rebuild() == 12


def test_superiors_record_copies_follow_meetings(tree):
    services.assign_superior(
        organization=tree["cell_a"],
        full_name="Nguyễn Văn Thắng",
        position="Ủy viên Ban Thường vụ",
        valid_from=date(2025, 1, 1),
    )
    a = tree["members_a"]
    held_meeting(tree["cell_a"], a, on=date(2026, 1, 10))  # invited (assigned), not marked
    march = services.plan_meeting(
        organization=tree["cell_a"], kind="regular", planned_on=date(2026, 3, 10)
    )
    online = services.invite_superior(
        march, full_name="Trần Thị Lan", mode="online", online_link="https://hop.example/1"
    )
    assert (online.organization_id, online.planned_on) == (tree["cell_a"].pk, date(2026, 3, 10))
    services.prepare_meeting(march, planned_on=date(2026, 4, 10), agenda="Nội dung")
    services.record_meeting(
        march,
        held_on=date(2026, 4, 12),
        start=time(8, 0),
        end=time(10, 0),
        chair_id=a[0].pk,
        secretary_id=a[1].pk,
        attendance=[services.AttendanceEntry(m.pk, "present") for m in a],
        superiors_attended={s.pk: True for s in march.superiors.all()},
    )
    may = services.plan_meeting(
        organization=tree["cell_a"], kind="regular", planned_on=date(2026, 5, 10)
    )
    services.cancel_meeting(may, reason="Bão")
    services.plan_meeting(organization=tree["cell_b"], kind="regular", planned_on=date(2026, 6, 9))
    assert InvitedSuperior.objects.get(meeting=may).meeting_counted is False
    periods = [(date(2026, 1, 1), date(2027, 1, 1)), (date(2026, 4, 1), date(2026, 5, 1))]
    periods += [(date(2026, 3, 1), date(2026, 4, 1)), (date(2026, 5, 1), date(2026, 7, 1))]
    for root in (tree["province"], tree["bloc"], tree["cell_a"], tree["cell_b"], tree["village"]):
        for start, end in periods:
            fast = queries.superiors_record(root.path, start, end)
            assert fast == queries.superiors_record_live(root.path, start, end), (root, start)
    year = queries.superiors_record(tree["province"].path, *periods[0])
    assert [(r["full_name"], r["n_invited"], r["n_attended"], r["n_online"]) for r in year] == [
        ("Nguyễn Văn Thắng", 2, 1, 0),
        ("Trần Thị Lan", 1, 1, 1),
    ]
