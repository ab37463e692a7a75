"""The generated permission matrix (see tests/permission_matrix.py and docs/DEVELOPING.md)."""

import pytest
from django.urls import reverse

from dangbo.core.models import Role
from tests import factories
from tests.permission_matrix import build_data, declarations, is_exempt, url_names

CASES, EXEMPT = declarations()
DEFAULT_ROLES = [
    "province_admin",
    "org_board_officer",
    "inspection_officer",
    "grassroots_committee",
    "cell_secretary",
    "office_staff",
    "viewer",
]


def test_every_url_pattern_is_declared():
    declared = {case.name for case in CASES}
    names = {name for name, _route in url_names()}
    missing = sorted(n for n in names if n not in declared and not is_exempt(n, EXEMPT))
    assert not missing, (
        "URL patterns missing from the permission matrix; declare them in "
        f"tests/<app>/matrix.py (docs/DEVELOPING.md): {missing}"
    )
    stale = sorted(declared - names)
    assert not stale, f"matrix rows for URL names that no longer exist: {stale}"


def _call(client, case, url, payload):
    if case.method == "post":
        return client.post(url, payload)
    return client.get(url)


def _check_listing(case, response, data, allowed, who):
    if case.listed is None and case.unlisted is None:
        return
    if response["Content-Type"].startswith("application/json"):
        shown = {row["id"] for row in response.json()["results"]}
    else:
        shown = response.content.decode()
    if case.listed is not None:
        assert (case.listed(data) in shown) == allowed, f"{who}: listed row shown={not allowed}"
    if case.unlisted is not None:
        assert case.unlisted(data) not in shown, f"{who}: a row outside the subtree is shown"


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_matrix(case, tree, client):
    data = build_data(tree)
    inside = reverse(case.name, kwargs=case.inside(data) if case.inside else {})
    outside = reverse(case.name, kwargs=case.outside(data)) if case.outside else None
    payload = case.payload(data) if case.payload else {}
    api = inside.startswith("/api/")

    response = _call(client, case, inside, payload)
    if api:
        assert response.status_code == 401, f"anonymous {inside}: {response.status_code}"
    else:
        assert response.status_code == 302, f"anonymous {inside}: {response.status_code}"
        assert response["Location"].startswith(reverse("login"))

    for code in DEFAULT_ROLES:
        role = Role.objects.get(code=code)
        user = factories.user(f"matrix_{code}", role_code=code, on=data["committee"])
        client.force_login(user)
        allowed = (
            case.allowed(role)
            if case.allowed
            else (case.permission is None or role.grants(case.permission))
        )
        expected = case.ok if allowed else case.denied
        who = f"{code} {case.method.upper()} {inside}"
        response = _call(client, case, inside, payload)
        assert response.status_code == expected, f"{who}: {response.status_code} != {expected}"
        _check_listing(case, response, data, allowed, who)
        if outside is not None:
            response = _call(client, case, outside, payload)
            assert response.status_code == 404, f"{code} {outside}: {response.status_code}"
        client.logout()
