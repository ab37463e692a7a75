"""What transfers adds to other apps (see dangbo.core.hooks).

- home dashboard card ``transfers.flags``: official transfers past their limits; temporary
  attendances waiting for the host, ending soon or past their end — each side of a temporary
  attendance gets its own rows (the home org's members away, the members hosted here).
- provider ``transfers.hosted_on(day, host_path=None, home_path=None)`` → a lazy queryset of
  (member id, host org id) rows: members a temporary attendance places at a host on ``day``
  (accepted, not over), by host subtree or home subtree. Meetings builds its rolls from it
  (as a subquery: the roll stays one query), dues its ledgers.
"""

from django.urls import reverse

from dangbo.core import hooks
from dangbo.core.permissions import reachable_paths
from dangbo.transfers import services
from dangbo.transfers.filters import on_side, overdue
from dangbo.transfers.models import Transfer

ROWS = [
    ("overdue", "", "Giấy giới thiệu quá hạn (30/60 ngày làm việc)", "danger"),
    ("deletion", "", "Quá 3 tháng chưa sinh hoạt: đề nghị xóa tên", "danger"),
    ("temporary_pending", "host", "Chờ đơn vị tiếp nhận sinh hoạt tạm thời", "warning"),
    (
        "temporary_pending",
        "home",
        "Đảng viên đi sinh hoạt tạm thời, nơi đến chưa tiếp nhận",
        "info",
    ),
    (
        "temporary_ended",
        "host",
        "Sinh hoạt tạm thời tại đơn vị đã hết hạn, chưa ghi kết thúc",
        "warning",
    ),
    (
        "temporary_ended",
        "home",
        "Đảng viên của đơn vị hết hạn sinh hoạt tạm thời nơi khác",
        "warning",
    ),
    ("temporary_ending", "host", "Sinh hoạt tạm thời tại đơn vị sắp hết hạn", "info"),
    (
        "temporary_ending",
        "home",
        "Đảng viên của đơn vị sắp hết hạn sinh hoạt tạm thời nơi khác",
        "info",
    ),
]


def flag_card(request) -> dict:
    """One count per flag (and side) over the transfers the user reaches (one small query
    each)."""
    visible = Transfer.objects.restrict(request.user, "view")
    paths = reachable_paths(request.user, "transfers.view")
    index = reverse("transfers:index")
    rows = []
    for key, side, label, tone in ROWS:
        flagged = overdue(visible, key)
        if side:
            flagged = on_side(flagged, paths, side)
        count = flagged.count()
        if count:
            url = f"{index}?flag={key}" + (f"&side={side}" if side else "")
            rows.append(dict(label=label, value=count, url=url, tone=tone))
    return {
        "rows": rows,
        "empty": "Không có giấy giới thiệu quá hạn hay sinh hoạt tạm thời cần xử lý.",
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


@hooks.provide("transfers.hosted_on")
def hosted_on(day, *, host_path=None, home_path=None):
    return services.hosted_on(day, host_path=host_path, home_path=home_path)
