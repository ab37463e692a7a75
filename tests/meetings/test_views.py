from datetime import date, time

import pytest
from django.urls import reverse

from dangbo.meetings import services
from dangbo.meetings.models import Attendance, CriteriaSet, Meeting, MeetingTask
from tests import factories
from tests.meetings.conftest import criteria_set, held_meeting

PDF = b"%PDF-1.4\n%du thao\n%%EOF\n"


@pytest.fixture
def secretary_client(client, tree):
    client.force_login(factories.user(role_code="cell_secretary", on=tree["cell_a"]))
    return client


def test_anonymous_is_sent_to_login(client, tree):
    meeting = held_meeting(tree["cell_a"], tree["members_a"])
    for url in (
        reverse("meetings:index"),
        reverse("meetings:stats"),
        reverse("meetings:cell", args=[tree["cell_a"].pk]),
        reverse("meetings:detail", args=[meeting.pk]),
        reverse("meetings:record", args=[meeting.pk]),
        reverse("meetings:criteria"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_secretary_sees_own_cell_only(secretary_client, tree):
    mine = held_meeting(tree["cell_a"], tree["members_a"])
    other = held_meeting(tree["cell_b"], tree["members_b"])
    body = secretary_client.get(reverse("meetings:index")).content.decode()
    assert reverse("meetings:detail", args=[mine.pk]) in body
    assert reverse("meetings:detail", args=[other.pk]) not in body
    for name in ("detail", "record", "prepare", "score", "resolution", "document", "superior"):
        assert secretary_client.get(reverse(f"meetings:{name}", args=[other.pk])).status_code == 404
    assert secretary_client.get(reverse("meetings:detail", args=[mine.pk])).status_code == 200
    for name in ("cell", "plan", "plan_year"):
        url = reverse(f"meetings:{name}", args=[tree["cell_b"].pk])
        assert secretary_client.get(url).status_code == 404
        assert (
            secretary_client.get(reverse(f"meetings:{name}", args=[tree["cell_a"].pk])).status_code
            == 200
        )
    assert (
        secretary_client.get(reverse("meetings:stats"), {"org": tree["cell_b"].pk}).status_code
        == 404
    )


def test_viewer_without_change_cannot_record(client, tree):
    meeting = held_meeting(tree["cell_a"], tree["members_a"])
    client.force_login(factories.user(role_code="org_board_officer", on=tree["province"]))
    assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 200
    assert client.get(reverse("meetings:record", args=[meeting.pk])).status_code == 404


def test_plan_then_record_whole_cell_then_score(secretary_client, tree, cset):
    cell, members = tree["cell_a"], tree["members_a"]
    response = secretary_client.post(
        reverse("meetings:plan", args=[cell.pk]),
        {"kind": "thematic", "planned_on": "10/03/2026", "topic": "", "agenda": ""},
    )
    assert "Sinh hoạt chuyên đề cần có chủ đề." in response.content.decode()
    response = secretary_client.post(
        reverse("meetings:plan", args=[cell.pk]),
        {"kind": "combined", "planned_on": "10/03/2026", "topic": "Học tập Nghị quyết"},
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    url = reverse("meetings:record", args=[meeting.pk])
    form = secretary_client.get(url).content.decode()
    assert all(m.full_name in form for m in members)
    data = {
        "held_on": "10/03/2026",
        "start": "08:00",
        "end": "09:30",
        "chair": members[0].pk,
        "secretary": members[1].pk,
        "minutes": "Chi bộ thống nhất…",
        f"status_{members[0].pk}": "present",
        f"status_{members[1].pk}": "online",
        f"status_{members[2].pk}": "excused",
        f"reason_{members[2].pk}": "",
    }
    response = secretary_client.post(url, data)
    assert "Cần nêu lý do vắng của đồng chí «Lê Đức Anh»" in response.content.decode()
    assert not Attendance.objects.exists()
    data[f"reason_{members[2].pk}"] = "Ốm"
    assert secretary_client.post(url, data).status_code == 302
    body = secretary_client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "dưới mức tối thiểu 120 phút" in body
    assert "Tỷ lệ đảng viên dự họp 66,7% dưới ngưỡng 95%" in body
    criteria = list(cset.criteria.all())
    score_url = reverse("meetings:score", args=[meeting.pk])
    points = {f"points_{c.pk}": v for c, v in zip(criteria, ["15", "20", "40"], strict=True)}
    points[f"points_{criteria[0].pk}"] = "25"
    response = secretary_client.post(score_url, points)
    assert "Điểm vượt quá tối đa (20)" in response.content.decode() or "nhỏ hơn" in (
        response.content.decode()
    )
    points[f"points_{criteria[0].pk}"] = "15"
    assert secretary_client.post(score_url, points).status_code == 302
    meeting.refresh_from_db()
    assert (str(meeting.score), meeting.grade) == ("75.0", "kha")
    body = secretary_client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Khá" in body


def test_superior_who_attended_can_score(client, tree, cset):
    meeting = held_meeting(tree["cell_a"], tree["members_a"])
    leader = factories.user("lanhdao")
    superior = services.invite_superior(meeting, full_name="Lãnh Đạo", account=leader)
    client.force_login(leader)
    url = reverse("meetings:score", args=[meeting.pk])
    assert client.get(url).status_code == 404
    superior.attended = True
    superior.save()
    assert client.get(url).status_code == 200


def test_cell_calendar_flags_and_year_plan(secretary_client, tree):
    cell = tree["cell_a"]
    held_meeting(cell, tree["members_a"], on=date(2025, 1, 10))
    body = secretary_client.get(reverse("meetings:cell", args=[cell.pk]), {"year": 2025}).content
    body = body.decode()
    assert "Chưa tổ chức sinh hoạt thường kỳ các tháng đã qua: 2, 3, 4" in body
    assert "sinh hoạt chuyên đề các quý đã qua: 1, 2, 3, 4" in body
    url = reverse("meetings:plan_year", args=[cell.pk]) + "?year=2027"
    assert "Lập lịch theo đề xuất" in secretary_client.get(url).content.decode()
    assert secretary_client.post(url).status_code == 302
    assert Meeting.objects.filter(organization=cell, planned_on__year=2027).count() == 12
    response = secretary_client.post(url)
    assert "đã đủ" in response.content.decode()


def test_list_query_count_is_constant(admin_client, tree, django_assert_max_num_queries):
    for month in range(1, 11):
        held_meeting(tree["cell_a"], tree["members_a"], on=date(2026, month, 10))
        held_meeting(tree["cell_b"], tree["members_b"], on=date(2026, month, 12))
    with django_assert_max_num_queries(8):
        response = admin_client.get(reverse("meetings:index"), {"flag": "unscored"})
    assert response.status_code == 200
    assert response.content.decode().count("Chưa chấm điểm") >= 20


def test_record_form_query_count(secretary_client, tree, django_assert_max_num_queries):
    cell = tree["cell_a"]
    members = tree["members_a"] + [factories.member(cell, f"Đảng Viên {i}") for i in range(20)]
    meeting = services.plan_meeting(organization=cell, kind="regular", planned_on=date(2026, 3, 10))
    data = {"held_on": "10/03/2026", "start": "08:00", "end": "10:00"}
    data.update(chair=members[0].pk, secretary=members[1].pk)
    data.update({f"status_{m.pk}": "present" for m in members})
    url = reverse("meetings:record", args=[meeting.pk])
    with django_assert_max_num_queries(25):
        assert secretary_client.post(url, data).status_code == 302
    assert Attendance.objects.filter(meeting=meeting).count() == 23


def test_stats_and_detail_query_counts(admin_client, tree, cset, django_assert_max_num_queries):
    absent = tree["members_a"][2]
    for month in range(1, 7):
        statuses = {absent.pk: ("unexcused", "")} if month > 2 else {}
        held_meeting(tree["cell_a"], tree["members_a"], on=date(2026, month, 10), statuses=statuses)
    with django_assert_max_num_queries(15):
        response = admin_client.get(
            reverse("meetings:stats"), {"org": tree["province"].pk, "year": 2026, "to": 6}
        )
    body = response.content.decode()
    assert "Đảng ủy Khối các cơ quan tỉnh" in body and "6 / 12" in body
    flags = response.context["absences"]
    assert [(f.member, f.longest, f.current) for f in flags] == [(absent, 4, 4)]
    assert absent.full_name in body
    meeting = Meeting.objects.first()
    with django_assert_max_num_queries(15):
        assert admin_client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 200


def test_criteria_admin_screen(client, tree):
    officer = factories.user(role_code="org_board_officer", on=tree["province"])
    client.force_login(officer)
    url = reverse("meetings:criteria_create")
    data = {
        "organization": tree["province"].pk,
        "name": "Tiêu chí đánh giá chất lượng sinh hoạt chi bộ 2026",
        "valid_from": "01/01/2026",
        "source": "Hướng dẫn 05-HD/BTCTU",
        "criteria": "Chuẩn bị | 20 | Tài liệu trước 1 ngày\nTổ chức | abc",
    }
    assert "Dòng 2: điểm tối đa phải là số." in client.post(url, data).content.decode()
    data["criteria"] = "Chuẩn bị | 20 | Tài liệu trước 1 ngày\nTổ chức | 80"
    assert client.post(url, data).status_code == 302
    criteria_set_ = CriteriaSet.objects.get()
    assert [c.max_points for c in criteria_set_.criteria.all()] == [20, 80]
    body = client.get(reverse("meetings:criteria_detail", args=[criteria_set_.pk])).content
    assert "Tài liệu trước 1 ngày" in body.decode()
    secretary = factories.user(role_code="viewer", on=tree["cell_a"])
    client.force_login(secretary)
    assert client.get(url).status_code == 404


def test_criteria_outside_subtree_is_404(client, tree):
    other = criteria_set(tree["commune"], name="Bộ tiêu chí xã")
    client.force_login(factories.user(role_code="org_board_officer", on=tree["bloc"]))
    assert client.get(reverse("meetings:criteria_detail", args=[other.pk])).status_code == 404


def test_assign_superior_screen(secretary_client, tree):
    url = reverse("meetings:assign", args=[tree["cell_a"].pk])
    data = {"full_name": "Hoàng Văn Khối", "mode": "in_person", "valid_from": "01/01/2026"}
    assert secretary_client.post(url, data).status_code == 302
    body = secretary_client.get(reverse("meetings:cell", args=[tree["cell_a"].pk])).content
    assert "Hoàng Văn Khối" in body.decode()
    other = reverse("meetings:assign", args=[tree["cell_b"].pk])
    assert secretary_client.get(other).status_code == 404


def test_prepare_documents_superiors_resolutions_tasks(secretary_client, tree, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    cell, members = tree["cell_a"], tree["members_a"]
    meeting = services.plan_meeting(organization=cell, kind="regular", planned_on=date(2026, 3, 10))
    url = reverse("meetings:prepare", args=[meeting.pk])
    data = {"planned_on": "10/03/2026", "agenda": "1. Đánh giá", "location": "Hội trường"}
    assert secretary_client.post(url, data).status_code == 302
    url = reverse("meetings:document", args=[meeting.pk])
    upload = SimpleUploadedFile("du-thao.pdf", PDF, content_type="application/pdf")
    data = {"title": "Dự thảo nghị quyết", "file": upload, "published_at": "10/03/2026 07:00"}
    assert secretary_client.post(url, data).status_code == 302
    url = reverse("meetings:superior", args=[meeting.pk])
    response = secretary_client.post(url, {"full_name": "Lê Khối", "mode": "online"})
    assert "Dự trực tuyến cần có đường dẫn phòng họp." in response.content.decode()
    data = {"full_name": "Lê Khối", "mode": "online", "online_link": "https://hop.example/x"}
    assert secretary_client.post(url, data).status_code == 302
    body = secretary_client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Tài liệu «Dự thảo nghị quyết» công bố muộn" in body
    assert "Lê Khối" in body and "Hội trường" in body
    meeting = services.record_meeting(
        meeting,
        held_on=date(2026, 3, 10),
        start=time(8),
        end=time(10),
        chair_id=members[0].pk,
        secretary_id=members[1].pk,
        attendance=[services.AttendanceEntry(m.pk, "present") for m in members],
    )
    url = reverse("meetings:resolution", args=[meeting.pk])
    data = {"content": "Nghị quyết tháng 3", "task_description": "Rà soát hồ sơ"}
    response = secretary_client.post(url, data)
    assert "Cần chọn người thực hiện nhiệm vụ." in response.content.decode()
    data.update(task_owner=members[2].pk, task_due_on="31/03/2026")
    assert secretary_client.post(url, data).status_code == 302
    task = MeetingTask.objects.get()
    url = reverse("meetings:task_done", args=[task.pk])
    assert secretary_client.post(url, {"done_on": "30/03/2026"}).status_code == 302
    body = secretary_client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "xong 30/03/2026" in body
    other = services.plan_meeting(
        organization=tree["cell_b"], kind="regular", planned_on=date(2026, 3, 10)
    )
    assert secretary_client.get(reverse("meetings:cancel", args=[other.pk])).status_code == 404
