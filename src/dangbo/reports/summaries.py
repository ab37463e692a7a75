"""Refreshed per-level summaries for the dashboards of the top levels (nation, provinces).

Status and gender come exact and current from `members.OrgMemberSummary`. The other
composition figures (age band, theory level, education) of a national subtree would scan
millions of rows; for orgs down to `max_depth` they are counted by a periodic refresh (one
grouped scan per level and breakdown) and shown with the time they were counted.
"""

from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.db.models.functions import Length, Substr
from django.utils import timezone

from dangbo.members import queries as member_queries
from dangbo.members.choices import ACTIVE_STATUSES
from dangbo.members.models import Member
from dangbo.organizations.models import Organization
from dangbo.reports import queries
from dangbo.reports.models import BreakdownSummary, SummaryRun

REFRESHED_CODES = ("age_band", "theory_level", "education", "qualification")


def max_depth() -> int:
    return int(getattr(settings, "DANGBO_REPORT_SUMMARY_DEPTH", 2))


def latest_run() -> SummaryRun | None:
    return SummaryRun.objects.filter(finished_at__isnull=False).order_by("-finished_at").first()


@transaction.atomic
def refresh(depth: int | None = None, today: date | None = None) -> SummaryRun:
    """Recount the refreshed breakdowns for every org down to `depth`."""
    depth = depth or max_depth()
    today = today or timezone.localdate()
    run = SummaryRun.objects.create(max_depth=depth, as_of=today, started_at=timezone.now())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '256MB'")
    BreakdownSummary.objects.all().delete()  # derived rows: replaced whole, in one transaction
    step = Organization.steplen
    orgs = dict(Organization.objects.filter(depth__lte=depth).values_list("path", "pk"))
    active = Member.objects.filter(status__in=ACTIVE_STATUSES)
    rows = []
    for level in range(1, depth + 1):
        for code in REFRESHED_CODES:
            value = queries.age_band_expression(today) if code == "age_band" else code
            grouped = (
                active.alias(path_length=Length("org_path"))
                .filter(path_length__gte=level * step)
                .annotate(prefix=Substr("org_path", 1, level * step), v=_ref(value))
                .values("prefix", "v")
                .annotate(n=Count("id"))
                .order_by()
            )
            rows += [
                BreakdownSummary(
                    organization_id=orgs[g["prefix"]],
                    breakdown=code,
                    value=g["v"] or "",
                    members=g["n"],
                )
                for g in grouped
                if g["prefix"] in orgs
            ]
    rows += _org_figures(orgs, depth, today)
    BreakdownSummary.objects.bulk_create(rows, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {BreakdownSummary._meta.db_table}")
    run.finished_at = timezone.now()
    run.rows = len(rows)
    run.save(update_fields=["finished_at", "rows"])
    return run


def _ref(value):
    from django.db.models import F

    return F(value) if isinstance(value, str) else value


def summary_counts(root: Organization, code: str) -> tuple[dict[str, int], SummaryRun] | None:
    """{value: members} for the root from the last refresh, or None when it does not cover
    the root or the breakdown."""
    if code not in REFRESHED_CODES:
        return None
    run = latest_run()
    if run is None or root.depth > run.max_depth:
        return None
    rows = BreakdownSummary.objects.filter(organization=root, breakdown=code).values_list(
        "value", "members"
    )
    return dict(rows), run


# Dashboard figures beside the composition, refreshed for the same top levels.
CELLS_BY_SIZE = "cells_by_size"
ORGS_BY_TYPE = "orgs_by_type"


def changes_key(year: int) -> str:
    return f"changes:{year}"


def _org_figures(orgs: dict[str, int], depth: int, today: date) -> list[BreakdownSummary]:
    from dangbo.members.choices import LEFT_STATUSES, Status
    from dangbo.members.models import OrgMemberSummary, StatusPeriod
    from dangbo.reports.dashboard import SIZE_BANDS

    step = Organization.steplen
    counts: dict[tuple[str, str, str], int] = {}

    def add(path: str, key: str, value: str, n: int = 1) -> None:
        for level in range(1, depth + 1):
            prefix = path[: level * step]
            if len(path) >= level * step and prefix in orgs:
                counts[(prefix, key, value)] = counts.get((prefix, key, value), 0) + n

    if OrgMemberSummary.fresh_state() is not None:
        official = dict(
            OrgMemberSummary.objects.filter(
                status=Status.OFFICIAL, organization__org_type__holds_members=True
            )
            .values("organization")
            .annotate(n=Sum("members"))
            .values_list("organization", "n")
        )
    else:
        official = dict(
            Member.objects.filter(status=Status.OFFICIAL)
            .values("organization")
            .annotate(n=Count("id"))
            .values_list("organization", "n")
        )
    cells = Organization.objects.filter(is_active=True, org_type__holds_members=True)
    for pk, path in cells.values_list("pk", "path").iterator(chunk_size=20000):
        n = official.get(pk, 0)
        band = next(label for label, low, high in SIZE_BANDS if low <= n <= high)
        add(path, CELLS_BY_SIZE, band)
    by_type = (
        Organization.objects.filter(is_active=True)
        .values_list("path", "org_type__name")
        .iterator(chunk_size=20000)
    )
    for path, type_name in by_type:
        add(path, ORGS_BY_TYPE, type_name)
    year = changes_key(today.year)
    start, end = date(today.year, 1, 1), date(today.year, 12, 31)
    admitted = member_queries.admitted_between(None, start, end).values_list(
        member_queries.ADMISSION_PATH, flat=True
    )
    for path in admitted.iterator(chunk_size=20000):
        add(path, year, "admitted")
    periods = StatusPeriod.objects.filter(
        valid_from__range=(start, end), status__in=[Status.OFFICIAL, *LEFT_STATUSES]
    ).values_list("member__org_path", "status")
    for path, status in periods.iterator(chunk_size=20000):
        add(path, year, status)
    return [
        BreakdownSummary(organization_id=orgs[prefix], breakdown=key, value=value, members=n)
        for (prefix, key, value), n in counts.items()
    ]


def figures(root: Organization, key: str) -> tuple[dict[str, int], str] | None:
    """{value: n} of a refreshed dashboard figure for the root, with the time it was counted;
    None when the last refresh does not cover the root (or that year)."""
    run = latest_run()
    if run is None or root.depth > run.max_depth:
        return None
    if key.startswith("changes:") and key != changes_key(run.as_of.year):
        return None
    rows = dict(
        BreakdownSummary.objects.filter(organization=root, breakdown=key).values_list(
            "value", "members"
        )
    )
    return rows, timezone.localtime(run.finished_at).strftime("%H:%M %d/%m/%Y")
