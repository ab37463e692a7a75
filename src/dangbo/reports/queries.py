"""Member statistics for a subtree on any date, as single aggregate queries.

Today's figures use the path copied on the member row (covering index). A past date uses valid
time: the member's placement valid on that date, the org's period (its path then) and the
member's status period then — so a report for 31/12/2022 shows the tree as it was.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, CharField, Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Length, Substr

from dangbo.members.choices import (
    ACTIVE_STATUSES,
    AGE_BANDS,
    ETHNICITY_CHOICES,
    Education,
    Gender,
    Occupation,
    Qualification,
    Religion,
    TheoryLevel,
)
from dangbo.members.models import Member, OrgMemberSummary
from dangbo.organizations.models import Organization, OrgPeriod


@dataclass(frozen=True)
class Breakdown:
    code: str
    label: str
    choices: list[tuple[str, str]]


BREAKDOWNS = {
    b.code: b
    for b in [
        Breakdown("status", "Trạng thái", [(s.value, s.label) for s in ACTIVE_STATUSES]),
        Breakdown("gender", "Giới tính", Gender.choices),
        Breakdown("age_band", "Độ tuổi", [(c, label) for c, label, _lo, _hi in AGE_BANDS]),
        Breakdown("ethnicity", "Dân tộc", ETHNICITY_CHOICES),
        Breakdown("religion", "Tôn giáo", Religion.choices),
        Breakdown("education", "Giáo dục phổ thông", [*Education.choices, ("", "Chưa khai")]),
        Breakdown("qualification", "Chuyên môn", [*Qualification.choices, ("", "Chưa khai")]),
        Breakdown("theory_level", "Lý luận chính trị", [*TheoryLevel.choices, ("", "Chưa khai")]),
        Breakdown("occupation", "Nghề nghiệp", [*Occupation.choices, ("", "Chưa khai")]),
    ]
}


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_band_expression(on: date) -> Case:
    """The age band on `on`, from the birth date: age in [low, high] ⇔ birth in a date range."""
    whens = [
        When(
            Q(birth_date__gt=_years_before(on, high + 1))
            & Q(birth_date__lte=_years_before(on, low)),
            then=Value(code),
        )
        for code, _label, low, high in AGE_BANDS
    ]
    return Case(*whens, default=Value(AGE_BANDS[0][0]), output_field=CharField())


def is_today(on: date, today: date) -> bool:
    return on >= today


def path_on(root: Organization, on: date, today: date) -> str:
    """The root's path as the tree stood on `on` (its org period then): a past date's report of
    an org that moved since counts the subtree it had then. Today, or an org without a period
    that day, its current path."""
    if is_today(on, today):
        return root.path
    period = (
        OrgPeriod.objects.filter(organization_id=root.pk, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .values_list("path", flat=True)
        .first()
    )
    return period or root.path


def members_on(root_path: str, on: date, today: date) -> QuerySet:
    """Members active in the subtree at `root_path` on `on` (one row per member)."""
    if is_today(on, today):
        return Member.objects.filter(org_path__startswith=root_path, status__in=ACTIVE_STATUSES)
    placement_valid = Q(placements__valid_from__lte=on) & (
        Q(placements__valid_to__isnull=True) | Q(placements__valid_to__gt=on)
    )
    period_valid = Q(placements__organization__periods__valid_from__lte=on) & (
        Q(placements__organization__periods__valid_to__isnull=True)
        | Q(placements__organization__periods__valid_to__gt=on)
    )
    status_valid = Q(status_periods__valid_from__lte=on) & (
        Q(status_periods__valid_to__isnull=True) | Q(status_periods__valid_to__gt=on)
    )
    return Member.objects.filter(
        placement_valid,
        period_valid,
        status_valid,
        placements__organization__periods__path__startswith=root_path,
        status_periods__status__in=ACTIVE_STATUSES,
    )


def _path_ref(on: date, today: date) -> str:
    return "org_path" if is_today(on, today) else "placements__organization__periods__path"


def _value_ref(breakdown: str, on: date, today: date):
    if breakdown == "age_band":
        return age_band_expression(on)
    if breakdown == "status" and not is_today(on, today):
        return F("status_periods__status")
    return F(breakdown)


def count_table(root: Organization, on: date, breakdown: str, today: date, by_child: bool):
    """{(child_path or '', value): count} in one GROUP BY query (today's status and gender
    from the exact per-ancestor summary, which answers for the nation in milliseconds; a past
    month end's come from `month_ends`, see report.build_member_table)."""
    if is_today(on, today) and breakdown in ("status", "gender"):
        counts = _summary_table(root, breakdown, by_child)
        if counts is not None:
            return counts
    root_path = path_on(root, on, today)
    qs = members_on(root_path, on, today)
    qs = qs.annotate(value=_value_ref(breakdown, on, today))
    keys = ["value"]
    if by_child:
        width = len(root_path) + Organization.steplen
        qs = qs.annotate(child=Substr(_path_ref(on, today), 1, width))
        keys.append("child")
    rows = qs.values(*keys).annotate(total=Count("id")).order_by()
    return {(row.get("child", ""), row["value"] or ""): row["total"] for row in rows}


def _summary_table(root: Organization, breakdown: str, by_child: bool) -> dict | None:
    if OrgMemberSummary.fresh_state() is None:
        return None
    rows = OrgMemberSummary.objects.filter(status__in=ACTIVE_STATUSES)
    if by_child:
        rows = rows.filter(
            organization__path__startswith=root.path, organization__depth=root.depth + 1
        )
    else:
        rows = rows.filter(organization=root)
    grouped = rows.values("organization__path", breakdown).annotate(n=Sum("members")).order_by()
    return {
        (row["organization__path"] if by_child else "", row[breakdown]): row["n"]
        for row in grouped
        if row["n"]
    }


def filter_value(qs: QuerySet, breakdown: str, value: str, on: date, today: date) -> QuerySet:
    """Narrow a members_on() queryset to one cell of a report (for drill-down)."""
    return qs.annotate(value=_value_ref(breakdown, on, today)).filter(value=value)


def children_on(root: Organization, on: date, today: date) -> list[tuple[str, str]]:
    """(path, name) of the root's direct children as the tree stood on `on`."""
    root_path = path_on(root, on, today)
    width = len(root_path) + Organization.steplen
    if is_today(on, today):
        rows = Organization.objects.filter(
            path__startswith=root.path, depth=root.depth + 1, is_active=True
        ).values_list("path", "name")
        return list(rows)
    rows = (
        OrgPeriod.objects.alias(path_length=Length("path"))  # the nation has 388k periods
        .filter(path__startswith=root_path, path_length=width, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .values_list("path", "name")
    )
    return sorted(rows)
