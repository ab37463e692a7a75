"""Inspection records are stricter than member data: '*.view' roles do not reach them."""

from django.urls import reverse

from tests import factories


def test_view_wildcard_roles_do_not_see_inspections(client, tree):
    board = factories.user(role_code="org_board_officer", on=tree["province"])
    client.force_login(board)
    assert client.get(reverse("members:list")).status_code == 200
    assert client.get(reverse("inspections:index")).status_code == 404
    assert client.get("/api/v1/inspections/").json()["count"] == 0


def test_inspection_roles_and_committee_concerned_do(client, tree):
    for role in ("inspection_officer", "grassroots_committee"):
        user = factories.user(role_code=role, on=tree["bloc"])
        client.force_login(user)
        assert client.get(reverse("inspections:index")).status_code == 200
