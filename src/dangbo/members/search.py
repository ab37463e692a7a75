"""The top bar's search over the register (core.hooks.register_search): members by name
(unaccented, any word's start: `Member.objects.matching_name`) or by their 12-digit personal ID
number, only under `members.view` in the user's reach; the page shown is logged like the
member list's pages."""

import re

from dangbo.core import hooks
from dangbo.core.audit import log_listing
from dangbo.core.collation import vi_name_order
from dangbo.members.models import Member

ID_NUMBER = re.compile(r"^\d{12}$")


def search_members(request, text: str, limit: int) -> list[hooks.SearchHit]:
    members = Member.objects.restrict(request.user, "members.view")
    compact = text.replace(" ", "")
    if ID_NUMBER.match(compact):
        found = members.filter(id_number=compact)
        logged = f"id_number=…{compact[-4:]}"  # the log keeps no whole ID number
        path = request.path  # nor in the recorded path
    else:
        found = members.matching_name(text)
        logged = f"q={text}"
        path = request.get_full_path()
    rows = list(found.select_related("organization").order_by(*vi_name_order(), "id")[:limit])
    log_listing(request, Member, len(rows), filters=logged, source="search", path=path)
    return [
        hooks.SearchHit(
            label=member.full_name,
            url=member.get_absolute_url(),
            detail=" · ".join(
                part
                for part in (
                    member.organization.name if member.organization_id else "",
                    f"sinh năm {member.birth_date:%Y}" if member.birth_date else "",
                    member.get_status_display(),
                )
                if part
            ),
        )
        for member in rows
    ]


hooks.register_search(
    hooks.SearchSource(
        key="members",
        title="Đảng viên",
        search=search_members,
        permission="members.view",
        order=10,
    )
)
