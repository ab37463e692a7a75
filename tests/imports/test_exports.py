"""Templates and exports share one shape: export → edit → import updates only what changed."""

import io

from auditlog.models import LogEntry
from openpyxl import load_workbook

from dangbo.imports import services
from dangbo.imports.models import DataExport, ImportJob
from dangbo.members.models import Member
from tests import factories
from tests.imports.helpers import MEMBER_HEADERS


def sheet_rows(content: bytes):
    workbook = load_workbook(io.BytesIO(content))
    return workbook, [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]


def save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_template_has_headers_lists_and_an_example_row_that_is_skipped(tree, officer, run_import):
    content = services.template_bytes("members", user=officer, root=tree["bloc"])
    workbook, rows = sheet_rows(content)
    assert workbook.sheetnames == ["Đảng viên", "Danh mục", "Hướng dẫn"]
    assert rows[0] == MEMBER_HEADERS
    assert rows[1][0] == "Ví dụ"
    ws = workbook.worksheets[0]
    lists = {str(dv.sqref).split(":")[0] for dv in ws.data_validations.dataValidation}
    assert {"C2", "G2", "L2", "R2"} <= lists  # gender, ethnicity, theory level, cell
    names = [r[0].value for r in workbook["Danh mục"].iter_rows(min_row=2) if r[0].value]
    assert "Nam" in names
    cells = {c.value for row in workbook["Danh mục"].iter_rows(min_row=2) for c in row}
    assert {"Chi bộ Văn phòng", "Chi bộ Phòng Nghiệp vụ"} <= cells
    assert "Chi bộ Thôn Đông" not in cells  # outside the bloc

    ws_data = workbook.worksheets[0]
    ws_data.append(
        [None, "Từ Mẫu", "Nam", "01/01/1990", None]
        + [None] * 9
        + ["01/01/2015"]
        + [None] * 2
        + ["Chi bộ Văn phòng"]
    )
    job = run_import(officer, tree["bloc"], save(workbook))
    assert job.counts == {"create": 1, "update": 0, "unchanged": 0, "error": 0, "total": 1}


def test_round_trip_updates_only_what_changed(tree, officer, run_import):
    content, export = services.export_bytes("members", user=officer, root=tree["bloc"])
    assert export.row_count == 4 and export.with_identity
    assert LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, object_pk=str(export.pk), actor=officer
    ).exists()
    workbook, rows = sheet_rows(content)
    assert rows[0] == MEMBER_HEADERS
    job = run_import(officer, tree["bloc"], content)
    assert job.counts == {"create": 0, "update": 0, "unchanged": 4, "error": 0, "total": 4}

    ws = workbook.worksheets[0]
    target = next(r for r in ws.iter_rows(min_row=2) if r[1].value == "Trần Thị Hằng")
    target[5].value = "  Hải Dương "
    ws.append(
        [None, "Người Mới", "Nam", "02/02/1992", None]
        + [None] * 9
        + ["03/03/2020"]
        + [None] * 2
        + ["Chi bộ Phòng Nghiệp vụ"]
    )
    job = run_import(officer, tree["bloc"], save(workbook))
    assert job.counts == {"create": 1, "update": 1, "unchanged": 3, "error": 0, "total": 5}
    assert job.report["updates"][0]["changes"] == [["Quê quán", "", "Hải Dương"]]
    services.request_commit(job, user=officer, skip_errors=False)
    assert Member.objects.get(full_name="Trần Thị Hằng").place_of_origin == "Hải Dương"


def test_masked_id_numbers_round_trip_without_change(tree, run_import):
    viewer = factories.user("xem", role_code="grassroots_committee", on=tree["committee"])
    # grassroots committee role may change members but not see identity numbers in full
    content, export = services.export_bytes("members", user=viewer, root=tree["committee"])
    assert not export.with_identity
    _wb, rows = sheet_rows(content)
    assert all(r[4].startswith("*********") for r in rows[1:])
    boss = factories.user("bt", role_code="org_board_officer", on=tree["committee"])
    job = run_import(boss, tree["committee"], content)
    assert job.counts["unchanged"] == 4, job.report


def test_export_outside_the_users_subtree_is_refused(tree, officer, client):
    client.force_login(officer)
    assert client.get(f"/imports/export/members/?org={tree['commune'].pk}").status_code == 404
    assert client.get(f"/imports/template/members/?org={tree['commune'].pk}").status_code == 404
    response = client.get(f"/imports/export/members/?org={tree['bloc'].pk}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxml")
    assert DataExport.objects.filter(user=officer).count() == 1


def test_org_export_round_trip_is_unchanged(tree, officer, run_import):
    content, _export = services.export_bytes("organizations", user=officer, root=tree["bloc"])
    job = run_import(officer, tree["bloc"], content, kind="organizations")
    assert job.state == ImportJob.State.PREVIEWED
    assert job.counts == {"create": 0, "update": 0, "unchanged": 3, "error": 0, "total": 3}
