"""What programmes answers for other apps (``dangbo.core.hooks``) and the events it acts on.

Providers:
- ``programmes.tasks_for_resolution(user, meeting_task_ids)`` → ``{meeting task id: Task}``,
  the programme tasks created from cell-meeting resolution tasks that the user may see.
- ``programmes.commitment_results(member_ids, year)`` → ``{member id: (achieved, items)}`` of
  the members' evaluated responsibility commitments for the year.
- ``programmes.assign_task(assigner_org, assignee_org, title, due_on, description="",
  source_ref="", source_document=None, user=None)``: a regular task assigned down the tree
  (surveys turns a campaign's recommendation into one). Returns the task.

Receivers:
- ``resolution_adopted`` → one task per resolution task (``services.tasks_from_resolution``).
- ``resolution_task_completed`` → the task created from it is reported done.
"""

from django.dispatch import receiver

from dangbo.core import hooks
from dangbo.programmes import services
from dangbo.programmes.models import Task


@hooks.provide("programmes.tasks_for_resolution")
def tasks_for_resolution(user, meeting_task_ids):
    return services.resolution_tasks(user, meeting_task_ids)


@hooks.provide("programmes.commitment_results")
def commitment_results(member_ids, year):
    return services.commitment_results(member_ids, year)


@hooks.provide("programmes.assign_task")
def assign_task(
    *,
    assigner_org,
    assignee_org,
    title,
    due_on,
    description="",
    source_ref="",
    source_document=None,
    user=None,
):
    return services.assign_task(
        assigner_org=assigner_org,
        assignee_org=assignee_org,
        kind=Task.Kind.REGULAR,
        title=title,
        due_on=due_on,
        description=description,
        source_ref=source_ref,
        source_document=source_document,
        user=user,
    )


@receiver(hooks.resolution_adopted, dispatch_uid="programmes.tasks_from_resolution")
def on_resolution_adopted(sender, meeting, resolution, user=None, **kwargs):
    services.tasks_from_resolution(meeting=meeting, resolution=resolution, user=user)


@receiver(hooks.resolution_task_completed, dispatch_uid="programmes.complete_resolution_task")
def on_resolution_task_completed(sender, task, done_on, user=None, **kwargs):
    services.complete_resolution_task(source=task, done_on=done_on, user=user)
