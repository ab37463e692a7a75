"""The per-ancestor member summary stays equal to live counts through every service."""

from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from dangbo.core.errors import DomainError
from dangbo.members import services, summary
from dangbo.members.models import Member, MemberSummaryState, OrgMemberSummary
from dangbo.organizations import services as org_services
from dangbo.organizations.models import Organization, OrgType
from tests import factories


def summary_rows() -> dict:
    return {
        (path, status, gender): n
        for path, status, gender, n in OrgMemberSummary.objects.values_list(
            "organization__path", "status", "gender", "members"
        )
        if n
    }


def live_rows() -> dict:
    result = Counter()
    members = list(Member.objects.values_list("org_path", "status", "gender"))
    for org_path in Organization.objects.values_list("path", flat=True):
        for path, status, gender in members:
            if path.startswith(org_path):
                result[(org_path, status, gender)] += 1
    return dict(result)


def assert_exact():
    assert summary.state() is not None
    assert summary_rows() == live_rows()


@pytest.fixture
def built(tree):
    summary.rebuild()
    assert_exact()
    return tree


def test_rebuild_counts_every_ancestor(built):
    province = built["province"].path
    assert summary.counts([province]) == {province: 5}
    assert summary.counts([built["committee"].path], ["official"], "M") == {
        built["committee"].path: 2
    }
    assert MemberSummaryState.objects.get().rebuilt_members == 5


def test_register_status_and_identity_changes_keep_it_exact(built):
    m = factories.member(built["cell_b"], "Vũ Thị Lan", gender="F", official_on=None)
    assert_exact()
    services.change_status(
        m, new_status="official", on=date(2012, 1, 1), decision_number="9-QĐ", reason=""
    )
    assert_exact()
    services.change_status(
        m, new_status="deceased", on=date(2020, 1, 1), decision_number="10-QĐ", reason=""
    )
    assert_exact()
    services.correct_identity(built["members_a"][0], reason="Sai giới tính", gender="F")
    assert_exact()


def test_refused_change_leaves_it_unchanged(built):
    before = summary_rows()
    with pytest.raises(DomainError):
        services.change_status(
            built["members_a"][0],
            new_status="official",  # already official
            on=date(2020, 1, 1),
            decision_number="1",
            reason="",
        )
    assert summary_rows() == before


def test_merge_split_and_move_keep_it_exact(built):
    services.merge_orgs(
        [built["cell_b"]], built["cell_a"], decision=factories.decision(date(2025, 8, 1))
    )
    assert_exact()
    ids = list(Member.objects.filter(organization=built["cell_a"]).values_list("pk", flat=True))
    services.split_org(
        built["cell_a"],
        [("Chi bộ A1", ids[:2]), ("Chi bộ A2", ids[2:])],
        org_type=OrgType.objects.get(code="cell"),
        decision=factories.decision(date(2025, 9, 1)),
        dissolve_source=True,
    )
    assert_exact()
    org_services.move_org(
        built["committee"], new_parent=built["commune"], decision=factories.decision()
    )
    assert_exact()
    assert summary.active_counts_by_child(
        built["province"].path, [built["bloc"].path, built["commune"].path]
    ) == {built["bloc"].path: 0, built["commune"].path: 5}


def test_direct_save_keeps_it_exact(built):
    m = Member.objects.get(pk=built["members_b"][0].pk)
    m.gender = "F"
    m.save()
    assert_exact()
    deferred = Member.objects.only("id", "full_name").get(pk=m.pk)
    deferred.full_name = "Phạm Quang Dũng"
    deferred.save()
    assert_exact()
    m = Member.objects.get(pk=m.pk)
    m.status = "resigned"
    m.save(update_fields=["full_name"])  # status not written: nothing to count
    assert_exact()


def test_incomplete_summary_is_neither_read_nor_maintained(tree):
    assert summary.state() is None
    factories.member(tree["cell_a"], "Ngô Văn Tài")
    assert not OrgMemberSummary.objects.exists()
    assert summary.counts([tree["province"].path]) is None
    live = summary.active_counts_by_child(tree["province"].path, [tree["bloc"].path])
    summary.rebuild()
    assert summary.active_counts_by_child(tree["province"].path, [tree["bloc"].path]) == live
    summary.invalidate()
    assert summary.counts([tree["province"].path]) is None


def test_summary_and_live_counts_agree_for_the_tree(built):
    parent = built["province"].path
    children = [built["bloc"].path, built["commune"].path]
    from_summary = summary.active_counts_by_child(parent, children)
    summary.invalidate()
    assert (
        summary.active_counts_by_child(parent, children)
        == from_summary
        == {
            built["bloc"].path: 4,
            built["commune"].path: 1,
        }
    )


def test_list_count_intersects_reach_and_filter():
    reach = ["0001", "0002"]
    assert summary.list_count(reach, "00010003", {"q": "x"}) is None
    assert summary.list_count(reach, "0003", {}) == 0


@pytest.mark.parametrize(
    "params",
    [{}, {"status": ["official"]}, {"gender": "F"}, {"status": ["probationary"], "gender": "M"}],
)
def test_member_list_total_from_summary_is_exact(client, built, params):
    officer = factories.user(role_code="org_board_officer", on=built["bloc"])
    client.force_login(officer)
    for extra in ({}, {"org": built["committee"].pk}, {"org": built["village"].pk}):
        query = {**params, **extra}
        response = client.get(reverse("members:list"), query)
        shown = response.context["table"].paginator.count
        summary.invalidate()
        live = client.get(reverse("members:list"), query).context["table"].paginator.count
        summary.rebuild()
        assert shown == live, query


def test_member_list_total_with_other_filters_is_counted_live(admin_client, built):
    response = admin_client.get(reverse("members:list"), {"q": "tran thi", "status": "official"})
    assert response.context["table"].paginator.count == 1


def test_tree_shows_where_counts_come_from(admin_client, tree):
    body = admin_client.get(reverse("organizations:tree")).content.decode()
    assert "đếm trực tiếp" in body
    summary.rebuild()
    body = admin_client.get(reverse("organizations:tree")).content.decode()
    assert "bảng tổng hợp" in body


def test_rebuild_command(tree, capsys):
    call_command("rebuild_member_summary")
    assert "5 đảng viên" in capsys.readouterr().out
    assert_exact()


def test_page_by_ids_returns_the_same_page_in_order(tree):
    for i in range(12):
        factories.member(tree["cell_b"], f"Hoàng Văn Số {i:02d}", gender="F" if i % 2 else "M")
    base = Member.objects.select_related("organization").filter(gender="F")
    for ordering in (["name_search", "id"], ["-name_search", "-id"], ["birth_date", "id"]):
        plain = base.order_by(*ordering)
        paged = plain.page_by_ids()
        assert [m.pk for m in paged[2:7]] == [m.pk for m in plain[2:7]]
        assert paged[2:7][0].organization.name  # joined row loaded with the page
    assert list(Member.objects.page_by_ids().values_list("pk", flat=True)[:3])
