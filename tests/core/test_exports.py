"""The rules of dangbo.core.exports on their own: text cleaning, formula-like text, the safe
workbook (normal and streamed), CSV fields, Word text and the ID-number rule. Every export
endpoint is walked in tests/core/test_outputs.py."""

import csv
import io

import pytest
from docx import Document
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from python_calamine import CalamineWorkbook

from dangbo.core import exports
from dangbo.core.models import Role, RoleAssignment
from tests import factories

FORMULAS = [
    '=HYPERLINK("http://x.invalid","y")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "＝1+1",
    "＋1",
    "－1",
    "＠SUM(1)",
]
PLAIN = ["Nguyễn Văn Bình", "Chi bộ 3", "a=b", "1-2", "", "O'Brien"]


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_like_text_is_spotted(text):
    assert exports.is_formula_like(text)


@pytest.mark.parametrize("text", PLAIN)
def test_plain_text_is_not_formula_like(text):
    assert not exports.is_formula_like(text)


@given(st.text())
def test_clean_text_leaves_only_what_xml_holds(text):
    cleaned = exports.clean_text(text)
    assert exports.clean_text(cleaned) == cleaned
    assert all(c in "\t\n\r" or (c >= " " and c not in "\ufffe\uffff") for c in cleaned)
    assert not any("\ud800" <= c <= "\udfff" for c in cleaned)


def _write(write_only: bool, values: list, extra=None) -> bytes:
    book = exports.new_workbook(write_only=write_only, letterhead=False)  # rows as written
    sheet = book.create_sheet("Dữ liệu") if write_only else book.active
    sheet.append(values)
    if extra:
        extra(sheet)
    return exports.workbook_bytes(book)


@pytest.mark.parametrize("write_only", [False, True])
def test_workbook_writes_formula_like_text_as_quoted_text(write_only):
    values = [*FORMULAS, "#N/A", "ok\x01\x02 tên", 12, None, "Nguyễn Văn Bình"]
    sheet = load_workbook(io.BytesIO(_write(write_only, values))).worksheets[-1]
    cells = {c.value: c for c in next(sheet.iter_rows()) if c.value is not None}
    for text in FORMULAS:
        cell = cells[text]  # the value itself, without an apostrophe: imports read it back
        assert cell.data_type == "s" and cell.quotePrefix, text
    assert cells["#N/A"].data_type == "s"  # not an error code either
    assert "ok tên" in cells and cells[12].data_type == "n"
    assert not cells["Nguyễn Văn Bình"].quotePrefix
    # the import reader sees exactly the values written
    book = CalamineWorkbook.from_filelike(io.BytesIO(_write(write_only, FORMULAS)))
    assert list(book.get_sheet_by_name(book.sheet_names[-1]).iter_rows())[0] == FORMULAS


def test_every_way_of_setting_a_cell_is_covered():
    def more(sheet):
        sheet["B3"] = "=EVIL()"
        sheet.cell(4, 1, "+1\x00")
        sheet.cell(5, 1).value = "@x"
        sheet.append({"C": "-y", 1: "ok"})
        sheet.merge_cells("A7:B7")
        sheet["A7"] = "=merged"
        sheet.insert_rows(1)

    sheet = load_workbook(io.BytesIO(_write(False, ["=a"], more))).active
    texts = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert {c.value for c in texts} >= {"=a", "=EVIL()", "+1", "@x", "-y", "ok", "=merged"}
    assert all(c.data_type == "s" for c in texts)
    assert all(c.quotePrefix for c in texts if c.value != "ok")


def test_styled_cells_of_a_streamed_sheet_are_safe():
    book = exports.new_workbook(write_only=True, letterhead=False)
    sheet = book.create_sheet("x")
    sheet.append([exports.cell(sheet, "=1+2\x03", font=Font(bold=True))])
    cell = load_workbook(io.BytesIO(exports.workbook_bytes(book))).active["A1"]
    assert (cell.value, cell.data_type, cell.quotePrefix, cell.font.b) == ("=1+2", "s", True, True)


def test_a_plain_openpyxl_workbook_is_refused():
    with pytest.raises(TypeError):
        exports.workbook_bytes(Workbook())
    with pytest.raises(TypeError):
        exports.docx_response(None, Document(), filename="x", what="x", rows=0)


def test_csv_fields_get_an_apostrophe_and_numbers_stay():
    body = exports.csv_bytes([["Tên", "Số"], *([text, -5] for text in FORMULAS), ["ok\x01", 3]])
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["Tên", "Số"]
    for text, row in zip(FORMULAS, rows[1:], strict=False):
        assert row[0] == "'" + text and row[1] == "-5"
    assert rows[-1] == ["ok", "3"]


def test_document_writer_drops_control_characters():
    doc = exports.new_document(letterhead=False)
    doc.heading("=Tiêu đề\x01", level=1)
    doc.paragraph("Đoạn\x0b văn", align="center")
    doc.table(["A", "B"], [["\x02x", None], ["chỉ một ô"]], bold=True)
    read = Document(io.BytesIO(doc.to_bytes()))
    texts = [p.text for p in read.paragraphs]
    assert "=Tiêu đề" in texts and "Đoạn văn" in texts
    cells = [c.text for row in read.tables[0].rows for c in row.cells]
    assert cells == ["A", "B", "x", "", "chỉ một ô", ""]


def test_charts_take_names_as_plain_text():
    plt = exports.pyplot()
    fig, ax = plt.subplots()
    ax.set_title("Chi bộ $x^$ và $\\undefined$")
    ax.bar([0], [1])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")  # as mathtext this raises ValueError
    plt.close(fig)
    assert buffer.getvalue().startswith(b"\x89PNG")


def test_identity_mask_follows_the_permission_per_org(tree):
    role = Role.objects.create(code="xem_so", name="Xem số", permissions=["members.view_identity"])
    user = factories.user(role_code="viewer", on=tree["committee"])
    RoleAssignment.objects.create(user=user, role=role, organization=tree["cell_a"])
    shown = exports.IdentityMask(user)
    number = "001203004567"
    assert shown(number, tree["cell_a"].path) == number
    assert shown(number, tree["cell_b"].path) == "*********567"
    assert shown(None, tree["cell_a"].path) == "" and shown.anywhere
    text = f"Số định danh {number} đã thuộc một đảng viên khác."
    assert shown.in_text(text, tree["cell_b"].path) == text.replace(number, "*********567")
    assert shown.in_text(text, tree["cell_a"].path) == text
    nobody = exports.IdentityMask(factories.user(role_code="viewer", on=tree["province"]))
    assert nobody(number, tree["cell_a"].path) == "*********567" and not nobody.anywhere
    admin = exports.IdentityMask(factories.user(is_superuser=True))
    assert admin(number, None) == number


def test_a_file_name_from_an_upload_cannot_break_the_header(rf, db):
    request = rf.get("/x/")
    request.user = factories.user(is_superuser=True)
    response = exports.file_response(
        request, b"x", content_type=exports.CSV, filename='Đảng "viên"\n.csv', what="x", rows=1
    )
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%C4%90%E1%BA%A3ng%20%22vi%C3%AAn%22%0A.csv"
    )
