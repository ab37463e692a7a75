from datetime import date

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dangbo.transfers import services
from dangbo.transfers.models import Transfer
from tests import factories


@pytest.fixture
def sides(tree):
    return (
        factories.user("ben_di", role_code="grassroots_committee", on=tree["committee"]),
        factories.user("ben_den", role_code="grassroots_committee", on=tree["commune"]),
    )


def _issue(tree, on=date(2026, 10, 1)):
    return services.issue(tree["members_a"][0], to_org=tree["village"], on=on, paper_number="12")


def test_both_sides_see_the_transfer_others_get_404(client, tree, sides):
    t = _issue(tree, on=date(2026, 1, 5))  # long overdue by now
    for user in sides:
        client.force_login(user)
        body = client.get(reverse("transfers:index")).content.decode()
        assert "Nguyễn Văn Bình" in body and "quá hạn" in body
        assert client.get(reverse("transfers:detail", args=[t.pk])).status_code == 200
    other = factories.user(role_code="grassroots_committee", on=tree["cell_b"])
    client.force_login(other)
    assert client.get(reverse("transfers:detail", args=[t.pk])).status_code == 404
    assert "Nguyễn Văn Bình" not in client.get(reverse("transfers:index")).content.decode()
    client.logout()
    assert client.get(reverse("transfers:index")).status_code == 302


def test_issue_form_and_acts_by_side(client, tree, sides):
    sender, receiver = sides
    member = tree["members_a"][0]
    client.force_login(receiver)
    assert client.get(reverse("transfers:issue", args=[member.pk])).status_code == 404
    client.force_login(sender)
    url = reverse("transfers:issue", args=[member.pk])
    response = client.post(url, {"kind": "official", "on": "01/10/2026", "paper_number": "5"})
    assert "Cần chọn chi bộ nơi đến" in response.content.decode()
    response = client.post(
        url,
        {"kind": "official", "on": "01/10/2026", "paper_number": "5", "to_org": tree["village"].pk},
    )
    assert response.status_code == 302
    t = Transfer.objects.get()
    detail = client.get(reverse("transfers:detail", args=[t.pk])).content.decode()
    assert "Hủy giấy giới thiệu" in detail and "Tiếp nhận đảng viên" not in detail
    client.force_login(receiver)
    detail = client.get(reverse("transfers:detail", args=[t.pk])).content.decode()
    assert "Ghi nhận đã xuất trình" in detail
    act = reverse("transfers:act", args=[t.pk, "receive"])
    assert "Không thể chuyển" in client.post(act, {"on": "05/10/2026"}).content.decode()
    client.post(reverse("transfers:act", args=[t.pk, "present"]), {"on": "05/10/2026"})
    assert client.post(act, {"on": "06/10/2026"}).status_code == 302
    member.refresh_from_db()
    assert member.organization == tree["village"]


def test_list_query_count(admin_client, tree, django_assert_max_num_queries):
    for i in range(10):
        m = factories.member(tree["cell_b"], f"Người {i}")
        services.issue(m, to_org=tree["village"], on=date(2026, 10, 1), paper_number=str(i))
    with django_assert_max_num_queries(10):
        assert admin_client.get(reverse("transfers:index")).status_code == 200


def test_pick_cells(admin_client, tree):
    body = admin_client.get(reverse("transfers:pick"), {"q": "thon dong"}).content.decode()
    assert "Chi bộ Thôn Đông" in body


def test_api(tree, sides):
    sender, receiver = sides
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=sender).key}")
    response = api.post(
        "/api/v1/transfers/",
        {
            "member": tree["members_a"][0].pk,
            "to_org": tree["village"].pk,
            "on": "2026-10-01",
            "paper_number": "7",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert api.post(f"/api/v1/transfers/{pk}/present/", {"on": "2026-10-02"}).status_code == 400
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=receiver).key}")
    assert api.post(f"/api/v1/transfers/{pk}/present/", {"on": "2026-10-02"}).status_code == 200
    data = api.post(f"/api/v1/transfers/{pk}/receive/", {"on": "2026-10-03"}).json()
    assert data["state"] == "completed"
    outsider = factories.user(role_code="grassroots_committee", on=tree["cell_b"])
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=outsider).key}")
    assert api.get(f"/api/v1/transfers/{pk}/").status_code == 404


def test_api_accepts_and_ends_a_temporary_attendance_by_side(tree, sides):
    sender, receiver = sides
    t = services.start_temporary(
        tree["members_a"][0],
        host_org=tree["village"],
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 8, 1),
        paper_number="T-1",
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=sender).key}")
    refused = api.post(f"/api/v1/transfers/{t.pk}/accept/", {"on": "2026-03-02"})
    assert refused.status_code == 400 and "nơi sinh hoạt tạm thời" in str(refused.json())
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=receiver).key}")
    data = api.post(f"/api/v1/transfers/{t.pk}/accept/", {"on": "2026-03-02"}).json()
    assert (data["state"], data["accepted_on"]) == ("active", "2026-03-02")
    data = api.post(f"/api/v1/transfers/{t.pk}/end/", {"on": "2026-07-01"}).json()
    assert (data["state"], data["completed_on"]) == ("ended", "2026-07-01")
