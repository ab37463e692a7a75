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
from datetime import date, datetime
from inspect import isgenerator

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from dangbo.core import paper as layout
from dangbo.core.audit import log_export
from dangbo.core.errors import DomainError
from dangbo.core.paper import paper_for
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


DATE_FORMAT = "DD/MM/YYYY"


class _TextCell(Cell):
    """A cell whose strings are cleaned and always text (see the module docstring); dates show
    as dd/mm/yyyy."""

    __slots__ = ()

    def _bind_value(self, value):
        if isinstance(value, str):
            value = clean_text(value)
        super()._bind_value(value)
        _as_text_cell(self)
        if isinstance(value, date) and not isinstance(value, datetime):
            self.number_format = DATE_FORMAT


def _needs_text_cell(text: str) -> bool:
    return is_formula_like(text) or text in ERROR_CODES


def _safe_row(sheet, values):
    for value in values:
        if isinstance(value, str):
            value = clean_text(value)
            if _needs_text_cell(value):
                value = _TextCell(sheet, row=1, column=1, value=value)
            yield value
        elif isinstance(value, date) and not isinstance(value, datetime):
            yield _TextCell(sheet, row=1, column=1, value=value)
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
    """A streamed worksheet whose rows go through the same rule before they are written. The
    first rows wait in a buffer (`BUFFER_ROWS`): the column widths, title rows and header row
    are read from them, and the letterhead goes above them, before anything is streamed."""

    def __init__(self, parent, title):
        super().__init__(parent, title)
        self._buffer: list = []
        self._started = False
        self._layout = None
        self._written = 0
        self.paper = None

    def _stream(self, row) -> None:
        WriteOnlyWorksheet.append(self, row)
        self._written += 1

    def append(self, row):
        if isinstance(row, list | tuple | range) or isgenerator(row):
            row = list(_safe_row(self, row))
        if self._started:
            self._stream(row)
            return
        self._buffer.append(row)
        if len(self._buffer) >= BUFFER_ROWS:
            self.start_streaming()

    def start_streaming(self):
        """Lay out the buffered rows (widths, titles, letterhead) and stream them."""
        if self._started:
            return
        self._started = True
        rows, self._buffer = self._buffer, []
        layout = _Layout.of([_plain(row) for row in rows])
        self._layout = layout
        layout.set_widths(self)
        self.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)  # written first
        top = _letterhead(self.paper, layout.cols) if self.paper else []
        for number, line in enumerate(top, start=1):
            self._stream(_line_cells(self, line, number))
        layout.offset = len(top)
        for index, row in enumerate(rows):
            if index in layout.titles:
                row = _title_row(self, row, layout, index + 1 + layout.offset)
            elif index == layout.header:
                row = [_wrapped(self, value) for value in row]
            self._stream(row)

    def finish(self):
        self.start_streaming()
        bottom = _signing(self.paper, self._layout.cols) if self.paper else []
        for number, line in enumerate(bottom, start=self._written + 1):
            self._stream(_line_cells(self, line, number))
        self._layout.print_setup(self)


# ---------------------------------------------------------------- print layout of sheets

BUFFER_ROWS = 200  # rows of a streamed sheet read before the first is written
_SCAN_ROWS = 30  # where the header row is looked for
_TITLE_HEIGHT = 1.7  # row height per point of font: capitals with marks above ("Ả", "Ễ")
_LINE_HEIGHT = 20.0  # letterhead and signing rows (13–14 pt Times New Roman)


def _plain(row) -> list:
    if not isinstance(row, list):
        return []
    return [value.value if isinstance(value, Cell) else value for value in row]


def _filled(values) -> int:
    return sum(1 for value in values if value not in (None, ""))


class _Layout:
    """What the printed page needs to know about a sheet's own rows: its width in columns,
    the header row (repeated on every page), the title rows above it (merged, centred, tall
    enough) and the column widths computed from the content."""

    def __init__(self, cols: int, header: int | None, titles: set[int], widths: dict[int, float]):
        self.cols, self.header, self.titles, self.widths = cols, header, titles, widths
        self.offset = 0  # rows put above the sheet's own (the letterhead)

    @classmethod
    def of(cls, rows: list[list]) -> "_Layout":
        cols = max(
            (max((n + 1 for n, v in enumerate(r) if v not in (None, "")), default=0) for r in rows),
            default=0,
        )
        counts = [_filled(r) for r in rows[:_SCAN_ROWS]]
        best = max(counts, default=0)
        header = next(
            (n for n, count in enumerate(counts) if count >= 2 and count * 2 >= best), None
        )
        titles = set()
        if header is not None:
            titles = {
                n
                for n in range(header)
                if counts[n] == 1 and rows[n] and rows[n][0] not in (None, "")
            }
        table = rows[header:] if header is not None else rows
        widths = {}
        for col in range(cols):
            values = [r[col] for r in table[1:] if col < len(r)]
            width = layout.column_width(values)
            if header is not None and col < len(rows[header]) and rows[header][col]:
                # a header wraps: it widens its column only up to a point
                width = max(width, min(layout.column_width([rows[header][col]]), 18))
            widths[col + 1] = width
        return cls(max(cols, 1), header, titles, widths)

    def set_widths(self, sheet) -> None:
        for col, width in self.widths.items():
            letter = get_column_letter(col)
            if letter not in sheet.column_dimensions:  # the app's own width stays
                sheet.column_dimensions[letter].width = width

    def total_width(self, sheet) -> float:
        return sum(
            (sheet.column_dimensions[get_column_letter(c)].width or 13)
            for c in range(1, self.cols + 1)
        )

    def print_setup(self, sheet) -> None:
        setup = sheet.page_setup
        setup.paperSize = Worksheet.PAPERSIZE_A4
        wide = self.total_width(sheet) > layout.XLSX_PORTRAIT_CHARS
        setup.orientation = "landscape" if wide else "portrait"
        setup.fitToWidth = 1
        setup.fitToHeight = 0  # as many pages as the rows need
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        mm = layout.MARGINS_MM
        sheet.page_margins = PageMargins(
            left=mm["left"] / layout.MM_PER_INCH,
            right=mm["right"] / layout.MM_PER_INCH,
            top=mm["top"] / layout.MM_PER_INCH,
            bottom=mm["bottom"] / layout.MM_PER_INCH,
            header=0.3,
            footer=0.3,
        )
        sheet.print_options.horizontalCentered = True
        sheet.oddFooter.center.text = "Trang &P/&N"
        if self.header is not None:
            row = self.header + 1 + self.offset
            sheet.print_title_rows = f"{row}:{row}"


def _font(style: dict) -> Font:
    return Font(
        name=layout.FONT,
        size=style.get("size", layout.HEADER_PT),
        bold=style.get("bold", False),
        italic=style.get("italic", False),
        underline="single" if style.get("underline") else None,
    )


def _align(style: dict) -> Alignment:
    return Alignment(horizontal=style.get("align", "center"), vertical="center", wrap_text=True)


def _halves(cols: int) -> tuple[tuple[int, int], tuple[int, int]]:
    cols = max(cols, 2)
    left = max(1, cols // 2 - (1 if cols >= 6 else 0))
    return (1, left), (left + 1, cols)


def _letterhead(paper, cols: int) -> list[list[tuple[int, int, str, dict]]]:
    """Rows of the letterhead: parts (first column, last column, text, style)."""
    (l1, l2), (r1, r2) = _halves(cols)
    left = []
    for n, line in enumerate(paper.org_lines):
        last = n == len(paper.org_lines) - 1
        left.append((line, {"bold": last}))
    if left:
        left.append(("*", {}))
    if paper.number:
        left.append((paper.number, {}))
    right = [(layout.PARTY_NAME, {"bold": True, "underline": True, "size": layout.PARTY_PT})]
    date_row = max(len(left) - 1, 1)
    while len(right) < date_row:
        right.append(("", {}))
    right.append((layout.date_line(paper.place, paper.on), {"italic": True, "align": "right"}))
    lines = []
    for n in range(max(len(left), len(right))):
        parts = []
        if n < len(left):
            parts.append((l1, l2, *left[n]))
        if n < len(right) and right[n][0]:
            parts.append((r1, r2, *right[n]))
        lines.append(parts)
    lines.append([])
    for n, text in enumerate(paper.title):
        style = {"bold": True, "size": layout.TITLE_PT if n == 0 else layout.HEADER_PT}
        lines.append([(1, max(cols, 2), text, style)])
    if paper.title:
        lines.append([])
    return lines


def _signing(paper, cols: int) -> list[list[tuple[int, int, str, dict]]]:
    """Rows of the signing block and the recipients, under the table."""
    if not paper.signing and not paper.recipients:
        return []
    (l1, l2), (r1, r2) = _halves(cols)
    right = [(line, {"bold": True}) for line in paper.signing]
    right += [("", {})] * 3 + [(paper.signer, {"bold": True})]
    left = []
    if paper.recipients:
        left.append((layout.RECIPIENTS_LABEL, {"bold": True, "italic": True, "align": "left"}))
        left += [(f"- {r}", {"size": layout.SMALL_PT, "align": "left"}) for r in paper.recipients]
    lines = [[]]
    for n in range(max(len(left), len(right))):
        parts = []
        if n < len(left):
            parts.append((l1, l2, *left[n]))
        if n < len(right) and right[n][0]:
            parts.append((r1, r2, *right[n]))
        lines.append(parts)
    return lines


def _line_height(sheet, parts) -> float:
    """A block row tall enough for its longest part wrapped within its columns."""
    lines = 1
    for first, last, text, style in parts:
        span = sum(
            sheet.column_dimensions[get_column_letter(c)].width or 13
            for c in range(first, last + 1)
        )
        needed = layout.text_width(text) * style.get("size", layout.HEADER_PT) / 11
        lines = max(lines, int(needed // max(span - 1, 1)) + 1)
    return _LINE_HEIGHT * lines


def _line_cells(sheet, parts, number: int) -> list:
    """A block row for a streamed sheet: styled cells, merged ranges, a taller row."""
    values: list = []
    for first, last, text, style in parts:
        values += [None] * (first - 1 - len(values))
        values.append(cell(sheet, text, font=_font(style), alignment=_align(style)))
        if last > first:
            sheet.merged_cells.add(
                CellRange(min_col=first, min_row=number, max_col=last, max_row=number)
            )
            values += [None] * (last - first)
    if parts:
        sheet.row_dimensions[number].height = _line_height(sheet, parts)
    return values


def _title_height(value, font, layout_: _Layout, sheet) -> float:
    size = (font.sz if font is not None and font.sz else 11) or 11
    lines = 1
    if isinstance(value, str):
        lines = max(
            1, int(layout.text_width(value) * size / 11 // max(layout_.total_width(sheet), 1)) + 1
        )
    return round(size * _TITLE_HEIGHT * lines, 1)


def _title_row(sheet, row: list, layout_: _Layout, number: int) -> list:
    """A title row of a streamed sheet: its text merged across the table, centred, tall."""
    first = row[0]
    if not isinstance(first, Cell):
        first = cell(sheet, first)
    first.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    if layout_.cols > 1:
        sheet.merged_cells.add(
            CellRange(min_col=1, min_row=number, max_col=layout_.cols, max_row=number)
        )
    sheet.row_dimensions[number].height = _title_height(first.value, first.font, layout_, sheet)
    return [first, *row[1:]]


def _wrapped(sheet, value):
    """A header cell: wraps between words instead of spilling (a plain value only: the app's
    own styled cells stay as they are)."""
    if isinstance(value, Cell) or value is None:
        return value
    return cell(
        sheet, value, alignment=Alignment(horizontal="center", vertical="center", wrap_text=True)
    )


def _shift_down(sheet, count: int) -> None:
    """Room for `count` rows at the top: cells, merged ranges, heights, frozen panes move."""
    merged = list(sheet.merged_cells.ranges)
    sheet.insert_rows(1, count)
    for item in merged:
        item.shift(row_shift=count)
    heights = {n: d.height for n, d in sheet.row_dimensions.items() if d.height}
    for n in list(sheet.row_dimensions):
        del sheet.row_dimensions[n]
    for n, height in heights.items():
        sheet.row_dimensions[n + count].height = height
    if sheet.freeze_panes:
        frozen = sheet[sheet.freeze_panes]
        sheet.freeze_panes = sheet.cell(frozen.row + count, frozen.column)


def _put_lines(sheet, lines, first_row: int) -> None:
    for number, parts in enumerate(lines, start=first_row):
        for first, last, text, style in parts:
            target = sheet.cell(number, first, text)
            target.font = _font(style)
            target.alignment = _align(style)
            if last > first:
                sheet.merge_cells(
                    start_row=number, start_column=first, end_row=number, end_column=last
                )
        if parts:
            sheet.row_dimensions[number].height = _line_height(sheet, parts)


def _finish_sheet(sheet, paper) -> None:
    """The print layout of a sheet built in memory (see `SafeWorkbook.finish`)."""
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    plan = _Layout.of(rows)
    plan.set_widths(sheet)
    for index in plan.titles:
        number = index + 1
        target = sheet.cell(number, 1)
        target.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if plan.cols > 1 and not any(
            number in (r.min_row,) and r.min_col == 1 for r in sheet.merged_cells.ranges
        ):
            sheet.merge_cells(
                start_row=number, start_column=1, end_row=number, end_column=plan.cols
            )
        sheet.row_dimensions[number].height = _title_height(target.value, target.font, plan, sheet)
    if plan.header is not None:
        for target in sheet[plan.header + 1]:
            if target.value is not None and not target.alignment.wrap_text:
                target.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    if paper is not None:
        top = _letterhead(paper, plan.cols)
        _shift_down(sheet, len(top))
        _put_lines(sheet, top, 1)
        plan.offset = len(top)
        _put_lines(sheet, _signing(paper, plan.cols), sheet.max_row + 1)
    plan.print_setup(sheet)


class SafeWorkbook(Workbook):
    """An openpyxl workbook whose sheets write text safely (build it with `new_workbook`)."""

    def __init__(self, write_only=False, iso_dates=False, paper=None):
        super().__init__(write_only=write_only, iso_dates=iso_dates)
        self.paper = paper  # the first sheet's letterhead and signing block (None: none)
        self._finished = False
        if not write_only:
            self._sheets.clear()
            self._sheets.append(_SafeWorksheet(self))

    def create_sheet(self, title=None, index=None):
        if self.read_only:
            return super().create_sheet(title, index)
        kind = _SafeWriteOnlyWorksheet if self.write_only else _SafeWorksheet
        sheet = kind(parent=self, title=title)
        if self.write_only and not self._sheets:
            sheet.paper = self.paper
        self._add_sheet(sheet=sheet, index=index)
        return sheet

    def finish(self):
        """Print layout of every sheet (once, when the workbook is saved): widths from the
        content, A4 fitted to the width, repeated header row; the letterhead above the first
        sheet's table and the signing block under it."""
        if self._finished:
            return
        self._finished = True
        for index, sheet in enumerate(self.worksheets):
            if isinstance(sheet, _SafeWriteOnlyWorksheet):
                sheet.finish()
            elif isinstance(sheet, Worksheet):
                _finish_sheet(sheet, self.paper if index == 0 else None)


def new_workbook(
    *, write_only: bool = False, org=None, on: date | None = None, letterhead: bool = True, **paper
) -> SafeWorkbook:
    """The one way to start a spreadsheet export. `write_only=True` streams rows to disk
    (memory stays flat on 100,000 rows); sheets are then made with `create_sheet`.

    The first sheet is printed as the party files it: the letterhead of `org` (the export's
    scope; None: the party's name and the date only) above the table and its signing block
    under it (`core.paper.paper_for`; `title=`, `recipients=` pass on). `letterhead=False`
    for files meant to be imported back (templates, data exchange): widths and print setup
    only."""
    chosen = None
    if letterhead:
        chosen = paper_for(org, on or timezone.localdate(), **paper)
    return SafeWorkbook(write_only=write_only, paper=chosen)


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
    workbook.finish()
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
    """A Word document (python-docx) written through cleaned text, on the party's paper: A4,
    the guidance's margins and Times New Roman, the letterhead of `paper` (None: none) first,
    its title, and its signing block and recipients added once when the document is written
    out. `document` is the python-docx Document for layout the methods do not cover; text put
    there directly must go through `clean_text`."""

    ALIGN = {"left": 0, "center": 1, "right": 2, "justify": 3}

    def __init__(self, paper=None):
        from docx import Document

        self.document = Document()
        self.paper = paper
        self._signed = False
        self._page()
        if paper is not None:
            self.letterhead(paper)

    # -------------------------------------------------------- page and letterhead

    def _page(self) -> None:
        from docx.oxml.ns import qn
        from docx.shared import Mm, Pt, RGBColor

        for section in self.document.sections:
            section.page_width, section.page_height = (Mm(n) for n in layout.PAGE_A4_MM)
            section.top_margin = Mm(layout.MARGINS_MM["top"])
            section.bottom_margin = Mm(layout.MARGINS_MM["bottom"])
            section.left_margin = Mm(layout.MARGINS_MM["left"])
            section.right_margin = Mm(layout.MARGINS_MM["right"])
        styles = self.document.styles
        for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Table Grid"):
            try:
                style = styles[name]
            except KeyError:
                continue
            style.font.name = layout.FONT
            fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
            for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                fonts.set(qn(attribute), layout.FONT)
            if name == "Normal":
                style.font.size = Pt(layout.BODY_PT)
            elif name.startswith("Heading") or name == "Title":
                style.font.color.rgb = RGBColor(0, 0, 0)
                style.font.size = Pt(layout.TITLE_PT if name != "Heading 3" else layout.BODY_PT)

    @property
    def text_width_mm(self) -> float:
        return layout.PAGE_A4_MM[0] - layout.MARGINS_MM["left"] - layout.MARGINS_MM["right"]

    def _block(self, left, right, left_mm: float):
        """A two-column table without borders: (text, style) lines left and right."""
        from docx.shared import Mm

        table = self.document.add_table(rows=1, cols=2)
        table.autofit = False
        widths = (Mm(left_mm), Mm(self.text_width_mm - left_mm))
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width  # the grid LibreOffice lays out by
        for target, width, lines in zip(table.rows[0].cells, widths, (left, right), strict=True):
            target.width = width
            first = True
            for text, style in lines:
                paragraph = target.paragraphs[0] if first else target.add_paragraph()
                first = False
                self._styled(paragraph, text, style)
        return table

    def _styled(self, paragraph, text, style: dict):
        from docx.shared import Pt

        self._align(paragraph, style.get("align", "center"))
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.paragraph_format.space_before = Pt(0)
        run = paragraph.add_run(self.text(text))
        run.font.size = Pt(style.get("size", layout.HEADER_PT))
        run.bold = style.get("bold") or None
        run.italic = style.get("italic") or None
        run.underline = style.get("underline") or None
        return paragraph

    def letterhead(self, paper) -> None:
        """The header block (left: superior and issuer in capitals, "*", the number; right:
        the party's name underlined, the place and date in italics), then the title."""
        left = []
        for n, line in enumerate(paper.org_lines):
            left.append((line, {"bold": n == len(paper.org_lines) - 1}))
        if left:
            left.append(("*", {}))
        if paper.number:
            left.append((paper.number, {}))
        right = [
            (layout.PARTY_NAME, {"bold": True, "underline": True, "size": layout.PARTY_PT}),
            ("", {}),
        ]
        right.append((layout.date_line(paper.place, paper.on), {"italic": True}))
        self._block(left, right, left_mm=70)
        for n, line in enumerate(paper.title):
            style = {"bold": True, "size": layout.TITLE_PT if n == 0 else layout.BODY_PT}
            paragraph = self.document.add_paragraph()
            self._styled(paragraph, line, style)
            if n == 0:
                from docx.shared import Pt

                paragraph.paragraph_format.space_before = Pt(12)

    def signature(self) -> None:
        """The signing block (right) and the recipients (left), once, at the end."""
        paper = self.paper
        if self._signed or paper is None or not (paper.signing or paper.recipients):
            return
        self._signed = True
        left = []
        if paper.recipients:
            left.append((layout.RECIPIENTS_LABEL, {"bold": True, "italic": True, "align": "left"}))
            left += [
                (f"- {r};", {"size": layout.SMALL_PT, "align": "left"}) for r in paper.recipients
            ]
        right = [(line, {"bold": True}) for line in paper.signing]
        right += [("", {})] * 3 + [(paper.signer, {"bold": True})]
        self.document.add_paragraph()
        self._block(left, right, left_mm=75)

    # -------------------------------------------------------- content

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
        """A table with an optional header row (bold if asked; repeated on every page) and the
        rows."""
        from dangbo.core import doctable

        columns = len(header) if header else None
        rows, numbers = doctable.aligned_numbers(rows)  # one count of decimals per column
        if columns is None:
            columns = len(rows[0]) if rows else 1
        table = self.document.add_table(rows=1 if header else 0, cols=columns)
        if style:
            table.style = style
        self._fit(table, header, rows)
        if header:
            for target, value in zip(table.rows[0].cells, header, strict=True):
                target.text = self.text(value)
                for run in target.paragraphs[0].runs:
                    run.bold = bold or None
            _repeat_header(table.rows[0])
        for values, flags in zip(rows, numbers, strict=True):
            cells = self.add_row(table, values)
            for target, number in zip(cells, flags, strict=False):
                if number:
                    self._align(target.paragraphs[0], "right")
        return table

    def _fit(self, table, header, rows) -> None:
        """Column widths from the content (no header word broken); a table too wide for the
        portrait page turns the page to landscape."""
        from docx.enum.section import WD_ORIENT
        from docx.shared import Mm

        from dangbo.core import doctable

        texts = [[self.text(v) for v in r] for r in rows]
        widths, landscape = doctable.column_widths(
            [self.text(v) for v in header or []], texts, self.text_width_mm
        )
        section = self.document.sections[-1]
        if landscape and section.orientation != WD_ORIENT.LANDSCAPE:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = section.page_height, section.page_width
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=False):
            column.width = Mm(width)  # the grid: rows added later take it
            for target in column.cells:
                target.width = Mm(width)

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
        self.signature()
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def _repeat_header(row) -> None:
    """Mark a table row as the header repeated at the top of every page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.append(marker)


def new_document(
    *, org=None, on: date | None = None, letterhead: bool = True, paper=None, **parts
) -> DocumentWriter:
    """The one way to start a Word export: on A4 with the party's letterhead of `org` (the
    export's scope; None: the party's name and the date) and, at the end, its signing block
    (`core.paper.paper_for`; `title=`, `number=`, `recipients=` pass on). A ready `paper`
    (decisions) is used as it is; `letterhead=False`: the page layout only."""
    if paper is None and letterhead:
        paper = paper_for(org, on or timezone.localdate(), **parts)
    return DocumentWriter(paper=paper)


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


def issued_document_response(request, issue, *, back: str, what, **details):
    """The DOCX of a document issued (or found kept) by `issue()`, as a logged attachment; a
    DomainError from it is shown on the page at `back` instead."""
    try:
        document = issue()
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(back)
    return file_response(
        request,
        bytes(document.content),
        content_type=DOCX,
        filename=document.file_name,
        what=what,
        rows=1,
        document=document.pk,
        **details,
    )


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
