"""Handing files out of the system: one place that builds the response and logs the export."""

import io

from django.http import HttpResponse

from dangbo.core.audit import log_export

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def file_response(
    request, body: bytes, *, content_type: str, filename: str, what, rows: int, **details
) -> HttpResponse:
    """An attachment response for an export, recorded in the access log first."""
    log_export(request, what, rows, filename=filename, **details)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(request, workbook, *, filename: str, what, rows: int, **details):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return file_response(
        request,
        buffer.getvalue(),
        content_type=XLSX,
        filename=filename,
        what=what,
        rows=rows,
        **details,
    )


def docx_response(request, document, *, filename: str, what, rows: int, **details):
    """A python-docx ``Document`` as a logged attachment."""
    buffer = io.BytesIO()
    document.save(buffer)
    return file_response(
        request,
        buffer.getvalue(),
        content_type=DOCX,
        filename=filename,
        what=what,
        rows=rows,
        **details,
    )
