import io
from datetime import date

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from dangbo.core.errors import DomainError
from dangbo.members.models import Discipline, Member, MembershipGap
from dangbo.recognition import rules, services
from dangbo.recognition.models import BadgeAward
from tests import factories

TODAY = date(2026, 11, 24)
dates = st.dates(min_value=date(1930, 1, 1), max_value=date(2020, 12, 31))


def test_thirty_years_with_early_allowance():
    e = rules.next_badge(date(1996, 5, 19), [], [], [], TODAY)
    assert (e.milestone, e.due_on, e.eligible_from) == (30, date(2026, 5, 19), date(2025, 5, 19))


def test_senior_badges_may_come_24_months_early_and_awarded_are_skipped():
    e = rules.next_badge(date(1950, 1, 10), [], [30, 40, 45, 50, 55, 60, 65, 70], [], TODAY)
    assert e.milestone == 75 and e.eligible_from == date(2023, 1, 10)


def test_gaps_push_the_milestone():
    gaps = [(date(2000, 1, 1), date(2001, 1, 1))]
    e = rules.next_badge(date(1996, 5, 19), gaps, [], [], TODAY)
    assert e.due_on == date(2027, 5, 20)  # 366 days of gap (2000 is a leap year)


def test_discipline_delays_eligibility():
    e = rules.next_badge(date(1996, 5, 19), [], [], [(date(2025, 3, 1), 9)], TODAY)
    assert e.eligible_from == date(2025, 12, 1) and "kỷ luật" in e.reason()


@given(dates, st.lists(st.sampled_from(rules.DEFAULT_MILESTONES), max_size=4))
def test_next_badge_is_above_every_awarded_one(admitted, awarded):
    e = rules.next_badge(admitted, [], awarded, [], TODAY)
    if e is not None:
        assert e.milestone > max(awarded, default=0)
        assert e.eligible_from <= e.due_on


def test_award_days():
    assert rules.award_days(date(2026, 11, 8), 3) == [
        date(2027, 2, 3),
        date(2027, 5, 19),
        date(2027, 9, 2),
    ]


@pytest.fixture
def veterans(tree):
    cell = tree["cell_a"]
    return {
        "due": factories.member(
            cell,
            "Hoàng Văn Lâm",
            admitted_on=date(1996, 5, 19),
            official_on=date(1997, 5, 19),
            birth_date=date(1970, 1, 1),
        ),
        "young": tree["members_a"][0],
        "disciplined": factories.member(
            cell,
            "Ngô Thị Mai",
            gender="F",
            admitted_on=date(1996, 4, 2),
            official_on=date(1997, 4, 2),
            birth_date=date(1972, 1, 1),
        ),
    }


def test_eligible_list_and_all_or_nothing_proposal(tree, veterans, admin_user):
    Discipline.objects.create(
        member=veterans["disciplined"],
        form="warning",
        decided_on=date(2025, 6, 1),
        decision_number="5-QĐ/UBKT",
        authority="UBKT Đảng ủy",
        reason="Vi phạm",
    )
    day = date(2025, 9, 2)
    eligible = services.eligible_members(Member.objects.all(), day, TODAY)
    assert [m.full_name for m, _e in eligible] == ["Hoàng Văn Lâm"]  # warning: until 01/03/2026
    later = services.eligible_members(Member.objects.all(), date(2026, 5, 19), TODAY)
    assert {m.full_name for m, _e in later} == {"Hoàng Văn Lâm", "Ngô Thị Mai"}
    with pytest.raises(DomainError) as err:
        services.propose(
            [veterans["due"].pk, veterans["young"].pk],
            day,
            allowed=Member.objects.all(),
            user=admin_user,
        )
    assert "Nguyễn Văn Bình" in err.value.message and not BadgeAward.objects.exists()
    with pytest.raises(DomainError):
        services.propose([veterans["due"].pk], date(2025, 9, 3), allowed=Member.objects.all())
    services.propose([veterans["due"].pk], day, allowed=Member.objects.all(), user=admin_user)
    assert services.eligible_members(Member.objects.all(), day, TODAY) == []


def test_gap_recorded_in_db_is_used(tree, veterans):
    MembershipGap.objects.create(
        member=veterans["due"], valid_from=date(2000, 1, 1), valid_to=date(2003, 1, 1)
    )
    eligible = services.eligible_members(Member.objects.all(), date(2025, 9, 2), TODAY)
    assert "Hoàng Văn Lâm" not in {m.full_name for m, _e in eligible}


def test_screens_propose_decide_export(client, tree, veterans):
    committee = factories.user(role_code="grassroots_committee", on=tree["committee"])
    client.force_login(committee)
    params = {"org": tree["committee"].pk, "day": "02/09/2025"}
    page = client.get(reverse("recognition:index"), params).content.decode()
    assert "Hoàng Văn Lâm" in page and "Đủ 30 năm tuổi đảng" in page
    client.post(reverse("recognition:propose"), {**params, "members": [veterans["due"].pk]})
    award = BadgeAward.objects.get()
    assert award.status == "proposed"
    # the committee cannot decide; the province's organisation board can
    client.post(
        reverse("recognition:decide"),
        {
            **params,
            "awards": [award.pk],
            "verdict": "approve",
            "decision_number": "1",
            "decided_on": "20/08/2025",
        },
    )
    assert BadgeAward.objects.get().status == "proposed"
    board = factories.user(role_code="org_board_officer", on=tree["province"])
    client.force_login(board)
    client.post(
        reverse("recognition:decide"),
        {
            **params,
            "awards": [award.pk],
            "verdict": "approve",
            "decision_number": "125-QĐ/TU",
            "decided_on": "20/08/2025",
        },
    )
    assert BadgeAward.objects.get().status == "awarded"
    xlsx = client.get(reverse("recognition:ceremony"), params)
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[3][1] == "Hoàng Văn Lâm" and rows[3][4] == "30 năm"


def test_outside_subtree_is_404(client, tree, veterans):
    other = factories.user(role_code="org_board_officer", on=tree["commune"])
    client.force_login(other)
    assert client.get(reverse("recognition:index"), {"org": tree["cell_a"].pk}).status_code == 404
    with pytest.raises(DomainError):
        services.propose(
            [veterans["due"].pk], date(2025, 9, 2), allowed=Member.objects.restrict(other)
        )


def test_index_query_count(admin_client, tree, veterans, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        admin_client.get(
            reverse("recognition:index"), {"org": tree["province"].pk, "day": "02/09/2025"}
        )


def test_commendations_record_list_and_scope(client, tree):
    board = factories.user(role_code="org_board_officer", on=tree["bloc"])
    client.force_login(board)
    member = tree["members_a"][0]
    url = reverse("recognition:commend", args=[member.pk])
    data = {
        "form": "Giấy khen",
        "year": 2025,
        "issuer": "Đảng ủy Khối",
        "decision_number": "45-QĐ/ĐUK",
        "decided_on": "15/01/2026",
        "reason": "HTXSNV 5 năm",
    }
    assert client.post(url, data).status_code == 302
    body = client.get(reverse("recognition:commendations"), {"year": 2025}).content.decode()
    assert "Nguyễn Văn Bình" in body and "Giấy khen" in body
    outside = tree["village_members"][0]
    assert client.get(reverse("recognition:commend", args=[outside.pk])).status_code == 404
    bad = client.post(url, {**data, "year": 2030})
    assert "Năm khen thưởng không hợp lệ" in bad.content.decode()
