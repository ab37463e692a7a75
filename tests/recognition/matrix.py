"""Permission-matrix rows for badges and commendations: screens and API (DEVELOPING.md).

The badge and streak screens take the org from the query string or the form and default to
the top org the user reaches; their outside cases are tested in tests/recognition/.
"""

from datetime import date

from dangbo.recognition import services
from dangbo.recognition.models import BadgeAward, CommendationProposal
from tests.permission_matrix import Case, outside_ids


def _rows(data) -> dict:
    """A badge, a commendation and a streak proposal inside and outside; cached on data."""
    if "badge_inside" not in data:
        for side in ("inside", "outside"):
            member = data[f"{side}_member"]
            data[f"badge_{side}"] = BadgeAward.objects.create(
                member=member, milestone=30, award_date=date(2026, 2, 3), reason="Đủ 30 năm"
            )
            data[f"commendation_{side}"] = services.record_commendation(
                member,
                form="Giấy khen",
                year=2025,
                issuer="Đảng ủy Khối",
                decision_number=f"{side}-QĐ",
                decided_on=date(2026, 1, 10),
            )
            data[f"proposal_{side}"] = CommendationProposal.objects.create(
                organization=data[f"{side}_org"],
                year=2025,
                streak=2,
                form="Giấy khen",
                issuer="Đảng ủy cấp trên",
                reason="Hoàn thành xuất sắc nhiệm vụ 2 năm liền",
            )
    return data


def _pk(kind, side):
    return lambda d: {"pk": _rows(d)[f"{kind}_{side}"].pk}


def _api_list(name, kind):
    return Case(
        name,
        "recognition.view",
        inside=lambda d: (_rows(d), {})[1],
        denied=200,
        listed=lambda d: d[f"{kind}_inside"].pk,
        unlisted=lambda d: d[f"{kind}_outside"].pk,
        query=outside_ids,
    )


def _outside_scope(d) -> dict:
    return {**_scope(d), "org": d["village"].pk}


def _scope(d) -> dict:
    return {"org": d["committee"].pk, "day": "03/02/2026", "year": 2025}


def _act(name, permission):
    """A POST on an org chosen in the body: an org outside the subtree is a 404."""
    return Case(
        f"recognition:{name}",
        permission,
        method="post",
        payload=_scope,
        ok=302,
        outside_body=_outside_scope,
        outside_ok=404,
    )


CASES = [
    Case("recognition:index", "recognition.view", query=outside_ids, query_ok=404),
    _act("propose", "recognition.change"),
    _act("decide", "recognition.approve"),
    Case("recognition:ceremony", "recognition.view", query=outside_ids, query_ok=404),
    Case(
        "recognition:commendations",
        "recognition.view",
        inside=lambda d: (_rows(d), {})[1],
        listed=lambda d: "inside-QĐ",
        unlisted=lambda d: "outside-QĐ",
    ),
    Case(
        "recognition:commend",
        "recognition.change",
        inside=lambda d: {"pk": d["inside_member"].pk},
        outside=lambda d: {"pk": d["outside_member"].pk},
    ),
    Case("recognition:commend_org", "recognition.change"),
    Case(
        "recognition:commend_org",
        "recognition.change",
        method="post",
        outside_body=lambda d: {"organization": d["village"].pk},
    ),
    Case("recognition:streaks", "recognition.view", query=outside_ids, query_ok=404),
    _act("streaks_refresh", "recognition.change"),
    _act("streaks_decide", "recognition.change"),
    _api_list("badge-list", "badge"),
    Case(
        "badge-detail",
        "recognition.view",
        inside=_pk("badge", "inside"),
        outside=_pk("badge", "outside"),
    ),
    _api_list("commendation-list", "commendation"),
    Case(
        "commendation-detail",
        "recognition.view",
        inside=_pk("commendation", "inside"),
        outside=_pk("commendation", "outside"),
    ),
    _api_list("commendation-proposal-list", "proposal"),
    Case(
        "commendation-proposal-detail",
        "recognition.view",
        inside=_pk("proposal", "inside"),
        outside=_pk("proposal", "outside"),
    ),
]
