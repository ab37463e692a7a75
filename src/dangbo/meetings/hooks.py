"""What meetings answers for other apps (``dangbo.core.hooks``).

Providers:
- ``meetings.resolution_source(meeting_task_id)`` → ``{"label", "url"}``: the meeting whose
  resolution created a task (programmes links its resolution tasks back to it).
- ``meetings.record_survey_visit(organization, on, people, mode, online_link="")``: a survey
  team attends the cell's meeting on ``on``; each (full name, position) is added to the
  meeting's invited superiors (marked as attended when the meeting is already held). Returns
  the meeting, or None when the cell has no meeting that day.
"""

from dangbo.core import hooks
from dangbo.meetings.models import AttendMode, InvitedSuperior, Meeting, MeetingStatus, MeetingTask


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


@hooks.provide("meetings.record_survey_visit")
def record_survey_visit(*, organization, on, people, mode, online_link=""):
    meeting = (
        Meeting.objects.filter(organization=organization, planned_on=on)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("id")
        .first()
    )
    if meeting is None:
        return None
    mode = AttendMode.ONLINE if mode == AttendMode.ONLINE else AttendMode.IN_PERSON
    link = (online_link or meeting.online_link) if mode == AttendMode.ONLINE else ""
    attended = True if meeting.status == MeetingStatus.HELD else None
    for name, position in people:  # one by one: each invitation is in the change log
        InvitedSuperior.objects.create(
            meeting=meeting,
            full_name=name,
            position=position,
            mode=mode,
            online_link=link,
            attended=attended,
        )
    return meeting
