"""«Việc cần làm» of programmes (core.hooks.register_work): tasks assigned to the user's orgs,
not done, overdue or due within ``SOON_DAYS`` — each a link to its progress report."""

from datetime import timedelta

from django.urls import reverse

from dangbo.core import hooks
from dangbo.core.permissions import restrict
from dangbo.programmes.models import Task

SOON_DAYS = 14


def due_tasks(user, today) -> list[hooks.WorkItem]:
    """At most two queries: the first rows, and the count when there are more."""
    tasks = restrict(
        Task.objects.filter(done_on__isnull=True, due_on__lte=today + timedelta(days=SOON_DAYS)),
        user,
        "programmes.change",
        "assignee_org__path",
    )
    rows = hooks.first_rows(tasks.select_related("assignee_org").order_by("due_on", "id"))
    items = [
        hooks.WorkItem(
            label=f"Báo cáo tiến độ: {task.title} — {task.assignee_org.name}",
            url=reverse("programmes:task_report", args=[task.pk]),
            due=task.due_on,
            tone="danger" if task.due_on < today else "warning",
        )
        for task in rows[: hooks.WORK_SHOWN]
    ]
    return hooks.with_more(
        items,
        rows,
        tasks,
        label="Tất cả nhiệm vụ được giao đến hạn, quá hạn",
        url=reverse("programmes:tasks") + "?tab=mine",
    )


hooks.register_work(
    hooks.WorkSource(
        key="programmes.due_tasks",
        title="Nhiệm vụ đến hạn, quá hạn",
        items=due_tasks,
        permission="programmes.change",
        order=10,
    )
)
