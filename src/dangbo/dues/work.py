"""«Việc cần làm» of dues (core.hooks.register_work): the cells the user keeps dues for whose
ledger of this month is not written yet («lập sổ») or whose last month is not remitted to
the level above (a remitted month is closed) — each a link to the cell's dues page for that
month, where both are done."""

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from dangbo.core import hooks
from dangbo.core.text import vi_number
from dangbo.dues.models import LedgerEntry, Remittance
from dangbo.organizations.models import Organization


def months_to_close(user, today) -> list[hooks.WorkItem]:
    """At most two queries: the first cells with both flags, and the count when more."""
    month = today.replace(day=1)
    last_month = (month - timedelta(days=1)).replace(day=1)
    cells = (
        Organization.objects.restrict(user, "dues.change")
        .filter(is_active=True, org_type__holds_members=True)
        .annotate(
            has_ledger=Exists(LedgerEntry.objects.filter(organization=OuterRef("pk"), month=month)),
            remitted=Exists(
                Remittance.objects.filter(organization=OuterRef("pk"), month=last_month)
            ),
        )
        .filter(Q(has_ledger=False) | Q(remitted=False))
    )
    rows = hooks.first_rows(cells.only("id", "name").order_by("path"))
    index = reverse("dues:index")
    items = []
    for cell in rows[: hooks.WORK_SHOWN]:
        if not cell.remitted:
            items.append(
                hooks.WorkItem(
                    label=f"Nộp đảng phí tháng {last_month:%m/%Y} lên cấp trên — {cell.name}",
                    url=f"{index}?org={cell.pk}&month={last_month:%m/%Y}",
                    tone="warning",
                )
            )
        if not cell.has_ledger:
            items.append(
                hooks.WorkItem(
                    label=f"Lập sổ thu đảng phí tháng {month:%m/%Y} — {cell.name}",
                    url=f"{index}?org={cell.pk}&month={month:%m/%Y}",
                    tone="info",
                )
            )
    return hooks.with_more(
        items, rows, cells, label="Tất cả chi bộ chưa lập sổ hoặc chưa nộp đảng phí", url=index
    )


def last_remittance(org, today) -> list[tuple]:
    """The org's last month passed up to the level above (one query)."""
    row = Remittance.objects.filter(organization=org).order_by("-month").first()
    url = f"{reverse('dues:index')}?org={org.pk}"
    if row is None:
        return [("Nộp đảng phí lên cấp trên", "chưa có", url)]
    return [
        (
            f"Đã nộp đảng phí tháng {row.month:%m/%Y}",
            f"{vi_number(row.remitted)} đ (thu {vi_number(row.collected)} đ)",
            f"{url}&month={row.month:%m/%Y}",
        )
    ]


hooks.register_org_facts(
    hooks.OrgFacts(
        key="dues.remittance",
        title="Đảng phí",
        facts=last_remittance,
        permission="dues.view",
        order=40,
    )
)


hooks.register_work(
    hooks.WorkSource(
        key="dues.months_to_close",
        title="Đảng phí",
        items=months_to_close,
        permission="dues.change",
        order=40,
    )
)
