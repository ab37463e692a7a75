"""The org's one-stop page: committee, meetings, classification, dues — given by their apps
(core.hooks.register_org_facts), each under its own permission on the org."""

from datetime import date

from django.utils import timezone

from dangbo.meetings import services as meetings
from tests import factories


def _page(client, org):
    response = client.get(f"/organizations/{org.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_cell_page_shows_each_apps_facts(admin_client, tree):
    cell = tree["cell_a"]
    meetings.plan_meeting(organization=cell, kind="regular", planned_on=timezone.localdate())
    page = _page(admin_client, cell)
    for key in ("committees.lead", "meetings.quality", "dues.remittance"):
        assert f'data-facts="{key}"' in page, key
    assert f"Buổi sinh hoạt đã họp năm {date.today().year}" in page
    assert "Nộp đảng phí lên cấp trên" in page


def test_facts_only_under_their_permission(client, tree):
    client.force_login(factories.user("xem", role_code="viewer", on=tree["committee"]))
    page = _page(client, tree["cell_a"])
    assert "data-facts=" not in page


def test_facts_in_bounded_queries(admin_client, tree, django_assert_max_num_queries):
    with django_assert_max_num_queries(40):
        _page(admin_client, tree["cell_a"])
