"""Permission matrix rows for core: home, administration screens, API reference data."""

from dangbo.core.models import Role, RuleParameter
from dangbo.core.text import normalize
from tests.permission_matrix import Case, api_list, pk


def _role(data):
    return {"pk": Role.objects.get(code="viewer").pk}


def _role_id(data):
    return Role.objects.get(code="viewer").pk


CASES = [
    Case("home"),
    # The top bar's search: any signed-in user; each source within its own permission.
    # Unaccented, so the echoed query is not the outside name the check looks for.
    Case("search", query=lambda d: {"q": normalize(d["outside_member"].full_name)}),
    Case("api-root"),
    Case("api-schema"),
    Case("api-docs"),
    Case("core:token"),
    # The officer's own second factor (the switch is off in the matrix: see
    # tests/core/test_second_factor.py for the flow). Without an enrolment the code page
    # sends to the enrolment page.
    Case("core:account_security"),
    Case("core:second_factor", ok=302),
    Case("core:second_factor_enrol"),
    # Reference data: any signed-in user reads it.
    api_list("role-list", None, listed=_role_id),
    Case("role-detail", inside=_role),
    api_list("ruleparameter-list", None),
    Case(
        "ruleparameter-detail",
        inside=lambda d: {"pk": RuleParameter.objects.first().pk},
    ),
    api_list("dayoverride-list", None, listed=lambda d: d["day_override"].pk),
    Case("dayoverride-detail", inside=pk("day_override")),
    # Accounts and grants: core.admin, within the administrator's subtrees.
    api_list(
        "roleassignment-list",
        "core.admin",
        listed=lambda d: d["inside_assignment"].pk,
        unlisted=lambda d: d["outside_assignment"].pk,
        query=lambda d: {"user": d["outside_account"].pk},
    ),
    Case(
        "roleassignment-detail",
        "core.admin",
        inside=pk("inside_assignment"),
        outside=pk("outside_assignment"),
    ),
    api_list(
        "user-list",
        "core.admin",
        listed=lambda d: d["inside_account"].pk,
        unlisted=lambda d: d["outside_account"].pk,
    ),
    Case("user-detail", "core.admin", inside=pk("inside_account"), outside=pk("outside_account")),
    Case("core:index", "core.admin", ok=302),
    Case(
        "core:users",
        "core.admin",
        listed=lambda d: d["inside_account"].username,
        unlisted=lambda d: d["outside_account"].username,
    ),
    Case("core:user_create", "core.admin"),
    # an account placed, or a role granted, on an org outside the administrator's subtree
    Case(
        "core:user_create",
        "core.admin",
        method="post",
        outside_body=lambda d: {"organization": d["village"].pk},
    ),
    *(
        Case(
            name,
            "core.admin",
            inside=pk("inside_account"),
            method="post",
            outside_body=lambda d: {"organization": d["village"].pk, "role": _role_id(d)},
        )
        for name in ("core:user_edit", "core:user_assign")
    ),
    *(
        Case(name, "core.admin", inside=pk("inside_account"), outside=pk("outside_account"))
        for name in (
            "core:user",
            "core:user_edit",
            "core:user_password",
            "core:user_assign",
            "core:user_second_factor_reset",
        )
    ),
    Case(
        "core:user_active",
        "core.admin",
        inside=pk("inside_account"),
        outside=pk("outside_account"),
        method="post",
        payload=lambda d: {"active": "1"},
        ok=302,
    ),
    Case(
        "core:assignment_revoke",
        "core.admin",
        inside=pk("inside_assignment"),
        outside=pk("outside_assignment"),
        method="post",
        ok=302,
    ),
    Case("core:roles", "core.admin"),
    # Role definitions are national: editing needs core.admin on a root of the tree, and the
    # matrix grants every role on a committee (not a root); tests/core/test_admin.py covers
    # the root administrator.
    Case("core:role_create", "core.admin", allowed=lambda role: False),
    Case("core:role_edit", "core.admin", inside=_role, allowed=lambda role: False),
    Case("core:parameters", "core.admin"),
    Case(
        "core:parameter_create",
        "core.admin",
        outside_body=lambda d: {
            "key": "member.readmission_min_months",
            "value": "40",
            "valid_from": "01/01/2026",
            "source": "QĐ",
            "organization": d["village"].pk,
        },
    ),
    Case("core:audit", "core.audit"),
]
