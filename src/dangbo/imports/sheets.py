"""Reading an uploaded sheet (.xlsx or .csv) into header and row values."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

from dangbo.core.errors import DomainError
from dangbo.core.text import normalize
from dangbo.imports import rules
from dangbo.imports.limits import ImportLimits, check_csv, check_workbook, import_limits

CHUNK = 5000
EXAMPLE_MARK = "vi du"
SKIP_SHEETS = {"danh muc", "huong dan"}


# ---------------------------------------------------------------- reading files


@dataclass
class Sheet:
    name: str
    headers: list
    rows: Iterator[tuple[int, tuple]]  # (row number in the file, cell values)
    estimated_rows: int


def open_sheet(fileobj, file_name: str, limits: ImportLimits | None = None) -> Sheet:
    """The first data sheet of an .xlsx file (or a .csv), once the file is within the import
    limits (imports.limits: unpacked size, ratio, rows, columns).

    Read with calamine (Rust; python-calamine): a 100,000-row sheet reads in ~2 s of CPU,
    where openpyxl's read-only mode took ~24 s (measured, bench/README.md). openpyxl still
    writes the templates and exports. Never call it inside a transaction: reading a large
    file takes seconds, and a transaction would hold the database (SQLite's write lock)."""
    limits = limits or import_limits()
    if file_name.lower().endswith(".csv"):
        return _open_csv(fileobj, file_name, limits)
    check_workbook(fileobj, file_name, limits)
    try:
        workbook = CalamineWorkbook.from_filelike(fileobj)
        names = [n for n in workbook.sheet_names if normalize(n) not in SKIP_SHEETS]
        if not names:
            raise DomainError("Tệp không có trang tính dữ liệu.", "file")
        ws = workbook.get_sheet_by_name(names[0])
        pad = (None,) * (ws.start[1] if ws.start else 0)
        source = ws.iter_rows()
    except DomainError:
        raise
    except Exception as exc:  # calamine raises several types for a damaged or foreign file
        raise DomainError("Không đọc được tệp: cần tệp Excel (.xlsx) hoặc .csv.", "file") from exc
    rows = (pad + tuple(None if v == "" else v for v in values) for values in source)
    header_row = 0
    headers: list = []
    for values in rows:
        header_row += 1
        if any(v not in (None, "") for v in values):
            headers = list(values)
            break
    while headers and headers[-1] in (None, ""):
        headers.pop()
    if not headers:
        raise DomainError("Trang tính trống: không thấy dòng tiêu đề.", "file")
    last_row = ws.start[0] + ws.height if ws.start else 0
    total = max(last_row - header_row, 0)
    numbered = ((n, values) for n, values in enumerate(rows, start=header_row + 1))
    return Sheet(ws.name, headers, numbered, total)


def _open_csv(fileobj, file_name: str, limits: ImportLimits) -> Sheet:
    raw = fileobj.read(limits.max_bytes + 1)
    if len(raw) > limits.max_bytes:
        raise DomainError(f"Tệp «{file_name}» vượt quá dung lượng cho phép.", "file")
    check_csv(raw, file_name, limits)
    for encoding in ("utf-8-sig", "cp1258", "latin-1"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        headers = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise DomainError("Tệp trống: không thấy dòng tiêu đề.", "file") from exc
    if len(headers) > limits.columns:
        raise DomainError(
            f"Tệp «{file_name}» có {len(headers)} cột, vượt giới hạn {limits.columns} cột.",
            "file",
        )
    lines = text.count("\n")
    return Sheet("CSV", headers, ((n, tuple(r)) for n, r in enumerate(reader, start=2)), lines)


def column_label(index: int, headers: list) -> str:
    header = rules.header_key(headers[index]) and str(headers[index]).strip()
    letter = get_column_letter(index + 1)
    return f"{header} (cột {letter})" if header else f"cột {letter}"
