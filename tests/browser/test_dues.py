"""A cell secretary closes the month, ticks who paid, prints a receipt, downloads totals."""

import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from dangbo.dues import services
from tests import factories
from tests.paper_helpers import own_rows

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def test_close_month_collect_and_receipt(page, live_server, login, tree):
    for member in tree["members_a"]:
        services.set_income_basis(
            member, valid_from=date(2026, 1, 1), income_type="salary", amount=8_000_000
        )
    factories.user("bithu1", role_code="cell_secretary", on=tree["cell_a"])
    login("bithu1")
    page.goto(f"{live_server.url}/dues/?org={tree['cell_a'].pk}&month=03/2026")
    page.get_by_role("button", name="Lập sổ thu tháng 03/2026").click()
    assert page.locator("#ledger tbody tr").count() == 3
    page.get_by_label("Đã đóng: Nguyễn Văn Bình").check()
    page.get_by_label("Ngày đóng").fill("10/03/2026")
    page.get_by_role("button", name="Ghi nhận đã đóng").click()
    page.get_by_role("link", name="202603-").first.click()
    assert "80.000" in page.locator("#receipt").inner_text()
    page.go_back()
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải tổng hợp (XLSX)").click()
    rows = own_rows(load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active)
    assert rows[3][:3] == ("Chi bộ Văn phòng", 240_000, 80_000)
