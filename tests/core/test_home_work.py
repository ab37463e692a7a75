"""«Việc cần làm»: the home page lists each role's work from every app (core.hooks work
sources), each item a link its user may open, in a bounded number of queries."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from dangbo.admissions import services as admissions
from dangbo.core import hooks
from dangbo.meetings import services as meetings
from dangbo.programmes import services as programmes
from dangbo.programmes.models import Task
from dangbo.reviews import services as reviews
from dangbo.transfers import services as transfers
from tests import factories

ITEM = re.compile(r'<a href="([^"]+)" class="work-item">([^<]+)</a>')


@pytest.fixture
def work(tree):
    """One piece of work of each kind for cell_a (and its committee)."""
    today = timezone.localdate()
    task = programmes.assign_task(
        assigner_org=tree["committee"],
        assignee_org=tree["cell_a"],
        kind="regular",
        title="Rà soát hồ sơ đảng viên",
        due_on=today,
    )
    Task.objects.filter(pk=task.pk).update(due_on=today - timedelta(days=1))  # now overdue
    planned = meetings.plan_meeting(
        organization=tree["cell_b"], kind="regular", planned_on=today.replace(day=1)
    )
    reviews.open_year(
        organization=tree["committee"],
        year=today.year - 1,
        reference_date=date(today.year - 1, 12, 1),
    )
    transfers.issue(tree["members_b"][0], to_org=tree["cell_a"], on=today, paper_number="GT-01")
    admissions.open_file(
        organization=tree["cell_a"],
        identified_on=today,
        full_name="Võ Minh Khang",
        gender="M",
        birth_date=date(2000, 1, 1),
        id_number="079200001234",
    )
    return {"planned": planned}


def _items(client):
    response = client.get("/")
    assert response.status_code == 200
    return ITEM.findall(response.content.decode())


def _all_open(client, items):
    for url, label in items:
        assert client.get(url).status_code == 200, (url, label)


def test_cell_secretary_sees_the_cells_work_and_can_do_it(client, tree, work):
    user = factories.user("bithu", role_code="cell_secretary", on=tree["cell_a"])
    client.force_login(user)
    items = _items(client)
    labels = " | ".join(label for _url, label in items)
    assert "Báo cáo tiến độ: Rà soát hồ sơ đảng viên — Chi bộ Văn phòng" in labels
    assert "Lập kế hoạch sinh hoạt tháng" in labels  # cell_a has no meeting this month
    assert "Chi bộ Phòng Nghiệp vụ" not in labels  # cell_b is another secretary's
    assert f"Đánh giá, xếp loại năm {timezone.localdate().year - 1} — Chi bộ Văn phòng" in labels
    assert "Lập sổ thu đảng phí tháng" in labels
    assert "Võ Minh Khang" in labels  # the cell's next admission step
    # Receiving transfers needs transfers.change, which a cell secretary does not hold.
    assert "Phạm Quang Dũng" not in labels
    _all_open(client, items)


def test_committee_officer_sees_the_subtree(client, tree, work):
    user = factories.user("capuy", role_code="grassroots_committee", on=tree["committee"])
    client.force_login(user)
    items = _items(client)
    labels = " | ".join(label for _url, label in items)
    assert "Chuẩn bị buổi sinh hoạt — Chi bộ Phòng Nghiệp vụ" in labels or (
        "Ghi biên bản, điểm danh buổi sinh hoạt — Chi bộ Phòng Nghiệp vụ" in labels
    )
    assert "Tiếp nhận đảng viên chuyển đến" in labels or "xuất trình" in labels
    assert "Phạm Quang Dũng" in labels
    _all_open(client, items)


def test_office_staff_sees_only_programme_work(client, tree, work):
    user = factories.user("vanphong", role_code="office_staff", on=tree["committee"])
    client.force_login(user)
    items = _items(client)
    assert items and all("/programmes/" in url for url, _label in items)
    _all_open(client, items)


def test_admin_sees_everything_in_bounded_queries(
    admin_client, tree, work, django_assert_max_num_queries
):
    with django_assert_max_num_queries(40):
        items = _items(admin_client)
    paths = {url.split("/")[1] for url, _label in items}
    assert {"programmes", "meetings", "reviews", "dues", "transfers", "admissions"} <= paths
    _all_open(admin_client, items)


def test_each_source_reads_at_most_two_queries(
    tree, work, django_assert_max_num_queries, monkeypatch
):
    admin = factories.user("quantri2", is_superuser=True, is_staff=True)
    monkeypatch.setattr(hooks, "WORK_SHOWN", 0)  # every source: its count query too
    today = timezone.localdate()
    for source in hooks.work_sources():
        with django_assert_max_num_queries(2):
            items = source.items(admin, today)
        assert items and items[-1].count, source.key


def test_nothing_to_do(client, tree):
    user = factories.user("xem", role_code="viewer", on=tree["committee"])
    client.force_login(user)
    response = client.get("/")
    assert "Không có việc nào đang chờ đồng chí." in response.content.decode()
