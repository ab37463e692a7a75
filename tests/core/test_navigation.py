"""The main bar: a few sections that fit one line on a desk; each app's entry in one of them."""

from django.test import RequestFactory

from dangbo.core.context_processors import NAV_GROUPS, NAV_ITEMS, navigation
from tests import factories


def test_every_entry_sits_in_one_section():
    grouped = [name for _, names in NAV_GROUPS for name in names]
    assert sorted(grouped) == sorted(name for _, name, _ in NAV_ITEMS)
    assert len(NAV_GROUPS) <= 7


def _bar(user, path="/"):
    request = RequestFactory().get(path)
    request.user = user
    return navigation(request)


def test_sections_hold_what_the_user_may_open(tree):
    admin = factories.user("quantri", is_superuser=True, is_staff=True)
    bar = _bar(admin, "/members/")
    assert [g["label"] for g in bar["nav_groups"]] == [label for label, _ in NAV_GROUPS]
    people = bar["nav_groups"][1]
    assert people["active"] and [i["label"] for i in people["items"]][:2] == [
        "Tổ chức đảng",
        "Đảng viên",
    ]
    assert len(bar["nav_items"]) == len(NAV_ITEMS)  # the home page lists every entry

    viewer = factories.user("xem", role_code="viewer", on=tree["committee"])
    bar = _bar(viewer)
    labels = {g["label"]: [i["label"] for i in g["items"]] for g in bar["nav_groups"]}
    assert labels == {
        "Tổng quan": ["Tổng quan"],
        "Tổ chức, đảng viên": ["Tổ chức đảng", "Đảng viên"],
        "Báo cáo, thống kê": ["Báo cáo, thống kê"],
    }
