"""The top bar's search: members (name without accents, ID number) only under members.view in
reach, organisations by name under organizations.view; logged like member lists."""

import pytest
from auditlog.models import LogEntry

from tests import factories


def _search(client, q):
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def test_member_by_name_without_accents_in_reach_only(client, tree):
    user = factories.user("capuy", role_code="grassroots_committee", on=tree["committee"])
    client.force_login(user)
    before = LogEntry.objects.count()
    page = _search(client, "tran thi hang")
    assert "Trần Thị Hằng" in page and "Chi bộ Văn phòng" in page
    assert LogEntry.objects.count() == before + 1  # the list shown is logged
    assert "Đặng Thị Thủy" not in _search(client, "thuy")  # the village is outside the reach


def test_member_by_id_number_logged_without_it(client, tree):
    member = tree["members_a"][0]
    client.force_login(factories.user("cu", role_code="cell_secretary", on=tree["cell_a"]))
    page = _search(client, member.id_number)
    assert member.full_name in page
    entry = LogEntry.objects.order_by("-pk").first()
    assert member.id_number not in str(entry.additional_data)


def test_names_only_with_members_view(client, tree):
    client.force_login(factories.user("vp", role_code="office_staff", on=tree["committee"]))
    page = _search(client, "Bình")
    assert "Nguyễn Văn Bình" not in page and 'data-search="members"' not in page
    page = _search(client, "van phong")
    assert "Chi bộ Văn phòng" in page  # organisations under organizations.view


def test_organisations_by_name_and_short_text(admin_client, tree):
    page = _search(admin_client, "thon dong")
    assert "Chi bộ Thôn Đông" in page
    assert "Nhập ít nhất 2 ký tự." in _search(admin_client, "a")


@pytest.mark.parametrize("path", ["/", "/members/"])
def test_every_page_has_the_search_box(admin_client, tree, path):
    page = admin_client.get(path).content.decode()
    assert 'role="search"' in page and 'action="/search/"' in page
