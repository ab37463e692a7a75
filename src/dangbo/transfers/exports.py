"""The transfer list as XLSX (both sides, with deadlines and warnings)."""

from datetime import date

from dangbo.core.exports import SafeWorkbook, new_workbook
from dangbo.transfers import rules

COLUMNS = [
    ("Đảng viên", lambda t: t.member.full_name),
    ("Loại", lambda t: t.get_kind_display()),
    ("Nơi đi", lambda t: t.source_name),
    ("Nơi đến", lambda t: t.destination_name),
    ("Số giấy giới thiệu", lambda t: t.paper_number),
    ("Ngày giới thiệu", lambda t: t.issued_on),
    ("Hạn xuất trình", lambda t: t.present_by),
    ("Hạn hoàn tất", lambda t: t.complete_by),
    ("Ngày xuất trình", lambda t: t.presented_on),
    ("Ngày tiếp nhận", lambda t: t.completed_on),
    ("Tạm thời từ", lambda t: t.starts_on),
    ("Tạm thời đến", lambda t: t.ends_on),
    ("Tình trạng", lambda t: t.get_state_display()),
]


def transfers_workbook(transfers, today: date) -> SafeWorkbook:
    book = new_workbook(write_only=True)
    sheet = book.create_sheet("Chuyển sinh hoạt")
    sheet.append([title for title, _get in COLUMNS] + ["Cảnh báo"])
    for t in transfers:
        warnings = rules.flags(t.state, today, t.present_by, t.complete_by, t.rejoin_by, t.ends_on)
        row = [get(t) for _title, get in COLUMNS]
        sheet.append([_cell(v) for v in row] + ["; ".join(warnings)])
    return book


def _cell(value):
    return value.strftime("%d/%m/%Y") if isinstance(value, date) else value
