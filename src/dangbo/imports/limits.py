"""Bounds on an import file, checked before any parser opens it.

A workbook is a zip of XML: 1.5 MB on disk can unpack to 500 MB (a zip bomb), and two cells
(A1 and XFD1048576) make calamine build a grid of 17 billion cells (it holds the whole grid,
~30 bytes a cell: a 5 KB file reaching CV200001 took 610 MB). So, before calamine reads
a workbook: the zip's directory (entries, declared unpacked size, compression ratio:
core.uploads.check_zip), then every worksheet's XML, streamed (bounded by the sizes just
checked) and scanned for its last row and column. A CSV is bounded by its size and lines.
Errors name the file and the limit; nothing is written.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass

from django.conf import settings

from dangbo.core import uploads
from dangbo.core.errors import DomainError
from dangbo.core.text import vi_number

CHUNK = 4 * 1024 * 1024
# A row or cell of a worksheet, with its reference (`r="B7"`) when it has one.
_ELEMENT = re.compile(rb'<(?:\w+:)?(row|c)\b(?:[^>]*?\sr="([A-Z]*)(\d*))?')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\sref="([^"]{1,40})"')
_REF = re.compile(rb"([A-Z]{0,3})(\d*)")


@dataclass(frozen=True)
class ImportLimits:
    max_bytes: int
    zip: uploads.ZipLimits
    rows: int
    columns: int
    cells: int  # rows × columns of the grid calamine builds (~30 bytes a cell)


def import_limits() -> ImportLimits:
    return ImportLimits(
        max_bytes=int(settings.DANGBO_IMPORT_MAX_MB * uploads.MB),
        zip=uploads.ZipLimits(
            unpacked_bytes=int(settings.DANGBO_IMPORT_MAX_UNPACKED_MB * uploads.MB),
            ratio=settings.DANGBO_UPLOAD_MAX_RATIO,
        ),
        rows=settings.DANGBO_IMPORT_MAX_ROWS,
        columns=settings.DANGBO_IMPORT_MAX_COLUMNS,
        cells=settings.DANGBO_IMPORT_MAX_CELLS,
    )


def _number(value: int) -> str:
    return vi_number(value)


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + (letter - 64)
    return index


class _Extent:
    """The last row and column seen in one worksheet, refused as soon as one is too far."""

    def __init__(self, name: str, limits: ImportLimits):
        self.name, self.limits = name, limits
        self.rows = self.columns = 0

    def see(self, rows: int, columns: int) -> None:
        self.rows, self.columns = max(self.rows, rows), max(self.columns, columns)
        if self.rows > self.limits.rows + 1:  # + the header row
            raise DomainError(
                f"Tệp «{self.name}» có tới dòng {_number(self.rows)}, vượt giới hạn "
                f"{_number(self.limits.rows)} dòng mỗi lần nhập; hãy chia thành nhiều tệp.",
                "file",
            )
        if self.columns > self.limits.columns:
            raise DomainError(
                f"Tệp «{self.name}» có tới cột thứ {_number(self.columns)}, vượt giới hạn "
                f"{self.limits.columns} cột.",
                "file",
            )
        if self.rows * self.columns > self.limits.cells:
            raise DomainError(
                f"Tệp «{self.name}» có vùng dữ liệu tới dòng {_number(self.rows)}, cột thứ "
                f"{self.columns} ({_number(self.rows * self.columns)} ô), vượt giới hạn "
                f"{_number(self.limits.cells)} ô; hãy xoá các ô thừa ở xa hoặc chia thành "
                "nhiều tệp.",
                "file",
            )


def check_csv(raw: bytes, name: str, limits: ImportLimits) -> None:
    lines = raw.count(b"\n")
    if lines > limits.rows + 1:
        raise DomainError(
            f"Tệp «{name}» có {_number(lines)} dòng, vượt giới hạn {_number(limits.rows)} "
            "dòng mỗi lần nhập; hãy chia thành nhiều tệp.",
            "file",
        )


def check_workbook(fileobj, name: str, limits: ImportLimits) -> None:
    """Refuse a workbook whose zip or sheets break the limits, before calamine opens it."""
    fileobj.seek(0)
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DomainError(
            f"Không đọc được tệp «{name}»: cần tệp Excel (.xlsx) hoặc .csv.", "file"
        ) from exc
    try:
        uploads.check_zip(archive, name, limits.zip, "file")
        for entry in archive.infolist():
            if entry.filename.startswith("xl/worksheets/") and entry.filename.endswith(".xml"):
                _scan_sheet(archive, entry, _Extent(name, limits))
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:
        raise DomainError(
            f"Không đọc được tệp «{name}»: tệp Excel bị hỏng hoặc không đúng định dạng.", "file"
        ) from exc
    finally:
        archive.close()
        fileobj.seek(0)


def _scan_sheet(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, extent: _Extent) -> None:
    """Stream a worksheet's XML (never more than its declared size) and follow its extent.
    References (`r` on rows and cells, the `dimension`) are read with C-speed regular
    expressions; a sheet with unreferenced rows or cells is walked element by element."""
    positional = False
    carry = b""
    with archive.open(entry) as handle:
        while chunk := handle.read(CHUNK):
            data = carry + chunk
            cut = data.rfind(b">") + 1
            data, carry = data[:cut], data[cut:][-4096:]  # no element is longer than that
            positional = _scan_chunk(data, extent, positional)
        _scan_chunk(carry, extent, positional)


def _scan_chunk(data: bytes, extent: _Extent, positional: bool) -> bool:
    """Follow one chunk of whole elements; True once the sheet needs the element walk
    (a row or cell without reference takes the next position)."""
    for ref in _DIMENSION.findall(data) if b"dimension" in data else ():
        for part in ref.split(b":")[:2]:
            letters, digits = _REF.match(part).groups()
            extent.see(int(digits or 0), _column_index(letters))
    elements = _ELEMENT.findall(data)
    if positional or any(not digits for _tag, _letters, digits in elements):
        _walk(elements, extent)
        return True
    rows = {digits for _tag, _letters, digits in elements}
    columns = {letters for _tag, letters, _digits in elements}
    extent.see(max(map(int, rows), default=0), max(map(_column_index, columns), default=0))
    return False


def _walk(elements: list[tuple], extent: _Extent) -> None:
    row = extent.rows
    column = 0
    for tag, letters, digits in elements:
        if tag == b"row":
            row = int(digits) if digits else row + 1
            column = 0
            extent.see(row, 0)
        else:
            column = _column_index(letters) if letters else column + 1
            extent.see(row, column)
