"""A cell secretary's journey: plan a meeting, record the whole cell's attendance, score it
against the province's criteria, and see the grade."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dangbo.meetings.models import Meeting
from tests import factories
from tests.meetings.conftest import criteria_set

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def test_plan_record_attendance_score_and_see_grade(page, live_server, login, tree):
    cset = criteria_set(tree["province"])
    factories.user("bithu", role_code="cell_secretary", on=tree["cell_a"])
    binh, hang, anh = tree["members_a"]
    day = timezone.localdate() - timedelta(days=1)
    login("bithu")

    page.get_by_role("link", name="Sinh hoạt chi bộ").first.click()
    page.get_by_role("link", name="Lịch sinh hoạt Chi bộ Văn phòng").click()
    assert "thiếu sinh hoạt thường kỳ" in page.locator("#calendar-flags").inner_text()
    page.get_by_role("link", name="Thêm buổi sinh hoạt").click()
    page.get_by_label("Loại sinh hoạt").select_option("regular")
    page.get_by_label("Ngày sinh hoạt").fill(day.strftime("%d/%m/%Y"))
    page.get_by_label("Chương trình, nội dung").fill("1. Đánh giá tháng\n2. Nhiệm vụ tháng tới")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_selector("#meeting-title")
    assert "Dự kiến" in page.locator("#meeting-status").inner_text()

    page.get_by_role("link", name="Ghi biên bản, điểm danh").click()
    page.get_by_label("Bắt đầu").fill("08:00")
    page.get_by_label("Kết thúc").fill("10:00")
    page.get_by_label("Chủ trì").select_option(label=binh.full_name)
    page.get_by_label("Thư ký").select_option(label=hang.full_name)
    page.get_by_label(anh.full_name, exact=True).select_option("excused")
    page.get_by_role("button", name="Lưu").click()
    assert "Cần nêu lý do vắng của đồng chí «Lê Đức Anh»" in page.content()
    page.locator(f"input[name=reason_{anh.pk}]").fill("Ốm, có đơn")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_selector("#attendance-summary")
    assert "2/3" in page.locator("#attendance-summary").inner_text()
    assert "dưới ngưỡng" in page.locator("#meeting-flags").inner_text()

    page.get_by_role("link", name="Chấm điểm").click()
    for criterion, points in zip(cset.criteria.all(), ["18", "25", "47"], strict=True):
        page.locator(f"#id_points_{criterion.pk}").fill(points)
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_selector("#meeting-grade")
    assert "Tốt — 90" in page.locator("#meeting-grade").inner_text()
    meeting = Meeting.objects.get()
    assert meeting.grade == "tot" and meeting.criteria_set == cset

    page.get_by_role("link", name="Chi bộ Văn phòng").click()
    assert "Tốt" in page.locator("#calendar").inner_text()
