"""Discipline decisions on members and their effects (shared by inspections, reviews, badges)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangbo.core.errors import DomainError
from dangbo.members import rules, services
from dangbo.members.models import Discipline, Member
from dangbo.organizations.models import Organization

FORMS = ["reprimand", "warning", "dismissal", "expulsion"]


def test_discipline_grade_cap():
    assert rules.discipline_grade_cap([]) is None
    for form in FORMS:  # Quy định 124-QĐ/TW: any discipline in the year → KHTNV
        assert rules.discipline_grade_cap([form]) == rules.GRADE_NOT_COMPLETED
    caps = {"reprimand": rules.GRADE_COMPLETED, "warning": rules.GRADE_NOT_COMPLETED}
    assert rules.discipline_grade_cap(["reprimand"], caps) == rules.GRADE_COMPLETED
    assert rules.discipline_grade_cap(["reprimand", "warning"], caps) == "kht"
    assert rules.discipline_grade_cap(["other"], caps) is None


grade_tables = st.dictionaries(st.sampled_from(FORMS), st.sampled_from(rules.GRADES))


@given(st.sampled_from(rules.GRADES), st.lists(st.sampled_from(FORMS)), grade_tables)
def test_a_cap_never_improves_a_grade_and_more_decisions_never_raise_it(grade, forms, caps):
    capped = rules.lower_grade(grade, rules.discipline_grade_cap(forms, caps))
    assert rules.GRADES.index(capped) <= rules.GRADES.index(grade)
    if not any(f in caps for f in forms):
        assert capped == grade
    more = rules.discipline_grade_cap([*forms, "warning"], caps)
    fewer = rules.discipline_grade_cap(forms, caps)
    if fewer is not None:
        assert rules.GRADES.index(more) <= rules.GRADES.index(fewer)


def test_the_dated_table_is_read_by_date_and_subtree(tree):
    """One table (members owns it): shipped rows say KHTNV for every form since 2018; a
    province's own row applies from its date, in its subtree only."""
    from dangbo.core.models import RuleParameter

    path = tree["province"].path
    for year in (2019, 2024):
        assert services.discipline_grade_cap_in_year(["reprimand"], year, path) == "kht"
    RuleParameter.objects.create(
        key=rules.DISCIPLINE_GRADE_CAPS_KEY,
        valid_from=date(2025, 1, 1),
        org_path=path,
        value={"reprimand": "ht"},
    )
    assert services.discipline_grade_cap_in_year(["reprimand"], 2024, path) == "kht"
    assert services.discipline_grade_cap_in_year(["reprimand"], 2025, path) == "ht"
    assert services.discipline_grade_cap_in_year(["warning"], 2025, path) is None
    assert services.discipline_grade_cap_in_year(["reprimand"], 2025, "ZZZZ") == "kht"


def test_forms_in_force_and_badge_delay():
    decisions = [
        ("reprimand", date(2020, 1, 1), None),
        ("warning", date(2022, 1, 1), date(2022, 6, 1)),
        ("dismissal", date(2030, 1, 1), None),
    ]
    assert rules.discipline_forms_in_force(decisions, date(2022, 3, 1)) == [
        "reprimand",
        "warning",
    ]
    in_force = rules.discipline_forms_in_force(decisions, date(2023, 1, 1))
    assert in_force == ["reprimand"]
    assert rules.badge_delay_months(in_force) == 6
    assert rules.badge_delay_months(["warning", "reprimand"]) == 9
    assert rules.badge_delay_months([]) == 0


def _decide(member, form="reprimand", **overrides):
    data = dict(
        form=form,
        decided_on=date(2025, 3, 1),
        decision_number="20-QĐ/UBKT",
        authority="Ủy ban Kiểm tra Đảng ủy Khối",
        reason="Vi phạm quy định về những điều đảng viên không được làm",
    )
    data.update(overrides)
    data.setdefault("authority_org", Organization.objects.get(name="Đảng ủy Khối các cơ quan tỉnh"))
    return services.record_discipline(member, **data)


def test_probationary_member_only_reprimand_or_warning(tree):
    probationary = tree["members_a"][2]
    assert probationary.status == "probationary"
    with pytest.raises(DomainError) as err:
        _decide(probationary, "dismissal")
    assert err.value.field == "form" and "dự bị" in err.value.message
    assert not Discipline.objects.exists()
    assert _decide(probationary, "warning").form == "warning"


def test_bad_input_names_the_field(tree):
    member = tree["members_a"][0]
    for overrides, field in [
        ({"decision_number": " "}, "decision_number"),
        ({"authority_org": None}, "authority_org"),
        ({"authority_org": tree["commune"]}, "authority_org"),  # not above the member
        ({"reason": ""}, "reason"),
        ({"decided_on": date(2099, 1, 1)}, "decided_on"),
        ({"decided_on": date(2000, 1, 1)}, "decided_on"),
        ({"form": "dissolution"}, "form"),
    ]:
        with pytest.raises(DomainError) as err:
            _decide(member, **overrides)
        assert err.value.field == field
    assert not Discipline.objects.exists()


def test_expulsion_ends_membership_and_annulment_restores_it(tree):
    member = tree["members_a"][0]
    discipline = _decide(member, "expulsion")
    member = Member.objects.get(pk=member.pk)
    assert member.status == "expelled" and member.status_since == date(2025, 3, 1)
    with pytest.raises(DomainError):
        _decide(member, "reprimand")
    services.annul_discipline(discipline, on=date(2025, 5, 1), note="Khiếu nại được chấp nhận")
    member = Member.objects.get(pk=member.pk)
    assert member.status == "official"
    assert list(member.status_periods.values_list("status", flat=True)) == [
        "probationary",
        "official",
        "expelled",
        "official",
    ]
    with pytest.raises(DomainError) as err:
        services.annul_discipline(discipline, on=date(2025, 5, 2), note="Lần nữa")
    assert "đã bị hủy" in err.value.message


def test_annulment_checks(tree):
    discipline = _decide(tree["members_a"][1], "warning")
    for kwargs, field in [
        ({"on": date(2025, 1, 1), "note": "x"}, "on"),
        ({"on": date(2099, 1, 1), "note": "x"}, "on"),
        ({"on": date(2025, 4, 1), "note": " "}, "note"),
    ]:
        with pytest.raises(DomainError) as err:
            services.annul_discipline(discipline, **kwargs)
        assert err.value.field == field
    assert Discipline.objects.get(pk=discipline.pk).annulled_on is None


@given(
    st.sampled_from(["member", "org"]),
    st.sampled_from(["reprimand", "warning", "dismissal", "expulsion", "dissolution"]),
    st.sampled_from(["cell", "grassroots_cell", "grassroots_committee", "superior", "x"]),
    st.booleans(),
)
def test_discipline_authority_rule_is_the_table_and_the_tree(target, form, org_type, above):
    problem = rules.discipline_authority_problem(
        target=target,
        form=form,
        authority_type=org_type,
        authority_name="Tổ chức A",
        over_target=above,
    )
    allowed = above and form in rules.DEFAULT_DISCIPLINE_AUTHORITY[target].get(org_type, [])
    assert (problem is None) == allowed
    if problem:
        assert "Tổ chức A" in problem
