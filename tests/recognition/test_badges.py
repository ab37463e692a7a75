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
from tests.paper_helpers import own_rows

TODAY = date(2026, 11, 24)
dates = st.dates(min_value=date(1930, 1, 1), max_value=date(2020, 12, 31))


def test_thirty_years_with_early_allowance():
    e = rules.badge_on(date(1996, 5, 19), [], [], [], date(2025, 5, 19), TODAY)
    assert (e.milestone, e.due_on, e.eligible_from) == (30, date(2026, 5, 19), date(2025, 5, 19))
    assert rules.badge_on(date(1996, 5, 19), [], [], [], date(2025, 2, 3), TODAY) is None


def test_senior_badges_may_come_24_months_early_and_awarded_are_skipped():
    awarded = [30, 40, 45, 50, 55, 60, 65, 70]
    e = rules.badge_on(date(1950, 1, 10), [], awarded, [], date(2023, 2, 3), TODAY)
    assert e.milestone == 75 and e.eligible_from == date(2023, 1, 10) and not e.skipped


def test_long_standing_member_gets_the_highest_milestone_reached_not_the_first():
    """62 years of party age and no badge on record: the 60-year badge, the lower ones named
    as skipped (the 30-year list must not show them)."""
    e = rules.badge_on(date(1964, 7, 1), [], [], [], date(2026, 9, 2), TODAY)
    assert e.milestone == 60 and e.skipped == (30, 40, 45, 50, 55)
    assert "chưa ghi nhận huy hiệu 30, 40, 45, 50, 55 năm" in e.reason()
    # 64 years 2 months on 2/9: the 65-year badge, 12 months early at most
    assert rules.badge_on(date(1962, 7, 1), [], [60], [], date(2026, 9, 2), TODAY).milestone == 65


def test_gaps_push_the_milestone():
    gaps = [(date(2000, 1, 1), date(2001, 1, 1))]
    e = rules.badge_on(date(1996, 5, 19), gaps, [], [], date(2026, 9, 2), TODAY)
    assert e.due_on == date(2027, 5, 20)  # 366 days of gap (2000 is a leap year)


def test_discipline_delays_eligibility():
    delay = [(date(2025, 3, 1), 9)]
    assert rules.badge_on(date(1996, 5, 19), [], [], delay, date(2025, 11, 7), TODAY) is None
    e = rules.badge_on(date(1996, 5, 19), [], [], delay, date(2026, 2, 3), TODAY)
    assert e.eligible_from == date(2025, 12, 1) and "kỷ luật" in e.reason()


milestone_sets = st.lists(st.sampled_from(rules.DEFAULT_MILESTONES), max_size=4)
award_dates = st.dates(min_value=date(1960, 1, 1), max_value=date(2060, 12, 31))
delays = st.lists(st.tuples(dates, st.sampled_from([0, 6, 9, 12])), max_size=2)


@given(dates, milestone_sets, delays, award_dates)
def test_the_badge_is_the_highest_reached_above_every_one_held(admitted, awarded, delay, day):
    e = rules.badge_on(admitted, [], awarded, delay, day, TODAY)
    reachable = [
        y
        for y in rules.DEFAULT_MILESTONES
        if y > max(awarded, default=0)
        and rules.add_months(admitted, 12 * y - rules.early_months(y)) <= day
    ]
    delayed = max((rules.add_months(d, m) for d, m in delay if m), default=None)
    if not reachable or (delayed and delayed > day):
        assert e is None
        return
    assert e.milestone == max(reachable)  # never a lower one skipped past
    assert e.milestone > max(awarded, default=0)
    assert e.eligible_from <= day and e.eligible_from >= rules.add_months(e.due_on, -e.early_months)
    assert e.skipped == tuple(sorted(set(reachable) - {e.milestone}))


@given(dates, milestone_sets, award_dates, award_dates)
def test_a_later_award_day_never_offers_a_lower_badge(admitted, awarded, day1, day2):
    early, late = sorted([day1, day2])
    first = rules.badge_on(admitted, [], awarded, [], early, TODAY)
    second = rules.badge_on(admitted, [], awarded, [], late, TODAY)
    if first is not None:
        assert second is not None and second.milestone >= first.milestone


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


def test_the_award_day_list_gives_long_standing_members_their_own_milestone(tree, veterans):
    """A member admitted in 1964 (62 years on 2/9/2026) is on the list for the 60-year badge,
    not the 30-year one; holding the 60-year badge, for none until the 65-year allowance."""
    elder = factories.member(
        tree["cell_a"],
        "Đỗ Văn Thọ",
        admitted_on=date(1964, 7, 1),
        official_on=date(1965, 7, 1),
        birth_date=date(1940, 1, 1),
    )
    day = date(2026, 9, 2)
    by_name = {m.full_name: e for m, e in services.eligible_members(Member.objects.all(), day)}
    assert by_name["Đỗ Văn Thọ"].milestone == 60
    assert by_name["Hoàng Văn Lâm"].milestone == 30
    BadgeAward.objects.create(
        member=elder, milestone=60, award_date=date(2024, 9, 2), status=BadgeAward.Status.AWARDED
    )
    names = {m.full_name for m, _e in services.eligible_members(Member.objects.all(), day)}
    assert "Đỗ Văn Thọ" not in names  # 65 years on 01/07/2029: from 01/07/2028
    later = services.eligible_members(Member.objects.all(), date(2028, 9, 2), TODAY)
    assert {e.milestone for m, e in later if m == elder} == {65}


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
    rows = own_rows(load_workbook(io.BytesIO(xlsx.content)).active)
    assert rows[3][1] == "Hoàng Văn Lâm" and rows[3][4] == "30 năm"


def test_badge_screens_refuse_a_bad_date_or_a_row_out_of_reach_naming_the_field(
    client, tree, veterans
):
    params = {"org": tree["committee"].pk, "day": "02/09/2025"}
    outside = tree["village_members"][0]
    client.force_login(factories.user(role_code="grassroots_committee", on=tree["committee"]))
    propose = reverse("recognition:propose")
    page = client.post(propose, {**params, "members": [outside.pk]}, follow=True)
    assert "Đảng viên được đề nghị: Không tồn tại hoặc ngoài phạm vi." in page.content.decode()
    page = client.post(propose, params, follow=True)
    assert "Đảng viên được đề nghị: Chọn ít nhất một đảng viên." in page.content.decode()
    assert not BadgeAward.objects.exists()
    client.post(propose, {**params, "members": [veterans["due"].pk]})
    award = BadgeAward.objects.get()
    far = BadgeAward.objects.create(member=outside, milestone=30, award_date=date(2025, 9, 2))
    client.force_login(factories.user(role_code="org_board_officer", on=tree["province"]))
    decide = reverse("recognition:decide")
    data = {**params, "awards": [award.pk], "verdict": "approve", "decision_number": "125"}
    page = client.post(decide, {**data, "decided_on": "31/02/2025"}, follow=True)
    assert "Ngày quyết định: Nhập một ngày hợp lệ." in page.content.decode()
    page = client.post(
        decide, {**data, "awards": [far.pk], "decided_on": "20/08/2025"}, follow=True
    )
    assert "Đề nghị được quyết định: Không tồn tại hoặc ngoài phạm vi." in page.content.decode()
    assert set(BadgeAward.objects.values_list("status", flat=True)) == {"proposed"}
    assert client.get(reverse("recognition:index"), {"org": "abc"}).status_code == 400


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
