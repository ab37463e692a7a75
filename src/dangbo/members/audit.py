from auditlog.registry import auditlog

from dangbo.members.models import (
    Discipline,
    Member,
    MemberEvent,
    MembershipGap,
    Placement,
    StatusPeriod,
)

auditlog.register(
    Member, exclude_fields=["name_search", "org_path", "updated_at"], mask_fields=["id_number"]
)
auditlog.register(Placement)
auditlog.register(StatusPeriod)
auditlog.register(MembershipGap)
auditlog.register(MemberEvent)
auditlog.register(Discipline)
