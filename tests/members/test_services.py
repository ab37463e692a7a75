from datetime import date

import pytest

from dangbo.core.errors import DomainError
from dangbo.members import services
from dangbo.members.models import Member, MemberEvent, Placement, StatusPeriod
from dangbo.organizations.models import Organization, OrgType
from tests import factories


def test_register_creates_history(tree):
    m = tree["members_a"][0]
    assert m.status == "official" and m.org_path == tree["cell_a"].path
    assert list(m.status_periods.values_list("status", flat=True)) == ["probationary", "official"]
    assert m.placements.get().valid_to is None
    assert m.events.filter(kind="registered").exists()


def test_members_only_in_cells(tree):
    with pytest.raises(DomainError) as err:
        factories.member(tree["committee"])
    assert err.value.field == "organization"


def test_duplicate_id_number_refused_and_nothing_written(tree):
    existing = tree["members_a"][0].id_number
    before = Member.objects.count()
    with pytest.raises(DomainError) as err:
        factories.member(tree["cell_b"], id_number=existing)
    assert err.value.field == "id_number" and existing in err.value.message
    assert Member.objects.count() == before


def test_bad_id_number_format(tree):
    with pytest.raises(DomainError) as err:
        factories.member(tree["cell_b"], id_number="12345")
    assert "12 chữ số" in err.value.message


def test_correction_keeps_old_value(tree):
    m = tree["members_a"][0]
    with pytest.raises(DomainError):
        services.correct_identity(m, reason="", full_name="Nguyễn Văn Bính")
    m = services.correct_identity(m, reason="Sai chính tả theo CCCD", full_name="Nguyễn Văn Bính")
    event = m.events.get(kind="corrected")
    assert event.details["full_name"] == ["Nguyễn Văn Bình", "Nguyễn Văn Bính"]
    assert m.name_search == "nguyen van binh"


def test_status_change_and_forbidden_transition(tree):
    m = tree["members_a"][2]  # probationary
    services.change_status(
        m,
        new_status="official",
        on=date(2024, 1, 1),
        decision_number="9",
        reason="Hết thời gian dự bị",
    )
    m.refresh_from_db()
    assert m.status == "official" and m.official_on == date(2024, 1, 1)
    with pytest.raises(DomainError):
        services.change_status(
            m, new_status="probationary", on=date(2024, 2, 1), decision_number="10", reason="x"
        )
    services.change_status(
        m, new_status="deceased", on=date(2025, 2, 1), decision_number="11", reason="Từ trần"
    )
    assert StatusPeriod.objects.filter(member=m, valid_to__isnull=True).get().status == "deceased"
    assert Member.objects.filter(pk=m.pk).exists()


def test_merge_moves_members_and_ends_source(tree):
    target = services.merge_orgs(
        [tree["cell_b"]], tree["cell_a"], decision=factories.decision(date(2025, 8, 1))
    )
    moved = tree["members_b"][0]
    moved.refresh_from_db()
    assert moved.organization == target and moved.org_path == target.path
    assert Placement.objects.filter(member=moved).count() == 2
    tree["cell_b"].refresh_from_db()
    assert not tree["cell_b"].is_active
    assert tree["cell_b"].events.filter(kind="merged").exists()


def test_split_is_atomic(tree):
    source = tree["cell_a"]
    ids = [m.pk for m in tree["members_a"]]
    with pytest.raises(DomainError):
        services.split_org(
            source,
            [("Chi bộ A1", ids[:1]), ("Chi bộ A2", ids[:2])],
            org_type=OrgType.objects.get(code="cell"),
            decision=factories.decision(date(2025, 8, 1)),
        )
    assert not Organization.objects.get_siblings(source).filter(name="Chi bộ A1").exists()
    new = services.split_org(
        source,
        [("Chi bộ A1", ids[:2]), ("Chi bộ A2", ids[2:])],
        org_type=OrgType.objects.get(code="cell"),
        decision=factories.decision(date(2025, 8, 1)),
        dissolve_source=True,
    )
    assert [o.members.count() for o in new] == [2, 1]
    assert MemberEvent.objects.filter(kind="reorganised").count() == 3
