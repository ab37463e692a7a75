"""Exports of a statistical table: XLSX laid out as a form, DOCX with text/table/chart, CSV, SVG.

Every table (member statistics, module reports) is first turned into a `Grid`: a title, the
column headers (optionally grouped under one merged header), one row per org and a total row.
"""

import io
from dataclasses import dataclass, field

from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from dangbo.core.exports import csv_bytes, new_document, new_workbook, pyplot, workbook_bytes
from dangbo.core.text import vi_number

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


@dataclass
class Grid:
    title: str
    subtitle: str
    lead_columns: list[str]  # columns before the group (e.g. "Tổng số")
    columns: list[str]  # the grouped columns
    group_header: str = ""
    rows: list[tuple[str, list]] = field(default_factory=list)  # (org label, values)
    totals: list = field(default_factory=list)
    summary: str = ""
    chart_columns: list[int] | None = None  # indexes into columns to chart (default: all)
    org: object = None  # the report's root: the letterhead of the printed file

    @property
    def headers(self) -> list[str]:
        return [*self.lead_columns, *self.columns]


def _format(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return vi_number(value, 1)
    return str(value)


def to_xlsx(grid: Grid) -> bytes:
    wb = new_workbook(org=grid.org)
    ws = wb.active
    ws.title = "Bao cao"
    lead = len(grid.lead_columns)
    width = len(grid.headers) + 2
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(1, 1, grid.title.upper()).font = Font(bold=True, size=13)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws.cell(2, 1, grid.subtitle).alignment = Alignment(horizontal="center")
    header_row = 4
    for col, label in enumerate(["STT", "Tổ chức", *grid.lead_columns], start=1):
        ws.merge_cells(
            start_row=header_row, start_column=col, end_row=header_row + 1, end_column=col
        )
        ws.cell(header_row, col, label)
    first = 3 + lead
    if grid.group_header and grid.columns:
        ws.merge_cells(
            start_row=header_row, start_column=first, end_row=header_row, end_column=width
        )
        ws.cell(header_row, first, grid.group_header)
        for i, label in enumerate(grid.columns):
            ws.cell(header_row + 1, first + i, label)
    else:
        for i, label in enumerate(grid.columns):
            ws.merge_cells(
                start_row=header_row,
                start_column=first + i,
                end_row=header_row + 1,
                end_column=first + i,
            )
            ws.cell(header_row, first + i, label)
    row = header_row + 2
    for index, (label, values) in enumerate(grid.rows, start=1):
        ws.cell(row, 1, index)
        ws.cell(row, 2, label)
        for i, value in enumerate(values):
            ws.cell(row, 3 + i, value)
        row += 1
    ws.cell(row, 2, "Tổng cộng").font = Font(bold=True)
    for i, value in enumerate(grid.totals):
        ws.cell(row, 3 + i, value).font = Font(bold=True)
    for r in ws.iter_rows(min_row=header_row, max_row=row, max_col=width):
        for cell in r:
            cell.border = BOX
            if cell.row <= header_row + 1:
                cell.font = Font(bold=True)
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.column_dimensions["B"].width = 42
    for col in range(3, width + 1):
        ws.column_dimensions[get_column_letter(col)].width = 13
    # signed once: the letterhead's signing block under the table (core.exports)
    return workbook_bytes(wb)


def to_csv(grid: Grid) -> bytes:
    return csv_bytes(
        [
            ["Tổ chức", *grid.headers],
            *([label, *values] for label, values in grid.rows),
            ["Tổng cộng", *grid.totals],
        ]
    )


def chart(grid: Grid, fmt: str = "svg") -> bytes:
    """A bar chart of the totals of the grouped columns (matplotlib, offline)."""
    plt = pyplot()

    lead = len(grid.lead_columns)
    picked = grid.chart_columns if grid.chart_columns is not None else range(len(grid.columns))
    labels = [grid.columns[i] for i in picked]
    values = [grid.totals[lead + i] or 0 for i in picked]
    fig, ax = plt.subplots(figsize=(7, 3.2), dpi=100)
    bars = ax.bar(range(len(labels)), values, color="#c62828")
    ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right", fontsize=8)
    ax.bar_label(bars, fontsize=8)
    ax.set_title(grid.title, fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt)
    plt.close(fig)
    return buffer.getvalue()


def to_docx(grid: Grid) -> bytes:
    doc = new_document(org=grid.org)
    doc.heading(grid.title, level=1)
    doc.paragraph(grid.subtitle)
    if grid.summary:
        doc.paragraph(grid.summary)
    doc.table(
        ["Tổ chức", *grid.headers],
        (
            [label, *(_format(v) for v in values)]
            for label, values in [*grid.rows, ("Tổng cộng", grid.totals)]
        ),
    )
    doc.picture(chart(grid, "png"), width_cm=16)
    return doc.to_bytes()
