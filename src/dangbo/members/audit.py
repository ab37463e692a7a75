from auditlog.registry import auditlog

from dangbo.core.audit import register_scope
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
for model in (Placement, StatusPeriod, MembershipGap, MemberEvent, Discipline):
    auditlog.register(model)
    register_scope(model, "member__org_path")
