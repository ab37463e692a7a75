"""CSV bytes and the logged responses that hand files out."""

import csv
import io
from collections.abc import Iterable

from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header

from dangbo.core.audit import log_export
from dangbo.core.exports.documents import DocumentWriter
from dangbo.core.exports.sheets import workbook_bytes
from dangbo.core.exports.text import CSV, DOCX, XLSX, csv_value

# ---------------------------------------------------------------- CSV


def csv_bytes(rows: Iterable[Iterable]) -> bytes:
    """Rows as UTF-8 CSV with a BOM (Excel then reads it as UTF-8), every field `csv_value`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([csv_value(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# ---------------------------------------------------------------- responses


def file_response(
    request, body: bytes, *, content_type: str, filename: str, what, rows: int, **details
) -> HttpResponse:
    """An attachment response for an export, recorded in the access log first. `body` comes
    from one of the writers above."""
    log_export(request, what, rows, filename=filename, **details)
    response = HttpResponse(body, content_type=content_type)
    # quoted, or RFC 6266 filename* for names from uploads (non-ASCII, quotes, line breaks)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def xlsx_response(request, workbook, *, filename: str, what, rows: int, **details):
    """A workbook from `new_workbook()` as a logged attachment."""
    return file_response(
        request,
        workbook_bytes(workbook),
        content_type=XLSX,
        filename=filename,
        what=what,
        rows=rows,
        **details,
    )


def docx_response(request, document, *, filename: str, what, rows: int, **details):
    """A `DocumentWriter` as a logged attachment."""
    if not isinstance(document, DocumentWriter):
        raise TypeError("Word exports are built with dangbo.core.exports.new_document().")
    return file_response(
        request,
        document.to_bytes(),
        content_type=DOCX,
        filename=filename,
        what=what,
        rows=rows,
        **details,
    )


def csv_response(request, rows: list, *, filename: str, what, **details):
    """Rows (the first one the header) as a logged CSV attachment."""
    return file_response(
        request,
        csv_bytes(rows),
        content_type=CSV,
        filename=filename,
        what=what,
        rows=max(len(rows) - 1, 0),
        **details,
    )


def stored_file_response(
    request, fileobj, *, filename: str, what, rows: int, inline: bool = False, **details
):
    """A file kept by the system (a finished background export, an attachment), streamed and
    recorded in the access log first."""
    log_export(request, what, rows, filename=filename, **details)
    return FileResponse(fileobj, as_attachment=not inline, filename=filename)
