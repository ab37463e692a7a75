"""Selectors over the register shared by every app that counts members.

"Admitted in a period" has ONE definition (issues #22, #23): the members whose admission
decision date (`Member.admitted_on`, ngày vào Đảng) falls in the period — whether the admission
file was processed in the system (the decision step registers the member with that date) or
the member came in by import or by hand. Status today does not matter (a member admitted in
the year who later left was still admitted in the year). Every figure of admissions (the
dashboard, the admissions report against targets, the catalogue, their drill-downs) counts
`admitted_between`.
"""

from collections.abc import Iterable
from datetime import date

from django.db.models import BigIntegerField, CharField, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from dangbo.members.models import Member, Placement
from dangbo.organizations.models import Organization

# Annotations added by `admitted_between` (usable in filter/values/order_by and as a path
# field of `core.permissions.restrict`).
ADMISSION_PATH = "admission_path"
ADMISSION_ORG = "admission_org_id"
ADMISSION_ORG_NAME = "admission_org_name"


def _placement_on_admission():
    """The member's placement on the admission date; when the register's history of the member
    starts later (a member taken into the system with a later placement date), the earliest
    one known."""
    valid_then = Placement.objects.filter(
        member_id=OuterRef("pk"), valid_from__lte=OuterRef("admitted_on")
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=OuterRef("admitted_on")))
    earliest = Placement.objects.filter(member_id=OuterRef("pk")).order_by("valid_from", "id")
    return valid_then.order_by("-valid_from", "-id"), earliest


def _admission_ref(field: str, fallback, output_field):
    valid_then, earliest = _placement_on_admission()
    return Coalesce(
        Subquery(valid_then.values(field)[:1]),
        Subquery(earliest.values(field)[:1]),
        fallback,
        output_field=output_field,
    )


def with_admission_org(qs: QuerySet, names: bool = False) -> QuerySet:
    """Annotate members with the org they were admitted into (`admission_org_id`, its current
    path `admission_path` and name `admission_org_name`).

    The org is the member's placement in valid time on the admission date (not where the
    member is today: a member admitted in cell A in March and moved to cell B in June counts
    for A). The path is that org's path today, so, like the other module reports, the figure
    follows the org when the tree is reorganised. `names`: the org's name too (lists)."""
    qs = qs.annotate(
        **{
            ADMISSION_ORG: _admission_ref(
                "organization_id", F("organization_id"), BigIntegerField()
            ),
            ADMISSION_PATH: _admission_ref("organization__path", F("org_path"), CharField()),
        }
    )
    if names:
        qs = qs.annotate(
            **{
                ADMISSION_ORG_NAME: _admission_ref(
                    "organization__name", F("organization__name"), CharField()
                )
            }
        )
    return qs


def _subtree(orgs_or_root) -> Q:
    """The condition on the admission path for a root, a path, several orgs or everything."""
    if orgs_or_root is None:
        return Q()
    if isinstance(orgs_or_root, Organization):
        paths = [orgs_or_root.path]
    elif isinstance(orgs_or_root, str):
        paths = [orgs_or_root]
    else:
        paths = [o.path if isinstance(o, Organization) else o for o in orgs_or_root]
        if not paths:
            return Q(pk__in=[])
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{ADMISSION_PATH}__startswith": path})
    return condition


def admitted_between(
    orgs_or_root: Organization | str | Iterable[Organization | str] | None,
    start: date,
    end: date,
    names: bool = False,
) -> QuerySet:
    """Members admitted from `start` to `end` (both included) into an org of the subtree(s).

    `orgs_or_root`: an org (its subtree), a path prefix, several of them (their union), or
    None (the whole register). The date range on the indexed `admitted_on` comes first — a
    period's admissions are a few percent of the register — then the subtree of the org each
    was admitted into (`with_admission_org`). Rows are annotated with `admission_path`,
    `admission_org_id` (and `admission_org_name` with `names`); count them, group them by a
    prefix of `admission_path`, or list them (drill-down): the same rows."""
    qs = Member.objects.filter(admitted_on__gte=start, admitted_on__lte=end)
    return with_admission_org(qs, names).filter(_subtree(orgs_or_root))


def admitted_in_year(orgs_or_root, year: int, names: bool = False) -> QuerySet:
    return admitted_between(orgs_or_root, date(year, 1, 1), date(year, 12, 31), names)
