from datetime import date

import pytest

from dangbo.core.errors import DomainError
from dangbo.members.models import Member
from dangbo.organizations import services
from dangbo.organizations.models import Organization, OrgEvent, OrgPeriod, OrgType
from tests import factories


def test_found_org_records_decision_and_period(tree):
    event = tree["cell_a"].events.get()
    assert event.kind == OrgEvent.Kind.FOUNDED and event.decision_number == "01-QĐ/TU"
    assert tree["cell_a"].periods.get().valid_to is None


def test_cell_cannot_have_child_orgs(tree):
    with pytest.raises(DomainError) as err:
        factories.org("Tổ đảng", "cell", tree["cell_a"])
    assert err.value.field == "parent" and "chi bộ" in err.value.message
    assert not Organization.objects.filter(name="Tổ đảng").exists()


def test_rename_keeps_old_name_in_history(tree):
    cell = services.rename_org(
        tree["cell_a"],
        new_name="Chi bộ Văn phòng Sở",
        decision=factories.decision(date(2024, 1, 1), "05-QĐ"),
    )
    periods = list(cell.periods.order_by("valid_from"))
    assert [p.name for p in periods] == ["Chi bộ Văn phòng", "Chi bộ Văn phòng Sở"]
    assert periods[0].valid_to == date(2024, 1, 1)
    assert cell.events.filter(kind="renamed").get().details["old_name"] == "Chi bộ Văn phòng"


def test_move_updates_member_paths_and_periods(tree):
    committee = services.move_org(
        tree["committee"], new_parent=tree["commune"], decision=factories.decision(date(2025, 7, 1))
    )
    assert committee.path.startswith(tree["commune"].path)
    for m in Member.objects.filter(organization__in=[tree["cell_a"], tree["cell_b"]]):
        assert m.org_path == m.organization.path
        assert m.org_path.startswith(committee.path)
    open_cell = OrgPeriod.objects.get(organization=tree["cell_a"], valid_to__isnull=True)
    assert open_cell.path.startswith(committee.path)
    assert OrgPeriod.objects.filter(organization=tree["cell_a"]).count() == 2


def test_move_into_own_subtree_refused(tree):
    with pytest.raises(DomainError):
        services.move_org(
            tree["bloc"],
            new_parent=tree["committee"],
            decision=factories.decision(date(2025, 7, 1)),
        )


def test_dissolve_refused_with_members_then_allowed(tree):
    with pytest.raises(DomainError) as err:
        services.dissolve_org(tree["cell_b"], decision=factories.decision(date(2025, 1, 1)))
    assert "đảng viên" in err.value.message
    empty = factories.org("Chi bộ trống", "cell", tree["committee"])
    services.dissolve_org(empty, decision=factories.decision(date(2025, 1, 1)))
    empty.refresh_from_db()
    assert not empty.is_active and empty.dissolved_on == date(2025, 1, 1)
    assert Organization.objects.filter(pk=empty.pk).exists()  # never hard-deleted


def test_future_dates_and_missing_decision_refused(tree):
    bad = services.Decision(
        number="", decided_on=date(2024, 1, 1), signer="A", effective_date=date(2024, 1, 1)
    )
    with pytest.raises(DomainError) as err:
        services.rename_org(tree["cell_a"], new_name="X", decision=bad)
    assert err.value.field == "decision_number"
    future = factories.decision(date(2999, 1, 1))
    with pytest.raises(DomainError):
        services.found_org(
            name="X",
            org_type=OrgType.objects.get(code="cell"),
            parent=tree["committee"],
            decision=future,
        )


def test_org_types_follow_the_hierarchy_unless_a_province_tunes_it(tree):
    from dangbo.core.models import RuleParameter

    central = OrgType.objects.get(code="central")
    with pytest.raises(DomainError, match="không được đặt trực thuộc") as error:
        services.found_org(
            name="Trung ương",
            org_type=central,
            parent=tree["committee"],
            decision=factories.decision(date(2021, 1, 1)),
        )
    assert error.value.field == "parent"
    cell = OrgType.objects.get(code="cell")
    with pytest.raises(DomainError, match="không được đặt trực thuộc"):
        services.move_org(
            tree["cell_a"],
            new_parent=tree["commune"],
            decision=factories.decision(date(2021, 1, 1)),
        )
    before = Organization.objects.count()
    RuleParameter.objects.create(
        key="organizations.parent_types",
        value={"cell": ["superior"]},
        valid_from=date(2021, 1, 1),
        org_path=tree["commune"].path,
    )
    services.found_org(
        name="Chi bộ Thôn Tây",
        org_type=cell,
        parent=tree["commune"],
        decision=factories.decision(date(2021, 6, 1)),
    )
    with pytest.raises(DomainError):  # the tuned table holds from its date, and in its subtree
        services.found_org(
            name="Chi bộ Thôn Bắc",
            org_type=cell,
            parent=tree["commune"],
            decision=factories.decision(date(2020, 6, 1)),
        )
    assert Organization.objects.count() == before + 1
