"""Hostile import files (zip bombs, sheets reaching far rows or columns) are refused before
any parser opens them, with a Vietnamese error naming the file and the limit; nothing is
written, and no database lock is held while a file is read (issue #21)."""

import io
import threading
import zipfile

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from dangbo.core import uploads
from dangbo.core.errors import DomainError
from dangbo.imports import pipeline
from dangbo.imports.models import ImportJob
from tests.imports.helpers import MEMBER_HEADERS, member_row, upload, xlsx_bytes

HEADER_ROW = '<row r="1"><c r="A1" t="inlineStr"><is><t>Họ và tên</t></is></c></row>'


def _with_sheet(sheet_xml: bytes | None = None, *, padding: int = 0) -> bytes:
    """A real workbook whose first sheet is replaced by `sheet_xml`, or padded with `padding`
    bytes of a repeated row (a zip bomb: tiny on disk, large once unpacked)."""
    original = zipfile.ZipFile(io.BytesIO(xlsx_bytes(MEMBER_HEADERS, [member_row()])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for entry in original.infolist():
            if entry.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(entry, original.read(entry))
                continue
            if sheet_xml is not None:
                bomb.writestr(entry.filename, sheet_xml)
                continue
            with bomb.open(entry.filename, "w", force_zip64=True) as handle:
                handle.write(b"<worksheet><sheetData>" + HEADER_ROW.encode())
                block = b"<row><c><v>0</v></c></row>" * 40_000
                for _ in range(padding // len(block)):
                    handle.write(block)
                handle.write(b"</sheetData></worksheet>")
    return out.getvalue()


def _sheet(rows: str, dimension: str = "A1") -> bytes:
    return (
        f'<worksheet><dimension ref="{dimension}"/><sheetData>{HEADER_ROW}{rows}'
        "</sheetData></worksheet>"
    ).encode()


def test_a_zip_bomb_is_refused_by_its_ratio_before_it_is_unpacked(tree, admin_client):
    bomb = _with_sheet(padding=40 * 1024 * 1024)
    assert len(bomb) < 1024 * 1024  # ~40 MB once unpacked
    response = admin_client.post(
        reverse("imports:upload"),
        {"kind": "members", "organization": tree["bloc"].pk, "file": upload(bomb, "bom.xlsx")},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Tệp «bom.xlsx» có thành phần nén quá 100 lần" in body and "zip bomb" in body
    assert not ImportJob.objects.exists()


def test_a_zip_bomb_is_refused_by_its_unpacked_size(settings):
    settings.DANGBO_IMPORT_MAX_UNPACKED_MB = 5
    settings.DANGBO_UPLOAD_MAX_RATIO = 10_000
    with pytest.raises(DomainError) as error:
        pipeline.open_sheet(io.BytesIO(_with_sheet(padding=8 * 1024 * 1024)), "bom.xlsx")
    assert "Tệp «bom.xlsx» khi giải nén lên tới" in error.value.message
    assert "vượt giới hạn 5 MB" in error.value.message


@pytest.mark.parametrize(
    "rows,dimension,message",
    [
        ('<row r="2"><c r="XFD2"><v>1</v></c></row>', "A1", "cột thứ 16.384"),
        ('<row r="1048576"><c r="A1048576"><v>1</v></c></row>', "A1", "dòng 1.048.576"),
        ("", "A1:XFD1048576", "vượt giới hạn"),  # a forged dimension
        ("<row>" + "<c><v>1</v></c>" * 101 + "</row>", "A1", "cột thứ 101"),  # no references
    ],
)
def test_sheets_reaching_far_rows_or_columns_are_refused(rows, dimension, message):
    content = _with_sheet(_sheet(rows, dimension))
    with pytest.raises(DomainError) as error:
        pipeline.open_sheet(io.BytesIO(content), "xa.xlsx")
    assert "Tệp «xa.xlsx»" in error.value.message and message in error.value.message


def test_row_and_column_limits_are_settings(settings):
    content = xlsx_bytes(MEMBER_HEADERS, [member_row() for _ in range(5)])
    assert pipeline.open_sheet(io.BytesIO(content), "a.xlsx").headers[0] == MEMBER_HEADERS[0]
    settings.DANGBO_IMPORT_MAX_ROWS = 4
    with pytest.raises(DomainError, match="vượt giới hạn 4 dòng mỗi lần nhập"):
        pipeline.open_sheet(io.BytesIO(content), "a.xlsx")
    csv = ("a;b\n" + "1;2\n" * 5).encode()
    with pytest.raises(DomainError, match="vượt giới hạn 4 dòng mỗi lần nhập"):
        pipeline.open_sheet(io.BytesIO(csv), "a.csv")
    settings.DANGBO_IMPORT_MAX_ROWS = 100
    settings.DANGBO_IMPORT_MAX_COLUMNS = 3
    with pytest.raises(DomainError, match="vượt giới hạn 3 cột"):
        pipeline.open_sheet(io.BytesIO(content), "a.xlsx")


@pytest.mark.django_db(transaction=True)
def test_reading_an_upload_holds_no_lock_and_a_login_meanwhile_works(tree, admin_user, monkeypatch):
    """While the file is read (its zip directory here), the request is outside any
    transaction and another connection can write: a login at that moment succeeds."""
    seen = {}
    check_zip = uploads.check_zip

    def scan_and_log_in(*args, **kwargs):
        seen["in_transaction"] = connection.in_atomic_block

        def log_in():
            try:
                seen["login"] = (
                    Client()
                    .post(reverse("login"), {"username": "quantri", "password": "Mat-khau-123!"})
                    .status_code
                )
            finally:
                connection.close()

        thread = threading.Thread(target=log_in)
        thread.start()
        thread.join(timeout=60)
        return check_zip(*args, **kwargs)

    monkeypatch.setattr(uploads, "check_zip", scan_and_log_in)
    client = Client()
    client.force_login(admin_user)
    bomb = _with_sheet(padding=40 * 1024 * 1024)
    response = client.post(
        reverse("imports:upload"),
        {"kind": "members", "organization": tree["bloc"].pk, "file": upload(bomb, "bom.xlsx")},
    )
    assert "Tệp «bom.xlsx» có thành phần nén quá" in response.content.decode()
    assert not ImportJob.objects.exists()
    assert seen == {"in_transaction": False, "login": 302}
