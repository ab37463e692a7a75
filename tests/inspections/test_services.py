from datetime import date

import pytest

from dangbo.core.errors import DomainError
from dangbo.core.models import RuleParameter
from dangbo.inspections import queries, services
from dangbo.inspections.models import Appeal, Case, Inspection, OrgDiscipline, Programme, Remedy
from dangbo.members.models import Member
from dangbo.organizations.models import Organization
from tests.inspections.conftest import plan


def test_programme_unique_per_body_and_year(programme, tree):
    with pytest.raises(DomainError) as err:
        services.create_programme(
            organization=tree["bloc"],
            body="inspection_committee",
            year=2025,
            title="Trùng",
            approved_on=date(2025, 1, 1),
        )
    assert err.value.field == "year" and "đã có chương trình" in err.value.message
    other = services.create_programme(
        organization=tree["bloc"],
        body="committee",
        year=2025,
        title="Chương trình giám sát của Đảng ủy Khối",
        approved_on=date(2025, 1, 1),
    )
    assert Programme.objects.count() == 2 and other.body == "committee"


def test_cells_have_no_programme(tree):
    with pytest.raises(DomainError) as err:
        services.create_programme(
            organization=tree["cell_a"],
            body="committee",
            year=2025,
            title="Không hợp lệ",
            approved_on=date(2025, 1, 1),
        )
    assert err.value.field == "organization"


def test_plan_targets_inside_subtree_only(programme, tree):
    cell = services.plan_inspection(programme, plan(), target_org=tree["cell_a"])
    assert cell.target_kind == "cell" and cell.organization == tree["cell_a"]
    grassroots = services.plan_inspection(programme, plan(), target_org=tree["committee"])
    assert grassroots.target_kind == "grassroots"
    member = tree["members_b"][0]
    by_member = services.plan_inspection(programme, plan(kind="supervision"), target_member=member)
    assert by_member.target_kind == "member" and by_member.organization == tree["cell_b"]
    with pytest.raises(DomainError) as err:
        services.plan_inspection(programme, plan(), target_org=tree["village"])
    assert err.value.field == "target_org" and "không thuộc" in err.value.message
    with pytest.raises(DomainError) as err:
        services.plan_inspection(programme, plan(), target_member=tree["village_members"][0])
    assert err.value.field == "target_member"
    with pytest.raises(DomainError) as err:
        services.plan_inspection(programme, plan())
    assert err.value.field == "target_org"
    with pytest.raises(DomainError) as err:
        services.plan_inspection(programme, plan(planned_quarter=3), target_org=tree["cell_a"])
    assert err.value.field == "planned_start" and "quý 3" in err.value.message
    assert Inspection.objects.count() == 3


def test_full_run_start_conclude_follow_up_confirm(concluded):
    assert concluded.status == "concluded" and concluded.violations_found is True
    assert concluded.documents.get().doc_type == "decision"
    remedies = list(concluded.remedies.order_by("due_on"))
    assert [r.status for r in remedies] == ["open", "open"]
    services.follow_up_remedy(remedies[0], dated=date(2025, 8, 1), note="Đã tổ chức lại")
    done = services.confirm_remedy_done(
        remedies[0], done_on=date(2025, 9, 1), note="Biên bản sinh hoạt 01/9"
    )
    assert done.status == "done" and done.done_on == date(2025, 9, 1)
    with pytest.raises(DomainError) as err:
        services.confirm_remedy_done(remedies[0], done_on=date(2025, 9, 2), note="x")
    assert "đã được xác nhận" in err.value.message
    with pytest.raises(DomainError) as err:
        services.follow_up_remedy(remedies[0], dated=date(2025, 9, 2), note="x")
    with pytest.raises(DomainError) as err:
        services.confirm_remedy_done(remedies[1], done_on=date(2025, 1, 1), note="x")
    assert err.value.field == "done_on"


def test_conclusion_is_atomic_and_checked(started):
    with pytest.raises(DomainError) as err:
        services.conclude_inspection(
            started,
            concluded_on=date(2025, 5, 12),
            violations_found=True,
            conclusion="Có vi phạm",
            remedies=[("Sửa", "Bí thư", date(2025, 6, 1)), ("Sửa", "", date(2025, 6, 1))],
        )
    assert err.value.field == "remedies" and "Dòng 2" in err.value.message
    started.refresh_from_db()
    assert started.status == "in_progress" and not Remedy.objects.exists()


def test_cannot_conclude_before_start_or_start_twice(inspection, started):
    with pytest.raises(DomainError):
        services.start_inspection(
            inspection,
            decision_number="1",
            decision_date=date(2025, 4, 8),
            started_on=date(2025, 4, 8),
            team="x",
        )
    with pytest.raises(DomainError) as err:
        services.conclude_inspection(
            started, concluded_on=date(2025, 4, 1), violations_found=False, conclusion="Tốt"
        )
    assert err.value.field == "concluded_on"


def test_cancel_only_planned(programme, tree, started):
    planned = services.plan_inspection(programme, plan(), target_org=tree["cell_b"])
    services.cancel_inspection(planned, reason="Đã lồng ghép với cuộc khác")
    with pytest.raises(DomainError):
        services.cancel_inspection(started, reason="x")
    assert Inspection.objects.get(pk=planned.pk).status == "cancelled"


def _case(tree, **kwargs):
    data = dict(
        opened_on=date(2025, 6, 1),
        decision_number="30-QĐ/UBKT",
        authority="Ủy ban Kiểm tra Đảng ủy Khối",
        signs="Có dấu hiệu vi phạm trong quản lý tài chính",
    )
    data.update(kwargs)
    return services.open_case(**data)


def _bloc():
    return Organization.objects.get(name="Đảng ủy Khối các cơ quan tỉnh")


def _decision(**overrides):
    data = dict(
        form="warning",
        decided_on=date(2025, 7, 1),
        decision_number="35-QĐ/UBKT",
        authority="Ủy ban Kiểm tra Đảng ủy Khối",
        reason="Vi phạm quy định về quản lý tài chính",
    )
    data.setdefault("authority_org", _bloc())
    data.update(overrides)
    return data


def test_case_ends_in_member_expulsion_through_members_service(tree, concluded):
    member = tree["members_a"][0]
    case = _case(tree, member=member, inspection=concluded)
    discipline = services.discipline_member(case, **_decision(form="expulsion"))
    case.refresh_from_db()
    assert case.status == "closed" and case.outcome == "discipline"
    assert case.member_discipline == discipline
    assert Member.objects.get(pk=member.pk).status == "expelled"
    with pytest.raises(DomainError) as err:
        services.discipline_member(case, **_decision())
    assert "đã kết luận" in err.value.message


def test_probationary_member_case_refuses_dismissal_and_keeps_case_open(tree):
    case = _case(tree, member=tree["members_a"][2])
    with pytest.raises(DomainError) as err:
        services.discipline_member(case, **_decision(form="dismissal"))
    assert err.value.field == "form"
    assert Case.objects.get(pk=case.pk).status == "open"


def test_org_discipline_and_appeal_upheld_annuls(tree):
    case = _case(tree, organization=tree["cell_b"])
    with pytest.raises(DomainError) as err:
        services.discipline_member(case, **_decision())
    assert err.value.field == "form"
    discipline = services.discipline_org(case, **_decision(form="reprimand"))
    assert isinstance(discipline, OrgDiscipline) and discipline.organization == tree["cell_b"]
    with pytest.raises(DomainError) as err:
        services.lodge_appeal(case, lodged_on=date(2025, 8, 15), grounds="Không đúng")
    assert err.value.field == "lodged_on" and "Quá thời hạn" in err.value.message
    appeal = services.lodge_appeal(case, lodged_on=date(2025, 7, 20), grounds="Không đúng")
    with pytest.raises(DomainError):
        services.lodge_appeal(case, lodged_on=date(2025, 7, 21), grounds="Lần hai")
    services.decide_appeal(
        appeal,
        decided_on=date(2025, 8, 20),
        upheld=True,
        decided_by="Ủy ban Kiểm tra Tỉnh ủy",
        note="Chưa đủ căn cứ",
    )
    assert OrgDiscipline.objects.get(pk=discipline.pk).annulled_on == date(2025, 8, 20)
    assert Appeal.objects.get(pk=appeal.pk).status == "upheld"


def test_appeal_days_are_configurable(tree):
    RuleParameter.objects.create(
        key="inspections.appeal_days", value=90, valid_from=date(2020, 1, 1), org_path=""
    )
    member = tree["members_a"][1]
    case = _case(tree, member=member)
    services.discipline_member(case, **_decision(form="expulsion"))
    appeal = services.lodge_appeal(case, lodged_on=date(2025, 9, 1), grounds="Xin xem xét lại")
    services.decide_appeal(
        appeal, decided_on=date(2025, 9, 20), upheld=True, decided_by="Tỉnh ủy", note="Chấp nhận"
    )
    assert Member.objects.get(pk=member.pk).status == "official"
    assert member.disciplines.get().annulled_on == date(2025, 9, 20)


def test_rejected_appeal_keeps_discipline(tree):
    case = _case(tree, member=tree["members_b"][0])
    services.discipline_member(case, **_decision())
    appeal = services.lodge_appeal(case, lodged_on=date(2025, 7, 5), grounds="Nặng quá")
    services.decide_appeal(
        appeal, decided_on=date(2025, 7, 25), upheld=False, decided_by="Tỉnh ủy", note="Giữ"
    )
    assert tree["members_b"][0].disciplines.get().annulled_on is None
    with pytest.raises(DomainError):
        services.decide_appeal(
            appeal, decided_on=date(2025, 7, 26), upheld=True, decided_by="x", note="y"
        )


def test_statistics_for_subtree(programme, tree, concluded):
    services.plan_inspection(programme, plan(), target_org=tree["cell_a"])
    case = _case(tree, member=tree["members_a"][1])
    services.discipline_member(case, **_decision())
    stats = queries.statistics(tree["bloc"].path, 2021, 2025, date(2025, 10, 1))
    figures = {(r["kind"], r["target_kind"]): (r["planned"], r["done"]) for r in stats.rows}
    assert figures[("inspection", "grassroots")] == (1, 1)
    assert figures[("inspection", "cell")] == (1, 0)
    assert stats.totals == {"planned": 2, "done": 1, "violations": 1}
    assert stats.remedies == {"total": 2, "done": 0, "overdue": 1}
    assert dict((c, n) for c, _l, n in stats.member_discipline)["warning"] == 1
    assert stats.cases["discipline"] == 1
    elsewhere = queries.statistics(tree["commune"].path, 2021, 2025, date(2025, 10, 1))
    assert elsewhere.totals["planned"] == 0 and elsewhere.remedies["total"] == 0


@pytest.mark.parametrize(
    ("authority", "form", "allowed"),
    [
        ("cell_a", "warning", True),  # a cell warns its own members
        ("cell_a", "expulsion", False),  # but expels no one
        ("committee", "dismissal", True),
        ("committee", "expulsion", False),  # unless a province empowers it (dated table)
        ("bloc", "expulsion", True),
        ("cell_b", "reprimand", False),  # another cell: not above the member
        ("commune", "reprimand", False),  # another branch of the tree
    ],
)
def test_only_an_empowered_org_above_the_member_imposes_a_form(tree, authority, form, allowed):
    member = tree["members_a"][0]
    case = services.open_case(
        member=member,
        opened_on=date(2025, 6, 1),
        decision_number="30-QĐ/UBKT",
        authority="Ủy ban Kiểm tra",
        signs="Dấu hiệu vi phạm",
    )
    decide = lambda: services.discipline_member(  # noqa: E731
        case, **_decision(form=form, authority_org=tree[authority], authority="")
    )
    if allowed:
        discipline = decide()
        assert discipline.authority_org == tree[authority]
        assert discipline.authority == tree[authority].name  # named after the org when blank
    else:
        with pytest.raises(DomainError) as refused:
            decide()
        assert refused.value.field == "authority_org" and tree[authority].name in str(refused.value)
        assert not Member.objects.get(pk=member.pk).disciplines.exists()
        assert Case.objects.get(pk=case.pk).status == case.status  # nothing changed


def test_a_province_empowers_grassroots_committees_to_expel_from_a_date(tree):
    from dangbo.members import rules as member_rules

    table = {**member_rules.DEFAULT_DISCIPLINE_AUTHORITY}
    table["member"] = {**table["member"], "grassroots_committee": ["reprimand", "expulsion"]}
    RuleParameter.objects.create(
        key=member_rules.DISCIPLINE_AUTHORITY_KEY,
        valid_from=date(2025, 7, 1),
        org_path=tree["bloc"].path,
        value=table,
        source="Ủy quyền của Tỉnh ủy",
    )
    member = tree["members_a"][1]
    case = services.open_case(
        member=member,
        opened_on=date(2025, 6, 1),
        decision_number="31-QĐ/UBKT",
        authority="Ủy ban Kiểm tra",
        signs="Dấu hiệu vi phạm",
    )
    early = _decision(
        form="expulsion", decided_on=date(2025, 6, 30), authority_org=tree["committee"]
    )
    with pytest.raises(DomainError, match="không có thẩm quyền"):
        services.discipline_member(case, **early)
    late = {**early, "decided_on": date(2025, 7, 1)}
    assert services.discipline_member(case, **late).form == "expulsion"


def test_an_org_is_disciplined_only_from_above(tree):
    case = services.open_case(
        organization=tree["cell_b"],
        opened_on=date(2025, 6, 1),
        decision_number="32-QĐ/UBKT",
        authority="Ủy ban Kiểm tra",
        signs="Không sinh hoạt",
    )
    with pytest.raises(DomainError, match="không phải cấp có thẩm quyền"):
        services.discipline_org(case, **_decision(form="reprimand", authority_org=tree["cell_b"]))
    with pytest.raises(DomainError, match="không có thẩm quyền"):
        services.discipline_org(
            case, **_decision(form="dissolution", authority_org=tree["committee"])
        )
    assert services.discipline_org(case, **_decision(form="dissolution")).authority_org == _bloc()
