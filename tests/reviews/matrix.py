"""Permission-matrix rows for the reviews app: screens and API (docs/DEVELOPING.md)."""

from datetime import date

from dangbo.reviews import rules, services
from dangbo.reviews.models import Absence, MemberReview, OrgReview
from tests.permission_matrix import Case, api_list, outside_ids

YEAR = 2025


def _years(d):
    """A year opened on the committee (inside) and on the commune (outside), once per test."""
    if "_review_years" not in d:
        d["_review_years"] = (
            services.open_year(organization=d["committee"], year=YEAR),
            services.open_year(organization=d["commune"], year=YEAR),
        )
    return d["_review_years"]


def org_review(side: str, key: str):
    def kwargs(d):
        year = _years(d)[0 if side == "inside" else 1]
        return {"pk": OrgReview.objects.get(review_year=year, organization=d[key]).pk}

    return kwargs


def member_review(side: str):
    def kwargs(d):
        year = _years(d)[0 if side == "inside" else 1]
        member = d[f"{side}_member"]
        return {"pk": MemberReview.objects.get(review_year=year, member=member).pk}

    return kwargs


def year_pk(side: str):
    def kwargs(d):
        return {"pk": _years(d)[0 if side == "inside" else 1].pk}

    return kwargs


def member_results(side: str):
    def kwargs(d):
        _years(d)
        return {"member_pk": d[f"{side}_member"].pk}

    return kwargs


def absence(side: str):
    def kwargs(d):
        row = Absence.objects.create(
            member=d[f"{side}_member"],
            kind=rules.EXCUSED,
            valid_from=date(2024, 1, 1),
            note="Ốm dài ngày",
        )
        return {"pk": row.pk}

    return kwargs


def member(side: str):
    return lambda d: {"pk": d[f"{side}_member"].pk}


INSIDE_ROOT, OUTSIDE_ROOT = org_review("inside", "committee"), org_review("outside", "commune")
INSIDE_CELL, OUTSIDE_CELL = org_review("inside", "cell_a"), org_review("outside", "village")


def _screen(name, permission, inside, outside, **kw):
    return Case(f"reviews:{name}", permission, inside=inside, outside=outside, **kw)


CASES = [
    Case("reviews:index", "reviews.view"),
    Case("reviews:open", "reviews.manage"),
    Case(
        "reviews:open",
        "reviews.manage",
        method="post",
        outside_body=lambda d: {"organization": d["commune"].pk, "year": 2026},
    ),
    Case(
        "reviews:absences",
        "reviews.view",
        # a name search of the register: never a member outside the subtree
        query=lambda d: {"q": "dang thi thuy"},  # the outside member's name, unaccented
    ),
    _screen("overview", "reviews.view", INSIDE_ROOT, OUTSIDE_ROOT),
    _screen("entry", "reviews.change", INSIDE_CELL, OUTSIDE_CELL),
    _screen("confirm", "reviews.confirm", INSIDE_ROOT, OUTSIDE_ROOT),
    _screen("decide_orgs", "reviews.confirm", INSIDE_ROOT, OUTSIDE_ROOT, method="post", ok=302),
    _screen("org_score", "reviews.change", INSIDE_CELL, OUTSIDE_CELL),
    _screen("close", "reviews.manage", INSIDE_ROOT, OUTSIDE_ROOT, method="post", ok=302),
    _screen("export", "reviews.view", INSIDE_ROOT, OUTSIDE_ROOT),
    _screen("export_docx", "reviews.view", INSIDE_ROOT, OUTSIDE_ROOT),
    _screen("member", "reviews.view", member_results("inside"), member_results("outside")),
    _screen("self", "reviews.change", member_review("inside"), member_review("outside")),
    _screen("appeal", "reviews.change", member_review("inside"), member_review("outside")),
    _screen("final", "reviews.confirm", member_review("inside"), member_review("outside")),
    _screen("absence_create", "reviews.change", member("inside"), member("outside")),
    _screen("absence_end", "reviews.change", absence("inside"), absence("outside")),
    # API
    api_list("review-year-list", "reviews.view", query=outside_ids),
    Case(
        "review-year-list",
        "reviews.manage",
        method="post",
        ok=400,
        denied=400,
        outside_body=lambda d: {"organization": d["commune"].pk, "year": 2026},
    ),
    Case(
        "review-year-detail", "reviews.view", inside=year_pk("inside"), outside=year_pk("outside")
    ),
    Case(
        "review-year-close",
        "reviews.manage",
        inside=year_pk("inside"),
        outside=year_pk("outside"),
        method="post",
        ok=400,  # allowed; refused while members have no final grade
    ),
    api_list("member-review-list", "reviews.view"),
    Case(
        "member-review-detail",
        "reviews.view",
        inside=member_review("inside"),
        outside=member_review("outside"),
    ),
    api_list("org-review-list", "reviews.view"),
    Case("org-review-detail", "reviews.view", inside=INSIDE_ROOT, outside=OUTSIDE_ROOT),
    Case("org-review-shares", "reviews.view", inside=INSIDE_ROOT, outside=OUTSIDE_ROOT),
    Case("org-review-quota", "reviews.confirm", inside=INSIDE_ROOT, outside=OUTSIDE_ROOT),
    Case(
        "org-review-confirm",
        "reviews.confirm",
        inside=INSIDE_ROOT,
        outside=OUTSIDE_ROOT,
        method="post",
        ok=400,  # allowed; refused while no cell has proposed grades
    ),
    api_list("review-absence-list", "reviews.view", query=outside_ids),
    Case(
        "review-absence-list",
        "reviews.change",
        method="post",
        ok=400,
        denied=400,
        outside_body=lambda d: {
            "member": d["outside_member"].pk,
            "kind": "excused",
            "valid_from": "2026-01-01",
            "note": "Ốm dài ngày",
        },
    ),
    Case(
        "review-absence-detail",
        "reviews.view",
        inside=absence("inside"),
        outside=absence("outside"),
    ),
    Case(
        "review-absence-end",
        "reviews.change",
        inside=absence("inside"),
        outside=absence("outside"),
        method="post",
        ok=400,  # allowed; the empty body is refused
    ),
    Case(
        "org-review-entry",
        "reviews.change",
        inside=INSIDE_CELL,
        outside=OUTSIDE_CELL,
        method="post",
        ok=400,  # allowed; the empty body is refused
    ),
]

EXEMPT = {
    "reviews:decide_root": (
        "decided by the committee ABOVE the year's root (outside every role granted on the "
        "root by the matrix); tested in tests/reviews/test_views.py "
        "(test_committee_above_decides_the_root_org)"
    ),
}
