"""«Việc cần làm» of transfers (core.hooks.register_work): members introduced to an org in the
user's reach, waiting to be received — each a link to the receiving side's next act."""

from django.db.models import Q
from django.urls import reverse

from dangbo.core import hooks
from dangbo.core.permissions import restrict
from dangbo.transfers.models import Transfer
from dangbo.transfers.rules import Kind, State


def _next_act(transfer) -> tuple[str, str, object]:
    """(act, label, due) of the receiving side's next step on an open transfer."""
    if transfer.kind == Kind.TEMPORARY:
        return "accept", "Tiếp nhận sinh hoạt tạm thời", transfer.starts_on
    if transfer.state == State.ISSUED:
        return "present", "Ghi nhận xuất trình giấy giới thiệu", transfer.present_by
    return "receive", "Tiếp nhận đảng viên chuyển đến", transfer.complete_by


def transfers_to_receive(user, today) -> list[hooks.WorkItem]:
    """At most two queries: the first transfers, and the count when more."""
    waiting = restrict(
        Transfer.objects.filter(
            Q(kind=Kind.OFFICIAL, state__in=(State.ISSUED, State.PRESENTED))
            | Q(kind=Kind.TEMPORARY, state=State.ISSUED)
        ),
        user,
        "transfers.change",
        "to_org__path",
    )
    rows = hooks.first_rows(waiting.select_related("member", "to_org").order_by("issued_on", "id"))
    items = []
    for transfer in rows[: hooks.WORK_SHOWN]:
        act, label, due = _next_act(transfer)
        items.append(
            hooks.WorkItem(
                label=f"{label}: {transfer.member.full_name} — {transfer.to_org.name}",
                url=reverse("transfers:act", args=[transfer.pk, act]),
                due=due,
                tone="danger" if due and due < today else "warning",
            )
        )
    return hooks.with_more(
        items,
        rows,
        waiting,
        label="Tất cả đảng viên chuyển đến chờ tiếp nhận",
        url=reverse("transfers:index") + "?side=host",
    )


hooks.register_work(
    hooks.WorkSource(
        key="transfers.to_receive",
        title="Chuyển sinh hoạt đến: chờ tiếp nhận",
        items=transfers_to_receive,
        permission="transfers.change",
        order=50,
    )
)
