"""Member tallies on the org rows (exact, kept by the services) and statistics read from them."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connections, router
from django.db.models import Count, Q, Sum

from dangbo.organizations.models import Organization
from dangbo.reviews import rules
from dangbo.reviews.models import (
    Grade,
    MemberReview,
    OrgReview,
    ReviewYear,
)

# --- member tallies on the org rows (exact, maintained by the services) ------------------------

TALLY = {
    "members_total": None,
    "members_exempt": ~Q(exemption=""),
    "members_proposed": Q(exemption="") & ~Q(cell_grade=""),
    "members_excellent": Q(exemption="", final_grade=rules.EXCELLENT),
    "members_good": Q(exemption="", final_grade=rules.GOOD),
    "members_completed": Q(exemption="", final_grade=rules.COMPLETED),
    "members_not_completed": Q(exemption="", final_grade=rules.NOT_COMPLETED),
}
TALLY_GRADES = {
    rules.EXCELLENT: "members_excellent",
    rules.GOOD: "members_good",
    rules.COMPLETED: "members_completed",
    rules.NOT_COMPLETED: "members_not_completed",
}


def tally_members(review_year: ReviewYear, org_ids=None) -> int:
    """Recount the member tallies of the year's org rows (all, or those of `org_ids`) from the
    member reviews: one grouped query and a bulk update of the rows that changed.

    Every service that creates member reviews or changes their exemption, cell proposal or
    final grade calls it for the orgs it touched. Returns how many org rows changed."""
    rows = MemberReview.objects.filter(review_year=review_year)
    targets = OrgReview.objects.filter(review_year=review_year)
    if org_ids is not None:
        org_ids = set(org_ids)
        if not org_ids:
            return 0
        rows = rows.filter(organization_id__in=org_ids)
        targets = targets.filter(organization_id__in=org_ids)
    counts = {
        row["organization_id"]: row
        for row in rows.values("organization_id")
        .annotate(**{name: Count("id", filter=cond) for name, cond in TALLY.items()})
        .order_by()
    }
    changed = []
    for pk, org_id, *old in targets.values_list("id", "organization_id", *TALLY):
        fresh = counts.get(org_id, {})
        values = [fresh.get(name, 0) for name in TALLY]
        if values != old:
            changed.append([*values, pk])
    _write_tallies(changed)
    return len(changed)


def _write_tallies(rows: list[list[int]]) -> None:
    """One prepared UPDATE executed for every changed org row ([*tally values, id]): the ORM's
    bulk_update builds a CASE per field and row, about 4 ms a row (measured on 20,000 imported
    results); the tallies are not audited fields."""
    if not rows:
        return
    connection = connections[router.db_for_write(OrgReview)]
    quote = connection.ops.quote_name
    meta = OrgReview._meta
    columns = ", ".join(f"{quote(meta.get_field(name).column)} = %s" for name in TALLY)
    sql = f"UPDATE {quote(meta.db_table)} SET {columns} WHERE {quote(meta.pk.column)} = %s"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def progress_by_child(review_year: ReviewYear, org: Organization, children: list) -> dict:
    """Per child org (and for `org` itself): members to classify, exempt, proposed, decided —
    summed from the org rows' tallies (one query over the year's org rows)."""
    from django.db.models.functions import Substr

    width = len(org.path) + Organization.steplen
    rows = (
        OrgReview.objects.filter(review_year=review_year, organization__path__startswith=org.path)
        .annotate(child=Substr("organization__path", 1, width))
        .values("child")
        .annotate(
            total=Sum("members_total"),
            exempt=Sum("members_exempt"),
            proposed=Sum("members_proposed"),
            excellent=Sum("members_excellent"),
            good=Sum("members_good"),
            completed=Sum("members_completed"),
            not_completed=Sum("members_not_completed"),
        )
        .order_by()
    )
    result = {}
    for row in rows:
        if not row["total"]:
            continue
        row["decided"] = (
            row["excellent"] + row.pop("good") + row.pop("completed") + row.pop("not_completed")
        )
        result[row["child"]] = row
    return result


def grades_by_child(review_year: ReviewYear, org: Organization) -> dict[str, dict[str, int]]:
    """Final member grades per child org of `org` (key: the child's path; `org` itself when
    members sit directly in it), exempt and pending apart: one query over the org tallies."""
    from django.db.models.functions import Substr

    width = len(org.path) + (0 if org.org_type.holds_members else Organization.steplen)
    rows = (
        OrgReview.objects.filter(review_year=review_year, organization__path__startswith=org.path)
        .annotate(child=Substr("organization__path", 1, width))
        .values("child")
        .annotate(**{name: Sum(name) for name in TALLY})
        .order_by()
    )
    result: dict[str, dict[str, int]] = {}
    for row in rows:
        if not row["members_total"]:
            continue
        counts = {grade: row[name] for grade, name in TALLY_GRADES.items()}
        counts["exempt"] = row["members_exempt"]
        counts["pending"] = (
            row["members_total"]
            - row["members_exempt"]
            - sum(row[name] for name in TALLY_GRADES.values())
        )
        result[row["child"]] = counts
    return result


def grade_counts(path: str, years=None):
    """Members (from the org rows' tallies) and classified orgs per year under `path`:
    ({year: {grade|"exempt"|"pending": n}}, {year: {"grassroots"|"cells": {grade|"pending": n}}}),
    one grouped query over the org rows."""
    qs = OrgReview.objects.filter(organization__path__startswith=path)
    if years:
        qs = qs.filter(review_year__year__in=years)
    rows = (
        qs.values(
            "review_year__year",
            "is_classified",
            "organization__org_type__is_grassroots",
            "final_grade",
        )
        .annotate(n=Count("id"), **{name: Sum(name) for name in TALLY})
        .order_by()
    )
    members: dict[int, dict[str, int]] = {}
    orgs: dict[int, dict[str, dict[str, int]]] = {}
    for row in rows:
        year = row["review_year__year"]
        counts = members.setdefault(year, {})
        graded = 0
        for grade, name in TALLY_GRADES.items():
            graded += row[name] or 0
            counts[grade] = counts.get(grade, 0) + (row[name] or 0)
        counts["exempt"] = counts.get("exempt", 0) + (row["members_exempt"] or 0)
        pending = (row["members_total"] or 0) - (row["members_exempt"] or 0) - graded
        counts["pending"] = counts.get("pending", 0) + pending
        if row["is_classified"]:
            kind = "grassroots" if row["organization__org_type__is_grassroots"] else "cells"
            by_grade = orgs.setdefault(year, {}).setdefault(kind, {})
            key = row["final_grade"] or "pending"
            by_grade[key] = by_grade.get(key, 0) + row["n"]
    for year, counts in members.items():
        members[year] = {k: v for k, v in counts.items() if v}
    return members, orgs


def member_counts(path: str, years=None) -> dict[int, dict[str, int]]:
    """Final grades of members under `path` per year (exempt counted apart)."""
    return grade_counts(path, years)[0]


def org_counts(path: str, years=None) -> dict[int, dict[str, dict[str, int]]]:
    """Final grades of classified orgs under `path` per year, split grassroots / cells."""
    return grade_counts(path, years)[1]


@dataclass
class YearShares:
    year: int
    members: dict
    member_shares: dict
    grassroots: dict
    grassroots_shares: dict
    cells: dict
    cell_shares: dict


def shares(path: str, years=None) -> list[YearShares]:
    """Counts and shares per grade, per year, for members, grassroots orgs and cells."""
    members, orgs = grade_counts(path, years)
    result = []
    for year in sorted(set(members) | set(orgs)):
        m = members.get(year, {})
        g = orgs.get(year, {}).get("grassroots", {})
        c = orgs.get(year, {}).get("cells", {})
        result.append(
            YearShares(
                year, m, rules.grade_shares(m), g, rules.grade_shares(g), c, rules.grade_shares(c)
            )
        )
    return result


def averages(rows: list[YearShares]) -> dict:
    """Multi-year averages of the member and grassroots-org shares (mean of yearly shares)."""
    result = {}
    for key in (*rules.GRADES, "good_or_better"):
        values = [r.member_shares[key] for r in rows if r.member_shares.get(key) is not None]
        result[key] = (sum(values) / len(values)).quantize(Decimal("0.01")) if values else None
    values = [
        r.grassroots_shares["good_or_better"]
        for r in rows
        if r.grassroots_shares.get("good_or_better") is not None
    ]
    result["grassroots_good_or_better"] = (
        (sum(values) / len(values)).quantize(Decimal("0.01")) if values else None
    )
    return result


def grade_choices_up_to(grade: str):
    return [
        (g, label) for g, label in Grade.choices if not grade or rules.RANK[g] <= rules.RANK[grade]
    ]


def excellent_streaks(path: str, up_to: int, min_years: int = 2) -> list[tuple]:
    """Members under `path` rated Excellent in consecutive years ending at `up_to`
    (commendation candidates), longest first: one query."""
    rows = (
        MemberReview.objects.filter(
            organization__path__startswith=path,
            final_grade=rules.EXCELLENT,
            review_year__year__lte=up_to,
        )
        .values_list("member_id", "member__full_name", "review_year__year")
        .order_by()
    )
    years: dict[tuple, list[int]] = {}
    for member_id, name, year in rows:
        years.setdefault((member_id, name), []).append(year)
    result = [(key, rules.streak(ys, up_to)) for key, ys in years.items()]
    return sorted(
        ((member_id, name, n) for (member_id, name), n in result if n >= min_years),
        key=lambda item: (-item[2], item[1]),
    )


def org_excellent_streaks(path: str, up_to: int, min_years: int = 2) -> list[tuple]:
    """Classified orgs under `path` rated Excellent in consecutive years ending at `up_to`,
    longest first: one query."""
    rows = (
        OrgReview.objects.filter(
            organization__path__startswith=path,
            is_classified=True,
            final_grade=rules.EXCELLENT,
            review_year__year__lte=up_to,
        )
        .values_list("organization_id", "organization__name", "review_year__year")
        .order_by()
    )
    years: dict[tuple, list[int]] = {}
    for org_id, name, year in rows:
        years.setdefault((org_id, name), []).append(year)
    result = [(key, rules.streak(ys, up_to)) for key, ys in years.items()]
    return sorted(
        ((org_id, name, n) for (org_id, name), n in result if n >= min_years),
        key=lambda item: (-item[2], item[1]),
    )
