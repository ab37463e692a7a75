"""What admissions adds to other apps' screens (see dangbo.core.hooks).

- home dashboard card ``admissions.deadlines``: overdue and near-deadline admission files and
  members due for official recognition, in the user's subtree.
"""

from datetime import timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from dangbo.admissions.filters import SOON_DAYS
from dangbo.admissions.models import AdmissionFile
from dangbo.admissions.rules import Stage
from dangbo.core import hooks

SHOWN = 5


def deadline_card(request) -> dict:
    """Counts by deadline state plus the most overdue files (two queries)."""
    today = timezone.localdate()
    files = AdmissionFile.objects.restrict(request.user, "view").exclude(stage__in=Stage.FINAL)
    counts = files.aggregate(
        overdue=Count("id", filter=Q(next_deadline__lt=today)),
        soon=Count(
            "id",
            filter=Q(
                next_deadline__gte=today, next_deadline__lte=today + timedelta(days=SOON_DAYS)
            ),
        ),
        recognition=Count("id", filter=Q(stage=Stage.CEREMONY, probation_ends_on__lte=today)),
    )
    index = reverse("admissions:index")
    rows = []
    if counts["overdue"]:
        rows.append(
            dict(
                label="Hồ sơ quá hạn",
                value=counts["overdue"],
                url=f"{index}?due=overdue",
                tone="danger",
            )
        )
        for file in (
            files.filter(next_deadline__lt=today)
            .order_by("next_deadline", "id")
            .only("id", "full_name", "next_deadline", "next_deadline_label")[:SHOWN]
        ):
            rows.append(
                dict(
                    label=f"{file.full_name}: {file.next_deadline_label}",
                    value=f"hạn {file.next_deadline:%d/%m/%Y}",
                    url=file.get_absolute_url(),
                    tone="danger",
                )
            )
    if counts["soon"]:
        rows.append(
            dict(
                label=f"Sắp đến hạn (trong {SOON_DAYS} ngày)",
                value=counts["soon"],
                url=f"{index}?due=soon",
                tone="warning",
            )
        )
    if counts["recognition"]:
        rows.append(
            dict(
                label="Đến hạn xét công nhận chính thức",
                value=counts["recognition"],
                url=f"{index}?due=recognition",
                tone="info",
            )
        )
    return {
        "rows": rows,
        "empty": "Không có hồ sơ kết nạp quá hạn hoặc sắp đến hạn.",
        "more_url": index,
    }


hooks.register_widget(
    hooks.Widget(
        key="admissions.deadlines",
        title="Kết nạp đảng viên: quá hạn, sắp đến hạn",
        template="core/_widget_rows.html",
        render=deadline_card,
        order=20,
        permission="admissions.view",
    )
)
