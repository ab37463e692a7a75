from auditlog.registry import auditlog

from dangbo.recognition.models import BadgeAward, Commendation

auditlog.register(BadgeAward)
auditlog.register(Commendation)
