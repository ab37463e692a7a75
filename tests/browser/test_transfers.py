"""An official transfer between two orgs, each side acted on by its own user."""

import pytest

from dangbo.members.models import Member
from tests import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def test_transfer_between_two_orgs(page, live_server, login, tree):
    page.set_default_timeout(30_000)  # the shared test machine is slow under load
    factories.user("ben_di", role_code="grassroots_committee", on=tree["committee"])
    factories.user("ben_den", role_code="grassroots_committee", on=tree["commune"])
    member = tree["members_a"][0]

    login("ben_di")
    page.goto(f"{live_server.url}/members/{member.pk}/")
    page.locator("main").get_by_role("link", name="Chuyển sinh hoạt").click()
    page.get_by_placeholder("Gõ tên chi bộ để tìm (không cần dấu)…").fill("thon dong")
    page.get_by_role("button", name="Chi bộ Thôn Đông").click()
    page.get_by_label("Số giấy giới thiệu").fill("25-GGT/ĐU")
    page.get_by_role("button", name="Lưu").click()
    assert page.locator("#transfer-state").inner_text() == "Đã giới thiệu đi"
    assert "Tiếp nhận" not in page.locator("#transfer-actions").inner_text()
    detail_url = page.url
    page.get_by_role("button", name="Đăng xuất").click()

    login("ben_den")
    page.get_by_role("link", name="Chuyển sinh hoạt").first.click()
    page.get_by_role("link", name="Nguyễn Văn Bình").click()
    assert page.url == detail_url
    page.get_by_role("link", name="Ghi nhận đã xuất trình giấy giới thiệu").click()
    page.get_by_role("button", name="Lưu").click()
    page.get_by_role("link", name="Tiếp nhận đảng viên").click()
    page.get_by_role("button", name="Lưu").click()
    assert page.locator("#transfer-state").inner_text() == "Đã tiếp nhận"
    assert "Chi bộ Thôn Đông" in page.locator("#transfer-to").inner_text()
    member = Member.objects.get(pk=member.pk)
    assert member.organization_id == tree["village"].pk
    assert member.placements.count() == 2
