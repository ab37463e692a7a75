"""An inspection officer plans an inspection, concludes it with a remedy, confirms the remedy
done, then opens a case on a member that ends in discipline shown on the member's record."""

from datetime import date

import pytest
from django.utils import timezone

from dangbo.inspections import rules, services
from dangbo.inspections.models import Inspection, Remedy
from tests import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def test_plan_conclude_remedy_and_discipline(page, live_server, login, tree):
    today = timezone.localdate()
    quarter = rules.quarter_of(today)
    start, end = rules.quarter_bounds(today.year, quarter)
    programme = services.create_programme(
        organization=tree["bloc"],
        body="inspection_committee",
        year=today.year,
        title=f"Chương trình kiểm tra, giám sát năm {today.year}",
        approved_on=date(today.year, 1, 1),
    )
    factories.user("kiemtra", role_code="inspection_officer", on=tree["bloc"])
    login("kiemtra")

    page.get_by_role("link", name="Kiểm tra, giám sát").first.click()
    page.get_by_role("link", name=programme.title).click()
    page.get_by_role("link", name="Thêm cuộc kiểm tra, giám sát").click()
    page.get_by_label("Loại").select_option("inspection")
    page.get_by_label("Hình thức").select_option("thematic")
    page.get_by_placeholder("Gõ tên tổ chức để tìm (không cần dấu)…").fill("so tu phap")
    page.get_by_role("button", name="Đảng bộ Sở Tư pháp").click()
    page.get_by_label("Nội dung").fill("Kiểm tra việc thực hiện chế độ sinh hoạt đảng")
    page.get_by_label("Quý").select_option(str(quarter))
    page.get_by_label("Bắt đầu dự kiến").fill(start.strftime("%d/%m/%Y"))
    page.get_by_label("Kết thúc dự kiến").fill(end.strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_selector("#inspection-title")
    assert "Đảng bộ Sở Tư pháp" in page.locator("#inspection-title").inner_text()

    page.get_by_role("link", name="Quyết định tiến hành").click()
    page.get_by_label("Số quyết định").fill("12-QĐ/UBKT")
    page.get_by_label("Thành phần đoàn").fill("Trần Văn Kiểm (trưởng đoàn)")
    page.get_by_role("button", name="Lưu").click()
    page.get_by_role("link", name="Kết luận", exact=True).click()
    page.locator("#id_violations_found").select_option("yes")
    page.locator("#id_conclusion").fill("Chưa sinh hoạt chuyên đề hằng quý.")
    due = date(today.year + 1, 3, 31).strftime("%d/%m/%Y")
    page.get_by_label("Yêu cầu khắc phục").fill(
        f"Tổ chức sinh hoạt chuyên đề | Bí thư Đảng bộ Sở Tư pháp | {due}"
    )
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_selector("#remedies")
    assert "Tổ chức sinh hoạt chuyên đề" in page.locator("#remedies").inner_text()
    assert page.locator("#inspection-status").inner_text() == "Đã kết luận"

    page.get_by_role("link", name="Xác nhận đã khắc phục").click()
    page.get_by_label("Căn cứ xác nhận").fill("Biên bản sinh hoạt chuyên đề")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_selector("#remedies")
    assert "Đã khắc phục" in page.locator("#remedies .remedy-status").inner_text()
    assert Remedy.objects.get().status == "done"

    page.get_by_role("link", name="Dấu hiệu vi phạm → mở vụ việc").click()
    page.get_by_placeholder("Gõ tên đảng viên để tìm (không cần dấu)…").fill("nguyen van binh")
    page.get_by_role("button", name="Nguyễn Văn Bình").click()
    page.get_by_label("Số quyết định kiểm tra").fill("30-QĐ/UBKT")
    page.get_by_label("Cơ quan kiểm tra").fill("Ủy ban Kiểm tra Đảng ủy Khối")
    page.get_by_label("Dấu hiệu vi phạm").fill("Vi phạm quy định về sinh hoạt đảng")
    page.get_by_role("button", name="Lưu").click()
    page.get_by_role("link", name="Quyết định kỷ luật").click()
    page.get_by_label("Hình thức kỷ luật").select_option("reprimand")
    page.get_by_label("Số quyết định").fill("35-QĐ/UBKT")
    page.get_by_label("Tổ chức đảng quyết định kỷ luật").select_option(
        label="Đảng ủy Khối các cơ quan tỉnh — Đảng bộ tỉnh Sông Hồng"
    )
    page.get_by_label("Cơ quan ra quyết định").fill("Ủy ban Kiểm tra Đảng ủy Khối")
    page.get_by_label("Lý do").fill("Không tham gia sinh hoạt đảng nhiều kỳ")
    page.get_by_role("button", name="Lưu").click()
    assert "lùi 6 tháng" in page.locator("#discipline-effects").inner_text()

    page.get_by_role("link", name="Nguyễn Văn Bình").click()
    assert "Khiển trách — QĐ 35-QĐ/UBKT" in page.locator("#disciplines").inner_text()
    assert Inspection.objects.get().cases.get().outcome == "discipline"
