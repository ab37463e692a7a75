"""Change log registration. Responses, answers and access codes are deliberately NOT
registered: a log entry carries a time, an actor and an IP address, which could tie an
anonymous answer to a person. Their creation is visible as counts on the campaign."""

from auditlog.registry import auditlog

from dangbo.core.audit import register_scope
from dangbo.surveys.models import (
    Campaign,
    Finding,
    Question,
    RespondentGroup,
    SampledOrg,
    Team,
    TeamMember,
    Version,
    Visit,
)

auditlog.register(Campaign, exclude_fields=["updated_at"])
auditlog.register(SampledOrg)
auditlog.register(Team)
auditlog.register(TeamMember)
auditlog.register(Visit)
auditlog.register(RespondentGroup)
auditlog.register(Version, exclude_fields=["updated_at"])
auditlog.register(Question)
auditlog.register(Finding, exclude_fields=["updated_at"])
register_scope(TeamMember, "team__campaign__organization__path")
register_scope(Question, "version__campaign__organization__path")
