"""Cell-meeting resolutions create programme tasks (hooks.resolution_adopted) and completing
the resolution task closes them (hooks.resolution_task_completed)."""

from datetime import date

from django.urls import reverse

from dangbo.core import hooks
from dangbo.meetings import services as meetings
from dangbo.programmes.models import ReportStatus, Task
from tests import factories
from tests.meetings.conftest import held_meeting


def _resolution(tree, **kw):
    members = tree["members_a"]
    meeting = held_meeting(tree["cell_a"], members)
    resolution = meetings.adopt_resolution(
        meeting,
        content="Nghị quyết tháng 3: rà soát hồ sơ đảng viên",
        tasks=[
            meetings.TaskInput("Rà soát hồ sơ", members[1].pk, date(2026, 4, 1)),
            meetings.TaskInput("Thu đảng phí quý II", members[0].pk, date(2026, 6, 30)),
        ],
        **kw,
    )
    return meeting, resolution


def test_each_resolution_task_becomes_one_task_of_the_cell(tree):
    meeting, resolution = _resolution(tree)
    sources = list(resolution.tasks.order_by("id"))
    tasks = list(Task.objects.filter(resolution_task__in=sources).order_by("resolution_task_id"))
    assert [t.resolution_task_id for t in tasks] == [s.pk for s in sources]
    first = tasks[0]
    assert first.kind == Task.Kind.RESOLUTION
    assert first.title == "Rà soát hồ sơ"
    assert first.assigner_org == first.assignee_org == tree["cell_a"]
    assert first.assignee_person == tree["members_a"][1].full_name
    assert first.due_on == date(2026, 4, 1)
    assert "10/03/2026" in first.source_ref


def test_replaying_the_signal_creates_nothing_twice(tree):
    meeting, resolution = _resolution(tree)
    hooks.resolution_adopted.send(sender=None, meeting=meeting, resolution=resolution, user=None)
    hooks.resolution_adopted.send(sender=None, meeting=meeting, resolution=resolution, user=None)
    assert Task.objects.filter(resolution_task__resolution=resolution).count() == 2


def test_resolution_without_tasks_creates_none(tree):
    meeting = held_meeting(tree["cell_a"], tree["members_a"])
    meetings.adopt_resolution(meeting, content="Nghị quyết chung")
    assert not Task.objects.exists()


def test_completing_the_resolution_task_closes_the_programme_task(tree):
    _meeting, resolution = _resolution(tree)
    source = resolution.tasks.order_by("id").first()
    meetings.complete_task(source, done_on=date(2026, 3, 28))
    task = Task.objects.get(resolution_task=source)
    assert task.progress == 100 and task.done_on == date(2026, 3, 28)
    report = task.reports.get()
    assert report.status == ReportStatus.DONE and "28/03/2026" in report.evidence
    other = Task.objects.exclude(pk=task.pk).get(resolution_task__resolution=resolution)
    assert other.progress == 0 and not other.reports.exists()


def test_meeting_page_links_to_the_task_and_back(client, tree):
    meeting, resolution = _resolution(tree)
    task = Task.objects.filter(resolution_task__resolution=resolution).order_by("id").first()
    client.force_login(factories.user(role_code="cell_secretary", on=tree["cell_a"]))
    body = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert task.get_absolute_url() in body
    assert "Theo dõi tại Nhiệm vụ được giao (0%)" in body
    body = client.get(task.get_absolute_url()).content.decode()
    assert 'id="resolution-source"' in body
    assert reverse("meetings:detail", args=[meeting.pk]) in body


def test_the_provider_restricts_to_the_users_reach(tree):
    meeting, _resolution_row = _resolution(tree)
    outsider = factories.user(role_code="cell_secretary", on=tree["cell_b"])
    assert not hooks.call(
        "programmes.tasks_for_resolution",
        outsider,
        list(meeting.resolutions.values_list("tasks__id", flat=True)),
    )
