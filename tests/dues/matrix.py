"""Permission-matrix rows for party dues: screens and API (see docs/DEVELOPING.md).

The scope screens (ledger, totals, arrears, close, pay, remit) take the org from the query
string or the form and default to the top org the user reaches; their outside case (another
subtree → 404) is tested in tests/dues/test_services_views.py.
"""

from datetime import date

from dangbo.dues import services
from dangbo.dues.models import DuesRate, LedgerEntry, RegionalMinimumWage
from tests.permission_matrix import Case, api_list, outside_ids

MONTH = date(2026, 1, 1)


def _ledger(data) -> dict:
    """One priced ledger row inside (cell_a) and one outside (the village); cached on data."""
    if "dues_inside" not in data:
        for side in ("inside", "outside"):
            member = data[f"{side}_member"]
            basis = services.set_income_basis(
                member, valid_from=MONTH, income_type="salary", amount=8_000_000
            )
            services.close_month(data[f"{side}_org"], MONTH)
            data[f"dues_{side}"] = LedgerEntry.objects.get(member=member, month=MONTH)
            data[f"basis_{side}"] = basis
    return data


def _rows(name: str, key: str) -> Case:
    """An API list: 200 for everyone signed in, rows filtered by the role's reach."""
    return Case(
        name,
        "dues.view",
        inside=lambda d: (_ledger(d), {})[1],
        denied=200,
        listed=lambda d: d[f"{key}_inside"].pk,
        unlisted=lambda d: d[f"{key}_outside"].pk,
        query=outside_ids,
    )


def _entry(side):
    return lambda d: {"pk": _ledger(d)[f"dues_{side}"].pk}


def _basis(side):
    return lambda d: {"pk": _ledger(d)[f"basis_{side}"].pk}


def _scope(d) -> dict:
    return {"org": d["committee"].pk, "month": "01/2026"}


CASES = [
    # ?org= chooses the org shown: one outside the subtree is a 404, like a URL
    *(
        Case(name, "dues.view", query=outside_ids, query_ok=404)
        for name in ("dues:index", "dues:arrears", "dues:totals_xlsx")
    ),
    *(
        Case(
            name,
            "dues.change",
            method="post",
            payload=_scope,
            ok=302,
            outside_body=lambda d: {"org": d["village"].pk, "month": "01/2026"},
            outside_ok=404,
        )
        for name in ("dues:close", "dues:pay", "dues:remit")
    ),
    Case("dues:receipt", "dues.view", inside=_entry("inside"), outside=_entry("outside")),
    Case(
        "dues:basis",
        "dues.change",
        inside=lambda d: {"pk": d["inside_member"].pk},
        outside=lambda d: {"pk": d["outside_member"].pk},
    ),
    _rows("dues-ledger-list", "dues"),
    Case("dues-ledger-detail", "dues.view", inside=_entry("inside"), outside=_entry("outside")),
    _rows("dues-income-basis-list", "basis"),
    Case(
        "dues-income-basis-detail", "dues.view", inside=_basis("inside"), outside=_basis("outside")
    ),
    # The rate and wage tables are regulation, not personal data: any signed-in user.
    api_list("dues-rate-list", None),
    Case("dues-rate-detail", None, inside=lambda d: {"pk": DuesRate.objects.first().pk}),
    api_list("dues-regional-wage-list", None),
    Case(
        "dues-regional-wage-detail",
        None,
        inside=lambda d: {"pk": RegionalMinimumWage.objects.first().pk},
    ),
]
