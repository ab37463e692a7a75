"""Likely duplicate persons in the register (#22): the national push is a register «with no
errors or duplicates».

The ID number is unique in the register (a second record with the same number cannot be
saved; a member import with a known number updates that member), so the duplicates left to
find are the same person recorded twice without a number or with a different one: the same
accent-folded name (`name_search`) and birth date. Scoped like every list: a user sees the
groups whose records are all within their reach.
"""

from datetime import date

from django.db.models import Count

from dangbo.members.models import Member

MAX_GROUPS = 200
CHUNK = 5000


def duplicate_groups(user, limit: int = MAX_GROUPS) -> list[list[Member]]:
    """Groups of two or more members the user may view sharing name and birth date."""
    reach = Member.objects.restrict(user, "members.view")
    keys = list(
        reach.values("name_search", "birth_date")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("name_search", "birth_date")
        .values_list("name_search", "birth_date")[:limit]
    )
    if not keys:
        return []
    groups: dict[tuple[str, date], list[Member]] = {key: [] for key in keys}
    candidates = reach.filter(
        name_search__in={name for name, _birth in keys},
        birth_date__in={birth for _name, birth in keys},
    ).select_related("organization")
    for member in candidates.order_by("name_search", "birth_date", "pk"):
        key = (member.name_search, member.birth_date)
        if key in groups:
            groups[key].append(member)
    return [group for group in groups.values() if len(group) > 1]


def same_person_rows(pairs: list[tuple[str, date]]) -> dict[tuple[str, date], list[dict]]:
    """Registered members (anywhere) having each (accent-folded name, birth date)."""
    found: dict[tuple[str, date], list[dict]] = {}
    wanted = set(pairs)
    if not wanted:
        return found
    names = sorted({name for name, _birth in wanted})
    for start in range(0, len(names), CHUNK):
        rows = Member.objects.filter(name_search__in=names[start : start + CHUNK]).values(
            "pk", "full_name", "name_search", "birth_date", "org_path", "organization__name"
        )
        for row in rows:
            key = (row["name_search"], row["birth_date"])
            if key in wanted:
                found.setdefault(key, []).append(row)
    return found
