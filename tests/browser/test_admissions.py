"""A committee officer admits a candidate end to end through the screens."""

from datetime import date

import pytest

from dangbo.admissions.models import AdmissionFile
from tests import factories
from tests.admissions.helpers import certify

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def _step(page, button, date, **fields):
    page.get_by_role("link", name=button).click()
    page.locator("#id_date").fill(date)
    for field_id, value in fields.items():
        page.locator(f"#id_{field_id}").fill(value)
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_selector("#timeline")


def test_admit_a_candidate(page, live_server, login, tree):
    page.set_default_timeout(30_000)  # the shared test machine is slow under load
    factories.user("capuy", role_code="grassroots_committee", on=tree["committee"])
    login("capuy")

    page.get_by_role("link", name="Kết nạp").first.click()
    page.get_by_role("link", name="Ghi nhận quần chúng ưu tú").click()
    page.get_by_label("Chi bộ").select_option(label="Chi bộ Văn phòng — Đảng bộ Sở Tư pháp")
    page.get_by_label("Họ và tên").fill("Võ Minh Khang")
    page.get_by_label("Giới tính").select_option("M")
    page.get_by_label("Ngày sinh").fill("01/01/2000")
    page.get_by_label("Ngày xác định là quần chúng ưu tú").fill("01/09/2024")
    page.get_by_role("button", name="Lưu").click()
    assert page.locator("#file-name").inner_text() == "Võ Minh Khang"

    # The candidate passed the course: the certificate is taken from the training register.
    file = AdmissionFile.objects.get(full_name="Võ Minh Khang")
    certify(tree, file, issued_on=date(2024, 10, 1), id_number="079200001234")
    _step(page, "Đã học lớp bồi dưỡng", "01/10/2024")
    assert "30/09/2029" in page.locator("#next-deadline").inner_text()  # last valid day
    _step(page, "Đã có đơn và lý lịch", "01/11/2024", history_number="LL-77")

    page.get_by_role("link", name="Đã có người giới thiệu").click()
    page.locator("#id_date").fill("15/11/2024")
    page.locator("#id_introducer_1").select_option(label="Nguyễn Văn Bình")
    page.locator("#id_since_1").fill("01/01/2020")
    page.locator("#id_introducer_2").select_option(label="Lê Đức Anh")  # still probationary
    page.locator("#id_since_2").fill("01/01/2020")
    page.get_by_role("button", name="Lưu").click()
    assert "chưa là đảng viên chính thức" in page.locator("form.card").inner_text()
    page.locator("#id_introducer_2").select_option(label="Trần Thị Hằng")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_selector("#timeline")
    assert "Trần Thị Hằng" in page.locator("#timeline").inner_text()

    _step(page, "Đã thẩm tra lý lịch", "10/01/2025", result="Lý lịch rõ ràng")
    _step(page, "Chi bộ đã biểu quyết", "10/02/2025", votes_for="2", eligible="2")
    _step(page, "Đảng ủy cơ sở đã biểu quyết", "20/02/2025", votes_for="5", eligible="7")
    _step(page, "Cấp ủy có thẩm quyền đã nhận hồ sơ", "03/03/2025", authority="Đảng ủy Khối")
    assert "Ra quyết định kết nạp" in page.locator("#next-deadline").inner_text()
    _step(
        page,
        "Đã có quyết định kết nạp",
        "20/03/2025",
        votes_for="8",
        eligible="15",
        decision_number="123-QĐ/ĐUK",
    )
    assert "Tổ chức lễ kết nạp" in page.locator("#next-deadline").inner_text()
    _step(page, "Đã tổ chức lễ kết nạp", "10/04/2025")
    assert "Xét công nhận chính thức" in page.locator("#next-deadline").inner_text()

    page.locator("#member-link").click()
    assert page.locator("#member-name").inner_text() == "Võ Minh Khang"
    assert "Lễ kết nạp" in page.locator("#timeline").inner_text()
    file = AdmissionFile.objects.get(full_name="Võ Minh Khang")
    assert file.member.status == "probationary" and file.ceremony_on.year == 2025
