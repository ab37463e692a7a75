"""What transfers adds to other apps' screens (see dangbo.core.hooks).

- home dashboard card ``transfers.flags``: official transfers past their limits and temporary
  attendances past their end, seen from either side of the user's subtree.
"""

from django.urls import reverse

from dangbo.core import hooks
from dangbo.transfers.filters import overdue
from dangbo.transfers.models import Transfer

ROWS = [
    ("overdue", "Giấy giới thiệu quá hạn (30/60 ngày làm việc)", "danger"),
    ("deletion", "Quá 3 tháng chưa sinh hoạt: đề nghị xóa tên", "danger"),
    ("temporary_ended", "Hết hạn sinh hoạt tạm thời, chưa ghi kết thúc", "warning"),
    ("temporary_ending", "Sắp hết hạn sinh hoạt tạm thời", "info"),
]


def flag_card(request) -> dict:
    """One count per flag over the transfers the user reaches (one small query each)."""
    visible = Transfer.objects.restrict(request.user, "view")
    index = reverse("transfers:index")
    rows = []
    for key, label, tone in ROWS:
        count = overdue(visible, key).count()
        if count:
            rows.append(dict(label=label, value=count, url=f"{index}?flag={key}", tone=tone))
    return {
        "rows": rows,
        "empty": "Không có giấy giới thiệu quá hạn hay sinh hoạt tạm thời hết hạn.",
        "more_url": index,
    }


hooks.register_widget(
    hooks.Widget(
        key="transfers.flags",
        title="Chuyển sinh hoạt đảng: cần xử lý",
        template="core/_widget_rows.html",
        render=flag_card,
        order=30,
        permission="transfers.view",
    )
)
