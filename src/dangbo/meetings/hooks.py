"""What meetings answers for other apps (``dangbo.core.hooks``).

Providers:
- ``meetings.resolution_source(meeting_task_id)`` → ``{"label", "url"}``: the meeting whose
  resolution created a task (programmes links its resolution tasks back to it).
"""

from dangbo.core import hooks
from dangbo.meetings.models import MeetingTask


@hooks.provide("meetings.resolution_source")
def resolution_source(meeting_task_id):
    task = (
        MeetingTask.objects.filter(pk=meeting_task_id)
        .select_related("resolution__meeting__organization")
        .first()
    )
    if task is None:
        return None
    meeting = task.resolution.meeting
    return {"label": str(meeting), "url": meeting.get_absolute_url()}
