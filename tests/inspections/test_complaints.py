from datetime import date

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dangbo.core.errors import DomainError
from dangbo.core.models import RuleParameter
from dangbo.inspections import rules, services
from dangbo.inspections.models import Complaint
from tests import factories


def test_complaint_rules():
    assert rules.complaint_due(date(2025, 1, 1), 60) == date(2025, 3, 2)
    assert rules.complaint_overdue_days(date(2025, 3, 2), "assigned", date(2025, 3, 5)) == 3
    assert rules.complaint_overdue_days(date(2025, 3, 2), "answered", date(2025, 3, 5)) == 0
    assert rules.complaint_overdue_days(date(2025, 3, 2), "received", date(2025, 3, 2)) == 0


def _register(tree, **overrides):
    data = dict(
        organization=tree["bloc"],
        complaint_type="denunciation",
        received_on=date(2025, 3, 1),
        sender="Nguyễn Văn Tố",
        concerning="Đồng chí Phạm Quang Dũng",
        content="Tố cáo vi phạm quy định về quản lý tài sản công",
    )
    data.update(overrides)
    return services.register_complaint(**data)


def test_register_assign_answer_with_configurable_limit(tree):
    complaint = _register(tree)
    assert complaint.due_on == date(2025, 4, 30)  # 60 days by default
    RuleParameter.objects.create(
        key="inspections.complaint_days", value=30, valid_from=date(2025, 1, 1), org_path=""
    )
    other = _register(tree, complaint_type="complaint")
    assert other.due_on == date(2025, 3, 31)
    with pytest.raises(DomainError) as err:
        services.answer_complaint(complaint, answered_on=date(2025, 4, 1), answer="Xong")
    assert "giao người giải quyết" in err.value.message
    with pytest.raises(DomainError) as err:
        services.assign_complaint(complaint, assigned_to="Tổ 1", assigned_on=date(2025, 2, 1))
    assert err.value.field == "assigned_on"
    services.assign_complaint(complaint, assigned_to="Tổ 1", assigned_on=date(2025, 3, 2))
    services.answer_complaint(complaint, answered_on=date(2025, 4, 10), answer="Không đúng")
    assert Complaint.objects.get(pk=complaint.pk).status == "answered"
    with pytest.raises(DomainError):
        services.assign_complaint(complaint, assigned_to="Tổ 2", assigned_on=date(2025, 4, 11))


def test_register_bad_input(tree):
    for overrides, field in [
        ({"sender": " "}, "sender"),
        ({"complaint_type": "x"}, "complaint_type"),
        ({"received_on": date(2099, 1, 1)}, "received_on"),
    ]:
        with pytest.raises(DomainError) as err:
            _register(tree, **overrides)
        assert err.value.field == field
    assert not Complaint.objects.exists()


def test_screens_flag_overdue_and_hide_sender_from_viewers(
    client, tree, django_assert_max_num_queries
):
    complaint = _register(tree)
    officer = factories.user(role_code="inspection_officer", on=tree["bloc"])
    client.force_login(officer)
    with django_assert_max_num_queries(10):
        body = client.get(reverse("inspections:complaints"), {"overdue": "true"}).content.decode()
    assert "Quá hạn" in body and "Đồng chí Phạm Quang Dũng" in body
    detail = client.get(reverse("inspections:complaint", args=[complaint.pk])).content.decode()
    assert "Nguyễn Văn Tố" in detail
    response = client.post(
        reverse("inspections:complaint_assign", args=[complaint.pk]),
        {"assigned_to": "Tổ công tác số 1", "assigned_on": "02/03/2025"},
    )
    assert response.status_code == 302
    committee = factories.user(role_code="grassroots_committee", on=tree["bloc"])
    client.force_login(committee)
    detail = client.get(reverse("inspections:complaint", args=[complaint.pk])).content.decode()
    assert "Nguyễn Văn Tố" not in detail and "bí mật" in detail
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=committee).key}")
    rows = api.get("/api/v1/inspection-complaints/").json()["results"]
    assert rows[0]["sender"] == ""
    outsider = factories.user(role_code="inspection_officer", on=tree["commune"])
    client.force_login(outsider)
    assert client.get(reverse("inspections:complaint", args=[complaint.pk])).status_code == 404


def test_statistics_count_complaints(tree):
    from dangbo.inspections import queries

    answered = _register(tree)
    services.assign_complaint(answered, assigned_to="Tổ 1", assigned_on=date(2025, 3, 2))
    services.answer_complaint(answered, answered_on=date(2025, 3, 20), answer="Đã xử lý")
    _register(tree, organization=tree["committee"])
    _register(tree, organization=tree["commune"])
    stats = queries.statistics(tree["bloc"].path, 2025, 2025, date(2025, 6, 1))
    assert stats.complaints == {"total": 2, "answered": 1, "overdue": 1}


def test_create_through_form(client, tree):
    client.force_login(factories.user(role_code="inspection_officer", on=tree["bloc"]))
    data = {
        "organization": tree["committee"].pk,
        "complaint_type": "complaint",
        "received_on": "01/03/2025",
        "sender": "Lê Văn Khiếu",
        "concerning": "Chi bộ Văn phòng",
        "content": "Khiếu nại kết quả xếp loại",
    }
    response = client.post(reverse("inspections:complaint_create"), data)
    assert response.status_code == 302 and Complaint.objects.get().due_on == date(2025, 5, 30)
    response = client.post(
        reverse("inspections:complaint_create"), {**data, "organization": tree["village"].pk}
    )
    assert response.status_code == 200 and Complaint.objects.count() == 1
