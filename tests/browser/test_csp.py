"""The screens whose behaviour moved out of inline script (static/js/dangbo.js) work under the
Content-Security-Policy, and the browser reports no violation: org tree open/close (htmx),
a picker, "all present", a self-submitting filter, the API docs (Swagger UI)."""

from datetime import date

import pytest

from dangbo.meetings import services as meeting_services
from tests import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def test_moved_behaviour_works_and_nothing_is_blocked(page, live_server, login, tree):
    blocked = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and blocked.append(message.text),
    )
    factories.user("quantri", is_superuser=True, is_staff=True)
    login("quantri")

    page.goto(f"{live_server.url}/organizations/")
    toggle = page.get_by_role("button", name="Mở rộng Đảng bộ tỉnh Sông Hồng")
    toggle.click()
    bloc = page.get_by_role("link", name="Đảng ủy Khối các cơ quan tỉnh")
    bloc.wait_for()
    toggle.click()  # closing empties the children without a request
    bloc.wait_for(state="detached")
    assert toggle.get_attribute("aria-expanded") == "false" and toggle.inner_text() == "+"

    page.goto(f"{live_server.url}/organizations/{tree['committee'].pk}/")
    page.get_by_role("link", name="Chuyển cấp trên").click()
    page.get_by_placeholder("Gõ tên tổ chức để tìm (không cần dấu)…").fill("tan lap")
    page.get_by_role("button", name="Đảng ủy xã Tân Lập").click()
    assert "Đã chọn: Đảng ủy xã Tân Lập" in page.content()

    meeting = meeting_services.plan_meeting(
        organization=tree["cell_a"], kind="regular", planned_on=date(2026, 3, 10)
    )
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/record/")
    absent = page.locator("#attendance-table select").first
    absent.select_option("excused")
    page.get_by_role("button", name="Tất cả có mặt").click()
    assert absent.input_value() == "present"

    page.goto(f"{live_server.url}/programmes/tasks/")
    page.get_by_label("Loại nhiệm vụ").select_option(index=1)
    page.wait_for_url("**kind=**")

    page.goto(f"{live_server.url}/api/v1/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "dangbo API" in page.locator(".swagger-ui .info .title").inner_text()
    assert blocked == []
