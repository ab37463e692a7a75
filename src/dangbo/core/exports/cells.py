"""Spreadsheet cells that stay text (never a formula), dates as dd/mm/yyyy."""

from datetime import date, datetime

from openpyxl.cell.cell import ERROR_CODES, Cell

from dangbo.core.exports.text import clean_text, is_formula_like

# ---------------------------------------------------------------- spreadsheets


def _as_text_cell(cell) -> None:
    """A cell holding a string stays text: never a formula or an error code."""
    if isinstance(cell._value, str):
        cell.data_type = "s"
        if is_formula_like(cell._value):
            cell.quotePrefix = True


DATE_FORMAT = "DD/MM/YYYY"


class _TextCell(Cell):
    """A cell whose strings are cleaned and always text (see the `dangbo.core.exports`
    docstring); dates show as dd/mm/yyyy."""

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


def cell(sheet, value=None, **style) -> Cell:
    """A styled cell for `sheet.append([...])` on a streamed sheet (font=, fill=, comment=,
    alignment=, number_format=…), its text handled like every other value."""
    result = _TextCell(sheet, row=1, column=1, value=value)
    for name, setting in style.items():
        setattr(result, name, setting)
    return result
