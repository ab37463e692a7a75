from auditlog.registry import auditlog

from dangbo.meetings.models import (
    Attendance,
    CriteriaSet,
    Criterion,
    CriterionScore,
    InvitedSuperior,
    Meeting,
    MeetingDocument,
    MeetingTask,
    Resolution,
    SuperiorAssignment,
)

auditlog.register(Meeting, exclude_fields=["updated_at"])
auditlog.register(MeetingDocument, exclude_fields=["updated_at"])
auditlog.register(
    InvitedSuperior, exclude_fields=["updated_at", "organization", "planned_on", "meeting_counted"]
)
auditlog.register(Attendance)
auditlog.register(Resolution, exclude_fields=["updated_at"])
auditlog.register(MeetingTask, exclude_fields=["updated_at"])
auditlog.register(CriteriaSet, exclude_fields=["updated_at"])
auditlog.register(Criterion)
auditlog.register(CriterionScore)
auditlog.register(SuperiorAssignment, exclude_fields=["updated_at"])
