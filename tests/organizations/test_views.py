from django.urls import reverse

from dangbo.organizations.models import Organization
from tests import factories


def test_tree_shows_roots_with_counts(admin_client, tree, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = admin_client.get(reverse("organizations:tree"))
    body = response.content.decode()
    assert "Đảng bộ tỉnh Sông Hồng" in body and "5 đảng viên" in body


def test_children_fragment_counts_in_one_query(admin_client, tree, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = admin_client.get(reverse("organizations:children", args=[tree["province"].pk]))
    body = response.content.decode()
    assert "Đảng ủy Khối các cơ quan tỉnh" in body and "4 đảng viên" in body


def test_search_without_diacritics(admin_client, tree):
    body = admin_client.get(reverse("organizations:tree"), {"q": "dang uy khoi"}).content.decode()
    assert "Đảng ủy Khối các cơ quan tỉnh" in body and "Tân Lập" not in body


def test_user_sees_only_own_subtree(client, tree):
    officer = factories.user(role_code="org_board_officer", on=tree["bloc"])
    client.force_login(officer)
    body = client.get(reverse("organizations:tree")).content.decode()
    assert "Đảng ủy Khối các cơ quan tỉnh" in body and "Đảng bộ tỉnh Sông Hồng" not in body
    assert client.get(reverse("organizations:detail", args=[tree["village"].pk])).status_code == 404
    assert client.get(reverse("organizations:detail", args=[tree["cell_a"].pk])).status_code == 200


def test_rename_through_the_form(admin_client, tree):
    url = reverse("organizations:rename", args=[tree["cell_b"].pk])
    data = {
        "new_name": "Chi bộ Nghiệp vụ",
        "decision_number": "12-QĐ/ĐU",
        "decision_date": "01/03/2025",
        "signer": "Lê Văn C",
        "effective_date": "01/03/2025",
    }
    assert admin_client.post(url, data).status_code == 302
    assert Organization.objects.get(pk=tree["cell_b"].pk).name == "Chi bộ Nghiệp vụ"
    data["effective_date"] = "01/01/1990"
    response = admin_client.post(url, {**data, "new_name": "Khác"})
    assert "Ngày hiệu lực phải từ" in response.content.decode()


def test_viewer_cannot_change(client, tree):
    viewer = factories.user(role_code="viewer", on=tree["province"])
    client.force_login(viewer)
    assert client.get(reverse("organizations:rename", args=[tree["cell_b"].pk])).status_code == 404
    detail = client.get(reverse("organizations:detail", args=[tree["cell_b"].pk])).content.decode()
    assert "Đổi tên" not in detail


def test_org_page_shows_member_names_only_under_members_view(client, tree):
    """office_staff holds organizations.view but not members.view: it gets 404 on the member
    list and must not read the cell's member names on the org page either."""
    staff = factories.user(role_code="office_staff", on=tree["committee"])
    client.force_login(staff)
    assert client.get(reverse("members:list")).status_code == 404
    body = client.get(reverse("organizations:detail", args=[tree["cell_a"].pk])).content.decode()
    assert "Chi bộ Văn phòng" in body
    assert not any(m.full_name in body for m in tree["members_a"])
    viewer = factories.user(role_code="viewer", on=tree["committee"])
    client.force_login(viewer)
    body = client.get(reverse("organizations:detail", args=[tree["cell_a"].pk])).content.decode()
    assert all(m.full_name in body for m in tree["members_a"])


def test_split_lists_member_names_only_with_members_change(client, tree):
    """A role changing orgs without the members app cannot read the cell's names through the
    split screen (it places the members)."""
    from dangbo.core.models import Role

    Role.objects.create(code="org_only", name="Chỉ tổ chức", permissions=["organizations.*"])
    client.force_login(factories.user(role_code="org_only", on=tree["committee"]))
    assert client.get(reverse("organizations:rename", args=[tree["cell_a"].pk])).status_code == 200
    response = client.get(reverse("members:org_split", args=[tree["cell_a"].pk]))
    assert response.status_code == 404
    assert tree["members_a"][0].full_name not in response.content.decode()
