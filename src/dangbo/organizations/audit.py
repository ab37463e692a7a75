from auditlog.registry import auditlog

from dangbo.core.audit import register_scope
from dangbo.organizations.models import (
    Organization,
    OrgEvent,
    OrgPeriod,
    OrgType,
    OutgoingDocument,
)

auditlog.register(Organization, exclude_fields=["name_search", "updated_at"])
auditlog.register(OrgType)
auditlog.register(OrgEvent)
auditlog.register(OrgPeriod)
register_scope(OrgEvent, "organization__path")
register_scope(OrgPeriod, "organization__path")
auditlog.register(OutgoingDocument, exclude_fields=["content", "updated_at"])
