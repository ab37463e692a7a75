"""Writing workbooks: import templates (headers, lists, an example row) and exports of the same
shape. Both stream (openpyxl write-only), so a 100,000-row export stays small in memory."""

from collections.abc import Iterable

from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from dangbo.core.exports import cell, new_workbook, workbook_bytes
from dangbo.imports.rules import Shape

LISTS_SHEET = "Danh mục"
GUIDE_SHEET = "Hướng dẫn"
MAX_LIST_ROWS = 5000  # longer look-up lists (orgs of a whole province) are not offered as lists
HEADER_FILL = PatternFill("solid", fgColor="FDE2E1")
DATE_COLUMNS = "date"


def _header_cells(ws, shape: Shape) -> list:
    return [
        cell(
            ws,
            column.label,
            font=Font(bold=True, color="9B1C1C" if column.required else "000000"),
            fill=HEADER_FILL,
            comment=Comment(column.note, "dangbo") if column.note else None,
        )
        for column in shape.columns
    ]


def build_workbook(
    shape: Shape,
    rows: Iterable[tuple],
    lists: dict[str, list[str]],
    *,
    example: bool,
) -> bytes:
    """A workbook: the data sheet (headers, optional example row, rows), a sheet of lists used by
    the data validations, and a short guide."""
    workbook = new_workbook(write_only=True, letterhead=False)  # imported back
    ws = workbook.create_sheet(shape.title)
    list_ws = workbook.create_sheet(LISTS_SHEET)
    guide = workbook.create_sheet(GUIDE_SHEET)
    ws.freeze_panes = "A2"
    for index, column in enumerate(shape.columns, start=1):
        width = 14 if column.kind in ("date", "system_id") else 26
        ws.column_dimensions[get_column_letter(index)].width = width

    list_columns = []
    for index, column in enumerate(shape.columns, start=1):
        values = lists.get(column.field)
        if values is None and column.choices:
            values = [label for _value, label in column.choices]
        if values and len(values) <= MAX_LIST_ROWS:
            list_columns.append((index, column, values))
    max_list = max((len(v) for _i, _c, v in list_columns), default=0)
    list_ws.append([c.header for _i, c, _v in list_columns])
    for n in range(max_list):
        list_ws.append([v[n] if n < len(v) else None for _i, _c, v in list_columns])
    for position, (index, column, values) in enumerate(list_columns, start=1):
        letter = get_column_letter(position)
        source = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
        validation = DataValidation(
            type="list",
            formula1=source,
            allow_blank=not column.required,
            showErrorMessage=False,  # a warning list: names typed without diacritics still pass
        )
        target = get_column_letter(index)
        validation.add(f"{target}2:{target}1048576")
        ws.data_validations.append(validation)
    for index, column in enumerate(shape.columns, start=1):
        if column.kind == "date":
            validation = DataValidation(
                type="custom",
                formula1="TRUE",
                promptTitle=column.header,
                prompt="Nhập ngày dạng dd/mm/yyyy",
                showInputMessage=True,
            )
            letter = get_column_letter(index)
            validation.add(f"{letter}2:{letter}1048576")
            ws.data_validations.append(validation)

    ws.append(_header_cells(ws, shape))
    if example:
        italic = Font(italic=True, color="777777")
        ws.append([cell(ws, value, font=italic) for value in ("Ví dụ", *shape.example[1:])])
    for row in rows:
        ws.append(list(row))

    guide.append(["Hướng dẫn nhập dữ liệu"])
    guide.append(["Dòng 1 là tiêu đề; cột có dấu * là bắt buộc."])
    if example:
        guide.append(["Dòng có chữ «Ví dụ» ở cột Mã hệ thống được bỏ qua khi nhập."])
    guide.append(["Ngày ghi dạng dd/mm/yyyy (hoặc ô kiểu ngày của Excel)."])
    guide.append(["Tên có thể gõ có dấu hoặc không dấu; khoảng trắng thừa được bỏ."])
    guide.append(["Để trống Mã hệ thống khi thêm mới; giữ nguyên khi sửa tệp đã xuất."])
    for column in shape.columns:
        guide.append([column.label, column.note])
    return workbook_bytes(workbook)
