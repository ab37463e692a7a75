"""From an empty database to the figures a province reports, through screens only (#22):
the superuser signs in, the first-run page founds the root and the first officer, who imports
the org tree, the members and a past year's classification results (2020: no criteria set
exists for it) from spreadsheets and reads the member report and the classification report;
then records the congress that opened the term 2015–2020 and its admission target, and reads
the term's admissions against it (the imported admission dates count, no file was processed
in the system) — no shell, no admin, no demo data."""

import io

import pytest
from openpyxl import Workbook

from dangbo.imports.rules import MEMBER_SHAPE, ORG_SHAPE, REVIEW_SHAPE
from dangbo.members.models import Member
from dangbo.organizations.models import Organization
from tests import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]

ROOT = "Đảng bộ Khối các cơ quan tỉnh Bình Yên"
PASSWORD = "Mat-khau-123!"


@pytest.fixture(autouse=True)
def immediate_tasks(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


def sheet(path, shape, rows):
    workbook = Workbook()
    ws = workbook.active
    ws.append([c.label for c in shape.columns])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return str(path)


def org(name, parent, type_name="Chi bộ trực thuộc"):
    return [None, name, None, type_name, parent, "01/02/2012", "12-QĐ/ĐUK", "Trần Văn Ký"]


ORGS = [
    org("Đảng bộ Sở Tư pháp", ROOT, "Đảng bộ cơ sở"),
    org("Đảng bộ Sở Tài chính", ROOT, "Đảng bộ cơ sở"),
    org("Chi bộ Văn phòng", "Đảng bộ Sở Tư pháp"),
    org("Chi bộ Văn phòng", "Đảng bộ Sở Tài chính"),
    org("Đảng bộ bộ phận Thanh tra", "Đảng bộ Sở Tài chính", "Đảng bộ bộ phận"),
    org("Chi bộ Thanh tra 1", "Đảng bộ Sở Tài chính > Đảng bộ bộ phận Thanh tra"),
    org("Chi bộ Bảo vệ", ROOT, "Chi bộ cơ sở"),
]


def member(name, cell, gender="Nam", official="19/05/2016"):
    values = {
        "full_name": name,
        "gender": gender,
        "birth_date": "15/03/1985",
        "admitted_on": "19/05/2015",
        "official_on": official,
        "organization": cell,
    }
    return [values.get(c.field) for c in MEMBER_SHAPE.columns]


MEMBERS = [
    member("Nguyễn Văn An", "Chi bộ Văn phòng — Đảng bộ Sở Tư pháp"),
    member("Trần Thị Bích", "Chi bộ Văn phòng — Đảng bộ Sở Tư pháp", "Nữ"),
    member("Lê Văn Cường", "Đảng bộ Sở Tư pháp > Chi bộ Văn phòng"),
    member("Phạm Thị Dung", "Chi bộ Văn phòng — Đảng bộ Sở Tài chính", "Nữ"),
    member("Hoàng Văn Em", "Chi bộ Văn phòng — Đảng bộ Sở Tài chính"),
    member("Vũ Văn Phúc", "Chi bộ Thanh tra 1", official=None),
    member("Đặng Thị Giang", "chi bo thanh tra 1", "Nữ"),
    member("Bùi Văn Hải", "Chi bộ Bảo vệ"),
]


# 2020 as reported then: 2 excellent, 4 good, 2 completed (HTXSNV/HTTNV/HTNV as offices write)
GRADES_2020 = ["HTXSNV", "Hoàn thành tốt", "HTTNV", "Xuất sắc", "HTTNV", "HTNV", "Tốt", "HTNV"]


def review(row, grade):
    values = dict(zip([c.field for c in MEMBER_SHAPE.columns], row, strict=True))
    values.update(year=2020, grade=grade)
    return [values.get(c.field) for c in REVIEW_SHAPE.columns]


def upload_and_commit(page, live_server, kind_label, path, created):
    page.goto(f"{live_server.url}/imports/")
    page.get_by_role("link", name="Tải tệp lên").click()
    page.get_by_label("Loại dữ liệu").select_option(label=kind_label)
    page.get_by_label("Phạm vi (tổ chức)").select_option(label=ROOT)
    page.get_by_label("Tệp Excel (.xlsx) hoặc .csv").set_input_files(path)
    page.get_by_role("button", name="Tải lên").click()
    page.get_by_role("button", name="Kiểm tra (chạy thử)").click()
    page.locator("#count-create").wait_for()
    assert page.locator("#count-error").inner_text() == "0"
    assert page.locator("#count-create").inner_text() == str(created)
    page.get_by_role("button", name="Ghi vào cơ sở dữ liệu").click()
    page.get_by_text(f"Đã ghi {created} dòng thêm mới").wait_for()


def test_empty_database_to_member_report(page, live_server, tmp_path):
    assert not Organization.objects.exists() and not Member.objects.exists()
    factories.user("quantri", is_superuser=True, is_staff=True)

    # the superuser's first sign-in lands on the first-run page
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Tên đăng nhập").fill("quantri")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/organizations/setup/")
    page.get_by_label("Tên tổ chức gốc").fill(ROOT)
    page.get_by_label("Loại tổ chức").select_option(label="Đảng bộ cấp trên trực tiếp cơ sở")
    page.get_by_label("Số quyết định").fill("01-QĐ/TU")
    page.get_by_label("Ngày quyết định").fill("01/01/2010")
    page.get_by_label("Người ký").fill("Nguyễn Văn Tỉnh")
    page.get_by_label("Ngày thành lập (ngày hiệu lực)").fill("01/01/2010")
    page.get_by_label("Tên đăng nhập").fill("bantochuc")
    page.get_by_label("Họ và tên").fill("Lê Thị Tổ Chức")
    page.get_by_label("Vai trò trên tổ chức gốc").select_option(label="Cán bộ ban tổ chức")
    page.get_by_label("Mật khẩu", exact=True).fill("Mat-khau-dai-2026!")
    page.get_by_label("Nhập lại mật khẩu").fill("Mat-khau-dai-2026!")
    page.get_by_role("button", name="Khởi tạo hệ thống").click()
    page.wait_for_url(f"{live_server.url}/imports/")
    assert "Đã khởi tạo hệ thống" in page.content()

    # the first officer takes over: the tree, then the members, from spreadsheets
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Tên đăng nhập").fill("bantochuc")
    page.get_by_label("Mật khẩu").fill("Mat-khau-dai-2026!")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/")
    upload_and_commit(
        page, live_server, "Tổ chức đảng", sheet(tmp_path / "to_chuc.xlsx", ORG_SHAPE, ORGS), 7
    )
    upload_and_commit(
        page, live_server, "Đảng viên", sheet(tmp_path / "dang_vien.xlsx", MEMBER_SHAPE, MEMBERS), 8
    )

    # the figures: the member report of the root, by status, drilled by child
    page.goto(f"{live_server.url}/reports/members/?breakdown=status")
    assert page.locator("#grand-total").inner_text() == str(len(MEMBERS))
    finance = page.locator("#report-table tbody tr", has_text="Đảng bộ Sở Tài chính")
    assert finance.get_by_role("link", name="4").count() == 1  # 2 + 2 in its cells
    assert Member.objects.filter(status="probationary").count() == 1

    # a past year's results, without a criteria set for 2020, by name, birth date and cell
    rows = [review(row, grade) for row, grade in zip(MEMBERS, GRADES_2020, strict=True)]
    upload_and_commit(
        page,
        live_server,
        "Kết quả xếp loại đảng viên",
        sheet(tmp_path / "xep_loai_2020.xlsx", REVIEW_SHAPE, rows),
        8,
    )
    page.goto(f"{live_server.url}/reports/module/member_reviews/?year=2020")
    total = page.locator("#total-row")
    figures = {
        measure: total.locator(f'[data-measure="{measure}"]').inner_text()
        for measure in ("grade_htxs", "grade_htt", "grade_ht", "grade_kht")
    }
    assert figures == {"grade_htxs": "2", "grade_htt": "4", "grade_ht": "2", "grade_kht": "0"}
    assert total.locator('[data-ratio="good_or_better"]').inner_text().startswith("75")

    # the term as reported upward: «trong nhiệm kỳ kết nạp N đảng viên, vượt X% chỉ tiêu Đại hội»
    root = Organization.objects.get(depth=1)
    page.goto(f"{live_server.url}/committees/orgs/{root.pk}/congress/")
    page.locator("#id_term_name").fill("2015–2020")
    page.get_by_label("Đại hội lần thứ").fill("3")
    page.get_by_label("Ngày đại hội").fill("10/04/2015")
    page.get_by_label("Số đại biểu được triệu tập").fill("150")
    page.get_by_label("Số đại biểu có mặt").fill("148")
    page.get_by_role("button", name="Lưu").click()
    page.get_by_text("Đã ghi đại hội").wait_for()
    page.goto(f"{live_server.url}/admissions/targets/term/set/?org={root.pk}")
    page.locator("#id_term").select_option(index=1)
    page.get_by_label("Chỉ tiêu kết nạp trong nhiệm kỳ").fill("6")
    page.get_by_label("Căn cứ (nghị quyết Đại hội)").fill("Nghị quyết Đại hội lần thứ III")
    page.get_by_role("button", name="Lưu").click()
    summary = page.locator("#term-summary")
    summary.wait_for()
    assert "kết nạp 8 đảng viên, chỉ tiêu Đại hội 6, vượt 33,3% chỉ tiêu Đại hội" in (
        " ".join(summary.inner_text().split())
    )
