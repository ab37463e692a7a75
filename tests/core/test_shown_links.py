"""A screen shows a role no link that the linked view would answer 404 (the browser crawl,
tests/browser/test_crawl.py, finds them on the demo; these keep each one fixed)."""

from datetime import date

import pytest
from django.urls import reverse

from dangbo.committees import services as committee_services
from tests import factories
from tests.surveys import builders as survey_builders


@pytest.fixture
def bithu(client, tree):
    user = factories.user("bithu_a", role_code="cell_secretary", on=tree["cell_a"])
    client.force_login(user)
    return client


def test_cell_secretary_sees_no_transfer_or_planning_link(bithu, tree):
    member = tree["members_a"][0]
    page = bithu.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert reverse("members:edit", args=[member.pk]) in page  # members.change: shown
    assert reverse("transfers:issue", args=[member.pk]) not in page
    assert bithu.get(reverse("transfers:issue", args=[member.pk])).status_code == 404
    page = bithu.get(reverse("committees:index")).content.decode()
    assert reverse("committees:holders") in page
    assert reverse("committees:planning_index") not in page
    assert bithu.get(reverse("committees:planning_index")).status_code == 404


def test_officer_sees_the_links_the_cell_secretary_does_not(client, tree):
    officer = factories.user("canbo", role_code="org_board_officer", on=tree["province"])
    client.force_login(officer)
    member = tree["members_a"][0]
    page = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert reverse("transfers:issue", args=[member.pk]) in page
    page = client.get(reverse("committees:index")).content.decode()
    assert reverse("committees:planning_index") in page


def test_comment_requests_link_to_an_answer_only_for_those_who_may_answer(bithu, tree):
    comment = committee_services.request_residence_comment(
        member=tree["members_b"][0],
        residence_org=tree["cell_a"],
        year=date.today().year,
        requested_on=date.today(),
    )
    page = bithu.get(reverse("committees:comments")).content.decode()
    assert "Phạm Quang Dũng" in page and "Chưa nhận xét" in page
    assert reverse("committees:residence_respond", args=[comment.pk]) not in page


def test_survey_paper_entry_is_linked_only_with_surveys_change(client, tree):
    campaign = survey_builders.running(tree["committee"])[0]
    officer = factories.user("canbo", role_code="org_board_officer", on=tree["province"])
    client.force_login(officer)
    page = client.get(reverse("surveys:detail", args=[campaign.pk])).content.decode()
    assert reverse("surveys:entry", args=[campaign.pk]) not in page
    assert client.get(reverse("surveys:entry", args=[campaign.pk])).status_code == 404
    admin = factories.user("quantri", is_superuser=True, is_staff=True)
    client.force_login(admin)
    page = client.get(reverse("surveys:detail", args=[campaign.pk])).content.decode()
    assert reverse("surveys:entry", args=[campaign.pk]) in page


def test_filter_checkboxes_are_boxes_in_a_folding_panel(admin_client, tree):
    page = admin_client.get(reverse("members:list")).content.decode()
    assert 'data-bs-target="#filters"' in page and 'aria-expanded="false"' in page
    assert '<div id="id_status" class="checks">' in page
    assert 'type="checkbox" name="status" value="official" class="form-check-input"' in page
    opened = admin_client.get(reverse("members:list"), {"status": "official", "sort": "-gender"})
    assert 'aria-expanded="true"' in opened.content.decode()
