"""PDF copies of the files the system writes (DOCX, XLSX), made by LibreOffice headless.

- `to_pdf(data, "docx")` converts one file; `to_pdfs({"a.docx": …, "b.xlsx": …})` converts
  several with one start of LibreOffice (the render tests, the gallery). Each run works in a
  temporary directory; the LibreOffice user profile is the process's own (made on its first
  run, reused by the next ones, removed at exit; runs of one process take turns), so parallel
  processes (two workers, two test runs) never share a profile and lock each other out. A
  run that takes longer than `TIMEOUT_SECONDS` is killed.
- Where LibreOffice is not installed (`soffice` on PATH, or `DANGBO_SOFFICE`), or it fails,
  a `PdfUnavailable` (a DomainError) says so in Vietnamese; the screens show it and offer
  the DOCX/XLSX instead.
- `issued_response(request, issue, …)`: an issued document (`organizations.documents.issue`)
  as DOCX, or as PDF when the request asks for it (`export=pdf`, posted or in the query).
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from django.conf import settings

from dangbo.core.errors import DomainError

PDF = "application/pdf"
TIMEOUT_SECONDS = 120
FORMATS = frozenset({"docx", "xlsx", "odt", "ods"})
MISSING = (
    "Máy chủ chưa cài LibreOffice (soffice) nên chưa tạo được bản PDF; hãy tải bản Word/Excel "
    "hoặc báo quản trị hệ thống cài gói libreoffice."
)
FAILED = "Không chuyển được tệp sang PDF (LibreOffice báo lỗi); hãy tải bản Word/Excel."
TIMED_OUT = "Chuyển sang PDF quá {seconds} giây nên đã dừng; hãy thử lại hoặc tải bản Word/Excel."


_turn = threading.Lock()  # one LibreOffice run at a time per process (one profile)


def _profile() -> Path:
    """This process's LibreOffice user profile (a directory made on the first run)."""
    path = Path(tempfile.gettempdir()) / f"dangbo-soffice-{os.getuid()}-{os.getpid()}"
    if not path.exists():
        path.mkdir(mode=0o700)
        atexit.register(shutil.rmtree, path, True)
    return path


class PdfUnavailable(DomainError):
    """No PDF could be made: LibreOffice is missing, failed or took too long."""

    def __init__(self, message: str):
        super().__init__(message, "export")


def soffice() -> str | None:
    """The LibreOffice program to run, or None where it is not installed."""
    configured = getattr(settings, "DANGBO_SOFFICE", "") or os.environ.get("DANGBO_SOFFICE", "")
    if configured:
        return configured if shutil.which(configured) else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    return soffice() is not None


def pdf_name(file_name: str) -> str:
    """ "quyet-dinh-12.docx" → "quyet-dinh-12.pdf"."""
    stem, dot, _ext = file_name.rpartition(".")
    return f"{stem if dot else file_name}.pdf"


def to_pdfs(files: dict[str, bytes], *, timeout: float = TIMEOUT_SECONDS) -> dict[str, bytes]:
    """PDFs of several files (name → bytes, the name's extension tells the format), converted
    by one LibreOffice run; the result is keyed by the same names."""
    program = soffice()
    if program is None:
        raise PdfUnavailable(MISSING)
    if not files:
        return {}
    with tempfile.TemporaryDirectory(prefix="dangbo-pdf-") as work:
        root = Path(work)
        (root / "in").mkdir()
        inputs = {}
        for n, (name, data) in enumerate(files.items()):
            ext = name.rpartition(".")[2].lower()
            if ext not in FORMATS:
                raise ValueError(f"Cannot convert {name!r} to PDF")
            path = root / "in" / f"f{n}.{ext}"  # plain names: nothing of the user's reaches argv
            path.write_bytes(data)
            inputs[name] = path
        command = [
            program,
            f"-env:UserInstallation={_profile().as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(root / "out"),
            *(str(p) for p in inputs.values()),
        ]
        try:
            _run(command, root, timeout)
        except subprocess.TimeoutExpired as error:
            raise PdfUnavailable(TIMED_OUT.format(seconds=int(timeout))) from error
        except OSError as error:
            raise PdfUnavailable(MISSING) from error
        result = {}
        for name, path in inputs.items():
            produced = root / "out" / f"{path.stem}.pdf"
            if not produced.exists() or produced.stat().st_size == 0:
                raise PdfUnavailable(FAILED)
            result[name] = produced.read_bytes()
        return result


def _run(command: list[str], root: Path, timeout: float) -> None:
    with _turn:
        subprocess.run(
            command,
            cwd=root,
            capture_output=True,
            timeout=timeout,
            check=False,
            env={**os.environ, "HOME": str(root), "SAL_USE_VCLPLUGIN": "svp"},
        )


def to_pdf(data: bytes, fmt: str = "docx", *, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """The PDF of one DOCX or XLSX file."""
    return to_pdfs({f"file.{fmt}": data}, timeout=timeout)[f"file.{fmt}"]


# ---------------------------------------------------------------- responses


def wants_pdf(request) -> bool:
    """Does the request ask for the PDF copy (`export=pdf`, posted or in the query)?"""
    asked = request.POST.get("export") if request.method == "POST" else None
    return (asked or request.GET.get("export", "")).lower() == "pdf"


def document_response(request, document, *, back: str, what, **details):
    """A kept document (`organizations.OutgoingDocument` or anything with `content`,
    `file_name`, `checksum`) as DOCX, or as PDF when asked; where no PDF can be made the
    message is shown on the page at `back`."""
    from django.contrib import messages
    from django.shortcuts import redirect

    from dangbo.core.exports import DOCX, XLSX, file_response

    body = bytes(document.content)
    name = document.file_name
    content_type = XLSX if name.endswith(".xlsx") else DOCX
    if wants_pdf(request):
        try:
            body = to_pdf(body, name.rpartition(".")[2] or "docx")
        except PdfUnavailable as error:
            messages.error(request, error.message)
            return redirect(back)
        name, content_type = pdf_name(name), PDF
    return file_response(
        request,
        body,
        content_type=content_type,
        filename=name,
        what=what,
        rows=1,
        document=document.pk,
        checksum=document.checksum,
        **details,
    )


def issued_response(request, issue, *, back: str, what, **details):
    """A document issued (or found kept) by `issue()`, as DOCX or PDF (`document_response`);
    a DomainError from it is shown on the page at `back` instead."""
    from django.contrib import messages
    from django.shortcuts import redirect

    try:
        document = issue()
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(back)
    return document_response(request, document, back=back, what=what, **details)


def pdf_response(request, body: bytes, fmt: str, *, filename: str, back: str, what, rows, **d):
    """An export written by `core.exports` (DOCX or XLSX bytes) as a logged PDF attachment;
    where no PDF can be made the message is shown on the page at `back`."""
    from django.contrib import messages
    from django.shortcuts import redirect

    from dangbo.core.exports import file_response

    try:
        converted = to_pdf(body, fmt)
    except PdfUnavailable as error:
        messages.error(request, error.message)
        return redirect(back)
    return file_response(
        request, converted, content_type=PDF, filename=pdf_name(filename), what=what, rows=rows, **d
    )
