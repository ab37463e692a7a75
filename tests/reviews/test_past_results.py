"""Results of past years entered from records (reviews.services.record_past_results): the
IMPORTED years, the correction path for years closed through the process, the refusals, the
undo, and the org tallies kept equal to live counts throughout."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from dangbo.core.errors import DomainError
from dangbo.demo import reviews as demo
from dangbo.members.models import Discipline
from dangbo.reviews import rules, services
from dangbo.reviews.models import MemberReview, OrgReview, ReviewStep, ReviewYear
from dangbo.reviews.services import PastResult
from tests import factories
from tests.reviews.test_services import _assert_tallies_exact

NOTE = "Nhập từ tệp Excel «ket_qua.xlsx» (lần nhập #1)"
TODAY = date(2026, 11, 24)


def record(root, results, **kwargs):
    return services.record_past_results(
        root=root, results=results, note=NOTE, today=TODAY, **kwargs
    )


def assert_all_tallies_exact():
    for year in ReviewYear.objects.all():
        _assert_tallies_exact(year)


@pytest.fixture
def officer(tree):
    return factories.user("bantochuc_kq", role_code="org_board_officer", on=tree["bloc"])


def test_a_year_nobody_reviewed_is_opened_as_imported_and_undone_whole(tree, officer):
    a1, a2, a3 = tree["members_a"]
    (b1,) = tree["members_b"]
    written = record(
        tree["bloc"],
        [
            PastResult(a1.pk, 2023, rules.EXCELLENT, row=2),
            PastResult(a2.pk, 2023, rules.GOOD, row=3),
            PastResult(a3.pk, 2023, exemption=rules.EXCUSED, row=4),
            PastResult(b1.pk, 2023, rules.NOT_COMPLETED, row=5),
            PastResult(a1.pk, 2024, rules.GOOD, decision="3-QĐ/ĐU", row=6),
        ],
        user=officer,
    )
    assert [w.row for w in written] == [2, 3, 4, 5, 6] and all(w.created for w in written)
    years = {y.year: y for y in ReviewYear.objects.all()}
    assert set(years) == {2023, 2024}
    # opened on the highest org under the root with no review of that year: the bloc itself
    assert {y.organization_id for y in years.values()} == {tree["bloc"].pk}
    assert {y.state for y in years.values()} == {ReviewYear.State.IMPORTED}
    assert years[2023].member_criteria.valid_from == date(2018, 1, 1)
    assert not years[2023].is_open and years[2023].closed_by == officer

    review = MemberReview.objects.get(member=a1, review_year=years[2023])
    assert review.final_grade == review.committee_grade == rules.EXCELLENT
    assert review.final_by == officer and review.organization == tree["cell_a"]
    step = review.steps.get()
    assert (step.kind, step.grade, step.note, step.decided_by) == (
        "imported",
        "htxs",
        NOTE,
        officer,
    )
    exempt = MemberReview.objects.get(member=a3, review_year=years[2023])
    assert exempt.final_grade == "" and exempt.exemption == rules.EXCUSED
    assert exempt.steps.get().details == {"exemption": rules.EXCUSED}
    assert MemberReview.objects.get(member=a1, review_year=years[2024]).steps.get().details == {
        "decision": "3-QĐ/ĐU"
    }
    # the org rows the members need, down from the year's root (the year's screens walk that
    # chain), not classified: no org result was recorded for that year
    rows = OrgReview.objects.filter(review_year=years[2023])
    assert {r.organization for r in rows} == {
        tree["bloc"],
        tree["committee"],
        tree["cell_a"],
        tree["cell_b"],
    }
    assert not rows.filter(is_classified=True).exists()
    cell_a = rows.get(organization=tree["cell_a"])
    assert (cell_a.members_total, cell_a.members_exempt, cell_a.members_excellent) == (3, 1, 1)
    assert_all_tallies_exact()
    assert services.member_counts(tree["province"].path, [2023]) == {
        2023: {"htxs": 1, "htt": 1, "kht": 1, "exempt": 1}
    }

    services.undo_past_results(
        root=tree["bloc"], created=[w.review_id for w in written], restored=[], user=officer
    )
    assert not MemberReview.objects.exists() and not ReviewStep.objects.exists()
    assert not ReviewYear.objects.exists() and not OrgReview.objects.exists()


def test_years_never_overlap_an_existing_review(tree):
    """A cell reviewed 2023 on its own: its members go into that year; the other cell's
    members into a new year on the highest org whose subtree holds no 2023 review."""
    cell_year = services.open_year(organization=tree["cell_a"], year=2023)
    ReviewYear.objects.filter(pk=cell_year.pk).update(state=ReviewYear.State.CLOSED)
    a1 = tree["members_a"][0]
    (b1,) = tree["members_b"]
    record(
        tree["bloc"],
        [PastResult(a1.pk, 2023, rules.GOOD, decision="1-QĐ"), PastResult(b1.pk, 2023, "htt")],
    )
    assert MemberReview.objects.get(member=a1, review_year__year=2023).review_year == cell_year
    new = ReviewYear.objects.get(year=2023, state=ReviewYear.State.IMPORTED)
    assert new.organization == tree["cell_b"]
    assert_all_tallies_exact()


def test_the_open_year_and_other_bad_results_are_refused_by_row(tree, officer):
    demo.seed_history(tree["committee"], years={2023: demo.SEED_SHARES[2023]})
    a1, a2, a3 = tree["members_a"]
    Discipline.objects.create(
        member=a2,
        form="warning",
        decided_on=date(2021, 3, 1),
        decision_number="2-QĐ",
        authority="Đảng ủy",
        reason="vi phạm",
    )
    outsider = tree["village_members"][0]
    checks = services.check_past_results(
        root=tree["bloc"],
        results=[
            PastResult(a1.pk, 2026, rules.GOOD, row=2),  # the open year
            PastResult(a1.pk, 2027, rules.GOOD, row=3),  # future
            PastResult(a1.pk, 2009, rules.GOOD, row=4),  # admitted 19/05/2010
            PastResult(a2.pk, 2021, rules.EXCELLENT, row=5),  # warned in 2021: KHTNV
            PastResult(a3.pk, 2021, row=6),  # neither grade nor exemption
            PastResult(a3.pk, 2022, rules.GOOD, exemption=rules.EXCUSED, row=7),
            PastResult(outsider.pk, 2022, rules.GOOD, row=8),  # not under the bloc
            PastResult(
                a1.pk, 2015, rules.GOOD, row=9
            ),  # no criteria set in 2015: a grade is enough
            PastResult(a1.pk, 2022, rules.GOOD, row=10),  # fine
            PastResult(a1.pk, 2022, rules.COMPLETED, row=11),  # same member and year
            # closed 2023 (decided through the process): changing it needs a decision number
            PastResult(a2.pk, 2023, exemption=rules.RECENTLY_ADMITTED, row=12),
        ],
        today=TODAY,
        user=officer,
    )
    problems = {n: dict(c.problems) for n, c in enumerate(checks, start=2)}
    assert "Năm 2026 đang đánh giá theo quy trình" in problems[2]["year"]
    assert problems[3]["year"] == "Năm 2027 chưa kết thúc (sau năm 2026)."
    assert problems[4]["year"].startswith("Năm 2009 trước năm vào Đảng")
    assert problems[5]["grade"] == "Bị kỷ luật trong năm 2021: tối đa KHTNV, không thể HTXSNV."
    assert problems[6]["grade"] == "Cần ghi mức xếp loại hoặc lý do không xếp loại."
    assert "không ghi lý do không xếp loại" in problems[7]["exemption"]
    assert problems[8]["member"] == "Không tìm thấy đảng viên trong phạm vi được giao."
    assert problems[9] == {} and checks[7].action == "create"  # no criteria needed (#22)
    assert problems[10] == {} and checks[8].action == "create"
    assert problems[11]["year"] == "Đảng viên đã có kết quả năm 2022 ở dòng 10."
    assert "cần ghi số quyết định điều chỉnh" in problems[12]["decision"]

    before = MemberReview.objects.count()
    with pytest.raises(DomainError) as error:
        record(
            tree["bloc"],
            [PastResult(a1.pk, 2022, rules.GOOD, row=2), PastResult(a1.pk, 2026, "htt", row=3)],
            user=officer,
        )
    assert error.value.row == 3 and "đang đánh giá" in error.value.full_message
    assert MemberReview.objects.count() == before  # all or nothing
    assert not ReviewYear.objects.filter(year=2022).exists()
    cell_secretary = factories.user(role_code="cell_secretary", on=tree["cell_a"])
    with pytest.raises(PermissionDenied):  # writing final grades needs reviews.confirm
        record(tree["cell_a"], [PastResult(a1.pk, 2022, rules.GOOD)], user=cell_secretary)


def test_changing_a_result_of_a_closed_year_is_a_correction_kept_in_history(tree, officer):
    demo.seed_history(tree["committee"], years={2023: demo.SEED_SHARES[2023]})
    closed = ReviewYear.objects.get(year=2023)
    assert closed.state == ReviewYear.State.CLOSED
    review = MemberReview.objects.get(review_year=closed, member=tree["members_a"][0])
    old = review.final_grade
    new = rules.NOT_COMPLETED if old != rules.NOT_COMPLETED else rules.COMPLETED
    same = MemberReview.objects.get(review_year=closed, member=tree["members_a"][1])
    checks = services.check_past_results(
        root=tree["bloc"],
        results=[
            PastResult(review.member_id, 2023, new, decision="7-QĐ/ĐU"),
            PastResult(same.member_id, 2023, same.final_grade, exemption=same.exemption),
        ],
        today=TODAY,
    )
    assert [c.action for c in checks] == ["update", "unchanged"]
    assert checks[0].current == {"final_grade": old, "exemption": ""}
    (written,) = record(
        tree["bloc"],
        [
            PastResult(review.member_id, 2023, new, decision="7-QĐ/ĐU", row=4),
            PastResult(same.member_id, 2023, same.final_grade, exemption=same.exemption),
        ],
        user=officer,
    )
    assert not written.created and written.before["final_grade"] == old
    review.refresh_from_db()
    assert review.final_grade == new and review.committee_grade == old  # the decision stands
    step = review.steps.get(kind="corrected")
    assert step.details == {"previous": old, "decision": "7-QĐ/ĐU"} and step.note == NOTE
    assert ReviewYear.objects.get(pk=closed.pk).state == ReviewYear.State.CLOSED
    assert_all_tallies_exact()
    assert services.past_result_snapshots([review.pk])[review.pk]["last_step"] == step.pk

    services.undo_past_results(
        root=tree["bloc"], created=[], restored=[(review.pk, written.before, step.pk)]
    )
    review.refresh_from_db()
    assert review.final_grade == old and review.final_by_id == written.before["final_by_id"]
    assert review.final_at.isoformat() == written.before["final_at"]
    assert not review.steps.exists()  # as before the import (the job keeps the trace)
    assert_all_tallies_exact()
    assert ReviewYear.objects.filter(pk=closed.pk).exists()


def test_a_stale_preview_is_refused(tree):
    a1 = tree["members_a"][0]
    record(tree["bloc"], [PastResult(a1.pk, 2022, rules.GOOD)])
    with pytest.raises(DomainError, match="đã thay đổi trong lúc ghi"):
        record(tree["bloc"], [PastResult(a1.pk, 2022, rules.COMPLETED, expected=("", ""))])
    record(tree["bloc"], [PastResult(a1.pk, 2022, rules.COMPLETED, expected=(rules.GOOD, ""))])
    review = MemberReview.objects.get(member=a1)
    assert review.final_grade == review.committee_grade == rules.COMPLETED  # imported year
    assert [s.kind for s in review.steps.order_by("id")] == ["imported", "corrected"]
    assert_all_tallies_exact()


def test_org_results_of_past_years(tree, officer):
    from dangbo.reviews.services import PastOrgResult

    demo.seed_history(tree["committee"], years={2023: demo.SEED_SHARES[2023]})
    checks = services.check_past_org_results(
        root=tree["bloc"],
        results=[
            PastOrgResult(tree["cell_a"].pk, 2022, rules.GOOD, row=2),  # new IMPORTED year
            PastOrgResult(tree["committee"].pk, 2022, rules.EXCELLENT, row=3),  # grassroots
            PastOrgResult(tree["bloc"].pk, 2022, rules.GOOD, row=4),  # above grassroots
            PastOrgResult(tree["cell_b"].pk, 2026, rules.GOOD, row=5),  # the open year
            PastOrgResult(tree["cell_b"].pk, 2019, rules.GOOD, row=6),  # before founding
            PastOrgResult(tree["cell_a"].pk, 2022, rules.COMPLETED, row=7),  # twice
            PastOrgResult(tree["village"].pk, 2022, rules.GOOD, row=8),  # outside
            PastOrgResult(tree["cell_b"].pk, 2023, "", row=9),  # no grade
        ],
        today=TODAY,
        user=officer,
    )
    problems = {n: dict(c.problems) for n, c in enumerate(checks, start=2)}
    assert problems[2] == {} and problems[3] == {}
    assert problems[4]["organization"].startswith("Chỉ chi bộ và tổ chức cơ sở đảng")
    assert "đang đánh giá theo quy trình" in problems[5]["year"]
    assert problems[6]["year"] == "Năm 2019 trước khi tổ chức được thành lập (01/01/2020)."
    assert problems[7]["year"] == "Tổ chức đã có kết quả năm 2022 ở dòng 2."
    assert problems[8]["organization"] == "Không tìm thấy tổ chức trong phạm vi được giao."
    assert problems[9]["grade"] == "Cần ghi mức xếp loại."

    # the member results of 2022 first: their org rows exist, unclassified, in an IMPORTED year
    record(tree["bloc"], [PastResult(tree["members_a"][0].pk, 2022, rules.GOOD)])
    closed_row = OrgReview.objects.get(review_year__year=2023, organization=tree["cell_a"])
    written = services.record_past_org_results(
        root=tree["bloc"],
        results=[
            PastOrgResult(tree["cell_a"].pk, 2022, rules.GOOD, row=2),
            PastOrgResult(tree["committee"].pk, 2022, rules.EXCELLENT, row=3),
            PastOrgResult(
                tree["cell_a"].pk,
                2023,
                rules.NOT_COMPLETED if closed_row.final_grade != "kht" else "ht",
                decision="9-QĐ/ĐU",
                row=4,
            ),
        ],
        note=NOTE,
        today=TODAY,
        user=officer,
    )
    # the rows exist (the member's cell and the chain above it): updates of unclassified rows
    assert [(w.row, w.created) for w in written] == [(2, False), (3, False), (4, False)]
    cell_a = OrgReview.objects.get(review_year__year=2022, organization=tree["cell_a"])
    assert cell_a.is_classified and cell_a.final_grade == rules.GOOD
    assert cell_a.members_total == 1  # the member tally is untouched
    assert cell_a.steps.get().kind == "corrected"  # the row was there (member tallies)
    counts = services.org_counts(tree["bloc"].path, [2022])[2022]
    assert counts == {"grassroots": {"htxs": 1}, "cells": {"htt": 1}}
    assert_all_tallies_exact()

    services.undo_past_org_results(
        root=tree["bloc"],
        created=[(w.review_id, w.after["last_step"]) for w in written if w.created],
        restored=[(w.review_id, w.before, w.after["last_step"]) for w in written if not w.created],
        user=officer,
    )
    cell_a.refresh_from_db()
    assert not cell_a.is_classified and cell_a.final_grade == "" and not cell_a.steps.exists()
    committee = OrgReview.objects.get(review_year__year=2022, organization=tree["committee"])
    assert (committee.is_classified, committee.final_grade) == (False, "")  # the chain stays
    closed_row_after = OrgReview.objects.get(pk=closed_row.pk)
    assert closed_row_after.final_grade == closed_row.final_grade
    assert ReviewYear.objects.filter(year=2022).exists()  # still holds the member's result
    assert_all_tallies_exact()


def test_an_org_result_added_alone_is_removed_with_its_chain(tree):
    from dangbo.reviews.services import PastOrgResult

    (written,) = services.record_past_org_results(
        root=tree["bloc"], results=[PastOrgResult(tree["cell_b"].pk, 2021, "htt")], note=NOTE
    )
    assert written.created
    year = ReviewYear.objects.get(year=2021)
    assert {r.organization for r in year.org_reviews.all()} == {
        tree["bloc"],
        tree["committee"],
        tree["cell_b"],
    }
    services.undo_past_org_results(
        root=tree["bloc"], created=[(written.review_id, written.after["last_step"])], restored=[]
    )
    assert not ReviewYear.objects.exists() and not OrgReview.objects.exists()


def test_imported_years_show_on_the_review_screens(tree, admin_client):
    a1 = tree["members_a"][0]
    record(tree["bloc"], [PastResult(a1.pk, 2023, rules.EXCELLENT)])
    page = admin_client.get("/reviews/").content.decode()
    assert "Kết quả năm cũ (nhập từ tệp)" in page
    root = OrgReview.objects.get(review_year__year=2023, organization=tree["bloc"])
    response = admin_client.get(f"/reviews/org/{root.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Đảng bộ Sở Tư pháp" in body and 'id="year-state">Kết quả năm cũ' in body
    page = admin_client.get(f"/reviews/member/{a1.pk}/").content.decode()
    assert "kết quả nhập từ tệp" in page and "Nhập kết quả năm cũ" in page
