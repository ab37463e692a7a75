"""Providers for the apps below the portal.

- ``portal.meeting_replies(meeting)`` → {member_id: reply with ``status``/``reason``}: the
  members' answers, used by meetings' attendance form as its starting values.
"""

from types import SimpleNamespace

from dangbo.core import hooks
from dangbo.portal.models import MeetingReply


@hooks.provide("portal.meeting_replies")
def meeting_replies(meeting) -> dict:
    return {
        member_id: SimpleNamespace(status=intent, reason=reason)
        for member_id, intent, reason in MeetingReply.objects.filter(meeting=meeting).values_list(
            "member_id", "intent", "reason"
        )
    }


def _pending_corrections(request):
    from django.urls import reverse

    from dangbo.portal.models import CorrectionRequest

    count = CorrectionRequest.objects.restrict(request.user, "change").filter(status="pending")
    count = count.count()
    if not count:
        return None
    return {
        "rows": [
            {
                "label": "Đề nghị đính chính chờ xử lý",
                "value": count,
                "url": reverse("portal:corrections") + "?status=pending",
                "tone": "warning",
            }
        ]
    }


hooks.register_widget(
    hooks.Widget(
        key="portal.corrections",
        title="Cổng đảng viên",
        template="core/_widget_rows.html",
        render=_pending_corrections,
        order=50,
        permission="members.change",
    )
)
