import io
import re
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from dangbo.surveys import services
from dangbo.surveys.models import Campaign, Response, Version
from tests import factories
from tests.surveys import builders


@pytest.fixture
def staff(tree, client):
    user = factories.user("khaosat", role_code="grassroots_committee", on=tree["committee"])
    client.force_login(user)
    return user


def test_create_campaign_through_the_screen(tree, client, staff):
    doc = builders.document(tree["committee"])
    response = client.post(
        reverse("surveys:create"),
        {
            "organization": tree["committee"].pk,
            "title": "Khảo sát đề án sinh hoạt chi bộ",
            "purpose": "Đánh giá kết quả",
            "starts_on": "01/01/2026",
            "ends_on": "31/12/2026",
            "document": doc.pk,
            "anonymous": "on",
        },
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == campaign.get_absolute_url()
    assert campaign.anonymous and campaign.recorded_by == staff


def test_bad_period_is_a_form_error(tree, client, staff):
    doc = builders.document(tree["committee"])
    response = client.post(
        reverse("surveys:create"),
        {
            "organization": tree["committee"].pk,
            "title": "X",
            "purpose": "Y",
            "starts_on": "01/05/2026",
            "ends_on": "01/01/2026",
            "document": doc.pk,
        },
    )
    assert response.status_code == 200
    assert "Ngày kết thúc phải từ ngày bắt đầu trở đi." in response.content.decode()


def test_sample_builder_and_entry_flow(tree, client, staff):
    c = builders.campaign(tree["committee"])
    r = client.post(
        reverse("surveys:sample", args=[c.pk]), {"size": 2, "seed": 42, "stratify": "on"}
    )
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.sample_seed == 42 and c.sample.count() == 2
    client.post(reverse("surveys:group_add", args=[c.pk]), {"code": "dv", "name": "Đảng viên"})
    client.post(reverse("surveys:version_new", args=[c.pk]), {"title": "Phiếu A"})
    version = Version.objects.get(campaign=c)
    client.post(
        reverse("surveys:question_add", args=[version.pk]),
        {"kind": "single", "text": "Có họp hằng tháng?", "options": "Có\nKhông"},
    )
    client.post(
        reverse("surveys:question_add", args=[version.pk]),
        {"kind": "scale", "text": "Chất lượng"},
    )
    r = client.post(reverse("surveys:publish", args=[version.pk]), {"groups": [c.groups.get().pk]})
    assert r.status_code == 302
    version.refresh_from_db()
    assert version.is_published
    q1, q2 = version.questions.all()
    sample = c.sample.first()
    data = {"version": version.pk, "rows": 3}
    data.update({"r0-group": "DV", "r0-org": sample.pk, f"r0-q{q1.pk}": "1", f"r0-q{q2.pk}": "5"})
    data.update({"r1-group": "dv", f"r1-q{q1.pk}": "2", f"r1-q{q2.pk}": "4"})
    r = client.post(reverse("surveys:entry", args=[c.pk]), data)
    assert r.status_code == 302
    assert Response.objects.filter(campaign=c).count() == 2
    data[f"r2-q{q2.pk}"] = "9"
    data["r2-group"] = "DV"
    r = client.post(reverse("surveys:entry", args=[c.pk]), data)
    assert r.status_code == 400
    assert "Dòng 3: Câu 2: điểm phải từ 1 đến 5." in r.content.decode()
    assert Response.objects.filter(campaign=c).count() == 2
    r = client.get(reverse("surveys:results", args=[c.pk]))
    assert r.status_code == 200 and "2 phiếu" in r.content.decode()


def test_entry_refuses_an_org_outside_the_sample_naming_row_and_field(running, tree, client, staff):
    c, version, *_ = running
    other, *_rest = builders.running(tree["committee"], title="Một đợt khác")
    q = [question.pk for question in version.questions.all()]
    data = {"version": version.pk, "rows": 2, "r0-group": "DV", f"r0-q{q[0]}": "1"}
    data.update({"r1-group": "CU", "r1-org": other.sample.first().pk, f"r1-q{q[0]}": "2"})
    url = reverse("surveys:entry", args=[c.pk])
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Dòng 2: Chi bộ: Không tồn tại hoặc ngoài phạm vi." in page
    assert 'name="r0-group" value="DV"' in page  # the rows typed are shown again
    response = client.post(url, {**data, "r1-org": "x1"})
    assert "Dòng 2: Chi bộ: Không tồn tại hoặc ngoài phạm vi." in response.content.decode()
    response = client.post(url, {**data, "r1-org": "", f"r1-q{q[3]}": "tốt\x07"})
    assert response.status_code == 400 and "Dòng 2: Câu 4:" in response.content.decode()
    assert not Response.objects.exists()


def test_public_answer_with_code_once(running, client):
    c, version, cu, dv = running
    code = services.issue_codes(c, group=dv, count=1).codes[0]
    page = client.get(reverse("surveys:answer_code", args=[code]))
    assert page.status_code == 200 and "Chi bộ sinh hoạt định kỳ" in page.content.decode()
    q = {x.position: x.pk for x in version.questions.all()}
    before = LogEntry.objects.count()
    r = client.post(
        reverse("surveys:answer"),
        {"code": code.lower(), f"q{q[1]}": "1", f"q{q[2]}": ["1", "3"], f"q{q[3]}": "4"},
    )
    assert r.status_code == 200 and "Cảm ơn" in r.content.decode()
    assert LogEntry.objects.count() == before  # nothing about the respondent is logged
    response = Response.objects.get()
    assert response.answers.count() == 4 and response.group == dv
    again = client.post(reverse("surveys:answer"), {"code": code, f"q{q[1]}": "2"})
    assert again.status_code == 404
    assert Response.objects.count() == 1
    assert client.get(reverse("surveys:answer"), {"code": "KHONG-CO"}).status_code == 404
    assert client.get(reverse("surveys:answer")).status_code == 200


def test_public_answer_bad_input_keeps_code(running, client):
    c, version, cu, dv = running
    code = services.issue_codes(c, group=dv, count=1).codes[0]
    r = client.post(reverse("surveys:answer"), {"code": code})
    assert r.status_code == 400 and "chưa trả lời câu nào" in r.content.decode()
    assert services.code_target(code) is not None


def test_codes_are_shown_once(running, client, staff):
    c, version, cu, dv = running
    r = client.post(reverse("surveys:codes", args=[c.pk]), {"group": dv.pk, "count": 3})
    codes = re.findall(r'<code class="fs-5">([A-Z0-9-]+)</code>', r.content.decode())
    assert len(codes) == 3
    assert all(services.code_target(code) for code in codes)


def _fill(c, version):
    rows = [services.PaperRow("CU", None, ["1", "12", "5", "Rất tốt"])] * 4
    rows += [services.PaperRow("DV", c.sample.first().pk, ["2", "3", "2", ""])] * 6
    services.enter_paper(c, version, rows)


def test_exports_xlsx_and_docx(running, client, staff):
    c, version, *_ = running
    _fill(c, version)
    services.record_finding(c, kind="recommendation", text="Tăng sinh hoạt chuyên đề")
    r = client.get(reverse("surveys:export_xlsx", args=[c.pk]))
    book = load_workbook(io.BytesIO(r.content))
    raw = book["Dữ liệu thô (ẩn danh)"]
    assert raw.max_row == 11
    # 4 CU and 6 DV: CU is under the floor of 5, DV goes with it (else CU = all − DV)
    assert [cell.value for cell in raw[2]][:2] == [1, "ẩn"]
    assert "Cấp ủy viên" not in {cell.value for row in raw.iter_rows() for cell in row}
    r = client.get(reverse("surveys:export_docx", args=[c.pk]))
    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    assert "Tăng sinh hoạt chuyên đề" in text and "Những việc chưa làm được" in text
    exports = LogEntry.objects.filter(additional_data__has_key="export")
    assert exports.count() == 2


def test_finding_to_task_screen(running, tree, client, staff):
    c, *_ = running
    f = services.record_finding(c, kind="recommendation", text="Giao chi bộ xây dựng chuyên đề")
    r = client.post(
        reverse("surveys:finding_task", args=[f.pk]),
        {"assignee_org": tree["cell_a"].pk, "due_on": "31/12/2099"},
    )
    assert r.status_code == 302
    f.refresh_from_db()
    assert f.task_id_ref


def test_visit_screen_records_attendance(running, tree, client, staff):
    from dangbo.meetings import services as meeting_services

    c, *_ = running
    meeting_services.plan_meeting(
        organization=tree["cell_a"], kind="regular", planned_on=date(2026, 5, 5), topic="Họp"
    )
    team = services.add_team(c, name="Tổ 1", leader_name="Phạm Tổ Trưởng")
    sampled = c.sample.get(organization=tree["cell_a"])
    r = client.post(
        reverse("surveys:visit_add", args=[c.pk]),
        {"team": team.pk, "sampled_org": sampled.pk, "visit_on": "05/05/2026", "mode": "in_person"},
    )
    assert r.status_code == 302
    assert team.visits.get().meeting is not None


def test_main_pages_query_counts(running, client, staff, django_assert_max_num_queries):
    c, version, *_ = running
    _fill(c, version)
    services.add_team(c, name="Tổ 1", leader_name="A", members=[("B", ""), ("C", "")])
    with django_assert_max_num_queries(25):
        assert client.get(reverse("surveys:index")).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(reverse("surveys:detail", args=[c.pk])).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(reverse("surveys:results", args=[c.pk])).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(reverse("surveys:entry", args=[c.pk])).status_code == 200


def test_home_card_lists_running_campaigns(running, client, staff, tree):
    c, *_ = running
    page = client.get("/").content.decode()
    assert "Khảo sát đang thu phiếu" in page and c.get_absolute_url() in page
    outsider = factories.user("ngoai", role_code="grassroots_committee", on=tree["commune"])
    client.force_login(outsider)
    assert "Khảo sát đang thu phiếu" not in client.get("/").content.decode()


def test_small_groups_are_hidden_on_the_screen_and_in_both_exports(running, client, staff):
    """With 7 DV and 1 CU, CU's one answer cannot be read anywhere: the screen, the XLSX
    summary and raw sheet, the DOCX (DV is hidden with it: DV = everyone − CU otherwise)."""
    c, version, *_ = running
    rows = [services.PaperRow("CU", None, ["2", "3", "1", "Riêng tôi"])]
    rows += [services.PaperRow("DV", None, ["1", "1", "5", ""])] * 7
    services.enter_paper(c, version, rows)
    page = client.get(reverse("surveys:results", args=[c.pk])).content.decode()
    assert 'id="k-anonymity"' in page and "ẩn" in page
    assert "Riêng tôi" not in page  # one free-text answer: under the floor too
    book = load_workbook(
        io.BytesIO(client.get(reverse("surveys:export_xlsx", args=[c.pk])).content)
    )
    summary = [row for row in book["Tổng hợp"].iter_rows(values_only=True)]
    scale = next(i for i, row in enumerate(summary) if row[0] == "Điểm trung bình")
    assert summary[scale][2] == 4.5 and summary[scale][3:5] == ("ẩn", "ẩn")
    raw = [row for row in book["Dữ liệu thô (ẩn danh)"].iter_rows(values_only=True)]
    assert {row[1] for row in raw[1:]} == {"ẩn"}
    docx = Document(io.BytesIO(client.get(reverse("surveys:export_docx", args=[c.pk])).content))
    cells = [cell.text for table in docx.tables for row in table.rows for cell in row.cells]
    assert "ẩn" in cells and "1,00" not in cells


def test_ended_campaign_shows_as_ended_everywhere(tree, client, staff):
    ended = builders.running(tree["committee"], ends_on=date(2026, 6, 30))[0]
    listing = client.get(reverse("surveys:index")).content.decode()
    assert "Hết thời gian khảo sát" in listing
    running_only = client.get(reverse("surveys:index"), {"status": "running"}).content.decode()
    assert ended.title not in running_only
    detail = client.get(reverse("surveys:detail", args=[ended.pk])).content.decode()
    assert 'id="campaign-phase">Hết thời gian khảo sát<' in detail
    assert "Khảo sát đang thu phiếu" not in client.get("/").content.decode()
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(staff)
    assert api.get(f"/api/v1/survey-campaigns/{ended.pk}/").json()["status"] == "ended"
