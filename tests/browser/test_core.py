"""An administrator's journey: create an account, grant a role on a cell with the org picker,
the new user sees only that cell; the audit log shows what happened; an API token."""

import pytest

from tests import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def _pick(page, text, name):
    page.get_by_placeholder("Gõ tên tổ chức để tìm (không cần dấu)…").fill(text)
    page.get_by_role("button", name=name).click()


def test_administrator_creates_account_and_grants_a_role(page, live_server, login, tree):
    factories.user("quantritinh", role_code="province_admin", on=tree["province"])
    login("quantritinh")

    page.get_by_role("link", name="Quản trị").first.click()
    page.get_by_role("link", name="Tạo tài khoản").click()
    page.get_by_label("Tên đăng nhập").fill("bithumoi")
    page.get_by_label("Họ và tên").fill("Lò Văn Mới")
    _pick(page, "van phong", "Chi bộ Văn phòng")
    page.locator("#id_password1").fill("Mot-mat-khau-dai-2026")
    page.locator("#id_password2").fill("Mot-mat-khau-dai-2026")
    page.get_by_role("button", name="Lưu").click()

    page.get_by_role("link", name="Giao vai trò").click()
    page.get_by_label("Vai trò").select_option(label="Bí thư, phó bí thư chi bộ")
    _pick(page, "van phong", "Chi bộ Văn phòng")
    page.get_by_role("button", name="Lưu").click()
    assert "Bí thư, phó bí thư chi bộ" in page.locator("#assignments").inner_text()

    page.get_by_role("link", name="Nhật ký").first.click()
    page.get_by_label("Người thực hiện (tên đăng nhập)").fill("quantritinh")
    page.get_by_role("button", name="Tìm").click()
    log = page.locator("#audit-table").inner_text()
    assert "bithumoi" in log and "Tạo mới" in log

    page.get_by_role("button", name="Đăng xuất").click()
    login("bithumoi", "Mot-mat-khau-dai-2026")
    page.get_by_role("link", name="Đảng viên").first.click()
    members = page.locator("#member-table").inner_text()
    assert "Nguyễn Văn Bình" in members and "Phạm Quang Dũng" not in members

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Khóa truy cập API của tôi").click()
    page.get_by_role("button", name="Tạo khóa").click()
    assert len(page.locator("#new-key code").inner_text()) == 40
