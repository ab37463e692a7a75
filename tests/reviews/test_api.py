from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dangbo.reviews import rules
from dangbo.reviews.models import MemberReview, OrgReview, ReviewYear
from tests import factories
from tests.reviews.conftest import YEAR, row


def api_for(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_committee_runs_a_year_through_the_api(tree):
    api = api_for(factories.user(role_code="grassroots_committee", on=tree["committee"]))
    refused = api.post("/api/v1/review-years/", {"organization": tree["bloc"].pk, "year": YEAR})
    assert refused.status_code == 400
    assert refused.json()["organization"] == ["Không tồn tại hoặc ngoài phạm vi."]
    opened = api.post("/api/v1/review-years/", {"organization": tree["committee"].pk, "year": YEAR})
    assert opened.status_code == 201, opened.content
    year = ReviewYear.objects.get(pk=opened.json()["id"])

    orgs = api.get("/api/v1/org-reviews/", {"review_year": year.pk}).json()["results"]
    by_org = {o["organization"]: o["id"] for o in orgs}
    for cell, totals in ((tree["cell_a"], ["95", "95", "80"]), (tree["cell_b"], ["80"])):
        reviews = MemberReview.objects.filter(review_year=year, organization=cell).order_by("id")
        rows = []
        for review, total in zip(reviews, totals, strict=True):
            r = row(review, total)
            rows.append(
                {
                    "review": review.pk,
                    "scores": r.scores,
                    "all_tasks_done": True,
                    "exceed_percent": "40",
                }
            )
        response = api.post(
            f"/api/v1/org-reviews/{by_org[cell.pk]}/entry/", {"rows": rows}, format="json"
        )
        assert response.status_code == 200, response.content

    committee = by_org[tree["committee"].pk]
    quota = api.get(f"/api/v1/org-reviews/{committee}/quota/").json()
    assert (quota["excellent"], quota["good"], quota["limit"], quota["holds"]) == (2, 2, 0, False)
    refused = api.post(f"/api/v1/org-reviews/{committee}/confirm/", {}, format="json")
    assert refused.status_code == 400 and "Vượt tỷ lệ" in refused.json()["grades"][0]
    grades = {str(pk): rules.GOOD for pk in quota["over"]}
    done = api.post(f"/api/v1/org-reviews/{committee}/confirm/", {"grades": grades}, format="json")
    assert done.status_code == 200 and done.json()["holds"] is True

    shares = api.get(f"/api/v1/org-reviews/{committee}/shares/").json()
    (year_row,) = shares["years"]
    assert year_row["members"] == {"htt": 4}
    assert float(year_row["member_shares"]["good_or_better"]) == 100


def test_api_restriction(tree, year):
    secretary = factories.user(role_code="cell_secretary", on=tree["cell_a"])
    api = api_for(secretary)
    rows = api.get("/api/v1/member-reviews/").json()["results"]
    assert {r["member_name"] for r in rows} == {"Nguyễn Văn Bình", "Trần Thị Hằng", "Lê Đức Anh"}
    other_cell = OrgReview.objects.get(review_year=year, organization=tree["cell_b"])
    assert api.get(f"/api/v1/org-reviews/{other_cell.pk}/").status_code == 404
    entry = api.post(f"/api/v1/org-reviews/{other_cell.pk}/entry/", {"rows": []}, format="json")
    assert entry.status_code == 404
    own = OrgReview.objects.get(review_year=year, organization=tree["cell_a"])
    committee = OrgReview.objects.get(review_year=year, organization=tree["committee"])
    assert api.get(f"/api/v1/org-reviews/{own.pk}/").status_code == 200
    assert api.get(f"/api/v1/org-reviews/{committee.pk}/quota/").status_code == 404
    assert APIClient().get("/api/v1/member-reviews/").status_code in (401, 403)


def test_entry_errors_are_400_in_vietnamese(tree, year, admin_user):
    api = APIClient()
    api.force_authenticate(admin_user)
    cell = OrgReview.objects.get(review_year=year, organization=tree["cell_a"])
    review = MemberReview.objects.filter(review_year=year, organization=tree["cell_a"]).first()
    scores = {**row(review, "80").scores, "politics": "15"}
    response = api.post(
        f"/api/v1/org-reviews/{cell.pk}/entry/",
        {"rows": [{"review": review.pk, "scores": scores}]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["non_field_errors"][0].startswith("Dòng 1: «Tư tưởng chính trị»")


def test_absences_through_the_api(tree):
    api = api_for(factories.user(role_code="grassroots_committee", on=tree["committee"]))
    member, outsider = tree["members_a"][0], tree["village_members"][0]
    body = {"member": member.pk, "kind": rules.EXCUSED, "valid_from": "2025-03-01"}
    missing = api.post("/api/v1/review-absences/", body)
    assert missing.status_code == 400 and "note" in missing.json()
    created = api.post("/api/v1/review-absences/", {**body, "note": "Ốm dài ngày"})
    assert created.status_code == 201, created.content
    refused = api.post("/api/v1/review-absences/", {**body, "member": outsider.pk, "note": "Ốm"})
    assert refused.status_code == 400
    assert refused.json()["member"] == ["Không tồn tại hoặc ngoài phạm vi."]
    pk = created.json()["id"]
    ended = api.post(f"/api/v1/review-absences/{pk}/end/", {"valid_to": "2025-06-01"})
    assert ended.status_code == 200 and ended.json()["valid_to"] == "2025-06-01"
    again = api.post(f"/api/v1/review-absences/{pk}/end/", {"valid_to": "2025-07-01"})
    assert again.status_code == 400
    listed = api.get("/api/v1/review-absences/").json()["results"]
    assert [a["id"] for a in listed] == [pk]
