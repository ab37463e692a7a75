"""Dues use cases: set a member's basis, close a month, record payments, remit upward."""

from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce, Substr
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


@dataclass
class PaymentResult:
    count: int
    late_months: list[date] = field(default_factory=list)  # months already remitted upward


@transaction.atomic
def record_payments(entry_ids, *, paid_on: date, collector, allowed) -> PaymentResult:
    """Mark entries paid in full (one cell's collection round); `allowed` is the restricted
    queryset the user may change, so an id outside it is refused as a whole.

    A payment for a month the cell already remitted is accepted (the member owes it); it goes
    up with the cell's next remittance (`rules.carried_into`), reported as `late_months`."""
    ids = set(int(i) for i in entry_ids)
    if not ids:
        raise DomainError("Chọn ít nhất một đảng viên đã đóng.", "entries")
    if paid_on > timezone.localdate():
        raise DomainError("Ngày đóng không được sau ngày hôm nay.", "paid_on")
    entries = list(allowed.select_for_update().filter(pk__in=ids))
    if len(entries) != len(ids):
        raise DomainError("Có dòng không thuộc phạm vi được giao.", "entries")
    remitted = set(
        Remittance.objects.filter(
            organization_id__in={e.organization_id for e in entries},
            month__in={e.month for e in entries},
        ).values_list("organization_id", "month")
    )
    late = set()
    for entry in entries:
        if paid_on < entry.month:
            raise DomainError(f"Ngày đóng trước tháng {entry.month:%m/%Y}.", "paid_on")
        if entry.paid_on is not None:
            raise DomainError(
                f"Khoản tháng {entry.month:%m/%Y} đã được ghi nhận đóng ngày "
                f"{entry.paid_on:%d/%m/%Y}.",
                "entries",
            )
        entry.paid = entry.due
        entry.paid_on = paid_on
        entry.collector = collector
        entry.receipt_number = f"{entry.month:%Y%m}-{entry.pk}"
        entry.save()
        if (entry.organization_id, entry.month) in remitted:
            late.add(entry.month)
    return PaymentResult(len(entries), sorted(late))


def retain_percent(org: Organization, month: date):
    """The share an org of this type keeps, under the rule in force for the month."""
    rows = RemittanceRule.objects.filter(org_type_id=org.org_type_id)
    rule = rules.in_force(list(rows), month)
    return rule.retain_percent if rule else 0


def remitted_months(org: Organization) -> set[date]:
    return set(Remittance.objects.filter(organization=org).values_list("month", flat=True))


def _carried(month: date, done: set[date]) -> Q:
    """Rows for the remittance of `month`: its own, and late ones of months already remitted
    (`rules.carried_into` as a filter)."""
    return Q(month=month) | Q(month__in=[m for m in done if m < month])


def pending(org: Organization, month: date, done: set[date] | None = None):
    """(own ledger rows, direct children's remittances) not yet passed up that the remittance
    for `month` would carry."""
    done = remitted_months(org) if done is None else done
    own = LedgerEntry.objects.filter(
        _carried(month, done), organization=org, paid__gt=0, remittance__isnull=True
    )
    from_children = Remittance.objects.filter(
        _carried(month, done),
        organization__path__startswith=org.path,
        organization__depth=org.depth + 1,
        forwarded_in__isnull=True,
    )
    return own, from_children


@dataclass
class Collected:
    total: int = 0
    late: int = 0  # of which paid for months already remitted


def collected_for(org: Organization, month: date, done: set[date] | None = None) -> Collected:
    """What the remittance for `month` would carry: paid into the org's own ledger plus what
    its direct children remitted, for the month and late for months already remitted."""
    month = rules.first_of_month(month)
    own, from_children = pending(org, month, done)
    result = Collected()
    for rows, amount in ((own, "paid"), (from_children, "remitted")):
        for row_month, total in rows.values_list("month").annotate(t=Sum(amount)).order_by():
            result.total += total or 0
            if row_month != month:
                result.late += total or 0
    return result


def late_after_remittance(org: Organization, month: date) -> int:
    """Paid for a remitted `month` after its remittance (waiting for the next one)."""
    own = LedgerEntry.objects.filter(
        organization=org, month=month, paid__gt=0, remittance__isnull=True
    ).aggregate(t=Sum("paid"))["t"]
    from_children = Remittance.objects.filter(
        organization__path__startswith=org.path,
        organization__depth=org.depth + 1,
        month=month,
        forwarded_in__isnull=True,
    ).aggregate(t=Sum("remitted"))["t"]
    return (own or 0) + (from_children or 0)


def totals_table(root: Organization, month: date) -> list[dict]:
    """Per direct child (or the root itself): the month's due and paid — 0 for a unit without
    a ledger that month — next to the year-to-date due, paid and outstanding. One grouped
    query; the screen and the export show the same columns."""
    month = rules.first_of_month(month)
    width = len(root.path) + Organization.steplen
    in_month = Q(month=month)
    rows = (
        LedgerEntry.objects.filter(
            organization__path__startswith=root.path,
            month__gte=month.replace(month=1),
            month__lte=month,
        )
        .annotate(child=Substr("organization__path", 1, width))
        .values("child")
        .annotate(
            year_due=Sum("due"),
            year_paid=Sum("paid"),
            month_due=Coalesce(Sum("due", filter=in_month), 0),
            month_paid=Coalesce(Sum("paid", filter=in_month), 0),
        )
        .order_by("child")
    )
    names = dict(
        Organization.objects.filter(path__in=[r["child"] for r in rows]).values_list("path", "name")
    )
    return [
        {
            "child": row["child"],
            "name": names.get(row["child"], root.name),
            "month_due": row["month_due"],
            "month_paid": row["month_paid"],
            "due": row["year_due"],
            "paid": row["year_paid"],
            "outstanding": row["year_due"] - row["year_paid"],
        }
        for row in rows
    ]


@transaction.atomic
def remit(org: Organization, month: date, *, remitted_on: date, user=None) -> Remittance:
    """Record what a collecting org passes up for a month: its collection minus its share.

    The month is then closed; late money for it goes up with the next remittance."""
    month = rules.first_of_month(month)
    Organization.objects.select_for_update().filter(pk=org.pk).first()  # one remit at a time
    if month > rules.first_of_month(timezone.localdate()):
        raise DomainError("Không thể nộp đảng phí cho tháng chưa đến.", "month")
    done = remitted_months(org)
    if month in done:
        raise DomainError(
            f"Tháng {month:%m/%Y} đã được nộp lên cấp trên; khoản thu muộn của tháng này sẽ "
            "được nộp cùng đợt nộp của tháng tiếp theo.",
            "month",
        )
    own, from_children = pending(org, month, done)
    # Locked, then summed: a payment recorded meanwhile waits for the next remittance.
    own_rows = list(own.select_for_update().values_list("pk", "month", "paid"))
    child_rows = list(from_children.select_for_update().values_list("pk", "month", "remitted"))
    collected = Collected()
    for _pk, row_month, amount in own_rows + child_rows:
        collected.total += amount
        collected.late += amount if row_month != month else 0
    if collected.total == 0:
        raise DomainError(f"Chưa thu được đảng phí nào để nộp cho tháng {month:%m/%Y}.", "month")
    percent = retain_percent(org, month)
    kept = rules.split_remittance(collected.total, [percent])[0]
    remittance = Remittance.objects.create(
        organization=org,
        month=month,
        collected=collected.total,
        kept=kept,
        remitted=collected.total - kept,
        late=collected.late,
        remitted_on=remitted_on,
        recorded_by=user if user and user.is_authenticated else None,
    )
    LedgerEntry.objects.filter(pk__in=[r[0] for r in own_rows]).update(remittance=remittance)
    Remittance.objects.filter(pk__in=[r[0] for r in child_rows]).update(forwarded_in=remittance)
    return remittance


def remittance_message(remittance: Remittance) -> str:
    """The confirmation shown after remitting, every figure in full."""
    v = rules.vnd
    late = (
        f", trong đó {v(remittance.late)} đồng truy nộp cho các tháng đã nộp trước"
        if remittance.late
        else ""
    )
    return (
        f"Đã nộp {v(remittance.remitted)} đồng lên cấp trên cho tháng "
        f"{remittance.month:%m/%Y}; giữ lại {v(remittance.kept)} đồng "
        f"(tổng thu {v(remittance.collected)} đồng{late})."
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
