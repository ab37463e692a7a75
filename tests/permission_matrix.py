"""The permission matrix: every URL pattern (screens, HTMX fragments, API) declared once with
the permission it needs and how to reach an object inside and outside a role's subtree.

Each app declares its URLs in `tests/<app>/matrix.py`:

    from tests.permission_matrix import Case
    CASES = [Case("members:detail", "members.view", inside=lambda d: {"pk": ...}, outside=...)]
    EXEMPT = {"some:name": "why it needs no check"}   # optional

`tests/core/test_permission_matrix.py` fails when a pattern of the URL resolver is declared
nowhere, and checks every case for each default role (core/migrations/0002), each granted on
`data["committee"]`: inside → allowed or 404 as the role's permissions say; outside → 404;
anonymous → login redirect (screens) or 401 (API).
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
    """One URL pattern (by name) as a role sees it.

    permission: the code a role needs (None: any signed-in user).
    inside / outside: data → URL kwargs of an object in / out of the role's subtree.
    method, payload: for POST-only actions (payload: data → form data).
    ok: status when allowed; denied: status when the role lacks the permission (404 hides the
    screen; API lists answer 200 with the rows filtered out).
    listed / unlisted: data → text (screens) or id (API) that must appear when allowed /
    never appear (rows outside the subtree).
    allowed: overrides the permission test (role → bool) for rules beyond one code.
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

    @property
    def id(self) -> str:
        return f"{self.name}[{self.method}]"


def api_list(name, permission, listed=None, unlisted=None) -> Case:
    """An API list: 200 for everyone signed in, rows filtered by the role's reach."""
    return Case(name, permission, inside=lambda d: {}, denied=200, listed=listed, unlisted=unlisted)


def pk(key: str, index: int | None = None) -> Kwargs:
    """URL kwargs {"pk": data[key].pk} (or data[key][index].pk)."""

    def kwargs(data):
        obj = data[key] if index is None else data[key][index]
        return {"pk": obj.pk}

    return kwargs


def declarations():
    """(cases, exemptions) gathered from every tests/<app>/matrix.py."""
    cases: list[Case] = []
    exempt = dict(EXEMPT)
    for path in sorted(Path(__file__).parent.glob("*/matrix.py")):
        module = import_module(f"tests.{path.parent.name}.matrix")
        cases.extend(getattr(module, "CASES", []))
        exempt.update(getattr(module, "EXEMPT", {}))
    return cases, exempt


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
