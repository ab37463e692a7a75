"""Permission matrix rows for the member registry: screens and API."""

from tests.permission_matrix import Case, api_list, outside_ids, pk


def _rows(basename: str, key: str) -> list[Case]:
    """List and detail of a member-owned record kind (restricted by the member's place)."""
    return [
        api_list(
            f"{basename}-list",
            "members.view",
            listed=lambda d: d[f"inside_{key}"].pk,
            unlisted=lambda d: d[f"outside_{key}"].pk,
            query=outside_ids,
        ),
        Case(
            f"{basename}-detail",
            "members.view",
            inside=pk(f"inside_{key}"),
            outside=pk(f"outside_{key}"),
        ),
    ]


CASES = [
    Case(
        "members:list",
        "members.view",
        listed=lambda d: d["inside_member"].full_name,
        unlisted=lambda d: d["outside_member"].full_name,
        query=outside_ids,
    ),
    Case("members:duplicates", "members.view"),
    # without a reason every merge is refused (a message, nothing changed): the shared members
    # stay as they are for the other cases
    Case(
        "members:merge_duplicate",
        "members.change",
        inside=lambda d: {"pk": d["inside_member"].pk, "survivor": d["inside_member"].pk},
        outside=lambda d: {"pk": d["outside_member"].pk, "survivor": d["outside_member"].pk},
        method="post",
        ok=302,
    ),
    Case("members:create", "members.change"),
    Case(
        "members:create",
        "members.change",
        method="post",
        outside_body=lambda d: {"organization": d["village"].pk},
    ),
    Case(
        "members:detail", "members.view", inside=pk("inside_member"), outside=pk("outside_member")
    ),
    Case(
        "members:edit", "members.change", inside=pk("inside_member"), outside=pk("outside_member")
    ),
    Case(
        "members:record_form",
        "members.view",
        inside=pk("inside_member"),
        outside=pk("outside_member"),
    ),
    Case(
        "members:status", "members.change", inside=pk("inside_member"), outside=pk("outside_member")
    ),
    Case(
        "members:leave", "members.change", inside=pk("inside_member"), outside=pk("outside_member")
    ),
    # The form opens for any member within reach; the service refuses one who has not left.
    Case(
        "members:readmit",
        "members.change",
        inside=pk("inside_member"),
        outside=pk("outside_member"),
    ),
    Case(
        "members:readmit",
        "members.change",
        inside=pk("inside_member"),
        method="post",
        outside_body=lambda d: {"organization": d["village"].pk},
    ),
    Case("members:org_merge", "organizations.change", inside=pk("cell_a"), outside=pk("village")),
    Case(
        "members:org_merge",
        "organizations.change",
        inside=pk("cell_a"),
        method="post",
        outside_body=lambda d: {"sources": [d["village"].pk]},
    ),
    Case(
        "members:org_split",
        "organizations.change",
        inside=pk("cell_a"),
        outside=pk("village"),
        # splitting places the cell's members: their names need members.change too
        allowed=lambda role: role.grants("organizations.change") and role.grants("members.change"),
    ),
    *_rows("member", "member"),
    Case(
        "member-list",
        "members.change",
        method="post",
        ok=400,  # the empty body is refused, whoever sends it
        denied=400,
        outside_body=lambda d: {
            "organization": d["village"].pk,
            "full_name": "Võ Thị Mai",
            "gender": "F",
            "birth_date": "1990-03-15",
            "admitted_on": "2020-02-01",
        },
    ),
    Case(
        "member-detail",
        "members.change",
        inside=pk("inside_member"),
        outside=pk("outside_member"),
        method="patch",
        ok=400,  # allowed (PATCH corrects identity fields); the reason is required
    ),
    Case(
        "member-status",
        "members.change",
        inside=pk("inside_member"),
        outside=pk("outside_member"),
        method="post",
        ok=400,  # allowed, and the empty body is refused with field messages
    ),
    *_rows("placement", "placement"),
    *_rows("statusperiod", "status"),
    *_rows("membershipgap", "gap"),
    *_rows("memberevent", "event"),
    *_rows("discipline", "discipline"),
]
