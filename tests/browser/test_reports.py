"""An officer runs a past-date report, drills into a number and downloads the XLSX."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests import factories
from tests.paper_helpers import own_rows

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def test_report_past_date_drilldown_and_export(page, live_server, login, tree):
    factories.user("thongke", role_code="org_board_officer", on=tree["province"])
    login("thongke")
    page.get_by_role("link", name="Báo cáo, thống kê").first.click()
    page.get_by_role("link", name="Đảng viên theo giới tính").click()
    page.get_by_label("Tính đến ngày").fill("31/12/2022")
    page.get_by_role("button", name="Xem báo cáo").click()
    assert page.locator("#grand-total").inner_text() == "5"
    page.locator("#report-table tbody tr", has_text="Đảng ủy Khối các cơ quan tỉnh").get_by_role(
        "link", name="4"
    ).click()
    assert page.locator("#rows-table tbody tr").count() == 4
    page.go_back()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải XLSX").click()
    content = Path(download_info.value.path()).read_bytes()
    sheet = load_workbook(io.BytesIO(content)).active
    assert own_rows(sheet)[0][0] == "ĐẢNG VIÊN THEO GIỚI TÍNH"


def test_issue_a_report_then_export_its_members_in_the_background(
    page, live_server, login, tree, settings, tmp_path
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.DANGBO_EXPORTS_DIR = tmp_path
    factories.user("chotso", role_code="org_board_officer", on=tree["province"])
    login("chotso")
    page.get_by_role("link", name="Báo cáo, thống kê").first.click()
    page.get_by_role("link", name="Đảng viên theo trạng thái").click()
    page.get_by_label("Số công văn, nơi nhận").fill("Số 45-BC/TU")
    page.get_by_role("button", name="Chốt số liệu đã báo cáo").click()
    assert page.locator("#snapshot-unchanged").is_visible()
    assert "Số 45-BC/TU" in page.content()
    page.get_by_role("link", name="Báo cáo đã chốt").click()
    assert page.locator("#snapshot-list tbody tr").count() == 1
    # the members behind the report, exported in the background, then downloaded
    page.goto(f"{live_server.url}/reports/members/rows/?org={tree['committee'].pk}")
    page.get_by_role("button", name="Xuất danh sách đảng viên của phạm vi này").click()
    assert page.locator("[data-state=done]").is_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải tệp XLSX").click()
    content = Path(download_info.value.path()).read_bytes()
    rows = own_rows(load_workbook(io.BytesIO(content)).active)
    assert len(rows) == 2 + 4 and rows[1][1] == "Họ và tên"
