"""A member's journey on a phone (390×844) and on a desktop: first login with the one-time
password, forced change, the cell's upcoming meeting, ask to be excused, see the dues."""

from datetime import date

import pytest

from dangbo.dues.models import LedgerEntry
from dangbo.portal import services
from dangbo.portal.models import MeetingReply
from tests.portal.conftest import upcoming_meeting

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture(params=sorted(VIEWPORTS))
def device_page(browser, request):
    phone = request.param == "phone"
    context = browser.new_context(
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport=VIEWPORTS[request.param],
        is_mobile=phone,
        has_touch=phone,
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield request.param, page
    context.close()


def test_member_journey(device_page, live_server, tree):
    device, page = device_page
    member = tree["members_a"][1]
    account, one_time = services.create_account(member)
    meeting = upcoming_meeting(tree["cell_a"])
    for month in (1, 2):
        LedgerEntry.objects.create(
            member=member,
            organization=tree["cell_a"],
            month=date(2026, month, 1),
            due=45_000,
            paid=45_000 if month == 1 else 0,
            paid_on=date(2026, 1, 25) if month == 1 else None,
        )

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Tên đăng nhập").fill(account.user.username)
    page.get_by_label("Mật khẩu").fill(one_time)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/portal/password/")
    assert "lần đăng nhập đầu tiên" in page.content()
    page.locator("#id_old_password").fill(one_time)
    page.locator("#id_new_password1").fill("Hoa-sen-no-2026")
    page.locator("#id_new_password2").fill("Hoa-sen-no-2026")
    page.get_by_role("button", name="Đổi mật khẩu").click()
    page.wait_for_url(f"{live_server.url}/portal/")
    assert "Đã đổi mật khẩu" in page.content()
    assert page.locator("#unread").inner_text() == "2"  # the meeting and its document

    if device == "phone":
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= VIEWPORTS["phone"]["width"], "no horizontal scrolling on a phone"
        for link in page.locator(".portal-nav a").all():
            assert link.bounding_box()["height"] >= 44, "touch targets at least 44px high"

    page.locator("#upcoming a").first.click()
    page.wait_for_selector("#meeting-title")
    assert "Đánh giá công tác tháng" in page.locator("#agenda").inner_text()
    assert "Dự thảo nghị quyết tháng" in page.locator("#documents").inner_text()
    assert page.locator("#online-link").is_visible()
    page.get_by_role("radio", name="Xin vắng").check()
    page.get_by_role("button", name="Gửi").click()
    assert "Cần nêu lý do xin vắng" in page.content()
    page.get_by_role("radio", name="Xin vắng").check()
    page.locator("#id_reason").fill("Đi công tác tại Hà Nội")
    page.get_by_role("button", name="Gửi").click()
    page.wait_for_selector("#my-reply")
    assert page.locator("#my-reply").inner_text() == "Xin vắng"
    reply = MeetingReply.objects.get(meeting=meeting, member=member)
    assert reply.reason == "Đi công tác tại Hà Nội"

    page.get_by_role("link", name="Đảng phí").click()
    page.wait_for_selector("#dues-unpaid")
    assert "45.000" in page.locator("#dues-unpaid").inner_text()
    assert "Chưa đóng" in page.locator(".dues-table").inner_text()
