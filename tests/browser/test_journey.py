"""A person's journey: log in, find a member by unaccented name, open the record, move an org."""

import pytest

from dangbo.organizations.models import Organization
from tests import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def test_find_member_open_record_and_move_org(page, live_server, login, tree):
    factories.user("canbo", role_code="org_board_officer", on=tree["province"])
    login("canbo")

    page.get_by_role("link", name="Đảng viên").first.click()
    page.get_by_label("Họ tên").fill("tran thi hang")
    page.get_by_role("button", name="Lọc").click()
    page.get_by_role("link", name="Trần Thị Hằng").click()
    assert page.locator("#member-name").inner_text() == "Trần Thị Hằng"
    assert "năm" in page.locator("#party-age").inner_text()
    assert "canbo" in page.locator("#access-log").inner_text()

    page.goto(f"{live_server.url}/organizations/")
    page.get_by_role("button", name="Mở rộng Đảng bộ tỉnh Sông Hồng").click()
    page.get_by_role("link", name="Đảng ủy Khối các cơ quan tỉnh").wait_for()
    page.get_by_role("button", name="Mở rộng Đảng ủy Khối các cơ quan tỉnh").click()
    page.get_by_role("link", name="Đảng bộ Sở Tư pháp").click()
    page.get_by_role("link", name="Chuyển cấp trên").click()
    page.get_by_placeholder("Gõ tên tổ chức để tìm (không cần dấu)…").fill("tan lap")
    page.get_by_role("button", name="Đảng ủy xã Tân Lập").click()
    page.get_by_label("Số quyết định").fill("15-QĐ/TU")
    page.get_by_label("Người ký").fill("Nguyễn Văn Tỉnh")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_selector("#org-events")
    assert "Đảng ủy xã Tân Lập" in page.locator("#org-events").inner_text()
    moved = Organization.objects.get(pk=tree["committee"].pk)
    assert moved.path.startswith(Organization.objects.get(pk=tree["commune"].pk).path)
