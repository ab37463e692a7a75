"""Exports: the document count table as XLSX, laid out like a statistical form."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _period(start: date | None, end: date | None) -> str:
    if start and end:
        return f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"
    if start:
        return f"Từ ngày {start:%d/%m/%Y}"
    if end:
        return f"Đến ngày {end:%d/%m/%Y}"
    return "Toàn bộ thời gian"


def count_table_xlsx(table: dict, *, org, start: date | None, end: date | None) -> bytes:
    """One sheet: title, period, header (STT, tổ chức, one column per type, tổng), rows, total."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Văn bản ban hành"
    types = table["types"]
    last_col = len(types) + 3
    ws.append([f"THỐNG KÊ VĂN BẢN BAN HÀNH — {org.name.upper()}"])
    ws.append([_period(start, end)])
    ws.append([])
    header = ["STT", "Tổ chức đảng", *[t.value for t in types], "Tổng"]
    ws.append(header)
    for n, row in enumerate(table["rows"], start=1):
        ws.append([n, row["label"], *row["counts"], row["total"]])
    ws.append(["", "Tổng cộng", *table["totals"], table["grand_total"]])
    for cell_range in ("A1", "A2"):
        ws.merge_cells(f"{cell_range}:{get_column_letter(last_col)}{cell_range[1:]}")
        ws[cell_range].alignment = Alignment(horizontal="center")
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"].font = Font(italic=True)
    for row in ws.iter_rows(min_row=4, max_row=ws.max_row, max_col=last_col):
        for cell in row:
            cell.border = BOX
    for cell in ws[4]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 45
    for col in range(3, last_col + 1):
        ws.column_dimensions[get_column_letter(col)].width = 8
    ws.freeze_panes = "C5"
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
