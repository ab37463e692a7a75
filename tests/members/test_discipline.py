"""Discipline decisions on members and their effects (shared by inspections, reviews, badges)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangbo.core.errors import DomainError
from dangbo.members import rules, services
from dangbo.members.models import Discipline, Member

FORMS = ["reprimand", "warning", "dismissal", "expulsion"]


def test_grade_cap_for_discipline():
    assert rules.grade_cap_for_discipline([]) is None
    assert rules.grade_cap_for_discipline(["reprimand"]) == "not_completed"
    caps = {"reprimand": "completed", "warning": "not_completed"}
    assert rules.grade_cap_for_discipline(["reprimand"], caps) == "completed"
    assert rules.grade_cap_for_discipline(["reprimand", "warning"], caps) == "not_completed"
    assert rules.grade_cap_for_discipline(["other"], caps) is None


@given(st.sampled_from(rules.GRADES), st.lists(st.sampled_from(FORMS)))
def test_cap_grade_never_improves(grade, forms):
    capped = rules.cap_grade(grade, rules.grade_cap_for_discipline(forms))
    assert rules.GRADES.index(capped) >= rules.GRADES.index(grade)
    if not forms:
        assert capped == grade


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
        ({"authority": ""}, "authority"),
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
