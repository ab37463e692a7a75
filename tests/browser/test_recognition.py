"""Commendations fed by classification streaks: a review year closes, an officer confirms."""

import pytest

from dangbo.recognition.models import Commendation
from dangbo.reviews import services as reviews
from tests import factories
from tests.recognition.test_commendations import _years

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def test_streak_proposals_become_commendations(page, live_server, login, tree):
    binh = tree["members_a"][0]
    years = _years(tree, {binh: range(2021, 2026)}, {tree["cell_a"]: (2024, 2025)})
    reviews.close_year(years[-1])  # the grades are final: recognition proposes
    factories.user("bantochuc", role_code="org_board_officer", on=tree["committee"])
    login("bantochuc")

    page.goto(f"{live_server.url}/recognition/streaks/?org={tree['committee'].pk}&year=2025")
    table = page.locator("#streak-proposals")
    assert "Nguyễn Văn Bình" in table.inner_text() and "Chi bộ Văn phòng" in table.inner_text()
    page.get_by_label("Số quyết định khen thưởng").fill("15-QĐ/TU")
    page.get_by_label("Ngày quyết định").fill("20/01/2026")
    page.get_by_role("button", name="Ghi nhận khen thưởng").click()
    assert "Đã ghi nhận 2 khen thưởng" in page.locator("body").inner_text()
    assert "15-QĐ/TU" in page.locator("#streak-decided").inner_text()

    page.get_by_role("link", name="Danh sách khen thưởng").click()
    rows = page.locator("#commendations").inner_text()
    assert "Chi bộ Văn phòng" in rows and "Nguyễn Văn Bình" in rows
    assert Commendation.objects.filter(organization=tree["cell_a"]).exists()
