"""An officer runs a past-date report, drills into a number and downloads the XLSX."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests import factories

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
    assert sheet["A1"].value == "ĐẢNG VIÊN THEO GIỚI TÍNH"
