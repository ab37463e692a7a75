"""Exports: the file list as XLSX, one file's record (all steps) as DOCX."""

from io import BytesIO

from docx import Document
from openpyxl import Workbook

from dangbo.admissions.rules import Stage

COLUMNS = [
    ("Họ và tên", lambda f: f.full_name),
    ("Ngày sinh", lambda f: f.birth_date),
    ("Chi bộ", lambda f: f.organization.name),
    ("Bước", lambda f: f.get_stage_display()),
    ("Ngày xác định", lambda f: f.identified_on),
    ("Ngày quyết định kết nạp", lambda f: f.decided_on),
    ("Số quyết định", lambda f: f.decision_number),
    ("Ngày lễ kết nạp", lambda f: f.ceremony_on),
    ("Hạn tiếp theo", lambda f: f.next_deadline),
    ("Việc đến hạn", lambda f: f.next_deadline_label),
]


def files_xlsx(files) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Hồ sơ kết nạp")
    sheet.append([title for title, _get in COLUMNS])
    for file in files:
        sheet.append([get(file) for _title, get in COLUMNS])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def file_docx(file, steps) -> bytes:
    doc = Document()
    doc.add_heading(f"Hồ sơ kết nạp đảng viên: {file.full_name}", level=1)
    doc.add_paragraph(
        f"Chi bộ: {file.organization.name}. Ngày sinh: {file.birth_date:%d/%m/%Y}. "
        f"Bước hiện tại: {file.get_stage_display()}."
    )
    if file.next_deadline:
        doc.add_paragraph(
            f"Hạn tiếp theo: {file.next_deadline:%d/%m/%Y} — {file.next_deadline_label}."
        )
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    titles = ["Ngày", "Bước", "Số văn bản", "Minh chứng"]
    for cell, title in zip(table.rows[0].cells, titles, strict=True):
        cell.text = title
    for step in steps:
        row = table.add_row().cells
        row[0].text = f"{step.date:%d/%m/%Y}"
        row[1].text = Stage.LABELS.get(step.stage, step.stage)
        row[2].text = step.decision_number
        row[3].text = _evidence_text(step)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def _evidence_text(step) -> str:
    e = step.evidence or {}
    parts = []
    if e.get("certificate_number"):
        parts.append(f"Giấy chứng nhận số {e['certificate_number']}")
    for person in e.get("introducers", []):
        parts.append(f"Người giới thiệu: {person['name']}")
    if e.get("youth_union_resolution"):
        parts.append(f"Nghị quyết Đoàn: {e['youth_union_resolution']}")
    if e.get("result"):
        parts.append(f"Thẩm tra: {e['result']}")
    if e.get("eligible"):
        parts.append(f"Biểu quyết {e['votes_for']}/{e['eligible']}")
    if step.exception:
        parts.append(f"Ngoại lệ: {step.exception}")
    if step.note:
        parts.append(step.note)
    return "; ".join(parts)
