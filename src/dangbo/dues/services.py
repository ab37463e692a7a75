"""Dues use cases: set a member's basis, close a month, record payments, remit upward."""

from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction
from django.db.models import Sum
from django.db.models.functions import Substr
from django.utils import timezone

from dangbo.core.errors import DomainError
from dangbo.dues import rules
from dangbo.dues.models import (
    DuesRate,
    IncomeBasis,
    IncomeType,
    LedgerEntry,
    RegionalMinimumWage,
    Remittance,
    RemittanceRule,
)
from dangbo.members.choices import ACTIVE_STATUSES
from dangbo.members.models import Member
from dangbo.organizations.models import Organization


def _rate(row: DuesRate) -> rules.Rate:
    return rules.Rate(
        income_type=row.income_type,
        valid_from=row.valid_from,
        percent=row.percent,
        fixed_amount=row.fixed_amount,
        wage_percent_min=row.wage_percent_min,
        wage_percent_max=row.wage_percent_max,
        round_to=row.round_to,
    )


def _basis(row: IncomeBasis) -> rules.Basis:
    return rules.Basis(
        income_type=row.income_type,
        amount=row.amount,
        region=row.region,
        wage_percent=row.wage_percent,
    )


class PriceList:
    """Rates and regional wages loaded once, looked up by date in memory."""

    def __init__(self):
        self.rates = [_rate(r) for r in DuesRate.objects.all()]
        self.wages = list(RegionalMinimumWage.objects.all())
        self._cache: dict = {}

    def due(self, basis: rules.Basis, month: date) -> int:
        key = (basis, month)
        if key not in self._cache:
            self._cache[key] = self._price(basis, month)
        return self._cache[key]

    def _price(self, basis: rules.Basis, month: date) -> int:
        rate = rules.in_force([r for r in self.rates if r.income_type == basis.income_type], month)
        if rate is None:
            raise rules.DuesError(f"Chưa có mức đóng cho tháng {month:%m/%Y}.")
        wage = None
        if basis.region:
            row = rules.in_force([w for w in self.wages if w.region == basis.region], month)
            wage = row.amount if row else None
        return rules.monthly_due(basis, rate, wage)


@transaction.atomic
def set_income_basis(
    member: Member,
    *,
    valid_from: date,
    income_type: str,
    amount: int = 0,
    region: int | None = None,
    wage_percent=None,
    user=None,
) -> IncomeBasis:
    """Record a member's income basis from a month on; checked by pricing it."""
    month = rules.first_of_month(valid_from)
    basis = rules.Basis(income_type, amount or 0, region, wage_percent)
    if income_type == IncomeType.OTHER and not region:
        raise DomainError("Cần chọn vùng lương tối thiểu.", "region")
    try:
        PriceList().due(basis, month)
    except rules.DuesError as exc:
        raise DomainError(str(exc), "income_type") from exc
    row, _ = IncomeBasis.objects.update_or_create(
        member=member,
        valid_from=month,
        defaults=dict(
            income_type=income_type, amount=amount or 0, region=region, wage_percent=wage_percent
        ),
    )
    return row


@dataclass
class CloseResult:
    month: date
    created: int = 0
    already: int = 0
    missing_basis: list[Member] = field(default_factory=list)
    errors: list[tuple[Member, str]] = field(default_factory=list)


@transaction.atomic
def close_month(root: Organization, month: date) -> CloseResult:
    """Write the month's ledger rows for every active member under `root` (idempotent).

    Members without an income basis, or whose basis cannot be priced, are listed, not skipped
    silently; nothing is written for them.
    """
    month = rules.first_of_month(month)
    if month > rules.first_of_month(timezone.localdate()):
        raise DomainError("Không thể lập sổ cho tháng chưa đến.", "month")
    result = CloseResult(month)
    in_scope = dict(member__org_path__startswith=root.path)
    members = list(
        Member.objects.filter(
            org_path__startswith=root.path,
            status__in=ACTIVE_STATUSES,
            admitted_on__lt=rules.add_months(month, 1),
        )
        .exclude(pk__in=LedgerEntry.objects.filter(month=month, **in_scope).values("member_id"))
        .values_list("pk", "full_name", "organization_id")
    )
    result.already = LedgerEntry.objects.filter(month=month, **in_scope).count()
    bases: dict[int, rules.Basis] = {}
    rows = (
        IncomeBasis.objects.filter(valid_from__lte=month, **in_scope)
        .order_by("member_id", "valid_from")
        .values_list("member_id", "income_type", "amount", "region", "wage_percent")
    )
    for member_id, *basis in rows.iterator(chunk_size=20_000):
        bases[member_id] = rules.Basis(*basis)  # the latest valid_from wins
    prices = PriceList()
    entries = []
    for pk, full_name, organization_id in members:
        basis = bases.get(pk)
        if basis is None:
            result.missing_basis.append(Member(pk=pk, full_name=full_name))
            continue
        try:
            due = prices.due(basis, month)
        except rules.DuesError as exc:
            result.errors.append((Member(pk=pk, full_name=full_name), str(exc)))
            continue
        entries.append((pk, organization_id, due))
    _insert_entries(entries, month)
    result.created = len(entries)
    return result


LEDGER_COLUMNS = (
    "created_at",
    "updated_at",
    "member_id",
    "organization_id",
    "month",
    "due",
    "paid",
    "receipt_number",
)


def _insert_entries(entries: list[tuple[int, int, int]], month: date) -> None:
    """Write (member, org, due) rows for a month: COPY on PostgreSQL (a province is ~150k
    rows), batched INSERTs on SQLite; no model instances, same columns as the ORM writes."""
    now = timezone.now()
    rows = ((now, now, member_id, org_id, month, due, 0, "") for member_id, org_id, due in entries)
    table = LedgerEntry._meta.db_table
    columns = ", ".join(LEDGER_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(LEDGER_COLUMNS))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(rows))


@transaction.atomic
def record_payments(entry_ids, *, paid_on: date, collector, allowed) -> int:
    """Mark entries paid in full (one cell's collection round); `allowed` is the restricted
    queryset the user may change, so an id outside it is refused as a whole."""
    ids = set(int(i) for i in entry_ids)
    if not ids:
        raise DomainError("Chọn ít nhất một đảng viên đã đóng.", "entries")
    if paid_on > timezone.localdate():
        raise DomainError("Ngày đóng không được sau ngày hôm nay.", "paid_on")
    entries = list(allowed.select_for_update().filter(pk__in=ids))
    if len(entries) != len(ids):
        raise DomainError("Có dòng không thuộc phạm vi được giao.", "entries")
    for entry in entries:
        if paid_on < entry.month:
            raise DomainError(f"Ngày đóng trước tháng {entry.month:%m/%Y}.", "paid_on")
        entry.paid = entry.due
        entry.paid_on = paid_on
        entry.collector = collector
        entry.receipt_number = f"{entry.month:%Y%m}-{entry.pk}"
        entry.save()
    return len(entries)


def retain_percent(org: Organization, month: date):
    """The share an org of this type keeps, under the rule in force for the month."""
    rows = RemittanceRule.objects.filter(org_type_id=org.org_type_id)
    rule = rules.in_force(list(rows), month)
    return rule.retain_percent if rule else 0


def collected_for(org: Organization, month: date) -> int:
    """Paid into the org's own ledger plus what its direct children remitted for the month."""
    own = LedgerEntry.objects.filter(organization=org, month=month).aggregate(t=Sum("paid"))["t"]
    from_children = Remittance.objects.filter(
        organization__path__startswith=org.path, organization__depth=org.depth + 1, month=month
    ).aggregate(t=Sum("remitted"))["t"]
    return (own or 0) + (from_children or 0)


def totals_by_child(root: Organization, start: date, end: date) -> list[dict]:
    """Due and paid per direct child (or the root itself) over months [start, end]."""
    width = len(root.path) + Organization.steplen
    rows = (
        LedgerEntry.objects.filter(
            organization__path__startswith=root.path,
            month__gte=rules.first_of_month(start),
            month__lte=rules.first_of_month(end),
        )
        .annotate(child=Substr("organization__path", 1, width))
        .values("child")
        .annotate(due=Sum("due"), paid=Sum("paid"))
        .order_by("child")
    )
    names = dict(
        Organization.objects.filter(path__in=[r["child"] for r in rows]).values_list("path", "name")
    )
    return [
        {**row, "name": names.get(row["child"], root.name), "outstanding": row["due"] - row["paid"]}
        for row in rows
    ]


@transaction.atomic
def remit(org: Organization, month: date, *, remitted_on: date, user=None) -> Remittance:
    """Record what a collecting org passes up for a month: its collection minus its share."""
    month = rules.first_of_month(month)
    if Remittance.objects.filter(organization=org, month=month).exists():
        raise DomainError(f"Tháng {month:%m/%Y} đã được nộp lên cấp trên.", "month")
    collected = collected_for(org, month)
    if collected == 0:
        raise DomainError("Chưa thu được đảng phí trong tháng này.", "month")
    percent = retain_percent(org, month)
    kept = rules.split_remittance(collected, [percent])[0]
    return Remittance.objects.create(
        organization=org,
        month=month,
        collected=collected,
        kept=kept,
        remitted=collected - kept,
        remitted_on=remitted_on,
        recorded_by=user if user and user.is_authenticated else None,
    )


def arrears(root_qs, until: date, threshold: int = rules.ARREARS_FLAG_MONTHS):
    """Members with `threshold`+ consecutive unpaid months up to `until` (one query)."""
    start = rules.add_months(rules.first_of_month(until), -(threshold - 1))
    rows = root_qs.filter(month__gte=start, month__lte=rules.first_of_month(until)).values_list(
        "member_id", "month", "due", "paid"
    )
    ledgers: dict[int, list] = {}
    for member_id, month, due, paid in rows:
        ledgers.setdefault(member_id, []).append((month, due, paid))
    flagged = [
        pk for pk, ledger in ledgers.items() if rules.is_in_arrears(ledger, until, threshold)
    ]
    return Member.objects.filter(pk__in=flagged).select_related("organization")
