"""Import journey: download the template, upload a file with one bad row, see the error,
commit the valid rows, roll the import back."""

import io

import pytest
from openpyxl import load_workbook

from dangbo.members.models import Member
from tests import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


@pytest.fixture(autouse=True)
def immediate_tasks(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


def test_template_upload_error_commit_rollback(page, live_server, login, tree, tmp_path):
    factories.user("canbo", role_code="org_board_officer", on=tree["bloc"])
    login("canbo")
    page.get_by_role("link", name="Nhập Excel").first.click()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Tải mẫu nhập đảng viên").click()
    template = tmp_path / "mau.xlsx"
    download_info.value.save_as(template)

    workbook = load_workbook(template)
    ws = workbook.worksheets[0]
    blank = [None] * 9
    ws.append(
        [
            None,
            "Phan Văn Đúng",
            "Nam",
            "10/10/1990",
            "300000000001",
            *blank,
            "01/06/2016",
            None,
            "01/06/2017",
            "chi bo van phong",
        ]
    )
    ws.append(
        [
            None,
            "Vũ Thị Sai",
            "Nữ",
            "31/02/1991",
            None,
            *blank,
            "01/06/2016",
            None,
            None,
            "Chi bộ Văn phòng",
        ]
    )
    filled = tmp_path / "dang_vien.xlsx"
    buffer = io.BytesIO()
    workbook.save(buffer)
    filled.write_bytes(buffer.getvalue())

    page.get_by_role("link", name="Tải tệp lên").click()
    page.get_by_label("Phạm vi (tổ chức)").select_option(
        label="Đảng ủy Khối các cơ quan tỉnh — Đảng bộ tỉnh Sông Hồng"
    )
    page.get_by_label("Tệp Excel (.xlsx) hoặc .csv").set_input_files(str(filled))
    page.get_by_role("button", name="Tải lên").click()
    page.get_by_role("button", name="Kiểm tra (chạy thử)").click()

    errors = page.locator("#errors")
    errors.wait_for()
    assert "Ngày «31/02/1991» không tồn tại." in errors.inner_text()
    assert "Ngày sinh" in errors.inner_text()
    assert page.locator("#count-create").inner_text() == "1"
    assert page.locator("#count-error").inner_text() == "1"
    assert not Member.objects.filter(full_name="Phan Văn Đúng").exists()

    page.get_by_label("Ghi các dòng hợp lệ, bỏ qua các dòng lỗi").check()
    page.get_by_role("button", name="Ghi vào cơ sở dữ liệu").click()
    page.get_by_text("Đã ghi 1 dòng thêm mới").wait_for()
    assert Member.objects.get(full_name="Phan Văn Đúng").organization == tree["cell_a"]

    page.get_by_role("button", name="Hoàn tác lần nhập").click()
    page.get_by_text("Lần nhập đã được hoàn tác toàn bộ.").wait_for()
    assert not Member.objects.filter(full_name="Phan Văn Đúng").exists()


def test_past_classification_results_journey(page, live_server, login, tree, tmp_path):
    """Template of classification results → fill a past year (one row wrong) → preview →
    commit the valid row → the member's results show it → roll back."""
    from dangbo.reviews.models import MemberReview

    factories.user("canbo_kq", role_code="org_board_officer", on=tree["bloc"])
    member = tree["members_a"][0]
    login("canbo_kq")
    page.get_by_role("link", name="Nhập Excel").first.click()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Tải mẫu nhập kết quả xếp loại đảng viên").click()
    template = tmp_path / "mau_kq.xlsx"
    download_info.value.save_as(template)

    workbook = load_workbook(template)
    ws = workbook.worksheets[0]
    ws.append([member.pk, "nguyen van binh", None, None, None, 2023, "HTXSNV", None, None])
    ws.append([None, "Trần Thị Hằng", "15/03/1985", None, None, 2999, "Hoàn thành", None, None])
    filled = tmp_path / "ket_qua.xlsx"
    buffer = io.BytesIO()
    workbook.save(buffer)
    filled.write_bytes(buffer.getvalue())

    page.get_by_role("link", name="Tải tệp lên").click()
    page.get_by_label("Loại dữ liệu").select_option(label="Kết quả xếp loại đảng viên")
    page.get_by_label("Phạm vi (tổ chức)").select_option(
        label="Đảng ủy Khối các cơ quan tỉnh — Đảng bộ tỉnh Sông Hồng"
    )
    page.get_by_label("Tệp Excel (.xlsx) hoặc .csv").set_input_files(str(filled))
    page.get_by_role("button", name="Tải lên").click()
    page.get_by_role("button", name="Kiểm tra (chạy thử)").click()

    errors = page.locator("#errors")
    errors.wait_for()
    assert "Năm 2999 không hợp lệ." in errors.inner_text()
    assert "Năm đánh giá" in errors.inner_text()
    assert page.locator("#count-create").inner_text() == "1"
    assert not MemberReview.objects.exists()

    page.get_by_label("Ghi các dòng hợp lệ, bỏ qua các dòng lỗi").check()
    page.get_by_role("button", name="Ghi vào cơ sở dữ liệu").click()
    page.get_by_text("Đã ghi 1 dòng thêm mới").wait_for()
    job_url = page.url
    assert MemberReview.objects.get(member=member).final_grade == "htxs"

    page.goto(f"{live_server.url}/reviews/member/{member.pk}/")
    card = page.locator("#year-2023")
    assert "kết quả nhập từ tệp" in card.inner_text()
    assert "Hoàn thành xuất sắc nhiệm vụ" in card.locator(".final-grade").inner_text()
    assert "Nhập kết quả năm cũ" in card.locator(".steps").inner_text()

    page.goto(job_url)
    page.get_by_role("button", name="Hoàn tác lần nhập").click()
    page.get_by_text("Lần nhập đã được hoàn tác toàn bộ.").wait_for()
    assert not MemberReview.objects.exists()
