from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dangbo.reviews import rules, services
from dangbo.reviews.models import MemberReview, OrgReview, ReviewYear
from tests import factories
from tests.paper_helpers import own_tables
from tests.reviews.conftest import YEAR, row


def org_review(year, org):
    return OrgReview.objects.get(review_year=year, organization=org)


def entry_data(year, cell, totals, **extra):
    data = {}
    for review, total in zip(
        MemberReview.objects.filter(review_year=year, organization=cell).order_by(
            "member__name_search", "id"
        ),
        totals,
        strict=False,
    ):
        r = row(review, total)
        data.update({f"s-{review.pk}-{k}": v for k, v in r.scores.items()})
        data[f"done-{review.pk}"] = "on"
        data[f"exceed-{review.pk}"] = "40"
    data.update(extra)
    return data


def test_open_year_screen(client, tree):
    officer = factories.user(role_code="grassroots_committee", on=tree["committee"])
    client.force_login(officer)
    assert client.get(reverse("reviews:open")).status_code == 200
    response = client.post(reverse("reviews:open"), {"organization": tree["bloc"].pk, "year": YEAR})
    assert response.status_code == 200  # outside the user's subtree: not a valid choice
    assert not ReviewYear.objects.exists()
    response = client.post(
        reverse("reviews:open"), {"organization": tree["committee"].pk, "year": YEAR}
    )
    year = ReviewYear.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "reviews:overview", args=[org_review(year, tree["committee"]).pk]
    )
    index = client.get(reverse("reviews:index")).content.decode()
    assert "Đảng bộ Sở Tư pháp" in index and str(YEAR) in index


def test_anonymous_is_sent_to_login(client, year, tree):
    pk = org_review(year, tree["cell_a"]).pk
    for name in ("reviews:overview", "reviews:entry", "reviews:confirm"):
        response = client.get(reverse(name, args=[pk]))
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.get(reverse("reviews:index")).status_code == 302


def test_cell_secretary_enters_own_cell_only(client, year, tree):
    secretary = factories.user(role_code="cell_secretary", on=tree["cell_a"])
    client.force_login(secretary)
    own, other = org_review(year, tree["cell_a"]), org_review(year, tree["cell_b"])
    assert client.get(reverse("reviews:entry", args=[other.pk])).status_code == 404
    assert client.get(reverse("reviews:overview", args=[other.pk])).status_code == 404
    assert client.get(reverse("reviews:confirm", args=[own.pk])).status_code == 404
    response = client.get(reverse("reviews:entry", args=[own.pk]))
    assert response.status_code == 200 and "Nguyễn Văn Bình" in response.content.decode()

    bad = entry_data(year, tree["cell_a"], ["95", "80", "60"])
    key = next(k for k in bad if k.endswith("-duties"))
    bad[key] = "abc"
    response = client.post(reverse("reviews:entry", args=[own.pk]), bad)
    assert response.status_code == 400
    assert "không phải là số" in response.content.decode()
    assert not MemberReview.objects.exclude(proposed_grade="").exists()

    response = client.post(
        reverse("reviews:entry", args=[own.pk]),
        entry_data(year, tree["cell_a"], ["95", "80", "60"]),
    )
    assert response.status_code == 302
    grades = sorted(
        MemberReview.objects.filter(review_year=year).values_list("cell_grade", flat=True)
    )
    assert grades == sorted(["", rules.EXCELLENT, rules.GOOD, rules.COMPLETED])


def test_entry_refuses_a_control_character_naming_row_member_and_field(client, year, tree):
    secretary = factories.user(role_code="cell_secretary", on=tree["cell_a"])
    client.force_login(secretary)
    own = org_review(year, tree["cell_a"])
    data = entry_data(year, tree["cell_a"], ["95", "80", "60"])
    reviews = [k for k in data if k.startswith("exceed-")]
    data[reviews[1]] = "4\x0b0"
    response = client.post(reverse("reviews:entry", args=[own.pk]), data)
    page = response.content.decode()
    assert response.status_code == 400
    error = page[page.index('id="entry-error"') :].split("</div>")[0]
    assert "Dòng 2 (" in error and "Vượt mức (%)" in error and "U+000B" in error
    first = next(k for k in data if k.startswith("s-"))
    assert f'name="{first}" value="{data[first]}"' in page  # the posted values are kept
    assert not MemberReview.objects.exclude(proposed_grade="").exists()


def test_committee_confirm_refused_over_quota_then_confirmed(client, year, tree):
    committee = factories.user(role_code="grassroots_committee", on=tree["committee"])
    client.force_login(committee)
    for cell, totals in ((tree["cell_a"], ["95", "95", "80"]), (tree["cell_b"], ["80"])):
        client.post(
            reverse("reviews:entry", args=[org_review(year, cell).pk]),
            entry_data(year, cell, totals),
        )
    url = reverse("reviews:confirm", args=[org_review(year, tree["committee"]).pk])
    page = client.get(url).content.decode()
    assert 'id="quota-limit">0<' in page and "Vượt 2 người" in page
    response = client.post(url, {"action": "confirm"})
    assert response.status_code == 400
    assert "Vượt tỷ lệ HTXSNV" in response.content.decode()
    assert not MemberReview.objects.exclude(committee_grade="").exists()
    excellent = MemberReview.objects.filter(review_year=year, cell_grade=rules.EXCELLENT)
    fix = {f"g-{r.pk}": rules.GOOD for r in excellent}
    response = client.post(url, {"action": "confirm", **fix})
    assert response.status_code == 302
    assert set(
        MemberReview.objects.filter(review_year=year).values_list("final_grade", flat=True)
    ) == {rules.GOOD}


def _entered(year, tree):
    for cell, totals in ((tree["cell_a"], ["95", "80", "80"]), (tree["cell_b"], ["80"])):
        reviews = MemberReview.objects.filter(review_year=year, organization=cell, exemption="")
        services.enter_cell(
            review_year=year,
            cell=cell,
            rows=[row(r, t) for r, t in zip(reviews.order_by("id"), totals, strict=True)],
        )


def test_committee_panel_refuses_an_unknown_grade_or_a_stranger_naming_the_field(
    client, year, tree
):
    _entered(year, tree)
    client.force_login(factories.user(role_code="grassroots_committee", on=tree["committee"]))
    url = reverse("reviews:confirm", args=[org_review(year, tree["committee"]).pk])
    review = MemberReview.objects.filter(review_year=year, exemption="").order_by("id")[0]
    response = client.post(url, {"action": "confirm", f"g-{review.pk}": "xuat-sac"})
    page = response.content.decode()
    assert response.status_code == 400
    error = page[page.index('id="confirm-error"') :].split("</div>")[0]
    assert f"Cấp ủy quyết định — {review.member.full_name}: Hãy chọn một lựa chọn hợp lệ" in error
    services.open_year(organization=tree["commune"], year=YEAR)
    stranger = MemberReview.objects.get(member=tree["village_members"][0])  # another committee
    response = client.post(url, {"action": "confirm", f"g-{stranger.pk}": rules.GOOD})
    assert response.status_code == 400
    assert "Có đảng viên không thuộc phạm vi cấp ủy này." in response.content.decode()
    assert not MemberReview.objects.exclude(committee_grade="").exists()
    assert not year.confirmations.exists()


def test_org_grades_refuse_an_unknown_grade_or_an_org_not_under_the_committee(client, year, tree):
    from tests.reviews.conftest import org_row

    client.force_login(factories.user(role_code="grassroots_committee", on=tree["committee"]))
    cell_a = org_review(year, tree["cell_a"])
    services.score_org(cell_a, row=org_row(cell_a, "92"))
    url = reverse("reviews:decide_orgs", args=[org_review(year, tree["committee"]).pk])
    page = client.post(url, {f"o-{cell_a.pk}": "xuat-sac"}, follow=True).content.decode()
    assert f"Xếp loại — {tree['cell_a'].name}: Hãy chọn một lựa chọn hợp lệ" in page
    root = org_review(year, tree["committee"])
    page = client.post(url, {f"o-{root.pk}": rules.GOOD}, follow=True).content.decode()
    assert "Tổ chức không trực thuộc cấp ủy này." in page
    assert not OrgReview.objects.exclude(final_grade="").exists()


def test_root_grade_refuses_an_unknown_grade(client, year, tree):
    from tests.reviews.conftest import org_row

    root = org_review(year, tree["committee"])
    services.score_org(root, row=org_row(root, "85"))
    client.force_login(factories.user(role_code="grassroots_committee", on=tree["bloc"]))
    url = reverse("reviews:decide_root", args=[root.pk])
    page = client.post(url, {"grade": "xuat-sac"}, follow=True).content.decode()
    assert "Cấp trên xếp loại: Hãy chọn một lựa chọn hợp lệ" in page
    root.refresh_from_db()
    assert root.final_grade == ""


def test_overview_outside_subtree_is_404_and_queries_are_bounded(
    client, year, tree, django_assert_max_num_queries
):
    outsider = factories.user(role_code="grassroots_committee", on=tree["commune"])
    client.force_login(outsider)
    pk = org_review(year, tree["committee"]).pk
    assert client.get(reverse("reviews:overview", args=[pk])).status_code == 404
    assert client.get(reverse("reviews:export", args=[pk])).status_code == 404
    member = tree["members_a"][0]
    assert client.get(reverse("reviews:member", args=[member.pk])).status_code == 404

    officer = factories.user(role_code="org_board_officer", on=tree["province"])
    client.force_login(officer)
    for i in range(20):
        factories.member(tree["cell_b"], f"Hoàng Văn Số {i}")
    services.open_year(organization=tree["commune"], year=YEAR)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("reviews:overview", args=[pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert (
            client.get(
                reverse("reviews:entry", args=[org_review(year, tree["cell_a"]).pk])
            ).status_code
            == 200
        )
    with django_assert_max_num_queries(14):
        assert client.get(reverse("reviews:confirm", args=[pk])).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("reviews:index")).status_code == 200


def test_export_xlsx_reads_back(admin_client, year, tree):
    services.enter_cell(
        review_year=year,
        cell=tree["cell_a"],
        rows=[row(r, "80") for r in MemberReview.objects.filter(organization=tree["cell_a"])],
    )
    response = admin_client.get(
        reverse("reviews:export", args=[org_review(year, tree["committee"]).pk])
    )
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(response.content), read_only=True)
    assert workbook.sheetnames == ["Tổng hợp", "Đảng viên", "Tổ chức đảng"]
    rows = list(workbook["Đảng viên"].iter_rows(values_only=True))
    assert rows[0][1] == "Họ và tên"
    by_name = {r[1]: r for r in rows[1:]}
    assert by_name["Nguyễn Văn Bình"][5] == 80 and by_name["Nguyễn Văn Bình"][7] == "HTTNV"
    assert len(rows) == 5


def test_member_results_and_self_assessment(client, year, tree):
    secretary = factories.user(role_code="cell_secretary", on=tree["cell_a"])
    client.force_login(secretary)
    review = MemberReview.objects.get(member=tree["members_a"][0])
    response = client.post(
        reverse("reviews:self", args=[review.pk]),
        {"text": "Hoàn thành tốt công việc", "grade": "htt"},
    )
    assert response.status_code == 302
    page = client.get(reverse("reviews:member", args=[review.member_id])).content.decode()
    assert "Tự đánh giá" in page and "HTTNV" in page
    other = MemberReview.objects.get(member=tree["members_b"][0])
    assert client.get(reverse("reviews:self", args=[other.pk])).status_code == 404
    # appeal decisions need the committee's confirm permission
    assert client.get(reverse("reviews:final", args=[review.pk])).status_code == 404


@pytest.mark.parametrize("name", ["reviews:entry", "reviews:confirm"])
def test_wrong_kind_of_org_is_404(admin_client, year, tree, name):
    org = tree["committee"] if name == "reviews:entry" else tree["cell_a"]
    assert admin_client.get(reverse(name, args=[org_review(year, org).pk])).status_code == 404


def test_org_scoring_decision_close_and_member_history(
    client, year, tree, django_assert_max_num_queries
):
    from datetime import date

    from tests.reviews.conftest import org_row

    factories.member(tree["village"], "Vũ Văn Mới", admitted_on=date(YEAR, 9, 1), official_on=None)
    committee_user = factories.user(role_code="grassroots_committee", on=tree["committee"])
    client.force_login(committee_user)
    commune_year = services.open_year(organization=tree["commune"], year=YEAR)
    year2 = services.open_year(organization=tree["bloc"], year=YEAR + 1)
    assert year2  # the bloc's next year does not clash with this one
    for cell, totals in ((tree["cell_a"], ["95", "80", "80"]), (tree["cell_b"], ["80"])):
        reviews = MemberReview.objects.filter(review_year=year, organization=cell, exemption="")
        services.enter_cell(
            review_year=year,
            cell=cell,
            rows=[row(r, t) for r, t in zip(reviews.order_by("id"), totals, strict=True)],
        )
    confirm_url = reverse("reviews:confirm", args=[org_review(year, tree["committee"]).pk])
    response = client.post(
        confirm_url,
        {
            "action": "confirm",
            "exception_note": "Thành tích đột xuất",
            "exception_document": "9-CV",
        },
    )
    assert response.status_code == 302

    cell_a = org_review(year, tree["cell_a"])
    form = {f"c_{k}": v for k, v in org_row(cell_a, "92").scores.items()}
    form.update(all_tasks_done="on", exceed_percent="35")
    response = client.post(reverse("reviews:org_score", args=[cell_a.pk]), form)
    assert response.status_code == 302
    cell_a.refresh_from_db()
    assert cell_a.proposed_grade == rules.EXCELLENT
    client.post(
        reverse("reviews:decide_orgs", args=[org_review(year, tree["committee"]).pk]),
        {f"o-{cell_a.pk}": rules.EXCELLENT},
    )
    cell_a.refresh_from_db()
    assert cell_a.final_grade == rules.EXCELLENT and cell_a.committee_by == committee_user

    overview = client.get(
        reverse("reviews:overview", args=[org_review(year, tree["committee"]).pk])
    )
    body = overview.content.decode()
    assert "Vũ Văn Mới" not in body
    assert "25,00%" in body  # 1 of 4 classified members Excellent
    response = client.post(reverse("reviews:close", args=[org_review(year, tree["committee"]).pk]))
    assert response.status_code == 302
    assert ReviewYear.objects.get(pk=year.pk).state == "open"  # cell_b and the committee remain
    admin = factories.user(is_superuser=True)
    client.force_login(admin)
    body = client.get(
        reverse("reviews:overview", args=[org_review(commune_year, tree["commune"]).pk])
    ).content.decode()
    assert "Vũ Văn Mới" in body and "Vào Đảng chưa đủ 6 tháng" in body
    client.force_login(committee_user)

    member = tree["members_a"][0]
    with django_assert_max_num_queries(10):
        page = client.get(reverse("reviews:member", args=[member.pk]))
    assert "Cấp ủy quyết định" in page.content.decode()


def test_committee_above_decides_the_root_org(client, year, tree):
    from tests.reviews.conftest import org_row

    root = org_review(year, tree["committee"])
    services.score_org(root, row=org_row(root, "85"))
    url = reverse("reviews:decide_root", args=[root.pk])
    inside = factories.user(role_code="grassroots_committee", on=tree["committee"])
    client.force_login(inside)
    assert client.post(url, {"grade": "htt"}).status_code == 404  # not the level above
    bloc = factories.user(role_code="grassroots_committee", on=tree["bloc"])
    client.force_login(bloc)
    assert (
        "Cấp trên quyết định"
        in client.get(reverse("reviews:overview", args=[root.pk])).content.decode()
    )
    assert client.post(url, {"grade": "htt"}).status_code == 302
    root.refresh_from_db()
    assert root.final_grade == "htt" and root.final_by == bloc


def test_entry_screen_shows_the_commitment_and_its_rule(client, year, tree):
    from tests.reviews.test_services import _commitment

    member = MemberReview.objects.filter(organization=tree["cell_a"]).order_by("id")[0].member
    _commitment(member, tree["cell_a"], [True, False, False])
    client.force_login(factories.user(role_code="cell_secretary", on=tree["cell_a"]))
    pk = org_review(year, tree["cell_a"]).pk
    body = client.get(reverse("reviews:entry", args=[pk])).content.decode()
    assert 'id="commitment-rule"' in body and "đạt dưới 50%" in body
    assert "1/3 đạt" in body and "tối đa HTNV" in body
    response = client.post(
        reverse("reviews:entry", args=[pk]), entry_data(year, tree["cell_a"], ["95", "95", "95"])
    )
    assert response.status_code == 302
    review = MemberReview.objects.get(review_year=year, member=member)
    assert review.proposed_grade == rules.COMPLETED
    body = client.get(reverse("reviews:member", args=[member.pk])).content.decode()
    assert "1/3 nội dung đạt — tối đa HTNV" in body


def test_export_docx_is_logged_and_reads_back(admin_client, year, tree):
    from docx import Document

    from dangbo.core.audit import LogEntry

    services.enter_cell(
        review_year=year,
        cell=tree["cell_a"],
        rows=[row(r, "80") for r in MemberReview.objects.filter(organization=tree["cell_a"])],
    )
    pk = org_review(year, tree["committee"]).pk
    response = admin_client.get(reverse("reviews:export_docx", args=[pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(
        f'bao-cao-xep-loai-{YEAR}-{tree["committee"].pk}.docx"'
    )
    doc = Document(BytesIO(response.content))
    assert doc.paragraphs[0].text == f"BÁO CÁO KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI NĂM {YEAR}"
    summary, history, children = own_tables(doc)
    assert [c.text for c in summary.rows[1].cells][:2] == ["Đảng viên", "0"]
    assert history.rows[1].cells[0].text == str(YEAR)
    names = [r.cells[1].text for r in children.rows[1:]]
    assert names == [tree["cell_a"].name, tree["cell_b"].name]
    assert children.rows[1].cells[7].text == "3"  # three in cell A without a final grade yet
    log = LogEntry.objects.filter(additional_data__export__isnull=False).latest("id")
    assert log.additional_data["rows"] == 3 + 2 + 2  # summary, year + average, children
    response = admin_client.get(reverse("reviews:export", args=[pk]))
    assert LogEntry.objects.filter(additional_data__export__isnull=False).count() == 2


def test_member_page_shows_the_residence_cells_comment(year, tree, admin_client):
    from dangbo.committees import services as committee_services

    member = tree["members_a"][0]
    comment = committee_services.request_residence_comment(
        member=member, residence_org=tree["village"], year=2025, requested_on=date(2025, 10, 1)
    )
    committee_services.respond_residence_comment(
        comment,
        responded_on=date(2025, 10, 10),
        assessment="good",
        content="Gương mẫu ở khu dân cư.",
    )
    body = admin_client.get(reverse("reviews:member", args=[member.pk])).content.decode()
    assert "Chi bộ nơi cư trú" in body and "Gương mẫu ở khu dân cư." in body
