from auditlog.registry import auditlog

from dangbo.core.audit import register_scope
from dangbo.recognition.models import BadgeAward, Commendation, CommendationProposal

auditlog.register(BadgeAward)
auditlog.register(Commendation)
auditlog.register(CommendationProposal)
# Member commendations sit at the member's place; org commendations are seen by unrestricted
# auditors (one path field per model).
register_scope(Commendation, "member__org_path")
register_scope(CommendationProposal, "member__org_path")
