"""Meeting documents: the stored-script attack of issue #21 is refused; a real document is
kept privately and served to staff and members through restricted, logged downloads."""

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from dangbo.meetings import services
from dangbo.meetings.models import MeetingDocument
from tests import factories
from tests.portal.conftest import account_for

PDF = b"%PDF-1.4\n%du thao\n%%EOF\n"
SCRIPT = b"<html><body><script>fetch('/portal/record/').then(r => r.text())</script></body></html>"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def meeting(tree):
    return services.plan_meeting(
        organization=tree["cell_a"], kind="regular", planned_on=date(2026, 3, 10)
    )


@pytest.fixture
def secretary(client, tree):
    client.force_login(factories.user(role_code="cell_secretary", on=tree["cell_a"]))
    return client


def _post(client, meeting, content, name):
    data = {
        "title": "Tài liệu họp",
        "file": SimpleUploadedFile(name, content, content_type="application/pdf"),
        "published_at": "01/03/2026 07:00",
    }
    return client.post(reverse("meetings:document", args=[meeting.pk]), data)


@pytest.mark.parametrize("name", ["hop.html", "hop.pdf", "hop.png"])
def test_a_page_with_a_script_is_refused_whatever_its_name(secretary, meeting, media, name):
    response = _post(secretary, meeting, SCRIPT, name)
    assert response.status_code == 200
    assert f"Tệp «{name}» không thuộc loại được nhận" in response.content.decode()
    assert not MeetingDocument.objects.exists() and not any(media.rglob("*.*"))


def test_size_limit_applies_to_meeting_documents(secretary, meeting, media, settings):
    settings.DANGBO_UPLOAD_MAX_MB = 0.001
    response = _post(secretary, meeting, PDF + b"%" * 2000, "lon.pdf")
    assert "vượt quá dung lượng cho phép" in response.content.decode()
    assert not MeetingDocument.objects.exists()


def test_staff_link_downloads_through_a_restricted_logged_view(secretary, meeting, media, tree):
    assert _post(secretary, meeting, PDF, "../Dự thảo.PDF").status_code == 302
    document = MeetingDocument.objects.get()
    assert (document.file_name, document.file_type) == ("Dự thảo.pdf", "pdf")
    assert document.file.name.startswith("meetings/") and "thảo" not in document.file.name
    assert (media / document.file.name).read_bytes() == PDF

    page = secretary.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    url = reverse("meetings:document_file", args=[document.pk])
    assert f'href="{url}"' in page and "/media/" not in page
    response = secretary.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    preview = secretary.get(url, {"xem": "1"})
    assert preview["Content-Disposition"].startswith("inline;")
    assert "default-src 'none'" in preview["Content-Security-Policy"]
    assert (
        LogEntry.objects.filter(object_pk=str(document.pk), action=LogEntry.Action.ACCESS).count()
        == 2
    )

    outsider = Client()
    outsider.force_login(factories.user(role_code="cell_secretary", on=tree["cell_b"]))
    assert outsider.get(url).status_code == 404
    assert Client().get(url).status_code == 302  # anonymous: to the login page


def test_the_api_gives_the_download_link_not_a_media_path(meeting, media, admin_client):
    services.add_document(
        meeting, title="Dự thảo", file=SimpleUploadedFile("a.pdf", PDF), published_at=None
    )
    body = admin_client.get(f"/api/v1/meetings/{meeting.pk}/").json()
    document = body["documents"][0]
    assert document["file"].endswith(
        reverse("meetings:document_file", args=[MeetingDocument.objects.get().pk])
    )
    assert document["file_type"] == "pdf" and document["file_name"] == "a.pdf"


def test_members_download_from_the_portal_with_the_same_protection(meeting, media, tree):
    document = services.add_document(
        meeting, title="Dự thảo", file=SimpleUploadedFile("du-thao.pdf", PDF), published_at=None
    )
    member = Client()
    member.force_login(account_for(tree["members_a"][0]).user)
    url = reverse("portal:document", args=[document.pk])
    page = member.get(reverse("portal:meeting", args=[meeting.pk])).content.decode()
    assert f'href="{url}"' in page
    response = member.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == 'attachment; filename="du-thao.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert member.get(url, {"xem": "1"})["Content-Disposition"].startswith("inline;")
    assert LogEntry.objects.filter(object_pk=str(document.pk), action=LogEntry.Action.ACCESS)
    other = Client()
    other.force_login(account_for(tree["members_b"][0]).user)
    assert other.get(url).status_code == 404
