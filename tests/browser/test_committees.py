"""The organisation board records a congress and its election, sees the committee as it stood
on a date, and finds the party post on the member's record."""

import pytest

from tests import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def test_congress_election_committee_on_date_and_member_posts(page, live_server, login, tree):
    factories.user("bantochuc", role_code="org_board_officer", on=tree["bloc"])
    login("bantochuc")

    page.get_by_role("link", name="Cấp ủy, cán bộ").first.click()
    page.get_by_role("link", name="Đảng bộ Sở Tư pháp").click()
    page.get_by_role("link", name="Ghi đại hội").click()
    page.locator("#id_term_name").fill("2020–2025")
    page.locator("#id_number").fill("5")
    page.locator("#id_held_on").fill("10/07/2020")
    page.locator("#id_delegates_summoned").fill("40")
    page.locator("#id_delegates_present").fill("38")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_selector("#congress-title")
    assert "nhiệm kỳ 2020–2025" in page.locator("#congress-title").inner_text()

    page.get_by_role("link", name="Ghi kết quả bầu cử").click()
    page.locator("#id_body").select_option("committee")
    page.locator("#id_seats").fill("3")
    page.locator("#id_voters").fill("38")
    page.locator("#id_results").fill(
        "Nguyễn Văn Bình | 36\nTrần Thị Hằng | 30\nPhạm Quang Dũng | 25\nLê Đức Anh | 19"
    )
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_selector("#election-committee")
    table = page.locator("#election-committee").inner_text()
    assert "94,74%" in table and "Không trúng cử" in table  # 36/38; 19/38 is exactly half

    page.get_by_role("link", name="Ghi kết quả bầu cử").click()
    page.locator("#id_body").select_option("secretary")
    page.locator("#id_seats").fill("1")
    page.locator("#id_voters").fill("3")
    page.locator("#id_results").fill("Nguyễn Văn Bình | 3")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_selector("#election-secretary")

    page.get_by_role("link", name="Đảng bộ Sở Tư pháp").click()
    page.locator("#on").fill("01/01/2021")
    page.get_by_role("button", name="Xem").click()
    committee = page.locator("#committee").inner_text()
    assert "Bí thư, Cấp ủy viên" in committee and "Lê Đức Anh" not in committee
    page.locator("#on").fill("01/01/2019")
    page.get_by_role("button", name="Xem").click()
    assert "Chưa có dữ liệu cấp ủy" in page.locator("#committee").inner_text()

    page.locator("#on").fill("01/01/2021")
    page.get_by_role("button", name="Xem").click()
    page.get_by_role("link", name="Nguyễn Văn Bình").click()
    page.wait_for_selector("#party-posts")
    posts = page.locator("#party-posts").inner_text()
    assert "Bí thư — Đảng bộ Sở Tư pháp: 10/07/2020 – nay" in posts
