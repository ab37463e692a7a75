from auditlog.registry import auditlog

from dangbo.committees.models import (
    AgencyPosition,
    AppointmentComment,
    Candidate,
    CommitteeChange,
    Congress,
    Election,
    ManagementScope,
    PlannedPost,
    PlanningCandidate,
    PostPeriod,
    ResidenceComment,
    Term,
)

for model in (
    Term,
    Congress,
    Election,
    Candidate,
    PostPeriod,
    CommitteeChange,
    AgencyPosition,
    ManagementScope,
    PlannedPost,
    PlanningCandidate,
    AppointmentComment,
    ResidenceComment,
):
    auditlog.register(model)
