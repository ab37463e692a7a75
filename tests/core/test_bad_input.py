"""Odd input never answers 500: a Vietnamese 400 naming the value, a 404, or the default
(issue #21). Each case here answered 500 before."""

from datetime import date

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from dangbo.transfers import services as transfers
from tests import factories


@pytest.fixture
def officer(tree):
    return factories.user("canbo", role_code="province_admin", on=tree["province"])


@pytest.fixture
def web(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def api(officer):
    client = APIClient()
    client.force_authenticate(officer)
    return client


@pytest.mark.parametrize("org", ["99999", "abc", "¹", str(2**70)])
def test_member_name_search_on_an_odd_org(web, api, org):
    """A name search on an empty (or unreadable) scope."""
    page = web.get(reverse("members:list"), {"q": "binh", "org": org})
    assert page.status_code == 200
    assert "Nguyễn Văn Bình" not in page.content.decode()
    answer = api.get("/api/v1/members/", {"q": "binh", "org": org})
    assert answer.status_code in (200, 400)
    if answer.status_code == 200:
        assert answer.json()["results"] == []


@pytest.mark.parametrize("per_page", ["-1", "0", "abc", "100000"])
def test_rows_per_page_falls_back(web, per_page):
    assert web.get(reverse("members:list"), {"per_page": per_page}).status_code == 200


@pytest.mark.parametrize(
    ("url", "query", "name"),
    [
        ("reports:index", {"org": "abc"}, "org"),
        ("reports:index", {"org": "¹"}, "org"),
        ("reports:index", {"on": "31/02/2024"}, "on"),
        ("reports:dashboard", {"year": "abc"}, "year"),
        ("reports:dashboard", {"year": "0"}, "year"),
        ("reports:dashboard", {"year": "-1"}, "year"),
        ("meetings:stats", {"org": "¹"}, "org"),
        ("meetings:stats", {"from": "13"}, "from"),
        ("admissions:targets", {"year": "-1"}, "year"),
        ("training:statistics", {"org": "¹"}, "org"),
        ("committees:index", {"org": "¹"}, "org"),
        ("dues:index", {"org": "abc"}, "org"),
        ("dues:index", {"month": "13/2024"}, "month"),
    ],
)
def test_unreadable_value_is_a_vietnamese_400_naming_it(web, url, query, name):
    page = web.get(reverse(url), query)
    assert page.status_code == 400
    text = page.content.decode()
    assert f"tham số «{name}»" in text and "Yêu cầu không hợp lệ" in text


@pytest.mark.parametrize(
    "url", ["reports:index", "meetings:stats", "admissions:targets", "committees:index"]
)
def test_unknown_org_is_a_vietnamese_404(web, url):
    page = web.get(reverse(url), {"org": "99999"})
    assert page.status_code == 404
    assert "Không tìm thấy" in page.content.decode()


def test_api_answers_json_400_and_404(api, tree):
    answer = api.get("/api/v1/members/", {"org": "abc"})
    assert answer.status_code == 400 and "org" in answer.json()
    missing = api.get("/api/v1/no-such-thing/")
    assert missing.status_code == 404 and missing.json()["detail"].startswith("Không tìm thấy")


def test_cancel_without_note_is_a_400_naming_it(api, tree):
    transfer = transfers.issue(
        tree["members_a"][0], to_org=tree["village"], on=date(2026, 10, 1), paper_number="1"
    )
    answer = api.post(
        f"/api/v1/transfers/{transfer.pk}/cancel/", {"on": "2026-10-05"}, format="json"
    )
    assert answer.status_code == 400
    assert "note" in answer.json()
    transfer.refresh_from_db()
    assert transfer.state != "cancelled"
