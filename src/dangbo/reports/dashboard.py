"""Figures for an org's dashboard: composition, changes in the year, orgs by type and size,
and data-quality problems. Each is one aggregate query over the subtree's prefix range."""

from datetime import date
from functools import reduce
from operator import or_

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear
from django.utils import timezone

from dangbo.core.models import RuleParameter
from dangbo.members import queries as member_queries
from dangbo.members.choices import ACTIVE_STATUSES, LEFT_STATUSES, Status
from dangbo.members.models import Member, OrgMemberSummary, StatusPeriod
from dangbo.organizations import rules as org_rules
from dangbo.organizations.models import Organization, OrgType
from dangbo.reports import queries, summaries

ADULT_KEY = 18 * 10000  # 18 years as a difference of yyyymmdd keys (`_day_key`)
SIZE_BANDS = [("<3", 0, 2), ("3–8", 3, 8), ("9–29", 9, 29), ("30+", 30, 10**9)]


def composition(
    root: Organization,
    today: date,
    codes=("status", "gender", "age_band", "theory_level", "education"),
):
    """[(breakdown, [(label, n, value)], total, source)] for the root's subtree today.

    `source` says where the figures come from: '' (live from the register), or the time of
    the refresh that counted them (top levels, see `reports.summaries`)."""
    result = []
    for code in codes:
        counts, source = _composition_counts(root, today, code)
        breakdown = queries.BREAKDOWNS[code]
        rows = [
            (label, counts.get(value, 0), value)
            for value, label in breakdown.choices
            if counts.get(value, 0)
        ]
        result.append((breakdown, rows, sum(n for _l, n, _v in rows), source))
    return result


def _composition_counts(root: Organization, today: date, code: str) -> tuple[dict, str]:
    if code in ("status", "gender") and OrgMemberSummary.fresh_state() is not None:
        rows = (
            OrgMemberSummary.objects.filter(organization=root, status__in=ACTIVE_STATUSES)
            .values(code)
            .annotate(n=Sum("members"))
            .order_by()
        )
        return {row[code]: row["n"] for row in rows}, ""
    refreshed = summaries.summary_counts(root, code)
    if refreshed is not None:
        counts, run = refreshed
        return counts, timezone.localtime(run.finished_at).strftime("%H:%M %d/%m/%Y")
    counts = queries.count_table(root, today, code, today, by_child=False)
    return {value: n for (_child, value), n in counts.items()}, ""


def _in_subtree(root: Organization, path_field: str) -> Q:
    """The subtree condition, or nothing for the single root of the whole tree (the nation):
    a prefix that every row matches would only cost the planner a join."""
    if root.depth == 1 and not Organization.objects.filter(depth=1).exclude(pk=root.pk).exists():
        return Q()
    return Q(**{f"{path_field}__startswith": root.path})


def _root_or_all(root: Organization) -> Organization | None:
    """The root, or None (no subtree condition) for the single root of the whole tree."""
    return None if not _in_subtree(root, "path") else root


def changes_in_year(root: Organization, year: int) -> dict[str, int | dict[str, int]]:
    """Admitted, recognised official, and left (by reason) during `year` in the subtree.

    Admitted: `members.queries.admitted_between`, the one definition (placed by the org the
    member was admitted into), the same rows as the admissions report and its drill-down.

    Each is a date range on an indexed date column first, then the subtree: a year's changes
    are a few percent of the register."""
    refreshed = summaries.figures(root, summaries.changes_key(year))
    if refreshed is not None:
        return _changes_from(refreshed[0], refreshed[1])
    start, end = date(year, 1, 1), date(year, 12, 31)
    admitted = member_queries.admitted_between(_root_or_all(root), start, end).count()
    periods = StatusPeriod.objects.filter(
        _in_subtree(root, "member__org_path"), valid_from__range=(start, end)
    )
    official = periods.filter(status=Status.OFFICIAL).count()
    left_rows = (
        periods.filter(status__in=LEFT_STATUSES).values("status").annotate(n=Count("id")).order_by()
    )
    labels = dict(Status.choices)
    left = {labels[row["status"]]: row["n"] for row in left_rows}
    return {
        "admitted": admitted,
        "official": official,
        "left": left,
        "left_total": sum(left.values()),
        "source": "",
    }


def _changes_from(counts: dict[str, int], source: str) -> dict:
    labels = dict(Status.choices)
    left = {labels[s]: counts[s] for s in LEFT_STATUSES if counts.get(s)}
    return {
        "admitted": counts.get("admitted", 0),
        "official": counts.get(Status.OFFICIAL, 0),
        "left": left,
        "left_total": sum(left.values()),
        "source": source,
    }


def orgs_by_type(root: Organization) -> list[tuple[str, int]]:
    refreshed = summaries.figures(root, summaries.ORGS_BY_TYPE)
    if refreshed is not None:
        order = dict(OrgType.objects.values_list("name", "sort_order"))
        counts = refreshed[0]
        return sorted(counts.items(), key=lambda item: (order.get(item[0], 0), item[0]))
    rows = (
        Organization.objects.filter(path__startswith=root.path, is_active=True)
        .values("org_type__name", "org_type__sort_order")
        .annotate(n=Count("id"))
        .order_by("org_type__sort_order")
    )
    return [(row["org_type__name"], row["n"]) for row in rows]


def cells_by_size(root: Organization) -> list[tuple[str, int]]:
    """Member-holding orgs grouped by their number of official members (one query)."""
    refreshed = summaries.figures(root, summaries.CELLS_BY_SIZE)
    if refreshed is not None:
        return [(label, refreshed[0].get(label, 0)) for label, _low, _high in SIZE_BANDS]
    cells = Organization.objects.filter(
        path__startswith=root.path, is_active=True, org_type__holds_members=True
    )
    if OrgMemberSummary.fresh_state() is not None:
        # The summary holds each cell's own official members: no scan of the register.
        official = Coalesce(
            Sum("member_summary__members", filter=Q(member_summary__status=Status.OFFICIAL)), 0
        )
    else:
        official = Count("members", filter=Q(members__status=Status.OFFICIAL))
    counts = dict.fromkeys([label for label, _low, _high in SIZE_BANDS], 0)
    for n in cells.annotate(official=official).values_list("official", flat=True):
        for label, low, high in SIZE_BANDS:
            if low <= n <= high:
                counts[label] += 1
                break
    return list(counts.items())


def _day_key(field: str):
    """yyyymmdd of a date column as an integer: whole years between two days compare as keys."""
    return ExtractYear(field) * 10000 + ExtractMonth(field) * 100 + ExtractDay(field)


def quality_problems(root: Organization, today: date, limit: int = 200):
    """Worklist of data problems in the subtree, with a score (share of clean member rows)."""
    members = Member.objects.filter(
        org_path__startswith=root.path, status__in=ACTIVE_STATUSES
    ).alias(admitted_key=_day_key("admitted_on"), birth_key=_day_key("birth_date"))
    total = members.count()
    checks = {
        "Thiếu số định danh cá nhân": Q(id_number__isnull=True) | Q(id_number=""),
        "Thiếu quê quán": Q(place_of_origin=""),
        "Thiếu trình độ giáo dục phổ thông": Q(education=""),
        "Ngày chính thức trước ngày vào Đảng": Q(official_on__lt=F("admitted_on")),
        # Under 18 in whole years on the decision day (members.rules.age_in_years): before the
        # 18th birthday, which a count of days misses by one when the years hold five 29/2.
        "Vào Đảng trước 18 tuổi": Q(admitted_key__lt=F("birth_key") + ADULT_KEY),
        "Không có nơi sinh hoạt hiện tại": ~Q(placements__valid_to__isnull=True),
    }
    problems = []
    for label, condition in checks.items():
        qs = members.filter(condition).distinct()
        problems.append((label, qs.count(), list(qs.order_by("name_search")[:20])))
    # Every flagged member once, however many are listed (`limit` cuts the lists, not the score).
    flagged = members.filter(reduce(or_, checks.values())).distinct().count()
    minimum = min_official_members(root, today)
    small_orgs = list(
        Organization.objects.filter(
            path__startswith=root.path, is_active=True, org_type__holds_members=True
        )
        .annotate(official=Count("members", filter=Q(members__status=Status.OFFICIAL)))
        .filter(official__lt=minimum)
        .order_by("path")[:limit]
    )
    score = 100.0 if total == 0 else round(100 * (1 - flagged / total), 1)
    return {
        "total": total,
        "problems": problems,
        "small_orgs": small_orgs,
        "minimum": minimum,
        "score": score,
    }


MIN_OFFICIAL_KEY = "org.min_official_members"


def min_official_members(root: Organization, on: date) -> int:
    """The dated rule parameter «under N official members» in force on `on` for root."""
    return int(
        RuleParameter.value_on(
            MIN_OFFICIAL_KEY, on, root.path, default=org_rules.DEFAULT_MIN_OFFICIAL_MEMBERS
        )
    )
