"""The print layout of sheets: letterhead, title rows, signing block, page setup."""

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from dangbo.core import paper as layout
from dangbo.core.exports.cells import cell

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
    horizontal = style.get("align", "center")
    if style.get("one_line"):  # shrunk to its merged cells rather than broken in two
        return Alignment(horizontal=horizontal, vertical="center", shrink_to_fit=True)
    return Alignment(horizontal=horizontal, vertical="center", wrap_text=True)


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
    party = {"bold": True, "underline": True, "size": layout.PARTY_PT, "one_line": True}
    right = [(layout.PARTY_NAME, party)]
    date_row = max(len(left) - 1, 1)
    while len(right) < date_row:
        right.append(("", {}))
    right.append((layout.date_line(paper.place, paper.on), {"italic": True, "align": "right"}))
    lines = _side_by_side(left, right, (l1, l2), (r1, r2))
    lines.append([])
    for n, text in enumerate(paper.title):
        style = {"bold": True, "size": layout.TITLE_PT if n == 0 else layout.HEADER_PT}
        lines.append([(1, max(cols, 2), text, style)])
    if paper.title:
        lines.append([])
    return lines


def _side_by_side(left, right, left_span, right_span) -> list[list[tuple]]:
    """Rows of two columns of (text, style) lines — the left half and the right half of the
    sheet, as the letterhead and the signing block stand; a blank right line is left out."""
    lines = []
    for n in range(max(len(left), len(right))):
        parts = []
        if n < len(left):
            parts.append((*left_span, *left[n]))
        if n < len(right) and right[n][0]:
            parts.append((*right_span, *right[n]))
        lines.append(parts)
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
    lines = [[], *_side_by_side(left, right, (l1, l2), (r1, r2))]
    return lines


def _line_height(sheet, parts) -> float:
    """A block row tall enough for its longest part wrapped within its columns."""
    lines = 1
    for first, last, text, style in parts:
        if style.get("one_line"):
            continue
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
