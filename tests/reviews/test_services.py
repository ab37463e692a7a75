from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from dangbo.core.errors import DomainError
from dangbo.members.models import Discipline
from dangbo.reviews import rules, services
from dangbo.reviews.models import Confirmation, MemberReview, OrgReview, ReviewStep, ReviewYear
from dangbo.reviews.services import ScoreRow
from tests import factories
from tests.reviews.conftest import YEAR, org_row, row


def reviews_of(year, cell):
    return list(MemberReview.objects.filter(review_year=year, organization=cell).order_by("id"))


def test_open_year_lists_members_and_exemptions_with_reason(tree):
    recent = factories.member(
        tree["cell_a"], "Vũ Văn Mới", admitted_on=date(YEAR, 8, 1), official_on=None
    )
    excused = factories.member(tree["cell_b"], "Ngô Thị Miễn", gender="F")
    services.record_absence(
        member=excused, kind=rules.EXCUSED, valid_from=date(2024, 3, 1), note="Ốm dài ngày"
    )
    year = services.open_year(organization=tree["committee"], year=YEAR)
    reviews = {r.member_id: r for r in MemberReview.objects.filter(review_year=year)}
    assert len(reviews) == 6  # 4 in the tree's committee + 2 new
    assert reviews[recent.pk].exemption == rules.RECENTLY_ADMITTED
    assert reviews[excused.pk].exemption == rules.EXCUSED
    assert reviews[tree["members_a"][0].pk].exemption == ""
    classified = OrgReview.objects.filter(review_year=year, is_classified=True)
    assert {o.organization for o in classified} == {
        tree["committee"],
        tree["cell_a"],
        tree["cell_b"],
    }
    with pytest.raises(DomainError, match="trùng phạm vi"):
        services.open_year(organization=tree["province"], year=YEAR)
    with pytest.raises(DomainError, match="trùng phạm vi"):
        services.open_year(organization=tree["cell_a"], year=YEAR)
    services.open_year(organization=tree["commune"], year=YEAR)  # a disjoint subtree is fine


def test_discipline_in_the_year_caps_the_grade(tree):
    """Quy định 124-QĐ/TW: a member disciplined in the year (a reprimand too) is KHTNV."""
    member = tree["members_a"][0]
    Discipline.objects.create(
        member=member,
        form="reprimand",
        decided_on=date(YEAR, 3, 1),
        decision_number="1-QĐ",
        authority="Đảng ủy",
        reason="vi phạm",
    )
    year = services.open_year(organization=tree["committee"], year=YEAR)
    review = MemberReview.objects.get(review_year=year, member=member)
    assert review.discipline_cap == rules.NOT_COMPLETED
    services.enter_cell(review_year=year, cell=tree["cell_a"], rows=[row(review, "95")])
    review.refresh_from_db()
    assert review.proposed_grade == rules.NOT_COMPLETED and review.total_score == 95


def test_a_configured_cap_is_the_one_applied(tree):
    """A province's own dated row: the review applies it (the inspection screen shows the
    same table, tests/inspections/test_views.py)."""
    from dangbo.core.models import RuleParameter

    RuleParameter.objects.create(
        key="reviews.discipline_caps",
        valid_from=date(YEAR, 1, 1),
        org_path=tree["province"].path,
        value={"reprimand": rules.COMPLETED},
    )
    member = tree["members_a"][0]
    Discipline.objects.create(
        member=member,
        form="reprimand",
        decided_on=date(YEAR, 3, 1),
        decision_number="1-QĐ",
        authority="Đảng ủy",
        reason="vi phạm",
    )
    year = services.open_year(organization=tree["committee"], year=YEAR)
    assert MemberReview.objects.get(review_year=year, member=member).discipline_cap == "ht"


def test_enter_cell_computes_grades_atomically_with_row_messages(year, tree):
    a = reviews_of(year, tree["cell_a"])
    with pytest.raises(DomainError) as error:
        services.enter_cell(
            review_year=year,
            cell=tree["cell_a"],
            rows=[row(a[0], "95"), ScoreRow(a[1].pk, {**row(a[1]).scores, "duties": "55"})],
        )
    assert error.value.full_message.startswith("Dòng 2: «Kết quả thực hiện chức trách")
    assert "từ 0 đến 50" in error.value.message
    assert not MemberReview.objects.filter(review_year=year).exclude(proposed_grade="").exists()

    services.enter_cell(
        review_year=year,
        cell=tree["cell_a"],
        rows=[row(a[0], "95"), row(a[1], "92", exceed="10"), row(a[2], "60")],
    )
    grades = [r.proposed_grade for r in reviews_of(year, tree["cell_a"])]
    assert grades == [rules.EXCELLENT, rules.GOOD, rules.COMPLETED]
    assert ReviewStep.objects.filter(member_review=a[0], kind="scored").count() == 1
    with pytest.raises(DomainError, match="cao hơn mức tính theo điểm"):
        services.enter_cell(
            review_year=year, cell=tree["cell_a"], rows=[row(a[2], "60", cell_grade="htt")]
        )
    with pytest.raises(DomainError, match="không thuộc chi bộ"):
        services.enter_cell(review_year=year, cell=tree["cell_b"], rows=[row(a[0], "60")])


def _enter_all(year, tree, totals_a=("95", "95", "80"), total_b="80"):
    a = reviews_of(year, tree["cell_a"])
    services.enter_cell(
        review_year=year,
        cell=tree["cell_a"],
        rows=[row(r, t) for r, t in zip(a, totals_a, strict=True)],
    )
    (b,) = reviews_of(year, tree["cell_b"])
    services.enter_cell(review_year=year, cell=tree["cell_b"], rows=[row(b, total_b)])
    return a, b


def test_confirmation_refused_over_quota_then_fixed(year, tree):
    committee = tree["committee"]
    with pytest.raises(DomainError, match="chưa có đề xuất"):
        services.confirm(review_year=year, organization=committee)
    a, b = _enter_all(year, tree)
    panel = services.quota_panel(year, committee)
    assert (panel.check.excellent, panel.check.good, panel.check.limit) == (2, 2, 0)
    assert len(panel.over) == 2
    with pytest.raises(DomainError, match="Vượt tỷ lệ HTXSNV: 2 đảng viên HTXSNV, tối đa 0"):
        services.confirm(review_year=year, organization=committee)
    assert not Confirmation.objects.exists()
    assert not MemberReview.objects.filter(review_year=year).exclude(committee_grade="").exists()
    with pytest.raises(DomainError, match="trực thuộc không tự quyết định"):
        services.confirm(review_year=year, organization=tree["cell_a"])

    confirmation = services.confirm(
        review_year=year,
        organization=committee,
        grades={a[0].pk: rules.GOOD, a[1].pk: rules.GOOD},
    )
    assert confirmation.quota_limit == 0 and confirmation.excellent_count == 0
    finals = set(
        MemberReview.objects.filter(review_year=year).values_list("final_grade", flat=True)
    )
    assert finals == {rules.GOOD}


def test_documented_exception_is_recorded(year, tree):
    _enter_all(year, tree, ("95", "80", "80"))
    with pytest.raises(DomainError):
        services.confirm(review_year=year, organization=tree["committee"], exception_note="x")
    confirmation = services.confirm(
        review_year=year,
        organization=tree["committee"],
        exception_note="Đơn vị có thành tích đột xuất",
        exception_document="12-CV/ĐU",
    )
    assert confirmation.exception_document == "12-CV/ĐU"
    assert confirmation.excellent_count == 1 and confirmation.quota_limit == 0


def test_appeal_close_and_correction_keep_history(year, tree, admin_user):
    a, b = _enter_all(year, tree, ("80", "80", "80"))
    with pytest.raises(DomainError, match="sau khi cấp ủy"):
        services.file_appeal(a[0], text="Đề nghị xem lại", user=admin_user)
    services.confirm(review_year=year, organization=tree["committee"], user=admin_user)
    services.file_appeal(a[0], text="Đề nghị xem lại", user=admin_user)
    services.decide_appeal(a[0], grade=rules.COMPLETED, note="Giữ nguyên điểm", user=admin_user)
    with pytest.raises(DomainError, match="chưa được xếp loại"):
        services.close_year(year)
    for org_review in OrgReview.objects.filter(review_year=year, is_classified=True):
        services.score_org(org_review, row=org_row(org_review, "85"))
    parents = {
        tree["committee"].pk: OrgReview.objects.get(
            review_year=year, organization=tree["committee"]
        )
    }
    cells = OrgReview.objects.filter(
        review_year=year, organization__in=[tree["cell_a"], tree["cell_b"]]
    )
    services.decide_orgs(parent=parents[tree["committee"].pk], grades={c.pk: "htt" for c in cells})
    year_root = parents[tree["committee"].pk]
    cell_secretary = factories.user(role_code="cell_secretary", on=tree["cell_a"])
    with pytest.raises(PermissionDenied):
        services.decide_root(year_root, grade="htt", user=cell_secretary)
    bloc_user = factories.user(role_code="grassroots_committee", on=tree["bloc"])
    services.decide_root(year_root, grade="htt", user=bloc_user)
    services.close_year(year, user=admin_user)
    with pytest.raises(DomainError, match="đã kết thúc"):
        services.enter_cell(review_year=year, cell=tree["cell_a"], rows=[row(a[0], "90")])
    services.correct_final(
        a[0], grade=rules.GOOD, note="Kết luận kiểm tra", decision_number="5-QĐ/ĐU"
    )
    kinds = list(ReviewStep.objects.filter(member_review=a[0]).values_list("kind", flat=True))
    assert kinds == ["scored", "cell", "committee", "appeal", "appeal_decided", "corrected"]
    assert ReviewYear.objects.get(pk=year.pk).state == "closed"


def test_shares_per_subtree(year, tree):
    _enter_all(year, tree, ("95", "80", "60"), "80")
    services.confirm(
        review_year=year, organization=tree["committee"], exception_note="x", exception_document="1"
    )
    (result,) = services.shares(tree["province"].path)
    assert result.year == YEAR
    assert result.members == {"htxs": 1, "htt": 2, "ht": 1}
    assert result.member_shares["htxs"] == 25 and result.member_shares["good_or_better"] == 75
    assert services.shares(tree["commune"].path) == []


def test_criteria_in_force_on_the_reference_date_are_used(tree):
    from dangbo.reviews.models import CriteriaSet, Criterion

    newer = CriteriaSet.objects.create(subject="member", name="Bộ mới", valid_from=date(2026, 1, 1))
    Criterion.objects.create(
        criteria_set=newer, code="a", name="Chung", group="general", max_points=30
    )
    Criterion.objects.create(
        criteria_set=newer, code="b", name="Nhiệm vụ", group="task", max_points=60
    )
    old_year = services.open_year(organization=tree["committee"], year=YEAR)
    assert old_year.member_criteria.valid_from.year == 2018
    with pytest.raises(DomainError, match="đang là 30 và 60"):
        services.open_year(organization=tree["committee"], year=2026)


def _commitment(member, org, results, year=YEAR):
    from dangbo.programmes import services as programmes

    commitment = programmes.sign_commitment(
        organization=org,
        year=year,
        signer_name=member.full_name,
        signed_on=date(year, 1, 15),
        items=[f"Nội dung {n}" for n in range(1, len(results) + 1)],
        member=member,
    )
    items = list(commitment.items.order_by("position"))
    programmes.evaluate_commitment(
        commitment,
        results={i.pk: (ok, "") for i, ok in zip(items, results, strict=True)},
        evaluated_on=date(year, 11, 30),
    )
    return commitment


def test_commitment_results_feed_the_task_score_and_grade(year, tree):
    a = reviews_of(year, tree["cell_a"])
    _commitment(a[0].member, tree["cell_a"], [True, True, True])  # all achieved
    _commitment(a[1].member, tree["cell_a"], [True, True, False])  # one missed
    _commitment(a[2].member, tree["cell_a"], [True, False, False])  # under 50%
    services.enter_cell(
        review_year=year,
        cell=tree["cell_a"],
        rows=[row(a[0], "95"), row(a[1], "95"), row(a[2], "95")],
    )
    first, second, third = reviews_of(year, tree["cell_a"])
    assert (first.commitment_achieved, first.commitment_items) == (3, 3)
    assert first.proposed_grade == rules.EXCELLENT and first.all_tasks_done
    assert (second.commitment_achieved, second.commitment_items) == (2, 3)
    assert second.proposed_grade == rules.GOOD and not second.all_tasks_done
    assert third.proposed_grade == rules.COMPLETED
    step = ReviewStep.objects.get(member_review=third, kind="scored")
    assert step.details["commitment"] == [1, 3]
    assert step.details["commitment_effect"] == "tối đa HTNV"
    # Without an evaluated commitment the score alone decides.
    (b,) = reviews_of(year, tree["cell_b"])
    services.enter_cell(review_year=year, cell=tree["cell_b"], rows=[row(b, "95")])
    b.refresh_from_db()
    assert b.commitment_items is None and b.proposed_grade == rules.EXCELLENT


def test_commitment_minimum_share_is_a_dated_rule(year, tree):
    from dangbo.core.models import RuleParameter

    RuleParameter.objects.create(
        key="reviews.commitment_min_percent", value=30, valid_from=date(2020, 1, 1), org_path=""
    )
    a = reviews_of(year, tree["cell_a"])
    _commitment(a[0].member, tree["cell_a"], [True, False, False])  # 33% ≥ 30%
    services.enter_cell(review_year=year, cell=tree["cell_a"], rows=[row(a[0], "95")])
    a[0].refresh_from_db()
    assert a[0].proposed_grade == rules.GOOD


def _assert_tallies_exact(year):
    """The member tallies on the org rows equal a live count of the member reviews."""
    from django.db.models import Count, Q

    live = {
        r["organization_id"]: r
        for r in MemberReview.objects.filter(review_year=year)
        .values("organization_id")
        .annotate(**{name: Count("id", filter=cond) for name, cond in services.TALLY.items()})
        .order_by()
    }
    assert Q  # imported for the conditions above
    for org_review in OrgReview.objects.filter(review_year=year):
        expected = live.get(org_review.organization_id, {})
        for name in services.TALLY:
            assert getattr(org_review, name) == expected.get(name, 0), (org_review, name)


def test_member_tallies_stay_exact_through_the_services(year, tree, admin_user):
    _assert_tallies_exact(year)
    a, b = _enter_all(year, tree, ("95", "80", "60"), "80")
    _assert_tallies_exact(year)
    services.confirm(
        review_year=year,
        organization=tree["committee"],
        grades={a[0].pk: rules.GOOD},
        user=admin_user,
    )
    _assert_tallies_exact(year)
    services.file_appeal(a[2], text="Đề nghị xem lại", user=admin_user)
    services.decide_appeal(a[2], grade=rules.GOOD, note="Chấp nhận", user=admin_user)
    _assert_tallies_exact(year)
    other = factories.member(tree["cell_b"], "Đỗ Thị Tạm", gender="F")
    services.record_absence(
        member=tree["members_b"][0], kind=rules.EXCUSED, valid_from=date(YEAR, 1, 1), note="Ốm"
    )
    _assert_tallies_exact(year)
    assert other.pk  # joined after the year opened: not in this year's review
    shares = services.shares(tree["committee"].path, [YEAR])[0]
    # Decided by the committee before the absence was recorded: the decision stands.
    assert shares.members == {rules.GOOD: 4}
    org_review = OrgReview.objects.get(review_year=year, organization=tree["cell_a"])
    services.score_org(org_review, row=org_row(org_review, "85"))  # a full save keeps tallies
    _assert_tallies_exact(year)
    progress = services.progress_by_child(year, tree["committee"], [])
    assert progress[tree["cell_a"].path]["decided"] == 3
    assert progress[tree["cell_b"].path]["decided"] == 1


def test_final_grades_answer_committees_planning(year, tree):
    from dangbo.core import hooks

    a, b = _enter_all(year, tree)
    services.confirm(
        review_year=year,
        organization=tree["committee"],
        grades={a[0].pk: rules.GOOD, a[1].pk: rules.GOOD},
    )
    member_ids = [m.pk for m in tree["members_a"] + tree["members_b"]]
    grades = hooks.call("reviews.member_grades", member_ids, YEAR)
    expected = dict(
        MemberReview.objects.filter(review_year=year)
        .exclude(final_grade="")
        .values_list("member_id", "final_grade")
    )
    assert grades == expected and set(grades.values()) == {rules.GOOD}
    assert hooks.call("reviews.member_grades", member_ids, YEAR - 1) == {}
