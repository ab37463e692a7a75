"""Spreadsheets: the safe worksheets (plain and streamed) and workbook, and their writers."""

import io
from datetime import date
from inspect import isgenerator

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.utils import column_index_from_string
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from dangbo.core.exports.cells import _as_text_cell, _safe_row, _TextCell
from dangbo.core.exports.sheet_layout import (
    BUFFER_ROWS,
    _finish_sheet,
    _Layout,
    _letterhead,
    _line_cells,
    _plain,
    _signing,
    _title_row,
    _wrapped,
)
from dangbo.core.paper import paper_for


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
