"""Uploaded files: the one rule for what may be kept, how big, where, and how it is served.

Every upload (meeting documents, issued documents' attachments, import files, forms and API)
goes through `check_upload`: the type is read from the CONTENT (signature and structure), never
from the name or the browser's content type; sizes are limited by settings; an archive-based
format (DOCX, XLSX, ODT) is refused before it is unpacked when its declared unpacked size or
compression ratio is out of bounds (a zip bomb). Kept files get a random name under
MEDIA_ROOT, a private folder no web server serves (`PrivateStorage` has no URL): they are
sent only by `serve_upload`, from views that check access and log the download.
"""

from __future__ import annotations

import uuid
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse

from dangbo.core.errors import DomainError

MB = 1024 * 1024


@dataclass(frozen=True)
class FileType:
    code: str
    label: str
    extension: str
    content_type: str
    preview: bool = False  # may be shown in the browser (inline), under a restrictive CSP


TYPES = {
    t.code: t
    for t in (
        FileType("pdf", "PDF", ".pdf", "application/pdf", preview=True),
        FileType(
            "docx",
            "Word (.docx)",
            ".docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        FileType(
            "xlsx",
            "Excel (.xlsx)",
            ".xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        FileType("odt", "OpenDocument (.odt)", ".odt", "application/vnd.oasis.opendocument.text"),
        FileType("png", "ảnh PNG", ".png", "image/png", preview=True),
        FileType("jpeg", "ảnh JPEG", ".jpg", "image/jpeg", preview=True),
        FileType("csv", "CSV", ".csv", "text/csv"),
    )
}
PREVIEW_TYPES = tuple(code for code, t in TYPES.items() if t.preview)
DOCUMENT_TYPES = ("pdf", "docx", "xlsx", "odt", "png", "jpeg")
SHEET_TYPES = ("xlsx", "csv")

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
MAX_ZIP_ENTRIES = 5000
SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class ZipLimits:
    """Bounds on what an archive-based file may unpack to (declared in its directory)."""

    unpacked_bytes: int
    ratio: float
    entries: int = MAX_ZIP_ENTRIES


def document_max_bytes() -> int:
    return int(settings.DANGBO_UPLOAD_MAX_MB * MB)


def document_zip_limits() -> ZipLimits:
    return ZipLimits(
        unpacked_bytes=int(settings.DANGBO_UPLOAD_MAX_UNPACKED_MB * MB),
        ratio=settings.DANGBO_UPLOAD_MAX_RATIO,
    )


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed the rule: its detected type, the user's name for it, its size."""

    file: object
    type: FileType
    name: str
    size: int

    def stored_name(self) -> str:
        """A random name with the detected type's extension: the user's name never reaches
        the disk (no path tricks, no misleading extension)."""
        return f"{uuid.uuid4().hex}{self.type.extension}"


def clean_name(name: str | None, file_type: FileType) -> str:
    """The user's file name without folders or control characters, with the right extension."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()[:200] or "tep"
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return f"{stem or 'tep'}{file_type.extension}"


def check_upload(
    upload,
    *,
    allowed=DOCUMENT_TYPES,
    max_bytes: int | None = None,
    zip_limits: ZipLimits | None = None,
    field: str = "file",
) -> CheckedUpload:
    """Accept an uploaded file or raise DomainError (Vietnamese, naming the file and the
    limit). `allowed` lists type codes of TYPES; sizes default to the document settings."""
    name = (getattr(upload, "name", "") or "tệp").replace("\\", "/").rsplit("/", 1)[-1][:200]
    max_bytes = document_max_bytes() if max_bytes is None else max_bytes
    size = upload.size if getattr(upload, "size", None) is not None else _size(upload)
    if size <= 0:
        raise DomainError(f"Tệp «{name}» rỗng.", field)
    if size > max_bytes:
        raise DomainError(
            f"Tệp «{name}» ({_mb(size)}) vượt quá dung lượng cho phép ({_mb(max_bytes)}).", field
        )
    code = detect_type(upload, name, allowed, zip_limits or document_zip_limits(), field)
    if code not in allowed:
        labels = ", ".join(TYPES[c].label for c in allowed)
        raise DomainError(
            f"Tệp «{name}» không thuộc loại được nhận ({labels}); loại được xác định theo "
            "nội dung tệp, không theo tên.",
            field,
        )
    upload.seek(0)
    return CheckedUpload(upload, TYPES[code], clean_name(name, TYPES[code]), size)


def detect_type(upload, name: str, allowed, limits: ZipLimits, field: str) -> str | None:
    """The type code read from the content, or None when it is none of TYPES."""
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf" if _pdf_ends(upload) else None
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png" if _image_ok(upload, "PNG") else None
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg" if _image_ok(upload, "JPEG") else None
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(upload, name, limits, field)
    if "csv" in allowed and _is_text(head):
        return "csv"
    return None


def _size(upload) -> int:
    upload.seek(0, 2)
    size = upload.tell()
    upload.seek(0)
    return size


def _mb(size: int) -> str:
    return f"{size / MB:.1f} MB".replace(".0 MB", " MB").replace(".", ",")


def _pdf_ends(upload) -> bool:
    """A PDF's last lines carry its end marker; a renamed HTML or script file does not."""
    upload.seek(0, 2)
    end = upload.tell()
    upload.seek(max(0, end - 4096))
    tail = upload.read()
    upload.seek(0)
    return b"%%EOF" in tail


def _image_ok(upload, expected: str) -> bool:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(upload) as image:
            ok = image.format == expected
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        ok = False
    upload.seek(0)
    return ok


def check_zip(archive: zipfile.ZipFile, name: str, limits: ZipLimits, field: str) -> None:
    """Refuse an archive from its directory alone (nothing is unpacked): too many entries,
    too large once unpacked, or compressed beyond any real document (a zip bomb)."""
    entries = archive.infolist()
    if len(entries) > limits.entries:
        raise DomainError(
            f"Tệp «{name}» chứa quá nhiều thành phần ({len(entries)}; tối đa {limits.entries}).",
            field,
        )
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > limits.unpacked_bytes:
        raise DomainError(
            f"Tệp «{name}» khi giải nén lên tới {_mb(unpacked)}, vượt giới hạn "
            f"{_mb(limits.unpacked_bytes)}: có thể là tệp nén độc hại (zip bomb), không xử lý.",
            field,
        )
    for entry in entries:
        if entry.file_size > MB and entry.file_size > limits.ratio * max(entry.compress_size, 1):
            raise DomainError(
                f"Tệp «{name}» có thành phần nén quá {limits.ratio:.0f} lần "
                f"({entry.filename[:60]}: {_mb(entry.compress_size)} → {_mb(entry.file_size)}): "
                "có thể là tệp nén độc hại (zip bomb), không xử lý.",
                field,
            )


def read_member(archive: zipfile.ZipFile, member: str, limit: int) -> bytes:
    """At most `limit` bytes of an entry, whatever its directory claims."""
    with archive.open(member) as handle:
        return handle.read(limit)


def _zip_type(upload, name: str, limits: ZipLimits, field: str) -> str | None:
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    try:
        check_zip(archive, name, limits, field)
        names = set(archive.namelist())
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            raise DomainError(f"Tệp «{name}» chứa macro (VBA): không nhận.", field)
        if "mimetype" in names:
            return "odt" if read_member(archive, "mimetype", 100).strip() == ODT_MIMETYPE else None
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
        return None
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, KeyError):
        return None
    finally:
        archive.close()
        upload.seek(0)


def _is_text(head: bytes) -> bool:
    """Text with a delimiter on its first line (a table), in an encoding the import reads."""
    first_line = head.split(b"\n", 1)[0]
    if b"\x00" in head or not any(d in first_line for d in (b",", b";", b"\t")):
        return False
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            head.decode(encoding)
        except UnicodeDecodeError as error:
            if encoding.startswith("utf") and error.start >= len(head) - 3:
                return True  # a character cut at the end of the sniffed bytes
            continue
        return True
    return False


class PrivateStorage(FileSystemStorage):
    """Uploads live under MEDIA_ROOT, which is never published: there is no URL to a file.
    Templates link to the app's download views instead (they check access and log)."""

    def url(self, name):
        raise ValueError("Uploaded files are served only through their download views.")


def serve_upload(fieldfile, *, name: str, type_code: str, preview: bool = False):
    """The stored file as a download (or, for PDF and images when asked, an inline preview)
    with its real content type, nosniff, and a CSP that lets nothing run."""
    file_type = TYPES.get(type_code) or _type_of_stored(fieldfile)
    inline = preview and file_type is not None and file_type.preview
    response = FileResponse(
        fieldfile.open("rb"),
        as_attachment=not inline,
        filename=name or fieldfile.name.rsplit("/", 1)[-1],
        content_type=file_type.content_type if file_type else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = (
        PDF_PREVIEW_POLICY if inline and file_type.code == "pdf" else SANDBOX_POLICY
    )
    response["Cache-Control"] = "private, no-store"
    return response


# Nothing of the file may run or load anything. Chromium's PDF viewer refuses a sandboxed
# document, so an inline PDF gets the same policy without `sandbox` (its type is fixed by its
# content and nosniff: it can only open in the PDF viewer, never as a page of this site).
SANDBOX_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
PDF_PREVIEW_POLICY = "default-src 'none'; object-src 'self'; frame-ancestors 'self'"


def _type_of_stored(fieldfile) -> FileType | None:
    extension = "." + fieldfile.name.rsplit(".", 1)[-1].lower() if "." in fieldfile.name else ""
    return next((t for t in TYPES.values() if t.extension == extension), None)
