"""Recognition's part of a member's one-stop record: badges and commendations."""

from django.db.models import Q
from django.urls import reverse

from dangbo.core import hooks
from dangbo.recognition.models import BadgeAward, Commendation


def badges_and_commendations(member, today) -> list[tuple]:
    """Badges awarded or proposed, then commendations, latest first (two queries)."""
    badges = BadgeAward.objects.filter(member=member).exclude(status=BadgeAward.Status.REJECTED)
    facts = [
        (
            f"Huy hiệu {badge.milestone} năm tuổi Đảng",
            f"{badge.get_status_display()} (đợt {badge.award_date:%d/%m/%Y})"
            + (f", QĐ {badge.decision_number}" if badge.decision_number else ""),
            reverse("recognition:index"),
        )
        for badge in badges.order_by("-award_date")
    ]
    commendations = Commendation.objects.filter(Q(member=member)).order_by("-decided_on")[:10]
    facts += [
        (
            f"Khen thưởng năm {c.year}",
            f"{c.form} — {c.issuer} (QĐ {c.decision_number} ngày {c.decided_on:%d/%m/%Y})",
            reverse("recognition:commendations"),
        )
        for c in commendations
    ]
    return facts


hooks.register_member_facts(
    hooks.MemberFacts(
        key="recognition.badges",
        title="Huy hiệu Đảng, khen thưởng",
        facts=badges_and_commendations,
        permission="recognition.view",
        order=20,
    )
)
