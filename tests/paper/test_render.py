"""Every declared export and issued document (`tests/core/test_outputs.py` EXPORTS), rendered
through LibreOffice as an office prints it (one LibreOffice run for the lot) and read back
with poppler: A4 pages, a sane page count, no word off the page, the party's header, the
signing block of the issuing org and Vietnamese letters intact.

The data are those of test_outputs (names a spreadsheet would run as formulas, on purpose):
what renders them renders any name."""

import pytest

from dangbo.core import pdf
from tests.core.test_outputs import EXPORTS, _body, _download, data  # noqa: F401 (fixture)
from tests.paper.pdfcheck import check_paper, read, render

pytestmark = pytest.mark.django_db

# Files meant to be imported back: no letterhead, no signing block.
NO_PAPER = ("imports-", "portal-accounts")  # id prefixes
# What each printed file shows besides the party's name (flattened text).
DATE_LINE = "ngày"
SIGNED = ("Nơi nhận:", "BÍ THƯ")
EXPECTED = {
    "admissions-decision": ("QUYẾT ĐỊNH", "về việc kết nạp đảng viên", "Số 1-QĐ/ĐU", *SIGNED),
    "kept-document": ("QUYẾT ĐỊNH", "Điều 1. Kết nạp quần chúng", *SIGNED),
    "transfers-letter": ("GIẤY GIỚI THIỆU SINH HOẠT ĐẢNG", "GGT/", *SIGNED),
}
VIETNAMESE = "ĐẢNG CỘNG SẢN VIỆT NAM"


def _files(client, d) -> dict[str, bytes]:
    files = {}
    for export in EXPORTS:
        if export.fmt not in ("docx", "xlsx"):
            continue
        export.prepare(d)
        response = _download(client, export, d, d["users"]["identity"])
        assert response.status_code == 200, (export.id, response.status_code)
        files[f"{export.id}.{export.fmt}"] = _body(response)
    return files


@render
def test_every_export_prints_on_a4(client, data):  # noqa: F811
    files = _files(client, data)
    rendered = pdf.to_pdfs(files)
    failures = []
    for name, body in rendered.items():
        try:
            _check(name, body)
        except AssertionError as error:
            failures.append(str(error)[:600])
    assert not failures, "\n".join(failures)


def _check(name: str, body: bytes) -> None:
    export_id = name.rpartition(".")[0]
    result = read(body)
    if export_id.startswith(NO_PAPER):
        assert result.pages and all(p.a4 and not p.outside() for p in result.pages), name
        return
    check_paper(
        name,
        result,
        (DATE_LINE, *EXPECTED.get(export_id, ())),
    )
