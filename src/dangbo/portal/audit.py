from auditlog.registry import auditlog

from dangbo.portal.models import CorrectionRequest, MeetingReply, MemberAccount

auditlog.register(MemberAccount, exclude_fields=["updated_at"])
auditlog.register(CorrectionRequest, exclude_fields=["updated_at"])
auditlog.register(MeetingReply, exclude_fields=["updated_at"])
