"""A committee's review year in the browser: open it, enter a cell's scores, meet the quota
refusal, lower a grade, confirm."""

import pytest

from dangbo.reviews.models import MemberReview
from tests import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]

SCORES = {"politics": "10", "ethics": "10", "discipline": "10", "party_tasks": "20"}


def fill_member(page, name, duties, exceed="40"):
    for code, label in (
        ("politics", "Tư tưởng chính trị"),
        ("ethics", "Phẩm chất đạo đức, lối sống"),
        ("discipline", "Tác phong, lề lối làm việc; ý thức tổ chức kỷ luật"),
        ("party_tasks", "Thực hiện nhiệm vụ đảng viên ở chi bộ và nơi cư trú"),
    ):
        page.get_by_label(f"{label} — {name}", exact=True).fill(SCORES[code])
    page.get_by_label(f"Kết quả thực hiện chức trách, nhiệm vụ được giao — {name}").fill(duties)
    page.get_by_label(f"Hoàn thành tất cả nhiệm vụ — {name}").check()
    page.get_by_label(f"Vượt mức — {name}").fill(exceed)


def test_open_year_enter_scores_quota_refusal_fix_confirm(page, live_server, login, tree):
    factories.user("capuy", role_code="grassroots_committee", on=tree["committee"])
    page.set_default_timeout(30_000)  # the shared machines are slow under load
    login("capuy")

    page.get_by_role("link", name="Đánh giá, xếp loại").first.click()
    page.get_by_role("link", name="Mở đợt đánh giá").click()
    page.locator("#id_organization").select_option(
        label="Đảng bộ Sở Tư pháp — Đảng ủy Khối các cơ quan tỉnh"
    )
    page.get_by_label("Năm đánh giá").fill("2025")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_selector("#progress")
    assert "Chi bộ Văn phòng" in page.locator("#progress").inner_text()

    page.get_by_role("link", name="Chi bộ Văn phòng").click()
    page.get_by_role("link", name="Chấm điểm đảng viên của chi bộ").click()
    fill_member(page, "Nguyễn Văn Bình", "50")  # 100 points → HTXSNV
    fill_member(page, "Trần Thị Hằng", "45")  # 95 → HTXSNV
    fill_member(page, "Lê Đức Anh", "30", exceed="0")  # 80 → HTTNV
    page.get_by_role("button", name="Lưu kết quả chi bộ").click()
    page.wait_for_selector(".alert-success")
    proposed = page.locator("#entry td.proposed").all_inner_texts()
    assert sorted(proposed) == ["HTTNV", "HTXSNV", "HTXSNV"]

    index = f"{live_server.url}/reviews/"
    page.goto(index)
    page.get_by_role("link", name="Đảng bộ Sở Tư pháp").click()
    page.get_by_role("link", name="Chi bộ Phòng Nghiệp vụ").click()
    page.get_by_role("link", name="Chấm điểm đảng viên của chi bộ").click()
    fill_member(page, "Phạm Quang Dũng", "30", exceed="0")  # 80 → HTTNV
    page.get_by_role("button", name="Lưu kết quả chi bộ").click()
    page.wait_for_selector(".alert-success")

    page.goto(index)
    page.get_by_role("link", name="Đảng bộ Sở Tư pháp").click()
    page.get_by_role("link", name="Cấp ủy xác nhận, kiểm tra tỷ lệ").click()
    assert "Vượt 2 người" in page.locator("#quota-panel").inner_text()
    page.get_by_role("button", name="Xác nhận kết quả").click()
    error = page.locator("#confirm-error")
    assert "Vượt tỷ lệ HTXSNV: 2 đảng viên HTXSNV, tối đa 0" in error.inner_text()
    assert page.locator("#quota-limit").inner_text() == "0"
    assert not MemberReview.objects.exclude(committee_grade="").exists()

    page.get_by_label("Cấp ủy quyết định — Nguyễn Văn Bình").select_option("htt")
    page.get_by_label("Cấp ủy quyết định — Trần Thị Hằng").select_option("htt")
    page.get_by_role("button", name="Kiểm tra lại tỷ lệ").click()
    assert page.locator("#quota-state").inner_text() == "Đạt tỷ lệ."
    page.get_by_role("button", name="Xác nhận kết quả").click()
    page.wait_for_selector("#confirmation")
    assert "0 HTXSNV / 4 HTTNV" in page.locator("#confirmation").inner_text()
    assert set(MemberReview.objects.values_list("final_grade", flat=True)) == {"htt"}


def test_record_and_end_an_excused_period(page, live_server, login, tree):
    from dangbo.reviews.models import Absence

    factories.user("capuy2", role_code="grassroots_committee", on=tree["committee"])
    page.set_default_timeout(30_000)
    login("capuy2")
    page.get_by_role("link", name="Đánh giá, xếp loại").first.click()
    page.get_by_role("link", name="Miễn, đình chỉ sinh hoạt").click()
    page.get_by_label("Tìm đảng viên", exact=True).fill("Nguyễn Văn Bình")
    page.get_by_role("button", name="Tìm").click()
    page.get_by_role("link", name="Ghi miễn/đình chỉ").first.click()
    page.get_by_label("Loại").select_option(label="Miễn công tác và sinh hoạt đảng")
    page.get_by_label("Từ ngày").fill("01/03/2025")
    page.get_by_label("Lý do").fill("Ốm dài ngày")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_selector("#absences")
    assert "Ốm dài ngày" in page.locator("#absences").inner_text()
    page.get_by_role("link", name="Kết thúc").click()
    page.get_by_label("Ngày kết thúc").fill("01/06/2025")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_selector("#absences")
    assert "01/06/2025" in page.locator("#absences").inner_text()
    assert Absence.objects.get().valid_to.isoformat() == "2025-06-01"
