from datetime import date

import pytest
from django.urls import reverse

from dangbo.inspections import services
from dangbo.inspections.models import Case, Inspection, Programme, Remedy
from dangbo.members.models import Member
from tests import factories
from tests.inspections.conftest import plan


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def test_anonymous_is_sent_to_login(client, concluded):
    for url in [
        reverse("inspections:index"),
        reverse("inspections:detail", args=[concluded.pk]),
        reverse("inspections:statistics"),
        reverse("inspections:programme_create"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_outside_subtree_is_404_and_lists_are_empty(client, outsider, concluded):
    client.force_login(outsider)
    remedy = concluded.remedies.first()
    for url in [
        reverse("inspections:detail", args=[concluded.pk]),
        reverse("inspections:programme", args=[concluded.programme_id]),
        reverse("inspections:conclude", args=[concluded.pk]),
        reverse("inspections:remedy_confirm", args=[remedy.pk]),
        reverse("inspections:plan", args=[concluded.programme_id]),
    ]:
        assert client.get(url).status_code == 404, url
    body = client.get(reverse("inspections:list")).content.decode()
    assert "Đảng bộ Sở Tư pháp" not in body


def test_viewer_role_sees_no_inspection_records(client, tree, concluded):
    viewer = factories.user(role_code="viewer", on=tree["province"])
    client.force_login(viewer)
    assert client.get(reverse("inspections:detail", args=[concluded.pk])).status_code == 404
    assert client.get(reverse("inspections:programme_create")).status_code == 404


def test_target_committee_sees_but_cannot_change(client, tree, concluded):
    secretary = factories.user(role_code="grassroots_committee", on=tree["committee"])
    client.force_login(secretary)
    response = client.get(reverse("inspections:detail", args=[concluded.pk]))
    assert response.status_code == 200
    assert "Xác nhận đã khắc phục" not in response.content.decode()
    remedy = concluded.remedies.first()
    assert client.get(reverse("inspections:remedy_confirm", args=[remedy.pk])).status_code == 404


def test_programme_list_shows_plan_vs_done(
    officer_client, programme, tree, concluded, django_assert_max_num_queries
):
    for _ in range(5):
        services.plan_inspection(programme, plan(), target_org=tree["cell_a"])
    with django_assert_max_num_queries(10):
        response = officer_client.get(reverse("inspections:index"))
    body = response.content.decode()
    assert "Chương trình kiểm tra, giám sát năm 2025" in body
    assert ">6<" in body and ">1<" in body and "17%" in body


def test_programme_detail_quarters(
    officer_client, programme, tree, concluded, django_assert_max_num_queries
):
    for quarter, start in [(3, date(2025, 7, 1)), (4, date(2025, 10, 1))]:
        services.plan_inspection(
            programme,
            plan(planned_quarter=quarter, planned_start=start, planned_end=start),
            target_member=tree["members_a"][0],
        )
    with django_assert_max_num_queries(10):
        response = officer_client.get(reverse("inspections:programme", args=[programme.pk]))
    body = response.content.decode()
    assert "Quý 2" in body and "Cả năm" in body and "33,3%" in body
    assert "Nguyễn Văn Bình" in body


def test_inspection_detail_flags_overdue(officer_client, concluded, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = officer_client.get(reverse("inspections:detail", args=[concluded.pk]))
    body = response.content.decode()
    assert "1 quá hạn" in body and "Quá hạn" in body and "Có vi phạm" in body
    overdue = officer_client.get(reverse("inspections:remedies"), {"overdue": "true"})
    text = overdue.content.decode()
    assert "Tổ chức lại sinh hoạt chuyên đề" in text and "Bổ sung biên bản" not in text


def test_list_pages_query_counts(
    officer_client, programme, tree, concluded, django_assert_max_num_queries
):
    for _ in range(10):
        services.plan_inspection(programme, plan(), target_member=tree["members_a"][1])
    for name in ["inspections:list", "inspections:remedies", "inspections:cases"]:
        with django_assert_max_num_queries(10):
            assert officer_client.get(reverse(name)).status_code == 200


def test_plan_through_form_with_bad_input(officer_client, programme, tree):
    url = reverse("inspections:plan", args=[programme.pk])
    data = {
        "kind": "supervision",
        "mode": "thematic",
        "target_org": tree["cell_a"].pk,
        "content": "Giám sát chuyên đề việc thực hiện nghị quyết",
        "planned_quarter": "3",
        "planned_start": "01/04/2025",
        "planned_end": "30/09/2025",
    }
    response = officer_client.post(url, data)
    assert response.status_code == 200 and "không thuộc quý 3" in response.content.decode()
    data["planned_start"] = "01/07/2025"
    response = officer_client.post(url, data)
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response["Location"] == inspection.get_absolute_url()
    assert inspection.target_kind == "cell" and inspection.mode == "thematic"
    data["target_org"] = tree["village"].pk  # outside the officer's reach
    response = officer_client.post(url, data)
    assert response.status_code == 200 and Inspection.objects.count() == 1


def test_create_programme_through_form(officer_client, tree):
    data = {
        "organization": tree["bloc"].pk,
        "body": "inspection_committee",
        "year": "2026",
        "title": "Chương trình kiểm tra năm 2026",
        "approved_on": "05/01/2026",
    }
    response = officer_client.post(reverse("inspections:programme_create"), data)
    assert response.status_code == 302
    assert Programme.objects.get().organization == tree["bloc"]


def test_start_conclude_and_confirm_through_forms(officer_client, inspection):
    officer_client.post(
        reverse("inspections:start", args=[inspection.pk]),
        {
            "decision_number": "12-QĐ/UBKT",
            "decision_date": "08/04/2025",
            "started_on": "10/04/2025",
            "team": "Trần Văn Kiểm",
        },
    )
    url = reverse("inspections:conclude", args=[inspection.pk])
    bad = officer_client.post(
        url,
        {
            "concluded_on": "12/05/2025",
            "violations_found": "yes",
            "conclusion": "Có vi phạm",
            "remedies": "Sửa biên bản | Bí thư | 31/13/2025",
        },
    )
    assert "Dòng 1" in bad.content.decode()
    response = officer_client.post(
        url,
        {
            "concluded_on": "12/05/2025",
            "violations_found": "yes",
            "conclusion": "Có vi phạm",
            "remedies": "Sửa biên bản | Bí thư | 31/12/2025",
        },
    )
    assert response.status_code == 302
    remedy = Remedy.objects.get()
    response = officer_client.post(
        reverse("inspections:remedy_confirm", args=[remedy.pk]),
        {"done_on": "01/06/2025", "note": "Đã kiểm tra biên bản"},
    )
    assert response.status_code == 302
    assert Remedy.objects.get().status == "done"


def test_case_discipline_form_and_member_record(officer_client, tree, concluded):
    member = tree["members_a"][0]
    response = officer_client.post(
        reverse("inspections:case_create") + f"?inspection={concluded.pk}",
        {
            "member": member.pk,
            "opened_on": "01/06/2025",
            "decision_number": "30-QĐ/UBKT",
            "authority": "Ủy ban Kiểm tra Đảng ủy Khối",
            "signs": "Dấu hiệu vi phạm quản lý tài chính",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and case.inspection == concluded
    url = reverse("inspections:case_discipline", args=[case.pk])
    form = officer_client.get(url).content.decode()
    assert "Khai trừ" in form and "Giải tán" not in form
    response = officer_client.post(
        url,
        {
            "form": "warning",
            "decided_on": "01/07/2025",
            "decision_number": "35-QĐ/UBKT",
            "authority_org": tree["bloc"].pk,
            "authority": "Ủy ban Kiểm tra Đảng ủy Khối",
            "reason": "Vi phạm quản lý tài chính",
        },
    )
    assert response.status_code == 302
    page = officer_client.get(case.get_absolute_url()).content.decode()
    assert "Cảnh cáo" in page and "lùi 9 tháng" in page and "Không hoàn thành nhiệm vụ" in page
    record = officer_client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert "Cảnh cáo — QĐ 35-QĐ/UBKT" in record
    assert Member.objects.get(pk=member.pk).status == "official"


def test_statistics_page_and_export(officer_client, tree, concluded, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = officer_client.get(
            reverse("inspections:statistics"), {"year_from": 2021, "year_to": 2025}
        )
    body = response.content.decode()
    assert response.status_code == 200 and "Đảng ủy Khối các cơ quan tỉnh" in body
    assert f"org={tree['bloc'].pk}" in body
    export = officer_client.get(
        reverse("inspections:statistics"),
        {"year_from": 2021, "year_to": 2025, "export": "xlsx"},
    )
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    bad = officer_client.get(
        reverse("inspections:statistics"), {"year_from": 2025, "year_to": 2021}
    )
    assert "Năm kết thúc" in bad.content.decode()


def test_pickers_only_show_reachable(officer_client, tree):
    orgs = officer_client.get(reverse("inspections:pick_org"), {"q": "chi bo", "field": "x"})
    text = orgs.content.decode()
    assert "Chi bộ Văn phòng" in text and "Thôn Đông" not in text
    members = officer_client.get(reverse("inspections:pick_member"), {"q": "dang", "field": "x"})
    text = members.content.decode()
    assert "Phạm Quang Dũng" not in text and "Đặng Thị Thủy" not in text
    assert (
        "Lê Đức Anh"
        in officer_client.get(
            reverse("inspections:pick_member"), {"q": "le duc", "field": "x"}
        ).content.decode()
    )


def test_org_case_discipline_and_appeal_through_forms(officer_client, tree):
    case = services.open_case(
        organization=tree["cell_b"],
        opened_on=date(2025, 6, 1),
        decision_number="31-QĐ/UBKT",
        authority="Ủy ban Kiểm tra Đảng ủy Khối",
        signs="Chi bộ không sinh hoạt nhiều tháng",
    )
    url = reverse("inspections:case_discipline", args=[case.pk])
    assert "Giải tán" in officer_client.get(url).content.decode()
    response = officer_client.post(
        url,
        {
            "form": "warning",
            "decided_on": "01/07/2025",
            "decision_number": "36-QĐ/UBKT",
            "authority_org": tree["bloc"].pk,
            "authority": "Ban Thường vụ Đảng ủy Khối",
            "reason": "Không duy trì sinh hoạt chi bộ",
        },
    )
    assert response.status_code == 302
    appeal_url = reverse("inspections:appeal", args=[case.pk])
    late = officer_client.post(appeal_url, {"lodged_on": "30/08/2025", "grounds": "Oan"})
    assert "Quá thời hạn" in late.content.decode()
    officer_client.post(appeal_url, {"lodged_on": "15/07/2025", "grounds": "Chưa đúng"})
    appeal = case.appeals.get()
    response = officer_client.post(
        reverse("inspections:appeal_decide", args=[appeal.pk]),
        {
            "decided_on": "10/08/2025",
            "upheld": "yes",
            "decided_by": "Ủy ban Kiểm tra Tỉnh ủy",
            "note": "Chưa đủ căn cứ",
        },
    )
    assert response.status_code == 302
    page = officer_client.get(case.get_absolute_url()).content.decode()
    assert "Đã hủy bỏ 10/08/2025" in page and "Chấp nhận" in page


def test_close_case_without_discipline(officer_client, tree):
    case = services.open_case(
        member=tree["members_b"][0],
        opened_on=date(2025, 6, 1),
        decision_number="32-QĐ/UBKT",
        authority="Ủy ban Kiểm tra Đảng ủy Khối",
        signs="Đơn phản ánh",
    )
    response = officer_client.post(
        reverse("inspections:case_close", args=[case.pk]),
        {"closed_on": "20/06/2025", "conclusion": "Không có vi phạm"},
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).outcome == "no_violation"


@pytest.mark.parametrize("configured", [None, "ht"])
def test_case_promises_the_cap_the_review_applies(officer_client, tree, configured):
    """The inspection screen and the annual review read one dated table (members.rules):
    a reprimand in 2025 caps the grade at KHTNV (Quy định 124-QĐ/TW), or at what the
    province configured — the same on both sides."""
    from dangbo.core.models import RuleParameter
    from dangbo.members import rules as member_rules
    from dangbo.reviews import services as review_services
    from dangbo.reviews.models import MemberReview

    if configured:
        RuleParameter.objects.create(
            key=member_rules.DISCIPLINE_GRADE_CAPS_KEY,
            valid_from=date(2025, 1, 1),
            org_path=tree["province"].path,
            value={"reprimand": configured},
        )
    member = tree["members_a"][0]
    case = services.open_case(
        member=member,
        opened_on=date(2025, 6, 1),
        decision_number="30-QĐ/UBKT",
        authority="Ủy ban Kiểm tra Đảng ủy Khối",
        signs="Dấu hiệu vi phạm",
    )
    services.discipline_member(
        case,
        form="reprimand",
        decided_on=date(2025, 7, 1),
        decision_number="35-QĐ/UBKT",
        authority_org=tree["bloc"],
        reason="Vi phạm",
    )
    page = officer_client.get(case.get_absolute_url()).content.decode()
    year = review_services.open_year(organization=tree["committee"], year=2025)
    applied = MemberReview.objects.get(review_year=year, member=member).discipline_cap
    assert applied == (configured or "kht")
    assert f"không cao hơn «{member_rules.GRADE_LABELS[applied]}»" in page
