"""PDF copies through LibreOffice: the converter (its own profile and temporary directory,
the Vietnamese message where soffice is missing) and «Tải PDF» beside the DOCX of every issued
document."""

import pytest
from django.urls import reverse

from dangbo.core import pdf
from dangbo.core.exports import new_document
from dangbo.organizations.models import OutgoingDocument
from tests import factories
from tests.admissions.helpers import open_file, walk
from tests.paper.pdfcheck import read, render

pytestmark = pytest.mark.django_db


def test_missing_soffice_says_so_in_vietnamese(settings):
    settings.DANGBO_SOFFICE = "/nonexistent/soffice"
    assert not pdf.available()
    with pytest.raises(pdf.PdfUnavailable) as error:
        pdf.to_pdf(b"PK", "docx")
    assert "chưa cài LibreOffice" in error.value.message


def test_pdf_names():
    assert pdf.pdf_name("quyet-dinh-12.docx") == "quyet-dinh-12.pdf"
    assert pdf.pdf_name("bang") == "bang.pdf"


def test_missing_soffice_on_the_download_shows_the_message(client, tree, settings):
    from dangbo.admissions.rules import Stage

    settings.DANGBO_SOFFICE = "/nonexistent/soffice"
    file = walk(open_file(tree), tree, Stage.DECIDED)
    client.force_login(factories.user("capuy", "grassroots_committee", on=tree["committee"]))
    url = reverse("admissions:decision", args=[file.pk])
    response = client.post(url, {"export": "pdf"}, follow=True)
    assert "chưa cài LibreOffice" in response.content.decode()
    # the decision is issued all the same; the Word copy is there
    document = OutgoingDocument.objects.get()
    kept = reverse("organizations:document_file", args=[document.pk])
    page = client.get(kept + "?export=pdf", follow=True)
    assert "chưa cài LibreOffice" in page.content.decode()
    assert client.get(kept)["Content-Type"].endswith("wordprocessingml.document")


@render
def test_converts_documents_in_one_run():
    doc = new_document(title=["BÁO CÁO THỬ"])
    doc.paragraph("Độc lập - Tự do: đảng viên Nguyễn Thị Hằng")
    out = pdf.to_pdfs({"a.docx": doc.to_bytes(), "b.docx": doc.to_bytes()})
    assert set(out) == {"a.docx", "b.docx"}
    assert all(body.startswith(b"%PDF") for body in out.values())
    assert "Nguyễn Thị Hằng" in read(out["a.docx"]).flat


@render
def test_issued_documents_download_as_pdf(client, tree):
    from dangbo.admissions.rules import Stage

    file = walk(open_file(tree), tree, Stage.DECIDED)
    client.force_login(factories.user("capuy", "grassroots_committee", on=tree["committee"]))
    response = client.post(reverse("admissions:decision", args=[file.pk]), {"export": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('.pdf"')
    assert "QUYẾT ĐỊNH" in read(response.content).flat
    document = OutgoingDocument.objects.get()
    page = client.get(reverse("members:detail", args=[file.member.pk])).content.decode()
    kept = reverse("organizations:document_file", args=[document.pk])
    assert f"{kept}?export=pdf" in page and "Tải PDF" in page
    again = client.get(kept, {"export": "pdf"})
    assert again["Content-Type"] == "application/pdf"
    assert "Võ Minh Khang" in read(again.content).flat
