"""Exports: the document count table as XLSX, laid out like a statistical form."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from dangbo.core.exports import new_document, new_workbook, pyplot, workbook_bytes
from dangbo.core.text import vi_number, vi_percent

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
    wb = new_workbook(org=org)
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
    return workbook_bytes(wb)


def progress_chart_png(labels: list[str], percents: list[float]) -> bytes:
    """Horizontal bars of the top-level items' progress (matplotlib, offline)."""
    plt = pyplot()

    height = max(1.5, 0.35 * len(labels) + 0.8)
    fig, ax = plt.subplots(figsize=(6.5, height), dpi=120)
    short = [label if len(label) <= 45 else label[:44] + "…" for label in labels]
    ax.barh(range(len(short)), percents, color="#b02a37")
    ax.set_yticks(range(len(short)), short, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("Tiến độ (%)")
    fig.tight_layout()
    buffer = BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def programme_docx(programme, summary: dict, rows: list[dict], on: date) -> bytes:
    """Progress report: 'x of y done', the table of top-level items, and the chart."""
    doc = new_document(org=programme.organization)
    doc.heading(f"BÁO CÁO TIẾN ĐỘ {programme.title.upper()}", level=1)
    doc.paragraph(
        f"{programme.organization.name} — số liệu đến ngày {on:%d/%m/%Y}. "
        f"Đã hoàn thành {summary['done']}/{summary['total']} mục; tiến độ chung "
        f"{vi_percent(summary['percent'])}; {summary['overdue']} phần việc quá hạn."
    )
    doc.table(
        ["STT", "Nội dung", "Chủ trì", "Thời hạn", "Tiến độ (%)", "Tình trạng"],
        (
            [
                str(n),
                row["item"].title,
                row["item"].organization.name,
                f"{row['item'].due_on:%d/%m/%Y}",
                vi_number(row["percent"], 1),
                row["status"]["label"],
            ]
            for n, row in enumerate(rows, start=1)
        ),
    )
    if rows:
        chart = progress_chart_png([r["item"].title for r in rows], [r["percent"] for r in rows])
        doc.paragraph()
        doc.picture(chart, width_cm=16)
    return doc.to_bytes()
