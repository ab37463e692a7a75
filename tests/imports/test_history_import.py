"""Importing members' past (#22): earlier placements with dates, official recognition and
leaving, one dated fact per row. Preview (every error of a row, named by row and column),
commit through members.services.change_status, atomicity, «không đổi» on re-import, rollback,
the export round trip, and reports of past dates that follow the imported history."""

from datetime import date

import pytest

from dangbo.core.errors import DomainError
from dangbo.imports import services, writers
from dangbo.imports.models import ImportJob, ImportRow
from dangbo.imports.shapes import HISTORY_SHAPE
from dangbo.members import services as member_services
from dangbo.members.choices import Status
from dangbo.members.models import Member, MemberEvent, Placement, StatusPeriod
from dangbo.organizations import services as org_services
from dangbo.organizations.models import Organization, OrgPeriod
from dangbo.reports import month_ends
from dangbo.reports.report import build_member_table
from tests import factories
from tests.imports.helpers import xlsx_bytes
from tests.imports.test_exports import sheet_rows

State = ImportJob.State
HEADERS = [c.label for c in HISTORY_SHAPE.columns]
TODAY = date.today()


@pytest.fixture(autouse=True)
def founded_long_ago(tree):
    """The tree's orgs founded in 2000 (the fixture founds them in 2020, after the members'
    admission in 2010): past dates' reports see them then."""
    Organization.objects.update(founded_on=date(2000, 1, 1))
    OrgPeriod.objects.update(valid_from=date(2000, 1, 1))


def hrow(member=None, entry="Sinh hoạt", start=None, end=None, **values):
    """A sheet row; `member` fills the system id unless `id`/`id_number` are given."""
    if member is not None and "id" not in values and "id_number" not in values:
        values["id"] = member.pk
    values.update(entry=entry, valid_from=start, valid_to=end)
    return [values.get(c.field) for c in HISTORY_SHAPE.columns]


def errors_of(job) -> dict:
    found: dict = {}
    for e in job.report["errors"]:
        column = e["column"].split(" (cột")[0].removesuffix(" *")
        found.setdefault((e["row"], column), []).append(e["message"])
    return found


def history_rows(tree):
    a1, a2, a3 = tree["members_a"]
    return [
        # a1 (cell_a, admitted 19/05/2010): cell_b first, then outside the system until 2016
        hrow(a1, start="19/05/2010", end="01/03/2014", organization="Chi bộ Phòng Nghiệp vụ"),
        hrow(
            None,
            start="01/03/2014",
            end="01/06/2016",
            id_number=a1.id_number,
            full_name="nguyen van binh",  # accents and case aside, the same person
            organization="Ngoài hệ thống",
            note="Công tác ở tỉnh khác",
        ),
        # a2 (official since 2011) died in 2022
        hrow(
            a2,
            entry="Trạng thái",
            start="10/02/2022",
            status="Từ trần",
            decision_number="05-TB/CB",
        ),
        # a3 (probationary): official in 2011, struck off in 2023 (rows in any order)
        hrow(a3, entry="trang thai", start="10/01/2023", status="Xóa tên", decision_number="2"),
        hrow(a3, entry="Trạng thái", start="19/05/2011", status="Chính thức", decision_number="1"),
    ]


def bloc_total(tree, on):
    return build_member_table(tree["bloc"], on, "status", True, TODAY).grand_total


def cells_on(tree, on) -> dict[str, int]:
    table = build_member_table(tree["committee"], on, "status", True, TODAY)
    return {row.label: row.total for row in table.rows}


def test_commit_writes_periods_and_statuses_and_past_reports_follow(
    tree, officer, run_import, settings
):
    settings.DANGBO_MONTH_END_MARGIN_SECONDS = 0  # month ends trusted right after a count
    a1, a2, a3 = tree["members_a"]
    month_ends.refresh([date(2015, 12, 31), date(2022, 12, 31)], force=True)
    assert bloc_total(tree, date(2015, 12, 31)) == 4
    assert bloc_total(tree, date(2022, 12, 31)) == 4
    assert cells_on(tree, date(2012, 12, 31)) == {
        "Chi bộ Văn phòng": 3,
        "Chi bộ Phòng Nghiệp vụ": 1,
    }

    job = run_import(officer, tree["bloc"], xlsx_bytes(HEADERS, history_rows(tree)), "history")
    assert job.state == State.PREVIEWED, job.error_message
    assert job.report["errors"] == []
    assert job.counts["create"] == 5
    job = services.request_commit(job, user=officer, skip_errors=False)
    assert job.state == State.COMMITTED, job.error_message

    placed = list(
        Placement.objects.filter(member=a1).values_list("organization_id", "valid_from", "valid_to")
    )
    assert sorted(placed, key=lambda p: p[1]) == [
        (tree["cell_b"].pk, date(2010, 5, 19), date(2014, 3, 1)),
        (tree["cell_a"].pk, date(2016, 6, 1), None),
    ]
    a2.refresh_from_db()
    assert (a2.status, a2.status_since) == (Status.DECEASED, date(2022, 2, 10))
    periods = list(a2.status_periods.order_by("valid_from").values_list("status", "valid_to"))
    assert periods[-2:] == [(Status.OFFICIAL, date(2022, 2, 10)), (Status.DECEASED, None)]
    assert a2.status_periods.get(valid_to__isnull=True).decision_number == "05-TB/CB"
    # as members.services.change_status: leaving does not end the placement
    assert a2.placements.get().valid_to is None
    a3.refresh_from_db()
    assert (a3.status, a3.official_on) == (Status.DELETED, date(2011, 5, 19))
    events = MemberEvent.objects.filter(member__in=[a1, a2, a3], summary__contains="nhập từ Excel")
    assert events.count() == 5
    assert set(events.values_list("recorded_by", flat=True)) == {officer.pk}
    assert ImportRow.objects.filter(job=job).count() == 5

    # past dates: a1 was outside the tree at the end of 2015, in cell_b in 2012; a2 was dead
    # at the end of 2022, a3 still a member then (struck off in January 2023)
    assert bloc_total(tree, date(2015, 12, 31)) == 3
    assert bloc_total(tree, date(2016, 12, 31)) == 4
    assert bloc_total(tree, date(2022, 12, 31)) == 3
    assert bloc_total(tree, date(2023, 12, 31)) == 2
    assert bloc_total(tree, TODAY) == 2
    assert cells_on(tree, date(2012, 12, 31)) == {
        "Chi bộ Văn phòng": 2,
        "Chi bộ Phòng Nghiệp vụ": 2,
    }
    # the month ends counted before the import were touched by back-dated rows
    for day in (date(2015, 12, 31), date(2022, 12, 31)):
        assert month_ends.serving_run(tree["bloc"], day, "status", True) is None
    month_ends.refresh([date(2015, 12, 31), date(2022, 12, 31)])
    assert month_ends.serving_run(tree["bloc"], date(2015, 12, 31), "status", True) is not None
    assert bloc_total(tree, date(2015, 12, 31)) == 3
    assert bloc_total(tree, date(2022, 12, 31)) == 3

    # the same file again: nothing to write
    again = run_import(officer, tree["bloc"], xlsx_bytes(HEADERS, history_rows(tree)), "history")
    assert again.counts["unchanged"] == 5 and again.report["errors"] == []
    with pytest.raises(DomainError, match="Không có dòng nào cần ghi"):
        services.request_commit(again, user=officer, skip_errors=False)


def test_every_error_of_a_row_is_listed_by_row_and_column(tree, officer, run_import):
    a1, a2, a3 = tree["members_a"]
    (b1,) = tree["members_b"]
    outside = tree["village_members"][0]
    rows = [
        hrow(None, start="01/01/2015", end="01/01/2014"),  # 2: nobody named, ends before start
        hrow(a1, start="31/02/2015", full_name="Trần Văn Khác"),  # 3: bad date, other name
        hrow(a2, start="01/01/2012", end="01/01/2013", organization="Đảng bộ Sở Tư pháp"),  # 4
        hrow(a2, start="01/06/2012", end="01/01/2014", organization="Không Có"),  # 5
        hrow(a3, entry="Trạng thái", start="01/01/2024", status="Kết nạp lại"),  # 6
        hrow(b1, entry="Trạng thái", start="01/01/2009", end="x", status="Từ trần"),  # 7
        hrow(outside, entry="Trạng thái", start="01/01/2020", status="Từ trần"),  # 8
        hrow(b1, start="01/01/2011", end="01/01/2012", organization="Chi bộ Văn phòng"),  # 9
        hrow(b1, start="01/06/2011", end="01/01/2013", status="Chính thức"),  # 10
    ]
    job = run_import(officer, tree["bloc"], xlsx_bytes(HEADERS, rows), "history")
    errors = errors_of(job)
    assert job.counts["error"] == 9 and job.counts["create"] == 0
    assert "Cần ghi «Mã hệ thống đảng viên»" in errors[(2, "Mã hệ thống đảng viên")][0]
    assert (3, "Từ ngày") in errors and "không khớp" in errors[(3, "Họ và tên")][0]
    assert "là đảng bộ" in errors[(4, "Tổ chức")][0]
    assert "Không tìm thấy chi bộ «Không Có»" in errors[(5, "Tổ chức")][0]
    assert "Kết nạp lại" in errors[(6, "Trạng thái")][0]
    assert "Cần nhập số quyết định." in errors[(6, "Số quyết định")]
    assert (7, "Đến ngày") in errors  # a status row has no end; "x" is not a date either
    assert "không được sau" not in " ".join(errors.get((7, "Từ ngày"), []))
    assert "phạm vi được giao" in errors[(8, "Mã hệ thống đảng viên")][0]
    # row 10 is wrong (a status on a placement row, overlap), so row 9 cannot stand alone
    assert "Trạng thái" in " ".join(errors[(10, "Trạng thái")])
    assert "Trùng thời gian với dòng 9" in " ".join(errors[(10, "Từ ngày")])
    assert "còn dòng lỗi (10)" in errors[(9, "Từ ngày")][0]
    with pytest.raises(DomainError):
        services.request_commit(job, user=officer, skip_errors=False)


def test_skipping_errors_never_writes_half_a_history(tree, officer, run_import):
    a1, a2, _a3 = tree["members_a"]
    rows = [
        hrow(a1, start="19/05/2010", end="01/01/2013", organization="Chi bộ Phòng Nghiệp vụ"),
        hrow(a1, start="01/01/2012", end="01/01/2014", organization="Ngoài hệ thống"),  # overlap
        hrow(a2, entry="Trạng thái", start="01/02/2020", status="Xin ra Đảng", decision_number="9"),
    ]
    job = run_import(officer, tree["bloc"], xlsx_bytes(HEADERS, rows), "history")
    assert (job.counts["error"], job.counts["create"]) == (2, 1)
    job = services.request_commit(job, user=officer, skip_errors=True)
    assert job.state == State.COMMITTED
    assert Placement.objects.filter(member=a1).count() == 1
    assert Member.objects.get(pk=a2.pk).status == Status.RESIGNED


def test_a_recorded_history_is_not_overwritten(tree, officer, run_import):
    a1 = tree["members_a"][0]
    member_services.place_members([a1.pk], tree["cell_b"], date(2020, 1, 1), summary="Chuyển")
    rows = [hrow(a1, start="19/05/2010", end="01/01/2015", organization="Ngoài hệ thống")]
    job = run_import(officer, tree["bloc"], xlsx_bytes(HEADERS, rows), "history")
    message = errors_of(job)[(2, "Mã hệ thống đảng viên")][0]
    assert "đã có quá trình sinh hoạt ghi trong hệ thống" in message
    # the periods the register holds, stated as they are: unchanged
    rows = [
        hrow(a1, start="19/05/2010", end="01/01/2020", organization="Chi bộ Văn phòng"),
        hrow(a1, start="01/01/2020", organization="Chi bộ Phòng Nghiệp vụ"),
    ]
    job = run_import(officer, tree["bloc"], xlsx_bytes(HEADERS, rows), "history")
    assert job.counts["unchanged"] == 2, job.report


def test_a_failure_while_writing_leaves_nothing(tree, officer, run_import, monkeypatch):
    rows = history_rows(tree)
    job = run_import(officer, tree["bloc"], xlsx_bytes(HEADERS, rows), "history")

    def counts():
        return (
            Placement.objects.count(),
            StatusPeriod.objects.count(),
            MemberEvent.objects.count(),
            ImportRow.objects.count(),
            list(Member.objects.order_by("pk").values_list("status", "status_since")),
        )

    before = counts()

    def killed(step, done):
        if done >= 2:
            raise RuntimeError("worker killed")

    monkeypatch.setattr(writers, "checkpoint", killed)
    job = services.request_commit(job, user=officer, skip_errors=False)
    assert job.state == State.FAILED and job.step == "commit"
    assert counts() == before
    monkeypatch.setattr(writers, "checkpoint", lambda step, done: None)
    job = services.retry(job, user=officer)
    assert job.state == State.COMMITTED
    assert counts() != before


def test_rollback_restores_periods_and_statuses(tree, officer, run_import):
    a1, a2, a3 = tree["members_a"]

    def state():
        return [
            (
                list(
                    Member.objects.filter(pk=m.pk).values_list(
                        "status", "status_since", "official_on"
                    )
                ),
                list(
                    m.placements.order_by("pk").values_list(
                        "organization", "valid_from", "valid_to"
                    )
                ),
                list(
                    m.status_periods.order_by("pk").values_list("status", "valid_from", "valid_to")
                ),
                m.events.count(),
            )
            for m in (a1, a2, a3)
        ]

    before = state()
    job = run_import(officer, tree["bloc"], xlsx_bytes(HEADERS, history_rows(tree)), "history")
    job = services.request_commit(job, user=officer, skip_errors=False)
    assert state() != before
    job = services.request_rollback(job, user=officer)
    assert job.state == State.ROLLED_BACK, job.error_message
    assert state() == before
    assert bloc_total(tree, date(2015, 12, 31)) == 4


def test_rollback_is_refused_once_the_member_changed(tree, officer, run_import):
    a2 = tree["members_a"][1]
    rows = [hrow(a2, entry="Trạng thái", start="10/02/2022", status="Từ trần", decision_number="5")]
    job = run_import(officer, tree["bloc"], xlsx_bytes(HEADERS, rows), "history")
    job = services.request_commit(job, user=officer, skip_errors=False)
    member_services.record_event(
        a2, kind=MemberEvent.Kind.STATUS, on=date(2022, 3, 1), summary="Ghi chú sau"
    )
    with pytest.raises(DomainError, match="sự kiện mới sau lần nhập"):
        services.request_rollback(job, user=officer)


def test_template_and_export_round_trip(tree, officer, run_import):
    content = services.template_bytes("history", user=officer, root=tree["bloc"])
    workbook, rows = sheet_rows(content)
    assert rows[0] == HEADERS and rows[1][0] == "Ví dụ"
    lists = [list(r) for r in workbook["Danh mục"].iter_rows(values_only=True)]
    assert "Ngoài hệ thống" in [r[lists[0].index("Tổ chức")] for r in lists[1:]]
    job = run_import(officer, tree["bloc"], xlsx_bytes(HEADERS, history_rows(tree)), "history")
    services.request_commit(job, user=officer, skip_errors=False)

    exported, _export = services.export_bytes("history", user=officer, root=tree["bloc"])
    _workbook, rows = sheet_rows(exported)
    assert rows[0] == HEADERS
    job = run_import(officer, tree["bloc"], exported, "history")
    assert job.report["errors"] == [] and job.counts["create"] == 0
    assert job.counts["unchanged"] == len(rows) - 1


def test_scope_and_permission(tree, run_import):
    viewer = factories.user("xem", role_code="viewer", on=tree["bloc"])
    with pytest.raises(DomainError):
        services.template_bytes("history", user=viewer, root=tree["bloc"])
    cell_officer = factories.user("bithu", role_code="org_board_officer", on=tree["cell_b"])
    a1 = tree["members_a"][0]
    rows = [hrow(a1, entry="Trạng thái", start="01/01/2020", status="Từ trần", decision_number="1")]
    job = run_import(cell_officer, tree["cell_b"], xlsx_bytes(HEADERS, rows), "history")
    assert "phạm vi được giao" in errors_of(job)[(2, "Mã hệ thống đảng viên")][0]


def test_a_dissolved_cell_holds_past_periods_up_to_its_dissolution(tree, officer, run_import):
    committee = Organization.objects.get(pk=tree["committee"].pk)  # founded in 2000 now
    old = factories.org("Chi bộ Cũ", "cell", committee, effective=date(2000, 1, 1))
    org_services.dissolve_org(old, decision=factories.decision(date(2015, 1, 1)))
    a1, a2, _a3 = tree["members_a"]
    rows = [
        hrow(a1, start="19/05/2010", end="01/01/2015", organization="Chi bộ Cũ"),
        hrow(a2, start="19/05/2010", end="01/06/2015", organization="Chi bộ Cũ"),
    ]
    job = run_import(officer, tree["bloc"], xlsx_bytes(HEADERS, rows), "history")
    assert job.counts["create"] == 1
    assert "đã giải thể từ 01/01/2015" in errors_of(job)[(3, "Đến ngày")][0]
    job = services.request_commit(job, user=officer, skip_errors=True)
    assert job.state == State.COMMITTED
    assert cells_on(tree, date(2012, 12, 31))["Chi bộ Cũ"] == 1
    assert cells_on(tree, date(2012, 12, 31))["Chi bộ Văn phòng"] == 2
