"""Exports of a statistical table: XLSX laid out as a form, DOCX with text/table/chart, CSV, SVG."""

import csv
import io

from docx import Document
from docx.shared import Cm
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from dangbo.reports.report import MemberTable

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _subtitle(table: MemberTable) -> str:
    return f"{table.root.name} — tính đến ngày {table.on:%d/%m/%Y}"


def to_xlsx(table: MemberTable) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Bao cao"
    width = len(table.columns) + 3
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(1, 1, table.title.upper()).font = Font(bold=True, size=13)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws.cell(2, 1, _subtitle(table)).alignment = Alignment(horizontal="center")
    header_row = 4
    ws.merge_cells(start_row=header_row, start_column=1, end_row=header_row + 1, end_column=1)
    ws.merge_cells(start_row=header_row, start_column=2, end_row=header_row + 1, end_column=2)
    ws.cell(header_row, 1, "STT")
    ws.cell(header_row, 2, "Tổ chức")
    ws.cell(header_row, 3, "Tổng số")
    ws.merge_cells(start_row=header_row, start_column=3, end_row=header_row + 1, end_column=3)
    ws.merge_cells(start_row=header_row, start_column=4, end_row=header_row, end_column=width)
    ws.cell(header_row, 4, f"Chia theo {table.breakdown.label.lower()}")
    for i, (_value, label) in enumerate(table.columns):
        ws.cell(header_row + 1, 4 + i, label)
    row = header_row + 2
    for index, data in enumerate(table.rows, start=1):
        ws.cell(row, 1, index)
        ws.cell(row, 2, data.label)
        ws.cell(row, 3, data.total)
        for i, value in enumerate(data.cells):
            ws.cell(row, 4 + i, value)
        row += 1
    ws.cell(row, 2, "Tổng cộng").font = Font(bold=True)
    ws.cell(row, 3, table.grand_total).font = Font(bold=True)
    for i, value in enumerate(table.totals):
        ws.cell(row, 4 + i, value).font = Font(bold=True)
    for r in ws.iter_rows(min_row=header_row, max_row=row, max_col=width):
        for cell in r:
            cell.border = BOX
            if cell.row <= header_row + 1:
                cell.font = Font(bold=True)
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.column_dimensions["B"].width = 42
    for col in range(3, width + 1):
        ws.column_dimensions[get_column_letter(col)].width = 13
    ws.cell(row + 2, width - 1, "NGƯỜI LẬP BIỂU").font = Font(bold=True)
    ws.cell(row + 3, width - 1, "(Ký, ghi rõ họ tên)").font = Font(italic=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def to_csv(table: MemberTable) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Tổ chức", "Tổng số", *[label for _v, label in table.columns]])
    for data in table.rows:
        writer.writerow([data.label, data.total, *data.cells])
    writer.writerow(["Tổng cộng", table.grand_total, *table.totals])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel opens it as UTF-8


def chart(table: MemberTable, fmt: str = "svg") -> bytes:
    """A bar chart of the totals by breakdown value (matplotlib, offline)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    labels = [label for _v, label in table.columns]
    fig, ax = plt.subplots(figsize=(7, 3.2), dpi=100)
    bars = ax.bar(range(len(labels)), table.totals, color="#c62828")
    ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right", fontsize=8)
    ax.bar_label(bars, fontsize=8)
    ax.set_title(table.title, fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt)
    plt.close(fig)
    return buffer.getvalue()


def to_docx(table: MemberTable) -> bytes:
    doc = Document()
    doc.add_heading(table.title, level=1)
    doc.add_paragraph(_subtitle(table))
    doc.add_paragraph(
        f"Tổng số đảng viên: {table.grand_total:,}".replace(",", ".")
        + ". Số liệu theo thời điểm hiệu lực (ngày quyết định), có thể đối chiếu từng dòng."
    )
    grid = doc.add_table(rows=1, cols=len(table.columns) + 2)
    grid.style = "Table Grid"
    header = grid.rows[0].cells
    header[0].text, header[1].text = "Tổ chức", "Tổng số"
    for i, (_v, label) in enumerate(table.columns):
        header[2 + i].text = label
    for data in [*table.rows]:
        cells = grid.add_row().cells
        cells[0].text, cells[1].text = data.label, str(data.total)
        for i, value in enumerate(data.cells):
            cells[2 + i].text = str(value)
    cells = grid.add_row().cells
    cells[0].text, cells[1].text = "Tổng cộng", str(table.grand_total)
    for i, value in enumerate(table.totals):
        cells[2 + i].text = str(value)
    doc.add_picture(io.BytesIO(chart(table, "png")), width=Cm(16))
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
