"""Everything that leaves the system passes here: the spreadsheet, document and CSV writers,
the rule for personal ID numbers that screens, the API and files share, and the logged
responses. Apps never import openpyxl's Workbook, python-docx's Document or csv writers
themselves (`tests/core/test_outputs.py` fails if they do).

- Text. `clean_text` drops the characters XML cannot hold (control characters), so no export
  ever fails on a name pasted from elsewhere. `is_formula_like` spots text a spreadsheet would
  run as a formula (OWASP "CSV injection", ASVS 1.2.10: a leading =, +, -, @, tab, CR or LF,
  their full-width forms, also behind leading spaces).
- Spreadsheets. `new_workbook()`: every string written to its sheets is cleaned and stored as a
  text cell, never a formula; formula-like text also gets Excel's "quote prefix" (what Excel
  stores when one types '=…): shown as typed, still text when edited, read back without an
  apostrophe, so an exported file imports back unchanged. Styled cells: `cell(sheet, value)`.
- CSV. `csv_bytes(rows)`: formula-like fields get a leading apostrophe (OWASP).
- Documents. `DocumentWriter`: headings, paragraphs and tables with cleaned text.
- ID numbers. `IdentityMask(user)`: a number in full only on members of orgs where the user
  holds `members.view_identity`, otherwise its last 3 digits (`core.text.mask_id_number`).
- Responses. `xlsx_response`, `docx_response`, `csv_response`, `file_response`,
  `stored_file_response`: an attachment, recorded in the access log first.
"""

import csv
import io
import re
from collections.abc import Iterable
from inspect import isgenerator

from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES, Cell
from openpyxl.utils import column_index_from_string
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from dangbo.core.audit import log_export
from dangbo.core.permissions import reachable_paths
from dangbo.core.text import mask_id_number

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CSV = "text/csv; charset=utf-8"

# ---------------------------------------------------------------- text

# Not allowed in XML 1.0 (so in XLSX and DOCX): C0 controls but tab, LF, CR; lone surrogates;
# U+FFFE/U+FFFF. openpyxl refuses them outright, lxml (python-docx) too.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# What makes a spreadsheet read a cell as a formula: OWASP's list, and the full-width forms
# that CJK input methods type and some Excel versions take as their ASCII twins.
FORMULA_STARTS = frozenset("=+-@\t\r\n＝＋－＠")
_LEADING_SPACES = " \u00a0\u3000"


def clean_text(text: str) -> str:
    """The text without the characters an XLSX or DOCX file cannot hold."""
    return _NOT_XML.sub("", text)


def is_formula_like(text: str) -> bool:
    """Would a spreadsheet take this text for a formula (or the start of one)?"""
    if not text:
        return False
    if text[0] in FORMULA_STARTS:
        return True
    stripped = text.lstrip(_LEADING_SPACES)
    return stripped != text and bool(stripped) and stripped[0] in FORMULA_STARTS


def csv_value(value):
    """A CSV field: text cleaned, formula-like text behind an apostrophe; other values as they
    are (numbers stay numbers)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    text = clean_text(value)
    return f"'{text}" if is_formula_like(text) else text


# ---------------------------------------------------------------- ID numbers

IDENTITY_PERMISSION = "members.view_identity"
_ID_NUMBER = re.compile(r"(?<!\d)\d{12}(?!\d)")


class IdentityMask:
    """Personal ID numbers as `user` may see them — the one rule for screens, API and files:
    in full on members of orgs where the user holds `members.view_identity`, otherwise masked
    to the last 3 digits. Build one per request or file (it reads the user's reach once)."""

    def __init__(self, user):
        self.paths = reachable_paths(user, IDENTITY_PERMISSION)

    def shows(self, org_path: str | None) -> bool:
        """Does the user see ID numbers in full on the node at `org_path`?"""
        if self.paths is None:
            return True
        return bool(org_path) and any(org_path.startswith(p) for p in self.paths)

    @property
    def anywhere(self) -> bool:
        """Does the user see some ID numbers in full somewhere?"""
        return self.paths is None or bool(self.paths)

    def __call__(self, number: str | None, org_path: str | None) -> str:
        """`number` (of a person placed at `org_path`) as the user may see it."""
        if not number:
            return ""
        return number if self.shows(org_path) else mask_id_number(number)

    def in_text(self, text: str, org_path: str | None) -> str:
        """`text` (a message, a report line) with the ID numbers in it shown as the user may."""
        if not text or self.shows(org_path):
            return text
        return _ID_NUMBER.sub(lambda m: mask_id_number(m.group()), text)


# ---------------------------------------------------------------- spreadsheets


def _as_text_cell(cell) -> None:
    """A cell holding a string stays text: never a formula or an error code."""
    if isinstance(cell._value, str):
        cell.data_type = "s"
        if is_formula_like(cell._value):
            cell.quotePrefix = True


class _TextCell(Cell):
    """A cell whose strings are cleaned and always text (see the module docstring)."""

    __slots__ = ()

    def _bind_value(self, value):
        if isinstance(value, str):
            value = clean_text(value)
        super()._bind_value(value)
        _as_text_cell(self)


def _needs_text_cell(text: str) -> bool:
    return is_formula_like(text) or text in ERROR_CODES


def _safe_row(sheet, values):
    for value in values:
        if isinstance(value, str):
            value = clean_text(value)
            if _needs_text_cell(value):
                value = _TextCell(sheet, row=1, column=1, value=value)
            yield value
        else:
            if isinstance(value, Cell):
                _as_text_cell(value)
            yield value


class _SafeWorksheet(Worksheet):
    """A worksheet whose every cell is a _TextCell (append, cell(), ws["A1"] = …)."""

    def _get_cell(self, row, column):
        if (row, column) not in self._cells:
            if not 0 < row < 1048577:
                raise ValueError(f"Row numbers must be between 1 and 1048576 (got {row})")
            self._add_cell(_TextCell(self, row=row, column=column))
        return self._cells[(row, column)]

    def append(self, iterable):
        if isinstance(iterable, dict):  # {column: value} → a row with gaps
            columns = {
                column_index_from_string(k) if isinstance(k, str) else k: v
                for k, v in iterable.items()
            }
            iterable = [columns.get(n) for n in range(1, max(columns, default=0) + 1)]
        if isinstance(iterable, list | tuple | range) or isgenerator(iterable):
            iterable = list(_safe_row(self, iterable))
        super().append(iterable)


class _SafeWriteOnlyWorksheet(WriteOnlyWorksheet):
    """A streamed worksheet whose rows go through the same rule before they are written."""

    def append(self, row):
        if isinstance(row, list | tuple | range) or isgenerator(row):
            row = list(_safe_row(self, row))
        super().append(row)


class SafeWorkbook(Workbook):
    """An openpyxl workbook whose sheets write text safely (build it with `new_workbook`)."""

    def __init__(self, write_only=False, iso_dates=False):
        super().__init__(write_only=write_only, iso_dates=iso_dates)
        if not write_only:
            self._sheets.clear()
            self._sheets.append(_SafeWorksheet(self))

    def create_sheet(self, title=None, index=None):
        if self.read_only:
            return super().create_sheet(title, index)
        kind = _SafeWriteOnlyWorksheet if self.write_only else _SafeWorksheet
        sheet = kind(parent=self, title=title)
        self._add_sheet(sheet=sheet, index=index)
        return sheet


def new_workbook(*, write_only: bool = False) -> SafeWorkbook:
    """The one way to start a spreadsheet export. `write_only=True` streams rows to disk
    (memory stays flat on 100,000 rows); sheets are then made with `create_sheet`."""
    return SafeWorkbook(write_only=write_only)


def cell(sheet, value=None, **style) -> Cell:
    """A styled cell for `sheet.append([...])` on a streamed sheet (font=, fill=, comment=,
    alignment=, number_format=…), its text handled like every other value."""
    result = _TextCell(sheet, row=1, column=1, value=value)
    for name, setting in style.items():
        setattr(result, name, setting)
    return result


def _checked(workbook) -> SafeWorkbook:
    if not isinstance(workbook, SafeWorkbook):
        raise TypeError("Spreadsheet exports are built with dangbo.core.exports.new_workbook().")
    for sheet in workbook.worksheets:
        if isinstance(sheet, Worksheet):  # a cell set up by hand still becomes text
            for item in sheet._cells.values():
                if item.data_type == "f":
                    _as_text_cell(item)
    return workbook


def workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    _checked(workbook).save(buffer)
    return buffer.getvalue()


def save_workbook(workbook, path) -> None:
    """Write a workbook to a file (background exports)."""
    _checked(workbook).save(path)


# ---------------------------------------------------------------- CSV


def csv_bytes(rows: Iterable[Iterable]) -> bytes:
    """Rows as UTF-8 CSV with a BOM (Excel then reads it as UTF-8), every field `csv_value`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([csv_value(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# ---------------------------------------------------------------- documents


class DocumentWriter:
    """A Word document (python-docx) written through cleaned text. `document` is the
    python-docx Document for layout the methods do not cover; text put there directly must go
    through `clean_text`."""

    ALIGN = {"left": 0, "center": 1, "right": 2, "justify": 3}

    def __init__(self):
        from docx import Document

        self.document = Document()

    @staticmethod
    def text(value) -> str:
        return "" if value is None else clean_text(str(value))

    def _align(self, paragraph, align: str | None):
        if align:
            from docx.enum.text import WD_ALIGN_PARAGRAPH

            paragraph.alignment = WD_ALIGN_PARAGRAPH(self.ALIGN[align])
        return paragraph

    def heading(self, text, level: int = 1, *, align: str | None = None):
        return self._align(self.document.add_heading(self.text(text), level=level), align)

    def paragraph(self, text="", style: str | None = None, *, align: str | None = None):
        return self._align(self.document.add_paragraph(self.text(text), style), align)

    def table(self, header=None, rows: Iterable[Iterable] = (), *, style="Table Grid", bold=False):
        """A table with an optional header row (bold if asked) and the rows."""
        columns = len(header) if header else None
        rows = list(rows)
        if columns is None:
            columns = len(rows[0]) if rows else 1
        table = self.document.add_table(rows=1 if header else 0, cols=columns)
        if style:
            table.style = style
        if header:
            for target, value in zip(table.rows[0].cells, header, strict=True):
                target.text = self.text(value)
                for run in target.paragraphs[0].runs:
                    run.bold = bold or None
        for values in rows:
            self.add_row(table, values)
        return table

    def add_row(self, table, values: Iterable):
        cells = table.add_row().cells
        # a shorter row leaves its last cells empty
        for target, value in zip(cells, values, strict=False):
            target.text = self.text(value)
        return cells

    def picture(self, image: bytes, *, width_cm: float):
        from docx.shared import Cm

        return self.document.add_picture(io.BytesIO(image), width=Cm(width_cm))

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def new_document() -> DocumentWriter:
    """The one way to start a Word export."""
    return DocumentWriter()


# ---------------------------------------------------------------- charts


def pyplot():
    """matplotlib's pyplot for the charts of screens and documents: drawn off-screen, and text
    stays text (a "$" in a name is not read as mathtext, which fails on "$x^$")."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["text.parse_math"] = False
    from matplotlib import pyplot as plt

    return plt


# ---------------------------------------------------------------- responses


def file_response(
    request, body: bytes, *, content_type: str, filename: str, what, rows: int, **details
) -> HttpResponse:
    """An attachment response for an export, recorded in the access log first. `body` comes
    from one of the writers above."""
    log_export(request, what, rows, filename=filename, **details)
    response = HttpResponse(body, content_type=content_type)
    # quoted, or RFC 6266 filename* for names from uploads (non-ASCII, quotes, line breaks)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def xlsx_response(request, workbook, *, filename: str, what, rows: int, **details):
    """A workbook from `new_workbook()` as a logged attachment."""
    return file_response(
        request,
        workbook_bytes(workbook),
        content_type=XLSX,
        filename=filename,
        what=what,
        rows=rows,
        **details,
    )


def docx_response(request, document, *, filename: str, what, rows: int, **details):
    """A `DocumentWriter` as a logged attachment."""
    if not isinstance(document, DocumentWriter):
        raise TypeError("Word exports are built with dangbo.core.exports.new_document().")
    return file_response(
        request,
        document.to_bytes(),
        content_type=DOCX,
        filename=filename,
        what=what,
        rows=rows,
        **details,
    )


def csv_response(request, rows: list, *, filename: str, what, **details):
    """Rows (the first one the header) as a logged CSV attachment."""
    return file_response(
        request,
        csv_bytes(rows),
        content_type=CSV,
        filename=filename,
        what=what,
        rows=max(len(rows) - 1, 0),
        **details,
    )


def stored_file_response(
    request, fileobj, *, filename: str, what, rows: int, inline: bool = False, **details
):
    """A file kept by the system (a finished background export, an attachment), streamed and
    recorded in the access log first."""
    log_export(request, what, rows, filename=filename, **details)
    return FileResponse(fileobj, as_attachment=not inline, filename=filename)
