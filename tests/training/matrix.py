"""Permission-matrix rows for training: screens and API (see docs/DEVELOPING.md)."""

from datetime import date

from dangbo.training import services
from tests.permission_matrix import Case, outside_ids

ORGS = {"inside": "committee", "outside": "commune"}


def _classes(data) -> dict:
    """A class organised inside (the committee) and one outside (the commune); cached."""
    if "class_inside" not in data:
        for side, org in ORGS.items():
            data[f"class_{side}"] = services.open_class(
                organization=data[org],
                kind="candidate",
                name=f"Lớp bồi dưỡng nhận thức về Đảng ({side})",
                starts_on=date(2026, 3, 2),
                ends_on=date(2026, 3, 6),
            )
    return data


def _pk(side):
    return lambda d: {"pk": _classes(d)[f"class_{side}"].pk}


def _action(side):
    return lambda d: {"pk": _classes(d)[f"class_{side}"].pk, "action": "enrol"}


CASES = [
    Case(
        "training:index",
        "training.view",
        inside=lambda d: (_classes(d), {})[1],
        listed=lambda d: d["class_inside"].name,
        unlisted=lambda d: d["class_outside"].name,
    ),
    Case("training:create", "training.change"),
    Case(
        "training:create",
        "training.change",
        method="post",
        outside_body=lambda d: {"organization": d["commune"].pk},
    ),
    Case("training:statistics", "training.view", query=outside_ids, query_ok=404),
    Case("training:detail", "training.view", inside=_pk("inside"), outside=_pk("outside")),
    Case(
        "training:action",
        "training.change",
        inside=_action("inside"),
        outside=_action("outside"),
        method="post",
        ok=302,  # back to the class (an unknown member is reported as a message)
        outside_body=lambda d: {"member": d["outside_member"].pk},
        outside_ok=302,
    ),
    Case(
        "training-class-list",
        "training.view",
        inside=lambda d: (_classes(d), {})[1],
        denied=200,
        listed=lambda d: d["class_inside"].pk,
        unlisted=lambda d: d["class_outside"].pk,
        query=outside_ids,
    ),
    Case("training-class-detail", "training.view", inside=_pk("inside"), outside=_pk("outside")),
]
