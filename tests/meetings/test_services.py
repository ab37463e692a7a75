from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from dangbo.core.errors import DomainError
from dangbo.core.models import RuleParameter
from dangbo.meetings import queries, services
from dangbo.meetings.models import (
    Attendance,
    CriteriaSet,
    Meeting,
    MeetingStatus,
    MeetingTask,
)
from tests import factories
from tests.meetings.conftest import criteria_set, held_meeting


def test_plan_only_in_a_cell_and_not_twice_a_day(tree):
    with pytest.raises(DomainError, match="không phải chi bộ") as error:
        services.plan_meeting(
            organization=tree["committee"], kind="regular", planned_on=date(2026, 3, 10)
        )
    assert error.value.field == "organization"
    services.plan_meeting(organization=tree["cell_a"], kind="regular", planned_on=date(2026, 3, 10))
    with pytest.raises(DomainError, match="đã có buổi sinh hoạt ngày 10/03/2026"):
        services.plan_meeting(
            organization=tree["cell_a"], kind="regular", planned_on=date(2026, 3, 10)
        )
    with pytest.raises(DomainError, match="cần có chủ đề") as error:
        services.plan_meeting(
            organization=tree["cell_a"], kind="thematic", planned_on=date(2026, 3, 11)
        )
    assert error.value.field == "topic"


def test_plan_year_fills_the_gaps_and_refuses_when_complete(tree):
    cell = tree["cell_a"]
    services.plan_meeting(organization=cell, kind="regular", planned_on=date(2027, 1, 8))
    created = services.plan_year(cell, 2027, today=date(2026, 11, 23))
    assert len(created) == 11
    assert services.proposed_calendar(cell, 2027, date(2026, 11, 23)) == []
    overview = queries.cell_year(cell, 2027, date(2026, 11, 23))
    assert overview["plan_gaps"].ok
    assert sum(m.kind == "combined" for m in created) == 4
    with pytest.raises(DomainError, match="đã đủ"):
        services.plan_year(cell, 2027, today=date(2026, 11, 23))


def test_prepare_document_superior(tree):
    meeting = services.plan_meeting(
        organization=tree["cell_a"], kind="regular", planned_on=date(2026, 3, 10)
    )
    with pytest.raises(DomainError, match="chương trình"):
        services.prepare_meeting(meeting, planned_on=date(2026, 3, 10), agenda=" ")
    services.prepare_meeting(
        meeting, planned_on=date(2026, 3, 12), agenda="1. Kiểm điểm tháng", location="Phòng họp"
    )
    meeting.refresh_from_db()
    assert meeting.planned_on == date(2026, 3, 12)
    with pytest.raises(DomainError, match="tệp hoặc nhập đường dẫn"):
        services.add_document(meeting, title="Dự thảo nghị quyết")
    on_time = services.add_document(
        meeting,
        title="Dự thảo",
        url="https://tailieu.example/1",
        published_at=timezone.make_aware(timezone.datetime(2026, 3, 10, 9, 0)),
    )
    late = services.add_document(
        meeting,
        title="Báo cáo",
        url="https://tailieu.example/2",
        published_at=timezone.make_aware(timezone.datetime(2026, 3, 12, 7, 0)),
    )
    assert not services.document_is_late(on_time, meeting, 1)
    assert services.document_is_late(late, meeting, 1)
    with pytest.raises(DomainError, match="đường dẫn phòng họp") as error:
        services.invite_superior(meeting, full_name="Nguyễn Văn Khối", mode="online")
    assert error.value.field == "online_link"
    superior = services.invite_superior(
        meeting,
        full_name="Nguyễn Văn Khối",
        position="Phó Bí thư Đảng ủy Khối",
        mode="online",
        online_link="https://hop.example/abc",
    )
    assert superior.online_link == "https://hop.example/abc"


def test_record_whole_cell_in_one_transaction(tree):
    cell, members = tree["cell_a"], tree["members_a"]
    meeting = services.plan_meeting(organization=cell, kind="regular", planned_on=date(2026, 3, 10))
    entries = [
        services.AttendanceEntry(members[0].pk, "present"),
        services.AttendanceEntry(members[1].pk, "excused", ""),
        services.AttendanceEntry(members[2].pk, "unexcused"),
    ]
    kwargs = dict(
        held_on=date(2026, 3, 10),
        start=time(8, 0),
        end=time(9, 0),
        chair_id=members[0].pk,
        secretary_id=members[0].pk,
    )
    with pytest.raises(DomainError, match="lý do vắng của đồng chí «Trần Thị Hằng»") as error:
        services.record_meeting(meeting, attendance=entries, **kwargs)
    assert error.value.row == 2 and error.value.field == "attendance"
    assert not Attendance.objects.exists()
    with pytest.raises(DomainError, match="Chưa điểm danh: Lê Đức Anh"):
        services.record_meeting(meeting, attendance=entries[:1], **kwargs)
    outsider = services.AttendanceEntry(tree["members_b"][0].pk, "present")
    with pytest.raises(DomainError, match="không sinh hoạt tại chi bộ này"):
        services.record_meeting(meeting, attendance=[outsider, *entries], **kwargs)
    entries[1] = services.AttendanceEntry(members[1].pk, "excused", "Đi công tác")
    with pytest.raises(DomainError, match="Thư ký phải có mặt"):
        services.record_meeting(
            meeting, attendance=entries, **{**kwargs, "secretary_id": members[2].pk}
        )
    with pytest.raises(DomainError, match="Giờ kết thúc phải sau"):
        services.record_meeting(meeting, attendance=entries, **{**kwargs, "end": time(7, 0)})
    meeting = services.record_meeting(meeting, attendance=entries, **kwargs)
    assert meeting.status == MeetingStatus.HELD
    assert (meeting.expected_count, meeting.attended_count) == (3, 1)
    assert (meeting.excused_count, meeting.unexcused_count) == (1, 1)
    # A correction: counts follow, rows are updated in place.
    entries[2] = services.AttendanceEntry(members[2].pk, "online")
    meeting = services.record_meeting(meeting, attendance=entries, **kwargs)
    assert (meeting.attended_count, meeting.unexcused_count) == (2, 0)
    assert Attendance.objects.filter(meeting=meeting).count() == 3


def test_record_refuses_future_and_cancelled(tree):
    members = tree["members_a"]
    later = timezone.localdate() + timedelta(days=3)
    meeting = services.plan_meeting(organization=tree["cell_a"], kind="regular", planned_on=later)
    with pytest.raises(DomainError, match="chưa diễn ra"):
        held_meeting(tree["cell_b"], tree["members_b"], on=later)
    services.cancel_meeting(meeting, reason="Trùng lịch hội nghị")
    with pytest.raises(DomainError, match="đã hủy"):
        services.record_meeting(
            meeting,
            held_on=date(2026, 3, 1),
            start=time(8),
            end=time(10),
            chair_id=members[0].pk,
            secretary_id=members[0].pk,
            attendance=[],
        )


def test_resolution_creates_tasks(tree):
    members = tree["members_a"]
    meeting = held_meeting(tree["cell_a"], members)
    with pytest.raises(DomainError, match="đảng viên của chi bộ") as error:
        services.adopt_resolution(
            meeting,
            content="Nghị quyết tháng 3",
            tasks=[services.TaskInput("Rà soát", tree["members_b"][0].pk, date(2026, 4, 1))],
        )
    assert error.value.row == 1
    with pytest.raises(DomainError, match="không được trước ngày sinh hoạt"):
        services.adopt_resolution(
            meeting,
            content="Nghị quyết",
            tasks=[services.TaskInput("Rà soát", members[0].pk, date(2026, 3, 1))],
        )
    resolution = services.adopt_resolution(
        meeting,
        content="Nghị quyết tháng 3",
        tasks=[services.TaskInput("Rà soát hồ sơ", members[1].pk, date(2026, 4, 1))],
    )
    task = resolution.tasks.get()
    assert task.owner == members[1]
    services.complete_task(task, done_on=date(2026, 3, 30))
    with pytest.raises(DomainError, match="đã hoàn thành"):
        services.complete_task(task, done_on=date(2026, 3, 31))
    assert (
        MeetingTask.objects.restrict(
            factories.user(role_code="cell_secretary", on=tree["cell_b"])
        ).count()
        == 0
    )


def test_score_keeps_the_set_it_was_scored_under(tree, cset):
    meeting = held_meeting(tree["cell_a"], tree["members_a"])
    criteria = list(cset.criteria.all())
    with pytest.raises(
        DomainError, match="Tiêu chí 2 «Tỷ lệ đảng viên dự họp»: Điểm vượt"
    ) as error:
        services.score_meeting(
            meeting,
            scores=[
                services.ScoreInput(criteria[0].pk, Decimal(20)),
                services.ScoreInput(criteria[1].pk, Decimal(31)),
                services.ScoreInput(criteria[2].pk, Decimal(40)),
            ],
        )
    assert error.value.field == f"points_{criteria[1].pk}"
    meeting = services.score_meeting(
        meeting,
        scores=[
            services.ScoreInput(criteria[0].pk, Decimal(18)),
            services.ScoreInput(criteria[1].pk, Decimal(30)),
            services.ScoreInput(criteria[2].pk, Decimal(42)),
        ],
    )
    assert (meeting.score, meeting.grade) == (Decimal("90.0"), "tot")
    # A new set from April: the March meeting keeps its set; an April meeting uses the new one.
    new_set = criteria_set(
        tree["province"],
        valid_from=date(2026, 4, 1),
        name="Bộ tiêu chí 2026",
        rows=[("Chất lượng chung", Decimal(10), "")],
    )
    cset.refresh_from_db()
    assert cset.valid_to == date(2026, 4, 1)
    assert services.criteria_for(meeting)[0] == cset
    april = held_meeting(tree["cell_a"], tree["members_a"], on=date(2026, 4, 10))
    assert services.criteria_for(april)[0] == new_set
    only = new_set.criteria.get()
    april = services.score_meeting(april, scores=[services.ScoreInput(only.pk, Decimal(6))])
    assert april.grade == "trung_binh"
    with pytest.raises(DomainError, match="hiệu lực từ 01/04/2026"):
        criteria_set(tree["province"], valid_from=date(2026, 1, 1))


def test_most_specific_criteria_set_applies(tree, cset):
    local = criteria_set(tree["bloc"], valid_from=date(2024, 1, 1), name="Bộ tiêu chí Khối")
    assert services.applicable_criteria_set(tree["cell_a"], date(2026, 3, 1)) == local
    assert services.applicable_criteria_set(tree["village"], date(2026, 3, 1)) == cset
    assert services.applicable_criteria_set(tree["village"], date(2019, 3, 1)) is None


def test_criteria_set_is_issued_above_cells(tree):
    with pytest.raises(DomainError, match="cấp ủy cấp trên"):
        criteria_set(tree["cell_a"])
    with pytest.raises(DomainError, match="Thiếu tên tiêu chí") as error:
        criteria_set(tree["province"], rows=[("Một", Decimal(5), ""), (" ", Decimal(5), "")])
    assert error.value.row == 2
    assert not CriteriaSet.objects.exists()


def test_score_without_a_set_or_before_the_meeting_is_held(tree):
    meeting = held_meeting(tree["cell_a"], tree["members_a"])
    with pytest.raises(DomainError, match="Chưa có bộ tiêu chí"):
        services.score_meeting(meeting, scores=[])
    planned = services.plan_meeting(
        organization=tree["cell_b"], kind="regular", planned_on=date(2026, 3, 10)
    )
    with pytest.raises(DomainError, match="đã diễn ra"):
        services.score_meeting(planned, scores=[])


def test_attendance_threshold_is_dated_configuration(tree):
    assert services.params(date(2026, 1, 1))["meetings.attendance_min_pct"] == 95
    RuleParameter.objects.create(
        key="meetings.attendance_min_pct",
        value=90,
        valid_from=date(2026, 1, 1),
        org_path=tree["bloc"].path,
    )
    assert (
        services.params(date(2026, 1, 1), tree["cell_a"].path)["meetings.attendance_min_pct"] == 90
    )
    assert (
        services.params(date(2025, 12, 1), tree["cell_a"].path)["meetings.attendance_min_pct"] == 95
    )
    assert (
        services.params(date(2026, 1, 1), tree["village"].path)["meetings.attendance_min_pct"] == 95
    )


def test_statistics_of_a_subtree(tree, cset):
    a, b = tree["members_a"], tree["members_b"]
    for month in (1, 2, 3):
        absent = {a[2].pk: ("unexcused", "")}
        kind = "combined" if month == 3 else "regular"
        held_meeting(tree["cell_a"], a, on=date(2026, month, 10), kind=kind, statuses=absent)
    held_meeting(tree["cell_b"], b, on=date(2026, 1, 12), end=time(9, 0))
    rows, total = queries.subtree_stats(tree["province"], 2026, 1, 3, 95)
    by_name = {r.name: r for r in rows}
    bloc = by_name["Đảng ủy Khối các cơ quan tỉnh"]
    commune = by_name["Đảng ủy xã Tân Lập"]
    assert (bloc.cells, bloc.expected_regular, bloc.held_regular) == (2, 6, 4)
    assert (bloc.attended, bloc.attendance_expected) == (7, 10)
    assert bloc.rate == Decimal("70.0") and bloc.rate_low
    assert bloc.low_attendance_meetings == 3
    assert bloc.cells_missing_months == 1  # cell_b met in January only
    assert bloc.cells_missing_thematic == 1
    assert (commune.cells, commune.held, commune.cells_missing_months) == (1, 0, 1)
    assert total.cells == 3 and total.held == 4
    flags = queries.absence_flags(tree["province"].path, date(2026, 1, 1), date(2026, 4, 1), 3)
    assert [(f.member, f.longest) for f in flags] == [(a[2], 3)]
    only_cell, cell_total = queries.subtree_stats(tree["cell_b"], 2026, 1, 3, 95)
    assert [r.name for r in only_cell] == ["Chi bộ Phòng Nghiệp vụ"]
    assert cell_total.held == 1 and cell_total.rate == Decimal(100)
    for period in ((1, 3), (2, 3), (1, 12), (3, 3)):
        live = queries.subtree_stats_live(tree["province"], 2026, *period, 95)
        assert queries.subtree_stats(tree["province"], 2026, *period, 95) == live, period


def test_upcoming_meetings_for_a_member(tree):
    today = timezone.localdate()
    services.plan_meeting(
        organization=tree["cell_a"], kind="regular", planned_on=today + timedelta(days=5)
    )
    services.plan_meeting(
        organization=tree["cell_b"], kind="regular", planned_on=today + timedelta(days=5)
    )
    assert queries.upcoming_for_member(tree["members_a"][0], today).count() == 1
    assert Meeting.objects.count() == 2


def test_assigned_superiors_are_invited_to_planned_meetings(tree):
    cell = tree["cell_a"]
    with pytest.raises(DomainError, match="đường dẫn phòng họp"):
        services.assign_superior(
            organization=cell,
            full_name="Hoàng Văn Khối",
            valid_from=date(2026, 1, 1),
            mode="online",
        )
    assignment = services.assign_superior(
        organization=cell,
        full_name="Hoàng Văn Khối",
        position="Ủy viên Ban Thường vụ Đảng ủy Khối",
        mode="online",
        online_link="https://hop.example/khoi",
        valid_from=date(2026, 1, 1),
    )
    meeting = services.plan_meeting(organization=cell, kind="regular", planned_on=date(2026, 3, 10))
    invited = meeting.superiors.get()
    assert (invited.full_name, invited.mode) == ("Hoàng Văn Khối", "online")
    assert invited.online_link == "https://hop.example/khoi"
    with pytest.raises(DomainError, match="phải sau ngày phân công"):
        services.end_superior_assignment(assignment, on=date(2025, 12, 1))
    services.end_superior_assignment(assignment, on=date(2026, 4, 1))
    april = services.plan_meeting(organization=cell, kind="regular", planned_on=date(2026, 4, 10))
    assert not april.superiors.exists()
    # Attendance of superiors is recorded with the meeting and counted in the statistics.
    members = tree["members_a"]
    services.record_meeting(
        meeting,
        held_on=date(2026, 3, 10),
        start=time(8),
        end=time(10),
        chair_id=members[0].pk,
        secretary_id=members[1].pk,
        attendance=[services.AttendanceEntry(m.pk, "present") for m in members],
        superiors_attended={invited.pk: True},
    )
    record = queries.superiors_record(tree["province"].path, date(2026, 1, 1), date(2027, 1, 1))
    assert record == [
        {
            "full_name": "Hoàng Văn Khối",
            "position": "Ủy viên Ban Thường vụ Đảng ủy Khối",
            "n_invited": 1,
            "n_attended": 1,
            "n_online": 1,
        }
    ]


def test_roll_is_the_cells_members_on_the_meeting_day(client, tree):
    """A meeting of 03/12/2026 lists who belonged to the cell that day: a member admitted on
    07/12 is not on it, one who transferred out on 05/12 is; a member attending here
    temporarily (accepted by the cell) is, and is off their home cell's roll meanwhile."""
    from django.urls import reverse

    from dangbo.members.models import Member
    from dangbo.transfers import services as transfers

    cell, a = tree["cell_a"], tree["members_a"]
    newcomer = factories.member(
        cell, "Mai Văn Mới", admitted_on=date(2026, 12, 7), official_on=None
    )
    leaver = a[1]
    moving = transfers.issue(leaver, to_org=tree["cell_b"], on=date(2026, 12, 1), paper_number="9")
    transfers.present(moving, on=date(2026, 12, 2))
    transfers.receive(moving, on=date(2026, 12, 5))
    guest = tree["village_members"][0]
    stay = transfers.start_temporary(
        guest,
        host_org=cell,
        starts_on=date(2026, 10, 20),
        ends_on=date(2027, 3, 20),
        paper_number="T-2",
    )
    day = date(2026, 12, 3)
    before_acceptance = {m.full_name for m in services.roll(cell, day)}
    assert before_acceptance == {a[0].full_name, leaver.full_name, a[2].full_name}
    assert guest in services.roll(tree["village"], day)
    transfers.accept_temporary(stay, on=date(2026, 11, 2))
    names = [m.full_name for m in services.roll(cell, day)]
    assert sorted(names) == sorted(
        [a[0].full_name, leaver.full_name, a[2].full_name, guest.full_name]
    )
    assert newcomer.full_name not in names
    assert guest not in services.roll(tree["village"], day)
    assert guest not in services.roll(cell, date(2026, 11, 1))  # before the acceptance
    assert newcomer in services.roll(cell, date(2026, 12, 7))
    assert leaver not in services.roll(cell, date(2026, 12, 5))

    # The attendance screen and the record follow the same roll.
    meeting = services.plan_meeting(organization=cell, kind="regular", planned_on=day)
    client.force_login(factories.user(role_code="cell_secretary", on=cell))
    form = client.get(reverse("meetings:record", args=[meeting.pk])).content.decode()
    assert leaver.full_name in form and guest.full_name in form
    assert newcomer.full_name not in form

    def record(members):
        return services.record_meeting(
            meeting,
            held_on=day,
            start=time(8, 0),
            end=time(10, 0),
            chair_id=a[0].pk,
            secretary_id=a[2].pk,
            attendance=[services.AttendanceEntry(m.pk, "present") for m in members],
        )

    with pytest.raises(DomainError, match="Chưa điểm danh: Đặng Thị Thủy"):
        record([a[0], leaver, a[2]])
    with pytest.raises(DomainError, match="không sinh hoạt tại chi bộ"):
        record([a[0], leaver, a[2], guest, newcomer])
    held = record([a[0], leaver, a[2], guest])
    assert (held.expected_count, held.attended_count) == (4, 4)
    assert Member.objects.get(pk=guest.pk).organization == tree["village"]  # home register


def test_the_month_under_way_is_in_progress_not_missing(tree):
    """On 15/03/2026, January–March: cell_b has met in January and February and not yet in
    March — it misses nothing. March's meeting of cell_a is counted as held, in progress.
    The tallies and the live reference agree."""
    a, b = tree["members_a"], tree["members_b"] + [factories.member(tree["cell_b"], "Võ Văn Tư")]
    for month in (1, 2):
        held_meeting(tree["cell_a"], a, on=date(2026, month, 10))
        held_meeting(tree["cell_b"], b, on=date(2026, month, 12))
    held_meeting(tree["cell_a"], a, on=date(2026, 3, 10))
    today = date(2026, 3, 15)
    rows, total = queries.subtree_stats(tree["committee"], 2026, 1, 3, 95, today)
    assert (total.months, total.in_progress) == (2, 3)
    assert (total.held_regular, total.held_regular_due, total.expected_regular) == (5, 4, 4)
    assert total.held_pct == Decimal(100) and total.held_in_progress == 1
    assert (total.cells_missing_months, total.cells_missing_thematic) == (0, 0)
    assert (rows, total) == queries.subtree_stats_live(tree["committee"], 2026, 1, 3, 95, today)
    # Once March is over, cell_b misses it (and the first quarter's thematic meeting).
    later = date(2026, 4, 1)
    _rows, total = queries.subtree_stats(tree["committee"], 2026, 1, 3, 95, later)
    assert (total.months, total.in_progress, total.expected_regular) == (3, 0, 6)
    assert (total.cells_missing_months, total.cells_missing_thematic) == (1, 2)
    assert total == queries.subtree_stats_live(tree["committee"], 2026, 1, 3, 95, later)[1]
