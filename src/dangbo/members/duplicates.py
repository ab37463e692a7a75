"""Likely duplicate persons in the register (#22): the national push is a register «with no
errors or duplicates».

The ID number is unique in the register (a second record with the same number cannot be
saved; a member import with a known number updates that member), so the duplicates left to
find are the same person recorded twice without a number or with a different one: the same
accent-folded name (`name_search`) and birth date. Scoped like every list: a user sees the
groups whose records are all within their reach.
"""

from datetime import date

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from dangbo.core.accounts import actor
from dangbo.core.errors import DomainError
from dangbo.core.permissions import has_permission
from dangbo.core.text import clean_spaces
from dangbo.members.choices import Status
from dangbo.members.models import Member, MemberEvent, StatusPeriod

MAX_GROUPS = 200
CHUNK = 5000


def duplicate_groups(user, limit: int = MAX_GROUPS) -> list[list[Member]]:
    """Groups of two or more members the user may view sharing name and birth date."""
    reach = Member.objects.restrict(user, "members.view").exclude(status=Status.MERGED)
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
        chunk = Member.objects.filter(name_search__in=names[start : start + CHUNK])
        rows = chunk.exclude(status=Status.MERGED).values(
            "pk", "full_name", "name_search", "birth_date", "org_path", "organization__name"
        )
        for row in rows:
            key = (row["name_search"], row["birth_date"])
            if key in wanted:
                found.setdefault(key, []).append(row)
    return found


@transaction.atomic
def merge(duplicate: Member, survivor: Member, *, reason: str, user) -> Member:
    """Merge a duplicate record into the survivor, keeping both histories: the duplicate stays
    (status MERGED from today, `merged_into` the survivor, its events, placements and status
    periods untouched) and leaves every count; both timelines record the merge."""
    duplicate = Member.objects.select_for_update().get(pk=duplicate.pk)
    survivor = Member.objects.select_for_update().get(pk=survivor.pk)
    for member in (duplicate, survivor):
        if not has_permission(user, "members.change", member.org_path):
            raise DomainError("Hồ sơ nằm ngoài phạm vi được giao.", "member")
    problem = merge_problem(duplicate, survivor)
    if problem:
        raise DomainError(problem, "member")
    if not clean_spaces(reason):
        raise DomainError("Cần ghi lý do gộp (căn cứ xác định là cùng một người).", "reason")
    today = timezone.localdate()
    on = max(today, duplicate.status_since)
    StatusPeriod.objects.filter(member=duplicate, valid_to__isnull=True).update(valid_to=on)
    StatusPeriod.objects.create(
        member=duplicate,
        status=Status.MERGED,
        valid_from=on,
        note=f"Gộp vào hồ sơ #{survivor.pk}"[:255],
    )
    old_label = duplicate.get_status_display()
    duplicate.status, duplicate.status_since, duplicate.merged_into = Status.MERGED, on, survivor
    duplicate.save()
    for member, summary in (
        (duplicate, f"{old_label} → gộp vào hồ sơ #{survivor.pk} ({survivor.full_name})"),
        (survivor, f"Gộp hồ sơ trùng #{duplicate.pk} vào hồ sơ này"),
    ):
        MemberEvent.objects.create(
            member=member,
            kind=MemberEvent.Kind.MERGED,
            date=on,
            summary=summary,
            reason=clean_spaces(reason),
            details={"duplicate": duplicate.pk, "survivor": survivor.pk},
            recorded_by=actor(user),
        )
    return duplicate


def merge_problem(duplicate: Member, survivor: Member) -> str | None:
    if duplicate.pk == survivor.pk:
        return "Không thể gộp một hồ sơ vào chính nó."
    if Status.MERGED in (duplicate.status, survivor.status):
        return "Hồ sơ đã được gộp trước đó."
    if (duplicate.name_search, duplicate.birth_date) != (survivor.name_search, survivor.birth_date):
        return "Chỉ gộp được hai hồ sơ cùng họ tên và ngày sinh."
    return None
