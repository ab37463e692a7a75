"""The party's paper (core.paper) and how core.exports lays every file out with it: header
lines, signing block from the issuing org's level, date line; workbooks on A4 fitted to the
width with a repeated header row and widths from the content; Word documents on A4 with the
guidance's margins, the letterhead and the signing block. Read back with openpyxl and
python-docx."""

import io
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook
from openpyxl.styles import Font

from dangbo.core import exports, paper, pdf
from dangbo.core.paper import (
    date_line,
    letterhead_lines,
    number_line,
    place_of,
    signing_titles,
    text_width,
)
from tests.paper.pdfcheck import read as read_pdf
from tests.paper.pdfcheck import render

DAY = date(2026, 12, 7)


# ---------------------------------------------------------------- pure parts


@pytest.mark.parametrize(
    ("level", "kwargs", "expected"),
    [
        ("cell", {}, ["T/M CHI ỦY", "BÍ THƯ"]),
        ("grassroots_cell", {"has_committee": False}, ["T/M CHI BỘ", "BÍ THƯ"]),
        ("grassroots_committee", {}, ["T/M ĐẢNG ỦY", "BÍ THƯ"]),
        ("grassroots_committee", {"has_standing": True}, ["T/M BAN THƯỜNG VỤ", "BÍ THƯ"]),
        ("sub_committee", {}, ["T/M ĐẢNG ỦY", "BÍ THƯ"]),
        ("superior", {}, ["T/M BAN THƯỜNG VỤ", "BÍ THƯ"]),
        ("province", {"deputy": True}, ["T/M BAN THƯỜNG VỤ", "K/T BÍ THƯ", "PHÓ BÍ THƯ"]),
    ],
)
def test_signing_block_follows_the_issuing_orgs_level(level, kwargs, expected):
    assert signing_titles(level, DAY, **kwargs) == expected


def test_signing_table_is_dated():
    # before the first edition the first one applies; every edition covers every case
    assert signing_titles("cell", date(2000, 1, 1)) == ["T/M CHI ỦY", "BÍ THƯ"]
    for _start, source, table in paper.SIGNING_EDITIONS:
        assert source and set(table) == {
            "cell",
            "cell_no_committee",
            "committee_standing",
            "committee",
            "upper",
        }


def test_header_lines_in_capitals():
    assert letterhead_lines("Chi bộ Văn phòng", "cell", "Đảng bộ Sở Tư pháp") == [
        "ĐẢNG BỘ SỞ TƯ PHÁP",
        "CHI BỘ VĂN PHÒNG",
    ]
    # a party committee issues as its committee; its superior is the party organisation
    assert letterhead_lines(
        "Đảng bộ Sở Tư pháp", "grassroots_committee", "Đảng ủy Khối các cơ quan tỉnh"
    ) == ["ĐẢNG BỘ KHỐI CÁC CƠ QUAN TỈNH", "ĐẢNG ỦY SỞ TƯ PHÁP"]
    assert letterhead_lines("Đảng bộ tỉnh Sông Hồng", "province", None) == [
        "ĐẢNG ỦY TỈNH SÔNG HỒNG"
    ]


def test_date_number_and_place_lines():
    assert date_line("Sông Hồng", DAY) == "Sông Hồng, ngày 07 tháng 12 năm 2026"
    assert date_line("", date(2026, 1, 5)) == "ngày 05 tháng 01 năm 2026"
    assert number_line(12, "QĐ/ĐU") == "Số 12-QĐ/ĐU"
    assert number_line(None, "QĐ/ĐU").startswith("Số ") and "-QĐ/ĐU" in number_line(None, "QĐ/ĐU")
    assert place_of("Đảng bộ tỉnh Sông Hồng") == "Sông Hồng"
    assert place_of("Đảng bộ thành phố Hà Nội") == "Hà Nội"
    assert place_of("Đảng bộ Khối") == ""


def test_text_width_counts_vietnamese_letters_once():
    decomposed = "Nguye\u0302\u0303n"  # "Nguyễn" with combining marks
    assert text_width(decomposed) == text_width("Nguyễn")
    assert text_width("ĐẢNG VIÊN") > text_width("đảng viên")


# ---------------------------------------------------------------- workbooks


def _book(write_only: bool, rows: int = 3, **kwargs):
    book = exports.new_workbook(write_only=write_only, **kwargs)
    sheet = book.create_sheet("Danh sách") if write_only else book.active
    sheet.append(["DANH SÁCH ĐẢNG VIÊN ĐỦ ĐIỀU KIỆN XÉT TẶNG HUY HIỆU"])
    sheet.append([])
    sheet.append(["STT", "Họ và tên", "Ngày sinh", "Chi bộ", "Ghi chú"])
    for n in range(1, rows + 1):
        sheet.append(
            [n, "Nguyễn Thị Phương Thảo", date(1985, 3, 15), "Chi bộ Phòng Nghiệp vụ", "Đề nghị"]
        )
    return load_workbook(io.BytesIO(exports.workbook_bytes(book))).worksheets[0]


def _header_row(sheet) -> int:
    return next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "STT")


@pytest.mark.parametrize("write_only", [False, True])
def test_workbook_prints_on_a4_fitted_to_the_width(write_only):
    sheet = _book(write_only, rows=300 if write_only else 3)  # past the streamed buffer
    setup = sheet.page_setup
    assert setup.paperSize == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert setup.fitToWidth == 1 and setup.fitToHeight == 0
    assert setup.orientation == "portrait"
    assert round(sheet.page_margins.left * 25.4) == 30
    assert round(sheet.page_margins.right * 25.4) == 15
    header = _header_row(sheet)
    assert sheet.print_title_rows == f"${header}:${header}"
    # widths from the content: the name column wider than the number column, not the default
    widths = {c: sheet.column_dimensions[c].width for c in "ABCD"}
    assert widths["B"] > widths["A"] and widths["B"] >= len("Nguyễn Thị Phương Thảo")
    assert widths["C"] >= 10  # a date never shows "###"
    assert sheet.cell(header + 1, 3).number_format == exports.DATE_FORMAT
    # the neutral letterhead: the party's name and the date line above the table
    top = [sheet.cell(r, c).value for r in range(1, header) for c in range(1, 6)]
    assert paper.PARTY_NAME in top
    assert any(isinstance(v, str) and v.startswith("ngày ") for v in top)
    # the title row: merged across the table, centred, taller than a plain row
    title = next(r for r in range(1, header) if str(sheet.cell(r, 1).value).startswith("DANH SÁCH"))
    assert any(str(m).startswith(f"A{title}:") for m in sheet.merged_cells.ranges)
    assert sheet.row_dimensions[title].height >= 18


@pytest.mark.parametrize("write_only", [False, True])
def test_wide_tables_print_landscape(write_only):
    book = exports.new_workbook(write_only=write_only)
    sheet = book.create_sheet("x") if write_only else book.active
    sheet.append([f"Cột số {n} có tên dài" for n in range(12)])
    sheet.append(["Đảng bộ Sở Tư pháp tỉnh Sông Hồng"] * 12)
    read = load_workbook(io.BytesIO(exports.workbook_bytes(book))).worksheets[0]
    assert read.page_setup.orientation == "landscape"


def test_app_widths_are_kept():
    book = exports.new_workbook(letterhead=False)
    sheet = book.active
    sheet.column_dimensions["B"].width = 42
    sheet.append(["a", "b"])
    sheet.append(["1", "2"])
    read = load_workbook(io.BytesIO(exports.workbook_bytes(book))).active
    assert read.column_dimensions["B"].width == 42
    assert read.cell(1, 1).value == "a"  # no letterhead: rows where they were written


def test_letterhead_moves_merged_cells_and_frozen_panes():
    book = exports.new_workbook()
    sheet = book.active
    sheet.append(["Tiêu đề"])
    sheet.merge_cells("A1:C1")
    sheet.append(["A", "B", "C"])
    sheet.append([1, 2, 3])
    sheet["A3"].font = Font(bold=True)
    sheet.freeze_panes = "A3"
    read = load_workbook(io.BytesIO(exports.workbook_bytes(book))).active
    header = next(r for r in range(1, 20) if read.cell(r, 1).value == "A")
    title = header - 1
    assert read.cell(title, 1).value == "Tiêu đề"
    assert f"A{title}:C{title}" in {str(m) for m in read.merged_cells.ranges}
    assert read.freeze_panes == f"A{header + 1}"
    assert read.cell(header + 1, 1).font.b


# ---------------------------------------------------------------- documents


def _cell_texts(document) -> list[str]:
    return [
        p.text for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs
    ]


def test_document_on_a4_with_letterhead_and_signing_block():
    sheet = paper.Paper(
        on=DAY,
        org_lines=["ĐẢNG BỘ SỞ TƯ PHÁP", "CHI BỘ VĂN PHÒNG"],
        place="Sông Hồng",
        number="Số 12-QĐ/CB",
        title=["QUYẾT ĐỊNH", "về việc kết nạp đảng viên"],
        signing=["T/M CHI ỦY", "BÍ THƯ"],
        signer="Nguyễn Văn Bình",
        recipients=["Như Điều 2", "Lưu Chi bộ"],
    )
    doc = exports.new_document(paper=sheet)
    doc.paragraph("Nội dung.")
    read = Document(io.BytesIO(doc.to_bytes()))
    section = read.sections[0]
    sizes = [section.page_width, section.page_height, section.left_margin, section.right_margin]
    sizes += [section.top_margin, section.bottom_margin]
    assert [round(s.mm) for s in sizes] == [210, 297, 30, 15, 20, 20]
    assert read.styles["Normal"].font.name == "Times New Roman"
    texts = _cell_texts(read)
    for expected in [
        "ĐẢNG BỘ SỞ TƯ PHÁP",
        "CHI BỘ VĂN PHÒNG",
        "*",
        "Số 12-QĐ/CB",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Sông Hồng, ngày 07 tháng 12 năm 2026",
        "T/M CHI ỦY",
        "BÍ THƯ",
        "Nguyễn Văn Bình",
        "Nơi nhận:",
        "- Lưu Chi bộ;",
    ]:
        assert expected in texts, expected
    party = next(
        r
        for t in read.tables
        for c in t.rows[0].cells
        for p in c.paragraphs
        for r in p.runs
        if r.text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    )
    assert party.underline and party.bold
    date_run = next(
        r
        for t in read.tables
        for c in t.rows[0].cells
        for p in c.paragraphs
        for r in p.runs
        if r.text.startswith("Sông Hồng, ngày")
    )
    assert date_run.italic
    body = [p.text for p in read.paragraphs]
    assert body.index("QUYẾT ĐỊNH") < body.index("Nội dung.")
    # the signing block comes after the body, once even if written out twice
    assert read.tables[-1].rows[0].cells[1].paragraphs[0].text == "T/M CHI ỦY"
    assert len(Document(io.BytesIO(doc.to_bytes())).tables) == 2


def test_document_tables_repeat_their_header_row():
    doc = exports.new_document()
    doc.table(["Họ và tên", "Nhiệm vụ"], [["Nguyễn Văn Bình", "Bí thư"]])
    read = Document(io.BytesIO(doc.to_bytes()))
    table = read.tables[-1]
    assert table.rows[0]._tr.trPr.xpath("./w:tblHeader")


# ---------------------------------------------------------------- rendering (LibreOffice)


@render
def test_documents_render_to_one_a4_page_with_libreoffice():
    """Rendered through LibreOffice as an office opens them (core.pdf; skipped with the
    reason where LibreOffice or poppler is not installed)."""
    doc = exports.new_document(paper=paper.Paper(on=DAY, org_lines=["CHI BỘ VĂN PHÒNG"]))
    doc.paragraph("Tiếng Việt: Đảng viên, ưu tú, Nguyễn Thị Hằng.")
    result = read_pdf(pdf.to_pdf(doc.to_bytes()))
    assert len(result.pages) == 1 and result.pages[0].a4
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in result.flat and "Nguyễn Thị Hằng" in result.flat
