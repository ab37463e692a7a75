"""Commendations to members and organisations, and proposals fed by classification streaks."""

from datetime import date

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from dangbo.core import hooks
from dangbo.core.errors import DomainError
from dangbo.core.models import RuleParameter
from dangbo.recognition import rules, services
from dangbo.recognition.models import Commendation, CommendationProposal
from dangbo.reviews import services as reviews
from dangbo.reviews.models import MemberReview, OrgReview
from tests import factories

R = rules.DEFAULT_STREAK_RULES


def test_streak_rule_takes_the_longest_whole_period():
    assert rules.streak_rule(rules.MEMBER, 2, R) is None
    assert rules.streak_rule(rules.MEMBER, 3, R).form == "Giấy khen"
    assert rules.streak_rule(rules.MEMBER, 4, R) is None  # proposed at 3, not again at 4
    assert rules.streak_rule(rules.MEMBER, 5, R).form == "Bằng khen"
    assert rules.streak_rule(rules.MEMBER, 15, R).years == 5
    assert rules.streak_rule(rules.ORGANIZATION, 2, R).form == "Giấy khen"
    assert rules.streak_rule(rules.ORGANIZATION, 10, R).form == "Bằng khen"
    assert "2021–2025" in rules.streak_reason(rules.MEMBER, 5, 2025)


@given(st.integers(min_value=0, max_value=60), st.sampled_from([rules.MEMBER, rules.ORGANIZATION]))
def test_a_proposed_rule_always_divides_the_streak(years, subject):
    rule = rules.streak_rule(subject, years, R)
    if rule is not None:
        assert rule.subject == subject and years % rule.years == 0
        assert all(years % r.years or r.years <= rule.years for r in R if r.subject == subject)
    else:
        assert all(years % r.years or years == 0 for r in R if r.subject == subject)


def _years(tree, grades: dict, org_grades: dict, last=2025, first=2021):
    """Review years first..last on the committee; `grades`: member → set of Excellent years."""
    opened = []
    for year in range(first, last + 1):
        review_year = reviews.open_year(
            organization=tree["committee"], year=year, reference_date=date(year, 12, 1)
        )
        MemberReview.objects.filter(review_year=review_year).update(final_grade="htt")
        OrgReview.objects.filter(review_year=review_year).update(final_grade="htt")
        for member, years in grades.items():
            if year in years:
                MemberReview.objects.filter(review_year=review_year, member=member).update(
                    final_grade="htxs"
                )
        for org, years in org_grades.items():
            if year in years:
                OrgReview.objects.filter(review_year=review_year, organization=org).update(
                    final_grade="htxs"
                )
        opened.append(review_year)
    return opened


@pytest.fixture
def streaks(tree):
    binh, hang, _anh = tree["members_a"]
    years = _years(
        tree,
        {binh: range(2021, 2026), hang: range(2023, 2026)},
        {tree["cell_a"]: (2024, 2025), tree["cell_b"]: (2025,)},
    )
    return years


def test_closing_a_review_year_proposes_commendations_for_streaks(tree, streaks):
    assert not CommendationProposal.objects.exists()
    reviews.close_year(streaks[-1])  # sends hooks.classification_confirmed
    rows = {(p.subject_name, p.streak, p.form) for p in CommendationProposal.objects.all()}
    assert rows == {
        ("Nguyễn Văn Bình", 5, "Bằng khen"),
        ("Trần Thị Hằng", 3, "Giấy khen"),
        ("Chi bộ Văn phòng", 2, "Giấy khen"),
    }
    # Asking again proposes nothing twice.
    assert services.propose_from_streaks(path=tree["committee"].path, year=2025) == []


def test_the_streak_table_is_dated_data(tree, streaks):
    RuleParameter.objects.create(
        key=rules.STREAK_RULES_KEY,
        valid_from=date(2025, 1, 1),
        value=[{"subject": "member", "years": 5, "form": "Bằng khen", "issuer": "UBND tỉnh"}],
    )
    created = services.propose_from_streaks(path=tree["committee"].path, year=2025)
    assert [(p.member.full_name, p.issuer) for p in created] == [("Nguyễn Văn Bình", "UBND tỉnh")]
    # 2024 is judged by the table in force then (the defaults): Bình 4 years → nothing.
    assert services.propose_from_streaks(path=tree["committee"].path, year=2024) == []


def test_without_reviews_nothing_is_proposed(tree, monkeypatch):
    monkeypatch.delitem(hooks._providers, "reviews.streaks")
    assert services.propose_from_streaks(path=tree["committee"].path, year=2025) == []


@pytest.fixture
def officer(tree):
    return factories.user("bantochuc", role_code="org_board_officer", on=tree["committee"])


def test_officer_confirms_or_dismisses_proposals_on_the_screen(client, tree, streaks, officer):
    reviews.close_year(streaks[-1])
    client.force_login(officer)
    url = reverse("recognition:streaks")
    body = client.get(url, {"org": tree["committee"].pk, "year": 2025}).content.decode()
    assert "Nguyễn Văn Bình" in body and "Chi bộ Văn phòng" in body and "5 năm liền" in body
    binh = CommendationProposal.objects.get(member=tree["members_a"][0])
    cell = CommendationProposal.objects.get(organization=tree["cell_a"])
    hang = CommendationProposal.objects.get(member=tree["members_a"][1])
    scope = {"org": tree["committee"].pk, "year": 2025}
    response = client.post(
        reverse("recognition:streaks_decide"),
        {
            **scope,
            "proposals": [binh.pk, cell.pk],
            "verdict": "confirm",
            "decision_number": "",
            "decided_on": "20/01/2026",
        },
    )
    assert response.status_code == 302 and not Commendation.objects.exists()  # all or none
    client.post(
        reverse("recognition:streaks_decide"),
        {
            **scope,
            "proposals": [binh.pk, cell.pk],
            "verdict": "confirm",
            "decision_number": "15-QĐ/TU",
            "decided_on": "20/01/2026",
        },
    )
    assert Commendation.objects.count() == 2
    org_commendation = Commendation.objects.get(organization=tree["cell_a"])
    assert org_commendation.form == "Giấy khen" and org_commendation.member is None
    assert CommendationProposal.objects.get(pk=binh.pk).commendation.decision_number == "15-QĐ/TU"
    client.post(
        reverse("recognition:streaks_decide"),
        {**scope, "proposals": [hang.pk], "verdict": "dismiss", "note": "Đang bị xem xét"},
    )
    assert CommendationProposal.objects.get(pk=hang.pk).status == "dismissed"
    body = client.get(reverse("recognition:commendations")).content.decode()
    assert "Chi bộ Văn phòng" in body and "Nguyễn Văn Bình" in body
    body = client.get(reverse("recognition:commendations"), {"subject": "organization"})
    assert "Nguyễn Văn Bình" not in body.content.decode()


def test_streak_decision_refuses_a_bad_date_or_a_proposal_out_of_reach(
    client, tree, streaks, officer
):
    reviews.close_year(streaks[-1])
    binh = CommendationProposal.objects.get(member=tree["members_a"][0])
    far = CommendationProposal.objects.create(
        organization=tree["village"], year=2025, streak=2, form="Giấy khen", issuer="Huyện ủy"
    )
    client.force_login(officer)
    url = reverse("recognition:streaks_decide")
    data = {"org": tree["committee"].pk, "year": 2025, "proposals": [binh.pk]}
    data.update(verdict="confirm", decision_number="15-QĐ/TU")
    page = client.post(url, {**data, "decided_on": "2026-13-01"}, follow=True).content.decode()
    assert "Ngày quyết định: Nhập một ngày hợp lệ." in page
    page = client.post(url, data, follow=True).content.decode()
    assert "Ngày quyết định: Cần nhập ngày quyết định khen thưởng." in page
    data.update(proposals=[far.pk], decided_on="20/01/2026")
    page = client.post(url, data, follow=True).content.decode()
    assert "Đề xuất được xem xét: Không tồn tại hoặc ngoài phạm vi." in page
    assert not Commendation.objects.exists()
    assert set(CommendationProposal.objects.values_list("status", flat=True)) == {"proposed"}


def test_commendation_to_an_organisation_and_its_reach(client, tree, officer):
    client.force_login(officer)
    response = client.post(
        reverse("recognition:commend_org"),
        {
            "organization": tree["cell_b"].pk,
            "form": "Giấy khen",
            "year": 2025,
            "issuer": "Đảng ủy Khối",
            "decision_number": "7-QĐ/ĐUK",
            "decided_on": "15/01/2026",
            "reason": "Trong sạch vững mạnh tiêu biểu",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    commendation = Commendation.objects.get()
    assert commendation.organization == tree["cell_b"] and commendation.member is None
    # An org outside the officer's subtree is refused.
    response = client.post(
        reverse("recognition:commend_org"),
        {
            "organization": tree["village"].pk,
            "form": "Giấy khen",
            "year": 2025,
            "issuer": "Huyện ủy",
            "decision_number": "8",
            "decided_on": "15/01/2026",
        },
    )
    assert response.status_code == 200 and Commendation.objects.count() == 1
    outsider = factories.user("xa", role_code="org_board_officer", on=tree["commune"])
    client.force_login(outsider)
    assert (
        "Chi bộ Phòng Nghiệp vụ"
        not in client.get(reverse("recognition:commendations")).content.decode()
    )
    with pytest.raises(DomainError, match="đảng viên hoặc một tổ chức"):
        services.record_commendation(
            "x",
            form="Giấy khen",
            year=2025,
            issuer="a",
            decision_number="1",
            decided_on=date(2026, 1, 1),
        )
