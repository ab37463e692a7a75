from datetime import date

import pytest

from dangbo.core.errors import DomainError
from dangbo.members.models import Member, Placement
from dangbo.transfers import services
from dangbo.transfers.rules import State
from tests import factories


def _issue(tree, on=date(2026, 10, 1), user=None):
    return services.issue(
        tree["members_a"][0], to_org=tree["village"], on=on, paper_number="12-GGT", user=user
    )


def test_official_transfer_moves_placement_only_on_receipt(tree):
    member = tree["members_a"][0]
    t = _issue(tree)
    assert Member.objects.get(pk=member.pk).organization == tree["cell_a"]
    services.present(t, on=date(2026, 10, 10))
    services.receive(t, on=date(2026, 10, 12))
    member.refresh_from_db()
    assert member.organization == tree["village"] and member.org_path == tree["village"].path
    placements = list(Placement.objects.filter(member=member).order_by("valid_from"))
    assert [p.organization for p in placements] == [tree["cell_a"], tree["village"]]
    assert placements[0].valid_to == date(2026, 10, 12) and placements[1].valid_to is None
    assert member.events.filter(kind="transferred", decision_number="12-GGT").exists()


def test_each_side_acts_only_on_its_part(tree):
    sender = factories.user(role_code="grassroots_committee", on=tree["committee"])
    receiver = factories.user(role_code="grassroots_committee", on=tree["commune"])
    with pytest.raises(DomainError, match="nơi đi"):
        _issue(tree, user=receiver)
    t = _issue(tree, user=sender)
    with pytest.raises(DomainError, match="nơi đến"):
        services.present(t, on=date(2026, 10, 10), user=sender)
    services.present(t, on=date(2026, 10, 10), user=receiver)
    with pytest.raises(DomainError, match="nơi đi"):
        services.cancel(t, on=date(2026, 10, 11), note="x", user=receiver)
    t = services.receive(t, on=date(2026, 10, 11), user=receiver)
    assert t.state == State.COMPLETED


def test_receive_before_presentation_refused_and_no_double_transfer(tree):
    t = _issue(tree)
    with pytest.raises(DomainError, match="Không thể chuyển"):
        services.receive(t, on=date(2026, 10, 2))
    with pytest.raises(DomainError, match="chưa hoàn tất"):
        _issue(tree)
    with pytest.raises(DomainError, match="khác chi bộ"):
        services.issue(
            tree["members_b"][0], to_org=tree["cell_b"], on=date(2026, 10, 1), paper_number="1"
        )
    with pytest.raises(DomainError, match="đảng bộ"):
        services.issue(
            tree["members_b"][0], to_org=tree["committee"], on=date(2026, 10, 1), paper_number="1"
        )


def test_cancel_keeps_member(tree):
    t = _issue(tree)
    with pytest.raises(DomainError, match="lý do"):
        services.cancel(t, on=date(2026, 10, 5), note="")
    services.cancel(t, on=date(2026, 10, 5), note="Không đi nữa")
    assert Member.objects.get(pk=tree["members_a"][0].pk).organization == tree["cell_a"]


def test_temporary_keeps_home_register(tree):
    member = tree["members_a"][1]
    with pytest.raises(DomainError, match="dưới 12"):
        services.start_temporary(
            member,
            host_org=tree["cell_b"],
            starts_on=date(2026, 1, 1),
            ends_on=date(2027, 1, 1),
            paper_number="T1",
        )
    t = services.start_temporary(
        member,
        host_org=tree["cell_b"],
        starts_on=date(2026, 1, 1),
        ends_on=date(2027, 6, 1),
        paper_number="T1",
        for_study=True,
    )
    assert Member.objects.get(pk=member.pk).organization == tree["cell_a"]
    assert t.state == State.ISSUED and t.accepted_on is None
    with pytest.raises(DomainError, match="Không thể chuyển"):
        services.end_temporary(t, on=date(2026, 11, 1))  # never accepted: the home cancels
    services.accept_temporary(t, on=date(2026, 1, 5))
    services.end_temporary(t, on=date(2026, 11, 1))
    assert dict(services.hosted_on(date(2026, 10, 31), host_path=tree["cell_b"].path)) == {
        member.pk: tree["cell_b"].pk
    }
    assert not services.hosted_on(date(2026, 11, 1), host_path=tree["cell_b"].path).exists()


def test_only_the_host_accepts_a_temporary_attendance_within_its_period(tree):
    home = factories.user(role_code="grassroots_committee", on=tree["cell_a"])
    host = factories.user(role_code="grassroots_committee", on=tree["village"])
    member = tree["members_a"][1]
    t = services.start_temporary(
        member,
        host_org=tree["village"],
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 8, 1),
        paper_number="T3",
        user=home,
    )
    with pytest.raises(DomainError, match="nơi sinh hoạt tạm thời"):
        services.accept_temporary(t, on=date(2026, 3, 5), user=home)
    with pytest.raises(DomainError, match="Đã hết thời hạn"):
        services.accept_temporary(t, on=date(2026, 8, 2), user=host)
    with pytest.raises(DomainError, match="từ ngày giới thiệu"):
        services.accept_temporary(t, on=date(2026, 2, 28), user=host)
    t = services.accept_temporary(t, on=date(2026, 3, 5), user=host, note="Đã xuất trình")
    assert (t.state, t.accepted_on) == (State.ACTIVE, date(2026, 3, 5))
    assert [e.state for e in t.events.all()] == [State.ISSUED, State.ACTIVE]
    summaries = list(member.events.values_list("summary", flat=True))
    assert any("tiếp nhận sinh hoạt tạm thời" in text for text in summaries)
    # Not ended, past its end: back home the day after (the flag asks someone to end it).
    assert services.hosted_on(date(2026, 8, 1), home_path=tree["cell_a"].path).exists()
    assert not services.hosted_on(date(2026, 8, 2), home_path=tree["cell_a"].path).exists()


def test_transfer_out_and_in_are_one_sided(tree):
    member = tree["members_b"][0]
    with pytest.raises(DomainError, match="nơi đến"):
        services.transfer_out(member, destination="", on=date(2026, 9, 1), paper_number="X")
    services.transfer_out(
        member, destination="Đảng bộ Quân khu 3", on=date(2026, 9, 1), paper_number="88/GGT"
    )
    member.refresh_from_db()
    assert member.status == "transferred_out"
    t = services.transfer_in(
        to_org=tree["cell_b"],
        origin="Đảng bộ Công an tỉnh",
        on=date(2026, 9, 5),
        paper_number="99/GGT",
        full_name="Hà Văn Tới",
        gender="M",
        birth_date=date(1990, 1, 1),
        admitted_on=date(2015, 1, 1),
        official_on=date(2016, 1, 1),
    )
    assert t.member.status == "official" and t.member.organization == tree["cell_b"]
    assert t.member.placements.get().valid_from == date(2026, 9, 5)
