"""Audit: timelines on org and member records, the searchable log, exports, API actors."""

from auditlog.models import LogEntry
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.authtoken.models import Token

from dangbo.core.audit import log_export
from dangbo.members.models import Member
from tests import factories


def test_member_timeline_shows_who_old_new_and_ip(admin_client, tree):
    member = tree["members_a"][0]
    response = admin_client.post(
        reverse("members:edit", args=[member.pk]),
        {
            "full_name": "Nguyễn Văn Bính",
            "gender": "M",
            "birth_date": "15/03/1985",
            "admitted_on": "19/05/2010",
            "official_on": "19/05/2011",
            "ethnicity": "Kinh",
            "religion": "none",
            "theory_level": "none",
            "id_number": member.id_number,
            "reason": "Sai chính tả",
        },
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302
    body = admin_client.get(reverse("members:detail", args=[member.pk])).content.decode()
    timeline = body.split('id="audit-timeline"')[1].split("</ul>\n")[0]
    assert "quantri" in timeline and "10.1.2.3" in timeline
    assert "<del>Nguyễn Văn Bình</del> → <ins>Nguyễn Văn Bính</ins>" in timeline


def test_id_number_changes_are_masked_in_the_log(admin_client, tree):
    member = tree["members_a"][0]
    old = member.id_number
    from dangbo.members import services

    services.correct_identity(member, reason="Cấp lại", id_number="079123456789")
    entry = LogEntry.objects.get_for_object(member).filter(action=LogEntry.Action.UPDATE).first()
    assert old not in str(entry.changes) and "079123456789" not in str(entry.changes)


def test_org_timeline_shows_rename(admin_client, tree):
    org = tree["cell_a"]
    response = admin_client.post(
        reverse("organizations:rename", args=[org.pk]),
        {
            "new_name": "Chi bộ Văn phòng Sở",
            "decision_number": "15-QĐ/ĐU",
            "decision_date": "01/02/2024",
            "signer": "Trần Văn B",
            "effective_date": "01/02/2024",
        },
    )
    assert response.status_code == 302
    body = admin_client.get(reverse("organizations:detail", args=[org.pk])).content.decode()
    assert "<del>Chi bộ Văn phòng</del> → <ins>Chi bộ Văn phòng Sở</ins>" in body


def test_audit_screen_searches_by_user_action_and_object(admin_client, tree):
    member = tree["members_a"][0]
    admin_client.get(reverse("members:detail", args=[member.pk]))
    response = admin_client.get(
        reverse("core:audit"), {"actor": "quantri", "action": str(LogEntry.Action.ACCESS)}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "Xem hồ sơ" in body and member.full_name in body
    body = admin_client.get(
        reverse("core:audit"), {"object_repr": "Thôn Đông", "date_from": "01/01/2000"}
    ).content.decode()
    assert "Chi bộ Thôn Đông" in body and "Nguyễn Văn Bình" not in body


def test_subtree_auditor_sees_only_their_subtree(client, tree):
    auditor = factories.user("kiemtra", role_code="province_admin", on=tree["bloc"])
    client.force_login(auditor)
    body = client.get(reverse("core:audit")).content.decode()
    assert "Chi bộ Văn phòng" in body and "Chi bộ Thôn Đông" not in body
    assert "Đặng Thị Thủy" not in body


def test_log_export_is_searchable(admin_client, admin_user, tree):
    request = RequestFactory().get("/members/?status=official", REMOTE_ADDR="10.9.9.9")
    request.user = admin_user
    entry = log_export(request, Member.objects.all(), rows=5)
    assert entry.additional_data["rows"] == 5 and entry.remote_addr == "10.9.9.9"
    body = admin_client.get(reverse("core:audit"), {"action": "export"}).content.decode()
    assert "Xuất dữ liệu (5 dòng)" in body


def test_api_changes_are_attributed_to_the_token_user(client, tree):
    officer = factories.user("api_user", role_code="org_board_officer", on=tree["committee"])
    token = Token.objects.create(user=officer)
    member = tree["members_a"][0]
    response = client.patch(
        f"/api/v1/members/{member.pk}/",
        {"workplace": "Sở Tư pháp", "reason": "Bổ sung", "version": member.version},
        content_type="application/json",
        headers={"Authorization": f"Token {token.key}"},
    )
    assert response.status_code == 200, response.content
    entry = LogEntry.objects.get_for_object(member).filter(action=LogEntry.Action.UPDATE).first()
    assert entry.actor == officer
    # Reading a record through the API is logged as an access, too.
    client.get(f"/api/v1/members/{member.pk}/", headers={"Authorization": f"Token {token.key}"})
    assert LogEntry.objects.filter(
        object_id=member.pk, action=LogEntry.Action.ACCESS, actor=officer
    ).exists()
