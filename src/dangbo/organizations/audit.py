from auditlog.registry import auditlog

from dangbo.organizations.models import Organization, OrgEvent, OrgType

auditlog.register(Organization, exclude_fields=["name_search", "updated_at"])
auditlog.register(OrgType)
auditlog.register(OrgEvent)
