"""Leaving the party and re-admission (DOMAIN.md "Members")."""

from datetime import date

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangbo.core.errors import DomainError
from dangbo.members import rules, services
from dangbo.members.models import Member
from tests import factories


def test_readmission_rule():
    left = date(2020, 5, 10)
    ok = dict(readmitted_before=False, barred=False)
    assert rules.readmission_problem("deleted", left, date(2023, 5, 10), **ok) is None
    assert "36 tháng" in rules.readmission_problem("deleted", left, date(2023, 5, 9), **ok)
    assert "một lần" in rules.readmission_problem(
        "resigned", left, date(2025, 1, 1), readmitted_before=True, barred=False
    )
    assert "nghiêm trọng" in rules.readmission_problem(
        "expelled", left, date(2025, 1, 1), readmitted_before=False, barred=True
    )
    assert rules.readmission_problem("deceased", left, date(2025, 1, 1), **ok)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 1, 1)),
    st.integers(0, 120),
    st.integers(1, 60),
)
def test_readmission_waits_min_months(left, months, minimum):
    on = rules.add_months(left, months)
    problem = rules.readmission_problem(
        "deleted", left, on, readmitted_before=False, barred=False, min_months=minimum
    )
    assert (problem is None) == (rules.months_between(left, on) >= minimum)


def test_leave_and_readmit_records_gap(tree):
    member = tree["members_a"][0]
    services.leave(
        member,
        new_status="deleted",
        on=date(2021, 3, 1),
        decision_number="5-QĐ",
        reason="Bỏ sinh hoạt",
    )
    member.refresh_from_db()
    assert member.status == "deleted"
    assert member.events.filter(kind="left").exists()
    with pytest.raises(DomainError, match="36 tháng"):
        services.readmit(
            member, organization=tree["cell_b"], on=date(2024, 2, 1), decision_number="9"
        )
    member = services.readmit(
        member, organization=tree["cell_b"], on=date(2024, 3, 1), decision_number="9-QĐ"
    )
    assert member.status == "probationary" and member.organization == tree["cell_b"]
    gap = member.gaps.get()
    assert (gap.valid_from, gap.valid_to) == (date(2021, 3, 1), date(2024, 3, 1))
    gaps = [(gap.valid_from, gap.valid_to)]
    assert rules.party_age(member.admitted_on, gaps, date(2026, 11, 23)) == (13, 6)
    services.leave(
        member, new_status="resigned", on=date(2024, 6, 1), decision_number="1", reason="Xin ra"
    )
    with pytest.raises(DomainError, match="một lần"):
        services.readmit(
            member, organization=tree["cell_b"], on=date(2026, 11, 1), decision_number="2"
        )


def test_serious_expulsion_bars_readmission(tree):
    member = tree["members_b"][0]
    with pytest.raises(DomainError, match="khai trừ"):
        services.leave(
            member,
            new_status="deleted",
            on=date(2020, 1, 1),
            decision_number="1",
            reason="x",
            serious=True,
        )
    services.leave(
        member,
        new_status="expelled",
        on=date(2020, 1, 1),
        decision_number="1",
        reason="Tham nhũng",
        serious=True,
    )
    with pytest.raises(DomainError, match="nghiêm trọng"):
        services.readmit(
            member, organization=tree["cell_b"], on=date(2025, 1, 1), decision_number="2"
        )


def test_leave_and_readmit_screens(client, tree):
    officer = factories.user(role_code="org_board_officer", on=tree["committee"])
    client.force_login(officer)
    member = tree["members_a"][1]
    url = reverse("members:leave", args=[member.pk])
    response = client.post(url, {"new_status": "resigned", "on": "01/02/2020", "reason": ""})
    assert response.status_code == 200
    response = client.post(
        url,
        {"new_status": "resigned", "on": "01/02/2020", "decision_number": "3", "reason": "Xin ra"},
    )
    assert response.status_code == 302
    body = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert "Kết nạp lại" in body
    response = client.post(
        reverse("members:readmit", args=[member.pk]),
        {"organization": tree["cell_a"].pk, "on": "01/03/2023", "decision_number": "7"},
    )
    assert response.status_code == 302
    assert Member.objects.get(pk=member.pk).status == "probationary"
    body = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert 'id="gaps"' in body
    outsider = factories.user(role_code="org_board_officer", on=tree["commune"])
    client.force_login(outsider)
    assert client.get(reverse("members:leave", args=[member.pk])).status_code == 404
    assert client.get(reverse("members:readmit", args=[member.pk])).status_code == 404
