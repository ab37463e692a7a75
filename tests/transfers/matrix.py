"""Permission-matrix rows for transfers: screens and API (see docs/DEVELOPING.md).

Both sides reach a transfer: the inside one goes from cell_b to cell_a (inside the committee);
the outside one leaves the village for an org outside the system.
"""

from datetime import date

from dangbo.transfers import services
from tests.permission_matrix import Case, outside_ids


def _transfers(data) -> dict:
    if "transfer_inside" not in data:
        data["transfer_inside"] = services.issue(
            data["members_b"][0], to_org=data["cell_a"], on=date(2026, 10, 1), paper_number="12"
        )
        data["transfer_outside"] = services.transfer_out(
            data["village_members"][0],
            destination="Đảng bộ tỉnh Bắc Sơn",
            on=date(2026, 10, 1),
            paper_number="13",
        )
    return data


def _pk(side):
    return lambda d: {"pk": _transfers(d)[f"transfer_{side}"].pk}


def _act(side):
    return lambda d: {"pk": _transfers(d)[f"transfer_{side}"].pk, "act": "present"}


def _member(side):
    return lambda d: {"member": d[f"{side}_member"].pk}


def _acts(name):
    return Case(
        name,
        "transfers.change",
        inside=_pk("inside"),
        outside=_pk("outside"),
        method="post",
        ok=400,  # allowed, and the empty body is refused with field messages
    )


CASES = [
    Case(
        "transfers:index",
        "transfers.view",
        inside=lambda d: (_transfers(d), {})[1],
        listed=lambda d: d["members_b"][0].full_name,
        unlisted=lambda d: d["village_members"][0].full_name,
        query=outside_ids,
    ),
    # issues the introduction letter in the register of the sending side (once), answers DOCX
    Case(
        "transfers:letter",
        "transfers.change",
        inside=_pk("inside"),
        outside=_pk("outside"),
        method="post",
    ),
    Case("transfers:pick", "transfers.change"),  # cells anywhere: the receiving side
    Case("transfers:transfer_in", "transfers.change"),
    Case(
        "transfers:transfer_in",
        "transfers.change",
        method="post",
        outside_body=lambda d: {"to_org": d["village"].pk},
    ),
    Case(
        "transfers:issue", "transfers.change", inside=_member("inside"), outside=_member("outside")
    ),
    Case("transfers:detail", "transfers.view", inside=_pk("inside"), outside=_pk("outside")),
    Case("transfers:act", "transfers.change", inside=_act("inside"), outside=_act("outside")),
    Case(
        "transfer-list",
        "transfers.view",
        inside=lambda d: (_transfers(d), {})[1],
        denied=200,
        listed=lambda d: d["transfer_inside"].pk,
        unlisted=lambda d: d["transfer_outside"].pk,
        query=outside_ids,
    ),
    Case(
        "transfer-list",
        "transfers.change",
        method="post",
        ok=400,
        denied=400,
        outside_body=lambda d: {
            "member": d["outside_member"].pk,
            "to_org": d["cell_a"].pk,
            "on": "2026-10-01",
            "paper_number": "14",
        },
    ),
    Case("transfer-detail", "transfers.view", inside=_pk("inside"), outside=_pk("outside")),
    _acts("transfer-present"),
    _acts("transfer-receive"),
    _acts("transfer-cancel"),
    _acts("transfer-accept"),
    _acts("transfer-end"),
]
