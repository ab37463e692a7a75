"""Providers this app offers other apps through `dangbo.core.hooks`.

- ``programmes.assign_task(assigner_org, assignee_org, title, due_on, description="",
  source_ref="", source_document=None, user=None)``: a regular task assigned down the tree
  (surveys turns a campaign's recommendation into one). Returns the task.
"""

from dangbo.core import hooks
from dangbo.programmes import services
from dangbo.programmes.models import Task


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
