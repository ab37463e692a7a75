"""Import screens: the flow through the client, and who may see and act on which job."""

import csv
import io

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from dangbo.core.exports import XLSX
from dangbo.core.text import mask_id_number
from dangbo.imports.models import ImportJob
from dangbo.members.models import Member
from tests import factories
from tests.imports.helpers import MEMBER_HEADERS, member_row, upload, xlsx_bytes


@pytest.fixture
def job(tree, officer, run_import):
    content = xlsx_bytes(MEMBER_HEADERS, [member_row("Qua Màn Hình"), member_row("Lỗi", birth="x")])
    return run_import(officer, tree["bloc"], content)


def test_upload_map_preview_commit_rollback_through_the_screens(tree, officer, client):
    client.force_login(officer)
    assert client.get(reverse("imports:index")).status_code == 200
    response = client.get(reverse("imports:upload"))
    assert "Đảng ủy Khối các cơ quan tỉnh" in response.content.decode()
    headers = ["Ho ten", "Gioi tinh", "Ngay sinh", "Chi bo", "Ngay ket nap", "Ghi chu"]
    content = xlsx_bytes(
        headers, [["Màn Hình", "nam", "01/01/1990", "Chi bộ Văn phòng", "01/01/2015", ""]]
    )
    response = client.post(
        reverse("imports:upload"),
        {"kind": "members", "organization": tree["bloc"].pk, "file": upload(content)},
    )
    job = ImportJob.objects.get()
    assert response.url == reverse("imports:mapping", args=[job.pk])
    page = client.get(response.url).content.decode()
    assert "«Ghi chu»" in page
    data = {"col_0": "full_name", "col_1": "gender", "col_2": "birth_date", "col_3": "organization"}
    response = client.post(reverse("imports:mapping", args=[job.pk]), data)
    assert "Chưa chọn cột nào cho «Ngày vào Đảng»." in response.content.decode()
    data["col_4"] = "admitted_on"
    response = client.post(reverse("imports:mapping", args=[job.pk]), data)
    assert response.url == reverse("imports:detail", args=[job.pk])
    page = client.get(response.url).content.decode()
    assert "Kết quả chạy thử" in page and "Màn Hình" in page
    client.post(reverse("imports:commit", args=[job.pk]))
    assert Member.objects.filter(full_name="Màn Hình").exists()
    fragment = client.get(reverse("imports:progress", args=[job.pk]))
    assert fragment["HX-Refresh"] == "true"
    client.post(reverse("imports:rollback", args=[job.pk]))
    assert not Member.objects.filter(full_name="Màn Hình").exists()
    # The kept file comes back as a formula-safe XLSX copy (see the test below), never inline.
    download = client.get(reverse("imports:file", args=[job.pk]))
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Content-Type"] == XLSX
    assert LogEntry.objects.filter(actor=officer, additional_data__job=job.pk).exists()


def test_commit_with_errors_needs_the_users_choice(job, officer, client):
    client.force_login(officer)
    response = client.post(reverse("imports:commit", args=[job.pk]), follow=True)
    assert "1 dòng lỗi" in response.content.decode()
    assert not Member.objects.filter(full_name="Qua Màn Hình").exists()
    client.post(reverse("imports:commit", args=[job.pk]), {"skip_errors": "on"})
    assert Member.objects.filter(full_name="Qua Màn Hình").exists()


@pytest.mark.parametrize(
    "name, method",
    [
        ("detail", "get"),
        ("progress", "get"),
        ("mapping", "get"),
        ("file", "get"),
        ("commit", "post"),
        ("rollback", "post"),
        ("retry", "post"),
    ],
)
def test_outside_the_subtree_is_404_and_anonymous_is_sent_to_login(job, tree, client, name, method):
    url = reverse(f"imports:{name}", args=[job.pk])
    response = getattr(client, method)(url)
    assert response.status_code == 302 and "/login/" in response.url
    outsider = factories.user("xa", role_code="org_board_officer", on=tree["commune"])
    client.force_login(outsider)
    assert getattr(client, method)(url).status_code == 404
    assert not Member.objects.filter(full_name="Qua Màn Hình").exists()


def test_a_viewer_sees_the_job_but_cannot_commit(job, tree, client):
    viewer = factories.user("xem", role_code="inspection_officer", on=tree["province"])
    client.force_login(viewer)
    page = client.get(reverse("imports:detail", args=[job.pk]))
    assert page.status_code == 200 and "Ghi vào cơ sở dữ liệu" not in page.content.decode()
    assert (
        client.post(reverse("imports:commit", args=[job.pk]), {"skip_errors": "on"}).status_code
        == 404
    )
    assert not Member.objects.filter(full_name="Qua Màn Hình").exists()


def test_upload_refuses_an_org_outside_and_a_non_excel_file(tree, officer, client):
    client.force_login(officer)
    content = xlsx_bytes(MEMBER_HEADERS, [member_row()])
    response = client.post(
        reverse("imports:upload"),
        {"kind": "members", "organization": tree["commune"].pk, "file": upload(content)},
    )
    assert response.status_code == 200 and not ImportJob.objects.exists()
    response = client.post(
        reverse("imports:upload"),
        {"kind": "members", "organization": tree["bloc"].pk, "file": upload(b"%PDF-1.4", "a.pdf")},
    )
    assert "«a.pdf» không thuộc loại được nhận" in response.content.decode()
    response = client.post(
        reverse("imports:upload"),
        {"kind": "members", "organization": tree["bloc"].pk, "file": upload(b"garbage", "a.xlsx")},
    )
    assert "«a.xlsx» không thuộc loại được nhận" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_job_list_query_count(
    job, tree, officer, client, run_import, django_assert_max_num_queries
):
    content = xlsx_bytes(MEMBER_HEADERS, [member_row("Khác")])
    for _ in range(5):
        run_import(officer, tree["bloc"], content)
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("imports:index"))
    assert response.content.decode().count("tep.xlsx") == 6


def _csv(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(MEMBER_HEADERS)
    writer.writerows(rows)
    return buffer.getvalue().encode()


FORMULA = '=HYPERLINK("http://x.invalid","Bấm")'


def _identity_rows(tree):
    """A correction of members_a[0]'s ID number (old → new in the report) and a number given
    twice (an error naming it)."""
    member = tree["members_a"][0]
    rows = [
        member_row(member.full_name, system_id=member.pk, id_number="079123456700"),
        member_row(FORMULA, id_number="079123456711"),
        member_row("Trùng Số", id_number="079123456711"),
    ]
    return member.id_number, rows


def test_the_kept_file_goes_only_to_those_who_see_id_numbers(tree, officer, client, run_import):
    """The upload may hold full ID numbers in any column: an inspection officer (no
    members.view_identity) cannot download it and reads the report masked; the officer gets a
    formula-safe copy; the original stays untouched; each download is logged."""
    old, rows = _identity_rows(tree)
    content = _csv(rows)
    job = run_import(officer, tree["bloc"], content, name="dang_vien.csv")
    url = reverse("imports:file", args=[job.pk])
    inspector = factories.user("kiemtra", role_code="inspection_officer", on=tree["province"])
    client.force_login(inspector)
    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert 'id="kept-file-hidden"' in page and url not in page
    for number in (old, "079123456700", "079123456711"):
        assert number not in page and mask_id_number(number) in page
    assert client.get(url).status_code == 404

    client.force_login(officer)
    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert url in page and all(n in page for n in (old, "079123456700", "079123456711"))
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="dang_vien-ban-luu.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = {c.value: c for row in sheet.iter_rows() for c in row if c.value}
    assert cells[FORMULA].data_type == "s" and cells[FORMULA].quotePrefix
    assert "079123456711" in cells
    logged = LogEntry.objects.filter(actor=officer, additional_data__job=job.pk)
    assert logged.count() == 1 and logged.get().additional_data["rows"] == 3
    job.refresh_from_db()
    assert job.file.read() == content


def test_the_api_report_masks_id_numbers_like_the_page(tree, officer, run_import):
    old, rows = _identity_rows(tree)
    job = run_import(officer, tree["bloc"], _csv(rows), name="a.csv")
    api = APIClient()
    api.force_authenticate(
        factories.user("kt", role_code="inspection_officer", on=tree["province"])
    )
    text = api.get(f"/api/v1/import-jobs/{job.pk}/report/").content.decode()
    for number in (old, "079123456700", "079123456711"):
        assert number not in text and mask_id_number(number) in text
    api.force_authenticate(officer)
    text = api.get(f"/api/v1/import-jobs/{job.pk}/report/").content.decode()
    assert all(n in text for n in (old, "079123456700", "079123456711"))
