"""The one upload rule (dangbo.core.uploads): type by content, size, zip bounds, private
storage, and safe serving (issue #21)."""

import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document as WordDocument
from openpyxl import Workbook
from PIL import Image

from dangbo.core import uploads
from dangbo.core.errors import DomainError

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def _image(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, kind)
    return buffer.getvalue()


def _docx() -> bytes:
    buffer = io.BytesIO()
    WordDocument().save(buffer)
    return buffer.getvalue()


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _odt() -> bytes:
    return _zip({"mimetype": uploads.ODT_MIMETYPE, "content.xml": b"<office:document/>"})


def _check(content: bytes, name: str, **kwargs):
    return uploads.check_upload(SimpleUploadedFile(name, content, "text/html"), **kwargs)


@pytest.mark.parametrize(
    "maker,code",
    [
        (lambda: PDF, "pdf"),
        (lambda: _image("PNG"), "png"),
        (lambda: _image("JPEG"), "jpeg"),
        (_docx, "docx"),
        (_xlsx, "xlsx"),
        (_odt, "odt"),
    ],
)
def test_document_types_are_read_from_the_content_not_the_name(settings, maker, code):
    checked = _check(maker(), "ten-gia.html")
    assert checked.type.code == code
    assert checked.name == f"ten-gia{uploads.TYPES[code].extension}"
    assert checked.stored_name().endswith(uploads.TYPES[code].extension)
    assert "ten-gia" not in checked.stored_name()


@pytest.mark.parametrize(
    "content,name",
    [
        (HTML, "hop.html"),
        (HTML, "hop.pdf"),  # a renamed page
        (b"%PDF-1.4\n<script>x</script>", "nua.pdf"),  # a PDF head without a PDF body
        (b"MZ\x90\x00", "virus.docx"),
        (b"\x89PNG\r\n\x1a\nnot an image", "anh.png"),
        (_zip({"a.txt": b"x"}), "goi.docx"),  # a zip that is no office document
        (b"<svg onload='alert(1)'/>", "anh.svg"),
        (b"a;b\n1;2\n", "bang.csv"),  # text is only for imports
    ],
)
def test_other_content_is_refused_naming_the_file(content, name):
    with pytest.raises(DomainError) as error:
        _check(content, name)
    assert f"Tệp «{name}» không thuộc loại được nhận" in error.value.message
    assert error.value.field == "file"


def test_macros_and_empty_files_are_refused():
    macro = _zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w/>",
            "word/vbaProject.bin": b"\x00",
        }
    )
    with pytest.raises(DomainError, match="chứa macro"):
        _check(macro, "a.docx")
    with pytest.raises(DomainError, match="rỗng"):
        _check(b"", "a.pdf")


def test_size_limit_is_a_setting(settings):
    settings.DANGBO_UPLOAD_MAX_MB = 1
    big = b"%PDF-1.4\n" + b"%" * (1024 * 1024) + PDF
    with pytest.raises(DomainError) as error:
        _check(big, "lon.pdf")
    assert "Tệp «lon.pdf» (1 MB) vượt quá dung lượng cho phép (1 MB)" in error.value.message
    settings.DANGBO_UPLOAD_MAX_MB = 2
    assert _check(big, "lon.pdf").type.code == "pdf"


def test_an_office_zip_bomb_is_refused_from_its_directory():
    bomb = _zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w:p/>" * (4 * 1024 * 1024),  # 24 MB of one tag
        }
    )
    assert len(bomb) < 200 * 1024
    with pytest.raises(DomainError) as error:
        _check(bomb, "bom.docx")
    assert "Tệp «bom.docx» có thành phần nén quá 100 lần" in error.value.message


def test_csv_only_where_allowed():
    assert _check(b"a;b\n1;2\n", "x.txt", allowed=uploads.SHEET_TYPES).type.code == "csv"
    with pytest.raises(DomainError, match=r"không thuộc loại được nhận \(Excel \(.xlsx\), CSV\)"):
        _check(PDF, "x.pdf", allowed=uploads.SHEET_TYPES)


def test_names_lose_folders_and_control_characters():
    pdf = uploads.TYPES["pdf"]
    assert uploads.clean_name("../../etc/passwd", pdf) == "passwd.pdf"
    assert uploads.clean_name("C:\\tmp\\bao\x00cao.exe", pdf) == "baocao.pdf"
    assert uploads.clean_name("", pdf) == "tep.pdf"


def test_stored_files_have_no_url(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    name = default_storage.save("x/a.pdf", ContentFile(PDF))
    assert (tmp_path / name).read_bytes() == PDF
    with pytest.raises(ValueError, match="download views"):
        default_storage.url(name)


class _Stored:
    def __init__(self, name, content):
        self.name, self.content = name, content

    def open(self, mode):
        return io.BytesIO(self.content)


@pytest.mark.parametrize(
    "code,preview,disposition,policy",
    [
        ("pdf", False, "attachment", "sandbox"),
        ("pdf", True, "inline", "object-src 'self'"),
        ("png", True, "inline", "sandbox"),
        ("docx", True, "attachment", "sandbox"),  # no preview for office files
    ],
)
def test_serving_sets_type_disposition_nosniff_and_csp(code, preview, disposition, policy):
    stored = _Stored(f"m/abc{uploads.TYPES[code].extension}", PDF)
    response = uploads.serve_upload(stored, name="Bien ban.pdf", type_code=code, preview=preview)
    assert response["Content-Type"] == uploads.TYPES[code].content_type
    assert response["Content-Disposition"].startswith(disposition)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert policy in response["Content-Security-Policy"]


def test_an_unknown_stored_type_is_a_plain_download():
    response = uploads.serve_upload(_Stored("m/old.doc", b"x"), name="", type_code="doc")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="old.doc"'
