"""Importing held cell meetings with their attendance counts: preview errors naming row and
column, commit, rollback, export round trip."""

from datetime import date

import pytest

from dangbo.core.errors import DomainError
from dangbo.imports import services
from dangbo.imports.rules import MEETING_SHAPE
from dangbo.meetings import queries
from dangbo.meetings.models import Meeting, MeetingStatus, MonthTally
from tests import factories
from tests.imports.helpers import xlsx_bytes
from tests.imports.test_exports import save, sheet_rows

HEADERS = [c.label for c in MEETING_SHAPE.columns]


def row(org="Chi bộ Văn phòng", kind="Thường kỳ", day="05/01/2025", topic="", counts=(3, 3, 0, 0)):
    return [None, org, kind, day, topic, *counts, "Tốt"]


@pytest.fixture
def secretary(tree):
    """Imports meetings: needs imports.change and meetings.change (a province admin here)."""
    return factories.user("bithu_nhap", role_code="province_admin", on=tree["bloc"])


def test_preview_names_row_column_and_problem(tree, secretary, run_import):
    Meeting.objects.create(
        organization=tree["cell_b"],
        kind="regular",
        planned_on=date(2025, 2, 5),
        status=MeetingStatus.HELD,
    )
    content = xlsx_bytes(
        HEADERS,
        [
            row(),  # 2: fine
            row(counts=(3, 2, 0, 0)),  # 3: same cell, same day as row 2; sum differs
            row(org="chi bo phong nghiep vu", day="05/02/2025"),  # 4: clash with a held one
            row(kind="Chuyên đề", day="06/01/2025"),  # 5: thematic without topic
            row(day="01/01/2099"),  # 6: in the future
            row(org="Chi bộ Không Có"),  # 7: unknown cell
            row(counts=("ba", 3, 0, 0), day="07/01/2025"),  # 8: not a number
            row(org="Chi bộ Thôn Đông", day="08/01/2025"),  # 9: outside the bloc
            row(org="Đảng bộ Sở Tư pháp", day="09/01/2025"),  # 10: not a cell
        ],
    )
    job = run_import(secretary, tree["bloc"], content, kind="meetings")
    assert job.state == "previewed", job.error_message
    assert job.counts["create"] == 1 and job.counts["error"] == 8
    errors = {(e["row"], e["column"].split(" (")[0]): e["message"] for e in job.report["errors"]}
    assert "cùng ngày ở dòng 2" in errors[(3, "Ngày sinh hoạt *")]
    assert "đã có buổi sinh hoạt ngày 05/02/2025" in errors[(4, "Ngày sinh hoạt *")]
    assert errors[(5, "Chủ đề")] == "Sinh hoạt chuyên đề cần có chủ đề."
    assert errors[(6, "Ngày sinh hoạt *")] == "Ngày sinh hoạt không được sau ngày hôm nay."
    assert "Không tìm thấy chi bộ" in errors[(7, "Chi bộ *")]
    assert "không phải số nguyên" in errors[(8, "Số đảng viên phải dự *")]
    assert "Không tìm thấy chi bộ" in errors[(9, "Chi bộ *")]
    assert "không phải chi bộ" in errors[(10, "Chi bộ *")]

    content = xlsx_bytes(HEADERS, [row(counts=(3, 2, 0, 0))])
    job = run_import(secretary, tree["bloc"], content, kind="meetings")
    message = job.report["errors"][0]["message"]
    assert message.startswith("Có mặt 2 + vắng có lý do 0 + vắng không lý do 0 = 2")


def test_commit_then_rollback(tree, secretary, run_import):
    content = xlsx_bytes(
        HEADERS,
        [row(), row(day="05/02/2025", counts=(3, 2, 1, 0)), row(org=f"#{tree['cell_b'].pk}")],
    )
    job = run_import(secretary, tree["bloc"], content, kind="meetings")
    assert job.counts["create"] == 3, job.report["errors"]
    job = services.request_commit(job, user=secretary, skip_errors=False)
    assert job.state == "committed", job.error_message
    held = Meeting.objects.filter(status=MeetingStatus.HELD).order_by("planned_on", "pk")
    assert [(m.organization_id, m.attended_count, m.excused_count) for m in held] == [
        (tree["cell_a"].pk, 3, 0),
        (tree["cell_b"].pk, 3, 0),
        (tree["cell_a"].pk, 2, 1),
    ]
    assert held[0].recorded_by == secretary and held[0].grade == "tot"
    # the statistics tallies follow the import (and its rollback)
    stats = queries.subtree_stats(tree["bloc"], 2025, 1, 12, 95)
    assert stats[1].held == 3 and stats == queries.subtree_stats_live(tree["bloc"], 2025, 1, 12, 95)
    job = services.request_rollback(job, user=secretary)
    assert job.state == "rolled_back" and not Meeting.objects.exists()
    assert queries.subtree_stats(tree["bloc"], 2025, 1, 12, 95)[1].held == 0
    assert not MonthTally.objects.exists()


def test_export_round_trip_updates_only_what_changed(tree, secretary, run_import):
    job = run_import(
        secretary,
        tree["bloc"],
        xlsx_bytes(HEADERS, [row(), row(day="05/02/2025")]),
        kind="meetings",
    )
    services.request_commit(job, user=secretary, skip_errors=False)
    content, export = services.export_bytes("meetings", user=secretary, root=tree["bloc"])
    assert export.row_count == 2
    workbook, rows = sheet_rows(content)
    assert rows[0] == HEADERS and rows[1][3] == "05/01/2025" and rows[1][2] == "Thường kỳ"

    again = run_import(secretary, tree["bloc"], content, kind="meetings")
    assert again.counts["unchanged"] == 2 and again.counts["total"] == 2

    ws = workbook.worksheets[0]
    ws.cell(row=2, column=7).value = 2  # attended 3 → 2
    ws.cell(row=2, column=8).value = 1  # excused 0 → 1
    edited = run_import(secretary, tree["bloc"], save(workbook), kind="meetings")
    assert edited.counts["update"] == 1 and edited.counts["unchanged"] == 1
    changes = edited.report["updates"][0]["changes"]
    assert ["Có mặt", "3", "2"] in changes and ["Vắng có lý do", "0", "1"] in changes
    edited = services.request_commit(edited, user=secretary, skip_errors=False)
    meeting = Meeting.objects.get(planned_on=date(2025, 1, 5))
    assert (meeting.attended_count, meeting.excused_count) == (2, 1)

    # the first import can no longer be rolled back: a later change touched its row
    with pytest.raises(DomainError, match="đã được sửa sau lần nhập"):
        services.request_rollback(job, user=secretary)
    services.request_rollback(edited, user=secretary)
    meeting.refresh_from_db()
    assert (meeting.attended_count, meeting.excused_count) == (3, 0)


def test_template_and_permissions(tree, secretary, officer):
    content = services.template_bytes("meetings", user=secretary, root=tree["bloc"])
    workbook, rows = sheet_rows(content)
    assert rows[0] == HEADERS and rows[1][0] == "Ví dụ"
    assert "Chi bộ Văn phòng" in {
        c for r in workbook["Danh mục"].iter_rows(values_only=True) for c in r
    }
    with pytest.raises(DomainError, match="không có quyền nhập"):  # no meetings.change
        services.template_bytes("meetings", user=officer, root=tree["bloc"])


def test_an_import_moving_a_recorded_meeting_moves_its_absences(tree, secretary, run_import):
    from tests.meetings.conftest import held_meeting

    a = tree["members_a"]
    absent = {a[2].pk: ("unexcused", "")}
    for day in (date(2025, 1, 10), date(2025, 2, 10), date(2025, 4, 10)):
        held_meeting(tree["cell_a"], a, on=day, statuses=absent)
    held_meeting(tree["cell_a"], a, on=date(2025, 3, 10))  # present in March: no run of 3
    year = (date(2025, 1, 1), date(2026, 1, 1))
    assert queries.absence_flags(tree["bloc"].path, *year, 3) == []
    content, _ = services.export_bytes("meetings", user=secretary, root=tree["bloc"])
    workbook, rows = sheet_rows(content)
    march = [r[3] for r in rows].index("10/03/2025") + 1
    workbook.worksheets[0].cell(row=march, column=4).value = "05/05/2025"  # March → May
    job = run_import(secretary, tree["bloc"], save(workbook), kind="meetings")
    assert job.counts["update"] == 1, job.report
    job = services.request_commit(job, user=secretary, skip_errors=False)
    assert job.state == "committed", job.error_message
    # January, February and April in a row now (no meeting in March)
    flags = queries.absence_flags(tree["bloc"].path, *year, 3)
    assert [(f.member, f.longest, f.current) for f in flags] == [(a[2], 3, 0)]
    assert flags == queries.absence_flags_live(tree["bloc"].path, *year, 3)
    stats = queries.subtree_stats(tree["bloc"], 2025, 5, 5, 95)
    assert stats[1].held == 1 and stats == queries.subtree_stats_live(tree["bloc"], 2025, 5, 5, 95)
    services.request_rollback(job, user=secretary)
    assert queries.absence_flags(tree["bloc"].path, *year, 3) == []
    assert queries.subtree_stats(tree["bloc"], 2025, 5, 5, 95)[1].held == 0
