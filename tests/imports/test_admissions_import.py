"""Importing outstanding candidates (admission files at their first step)."""

import pytest

from dangbo.admissions.models import AdmissionFile, AdmissionStep
from dangbo.admissions.rules import Stage
from dangbo.core.errors import DomainError
from dangbo.imports import services
from dangbo.imports.rules import ADMISSION_SHAPE
from tests.imports.helpers import xlsx_bytes
from tests.imports.test_exports import save, sheet_rows

HEADERS = [c.label for c in ADMISSION_SHAPE.columns]


def row(
    name="Ngô Thị Ưu Tú", number="", birth="20/10/1998", org="Chi bộ Văn phòng", on="15/01/2025"
):
    values = {
        "full_name": name,
        "gender": "Nữ",
        "birth_date": birth,
        "id_number": number,
        "organization": org,
        "identified_on": on,
    }
    return [values.get(c.field) for c in ADMISSION_SHAPE.columns]


def test_preview_commit_rollback(tree, officer, run_import):
    member_number = "001085000001"
    member = tree["members_a"][0]
    member.id_number = member_number
    member.save()
    content = xlsx_bytes(
        HEADERS,
        [
            row(number="001198000001"),  # 2: fine
            row("Trùng Số", number="001198000001"),  # 3: same number as row 2
            row("Đã Là Đảng Viên", number=member_number),  # 4
            row("Ngày Sai", on="01/01/2099"),  # 5
            row("Sai Chi Bộ", org="Đảng bộ Sở Tư pháp"),  # 6
            row("Không Dấu", org="chi bo phong nghiep vu", birth="2001-02-03"),  # 7: fine
        ],
    )
    job = run_import(officer, tree["bloc"], content, kind="admissions")
    assert job.counts["create"] == 2 and job.counts["error"] == 4, job.report["errors"]
    errors = {(e["row"], e["column"].split(" (")[0]): e["message"] for e in job.report["errors"]}
    assert "trùng với dòng 2" in errors[(3, "Số định danh cá nhân")]
    assert "đã thuộc một đảng viên" in errors[(4, "Số định danh cá nhân")]
    assert "không được sau ngày hôm nay" in errors[(5, "Ngày xác định là quần chúng ưu tú *")]
    assert "hồ sơ kết nạp thuộc một chi bộ" in errors[(6, "Chi bộ *")]

    job = services.request_commit(job, user=officer, skip_errors=True)
    assert job.state == "committed", job.error_message
    files = AdmissionFile.objects.order_by("pk")
    assert [(f.full_name, f.organization_id, f.stage) for f in files] == [
        ("Ngô Thị Ưu Tú", tree["cell_a"].pk, Stage.IDENTIFIED),
        ("Không Dấu", tree["cell_b"].pk, Stage.IDENTIFIED),
    ]
    step = AdmissionStep.objects.get(file=files[0])
    assert step.recorded_by == officer and f"#{job.pk}" in step.note

    job = services.request_rollback(job, user=officer)
    assert job.state == "rolled_back"
    assert not AdmissionFile.objects.exists() and not AdmissionStep.objects.exists()


def test_export_round_trip_and_changes_refused(tree, officer, run_import):
    job = run_import(officer, tree["bloc"], xlsx_bytes(HEADERS, [row()]), kind="admissions")
    services.request_commit(job, user=officer, skip_errors=False)
    content, export = services.export_bytes("admissions", user=officer, root=tree["bloc"])
    assert export.row_count == 1
    workbook, rows = sheet_rows(content)
    assert rows[0] == HEADERS and rows[1][1] == "Ngô Thị Ưu Tú"
    assert rows[1][-2] == "Chi bộ Văn phòng" and rows[1][-1] == "15/01/2025"

    again = run_import(officer, tree["bloc"], content, kind="admissions")
    assert again.counts == {"create": 0, "update": 0, "unchanged": 1, "error": 0, "total": 1}

    workbook.worksheets[0].cell(row=2, column=2).value = "Ngô Thị Đổi Tên"
    edited = run_import(officer, tree["bloc"], save(workbook), kind="admissions")
    assert "màn hình Kết nạp đảng viên" in edited.report["errors"][0]["message"]

    # a later step on the file: the import can no longer be rolled back
    file = AdmissionFile.objects.get()
    AdmissionStep.objects.create(file=file, stage=Stage.COURSE, date=file.identified_on)
    with pytest.raises(DomainError, match="tham chiếu"):
        services.request_rollback(job, user=officer)
