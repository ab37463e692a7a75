from auditlog.registry import auditlog

from dangbo.reviews.models import (
    TALLY_FIELDS,
    Absence,
    Confirmation,
    CriteriaSet,
    Criterion,
    MemberReview,
    OrgReview,
    ReviewStep,
    ReviewYear,
)

auditlog.register(CriteriaSet)
auditlog.register(Criterion)
auditlog.register(ReviewYear)
auditlog.register(MemberReview, exclude_fields=["updated_at"])
auditlog.register(OrgReview, exclude_fields=["updated_at", *TALLY_FIELDS])
auditlog.register(ReviewStep)
auditlog.register(Confirmation)
auditlog.register(Absence)
