"""The permission matrix: every URL pattern (screens, HTMX fragments, API) declared once with
the permission it needs and how to reach an object inside and outside a role's subtree.

Each app declares its URLs in `tests/<app>/matrix.py`:

    from tests.permission_matrix import Case
    CASES = [Case("members:detail", "members.view", inside=lambda d: {"pk": ...}, outside=...)]
    EXEMPT = {"some:name": "why it needs no check"}   # optional

`tests/core/test_permission_matrix.py` fails when a pattern of the URL resolver is declared
nowhere, and checks every case for each default role (core/migrations/0002), each granted on
`data["committee"]`: inside → allowed or 404 as the role's permissions say; outside → 404;
anonymous → login redirect (screens) or 401 (API). Besides:

- every API detail route is also sent PATCH and DELETE (derived cases): 405 where the viewset
  has no such action; a route that has one must declare it (`method="patch"`);
- `outside_body`: a POST body naming an object outside the subtree (an org, a member…): each
  allowed role gets a form error (screens: 200) or a 400 (API), nothing is written (no audit
  entry) and no outside name shows. A form or serializer restricting a related field during a
  case makes `outside_body` mandatory for that URL (or an entry in OUTSIDE_BODY_EXEMPT);
- `query`: query-string parameters naming outside objects (`?org=<village>`): the page
  answers as usual, with no outside row or name.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from importlib import import_module
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

from dangbo.core.models import DayOverride, RoleAssignment, UserProfile
from dangbo.members.models import Discipline, MembershipGap
from tests import factories

Kwargs = Callable[[dict], dict]

# Patterns that need no matrix row, with the reason (a trailing * matches a prefix).
EXEMPT = {
    "login": "the public login page",
    "logout": "POST only; ends the caller's own session",
    "admin:*": "Django admin: is_staff only (dangbo screens are the administration UI)",
}


@dataclass
class Case:
    """One URL pattern (by name) and method as a role sees it.

    permission: the code a role needs (None: any signed-in user).
    inside / outside: data → URL kwargs of an object in / out of the role's subtree.
    method, payload: "get", "post", "patch" or "delete"; payload: data → form data.
    ok: status when allowed; denied: status when the role lacks the permission (404 hides the
    screen; API lists answer 200 with the rows filtered out); outside_status: for `outside`.
    listed / unlisted: data → text (screens) or id (API) that must appear when allowed /
    never appear (rows outside the subtree).
    allowed: overrides the permission test (role → bool) for rules beyond one code.
    outside_body: data → a POST body naming objects outside the subtree (see the module doc);
    outside_ok: the status it gets from an allowed role (default 200 screens, 400 API).
    query: data → query-string parameters naming outside objects; query_ok: the status an
    allowed role gets with them (default `ok`; 404 when the parameter chooses the object).
    """

    name: str
    permission: str | None = None
    inside: Kwargs | None = None
    outside: Kwargs | None = None
    method: str = "get"
    payload: Kwargs | None = None
    ok: int = 200
    denied: int = 404
    listed: Callable[[dict], object] | None = None
    unlisted: Callable[[dict], object] | None = None
    allowed: Callable[[object], bool] | None = None
    outside_body: Kwargs | None = None
    outside_ok: int | None = None
    query: Kwargs | None = None
    query_ok: int | None = None
    outside_status: int = 404
    derived: bool = False

    @property
    def id(self) -> str:
        return f"{self.name}[{self.method}]"


# URL names whose forms or serializers restrict a related field but need no outside-body row.
OUTSIDE_BODY_EXEMPT: dict[str, str] = {}


def derived_cases(cases: list[Case]) -> list[Case]:
    """PATCH and DELETE of every API detail route that declares neither: the test expects 405
    (no such action) and fails when the viewset has one, which must then be declared."""
    declared = {(case.name, case.method) for case in cases}
    derived = []
    for case in cases:
        if case.method != "get" or not case.name.endswith("-detail"):
            continue
        for method in ("patch", "delete"):
            if (case.name, method) not in declared:
                derived.append(
                    Case(
                        case.name,
                        case.permission,
                        inside=case.inside,
                        outside=case.outside,
                        method=method,
                        ok=405,
                        denied=405,
                        outside_status=405,
                        allowed=case.allowed,
                        derived=True,
                    )
                )
    return derived


def outside_names(data) -> list[str]:
    """Names of the shared outside objects that must never show for a role on the committee."""
    return [data["outside_org"].name, data["outside_member"].full_name]


def api_list(name, permission, listed=None, unlisted=None, query=None) -> Case:
    """An API list: 200 for everyone signed in, rows filtered by the role's reach."""
    return Case(
        name,
        permission,
        inside=lambda d: {},
        denied=200,
        listed=listed,
        unlisted=unlisted,
        query=query,
    )


def outside_ids(data) -> dict:
    """Query-string parameters naming the shared outside org and member, under the names
    the lists and filters use."""
    org, member = data["outside_org"].pk, data["outside_member"].pk
    return {"org": org, "organization": org, "member": member}


def pk(key: str, index: int | None = None) -> Kwargs:
    """URL kwargs {"pk": data[key].pk} (or data[key][index].pk)."""

    def kwargs(data):
        obj = data[key] if index is None else data[key][index]
        return {"pk": obj.pk}

    return kwargs


def declarations():
    """(cases, exemptions) gathered from every tests/<app>/matrix.py, with the derived
    PATCH/DELETE cases of the API detail routes."""
    cases: list[Case] = []
    exempt = dict(EXEMPT)
    for path in sorted(Path(__file__).parent.glob("*/matrix.py")):
        module = import_module(f"tests.{path.parent.name}.matrix")
        cases.extend(getattr(module, "CASES", []))
        exempt.update(getattr(module, "EXEMPT", {}))
        OUTSIDE_BODY_EXEMPT.update(getattr(module, "OUTSIDE_BODY_EXEMPT", {}))
    return cases + derived_cases(cases), exempt


def url_names(resolver=None, namespace: str = ""):
    """(name, route) of every pattern the URL resolver knows, namespaces included."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            route = str(pattern.pattern)
            yield f"{namespace}{pattern.name or f'<{route}>'}", route


def is_exempt(name: str, exempt: dict) -> bool:
    return name in exempt or any(key.endswith("*") and name.startswith(key[:-1]) for key in exempt)


def build_data(tree: dict) -> dict:
    """The shared matrix data: the `tree` fixture plus one row of each kind inside the
    committee's subtree (cell_a) and one outside it (the village cell)."""
    data = dict(tree)
    for side, org, member in (
        ("inside", tree["cell_a"], tree["members_a"][0]),
        ("outside", tree["village"], tree["village_members"][0]),
    ):
        account = factories.user(f"taikhoan_{side}", role_code="viewer", on=org)
        UserProfile.objects.create(user=account, organization=org)
        data[f"{side}_account"] = account
        data[f"{side}_assignment"] = RoleAssignment.objects.get(user=account)
        data[f"{side}_member"] = member
        data[f"{side}_org"] = org
        data[f"{side}_discipline"] = Discipline.objects.create(
            member=member,
            form="reprimand",
            decided_on=date(2024, 3, 1),
            decision_number="12-QĐ/UBKT",
            authority="Ủy ban kiểm tra",
            reason="Vi phạm quy chế làm việc",
        )
        data[f"{side}_gap"] = MembershipGap.objects.create(
            member=member, valid_from=date(2015, 1, 1), valid_to=date(2016, 1, 1)
        )
        data[f"{side}_placement"] = member.placements.first()
        data[f"{side}_status"] = member.status_periods.first()
        data[f"{side}_event"] = member.events.first()
        data[f"{side}_org_event"] = org.events.first()
        data[f"{side}_org_period"] = org.periods.first()
    data["day_override"] = DayOverride.objects.create(
        day=date(2026, 1, 2), is_working_day=False, note="Nghỉ bù"
    )
    return data
