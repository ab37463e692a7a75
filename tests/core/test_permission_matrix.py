"""The generated permission matrix (see tests/permission_matrix.py and docs/DEVELOPING.md)."""

import json
from contextlib import contextmanager

import pytest
from auditlog.models import LogEntry
from django import forms as djforms
from django.urls import resolve, reverse

from dangbo.core import api as core_api
from dangbo.core import forms as core_forms
from dangbo.core.models import Role
from tests import factories
from tests.permission_matrix import (
    OUTSIDE_BODY_EXEMPT,
    build_data,
    declarations,
    is_exempt,
    outside_names,
    url_names,
)

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
WITH_OUTSIDE_BODY = {case.name for case in CASES if case.outside_body}


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


def test_exemptions_name_urls_and_give_reasons():
    names = {name for name, _route in url_names()}
    for key, reason in {**EXEMPT, **OUTSIDE_BODY_EXEMPT}.items():
        assert len(reason) > 20, key
        if not key.endswith("*"):
            assert key in names, f"exemption for a URL name that does not exist: {key}"


def _call(client, case, url, payload, method=None, as_json=False):
    method = method or case.method
    if method == "get":
        return client.get(url, payload or None)
    if method == "post" and not as_json:
        return client.post(url, payload)
    return getattr(client, method)(url, json.dumps(payload), content_type="application/json")


def _shown(response):
    if response["Content-Type"].startswith("application/json"):
        body = response.json()
        return {row["id"] for row in body["results"]} if "results" in body else set()
    return response.content.decode()


def _check_listing(case, response, data, allowed, who):
    if case.listed is None and case.unlisted is None:
        return
    shown = _shown(response)
    if case.listed is not None:
        assert (case.listed(data) in shown) == allowed, f"{who}: listed row shown={not allowed}"
    _check_unlisted(case, response, data, who, shown)


def _check_unlisted(case, response, data, who, shown=None):
    if case.unlisted is not None and response.status_code == 200:
        shown = _shown(response) if shown is None else shown
        assert case.unlisted(data) not in shown, f"{who}: a row outside the subtree is shown"


def _no_outside_name(response, data, who):
    body = response.content.decode(errors="replace")
    leaked = [name for name in outside_names(data) if name in body]
    assert not leaked, f"{who}: shows {leaked} from outside the subtree"


def _writes() -> int:
    return LogEntry.objects.exclude(action=LogEntry.Action.ACCESS).count()


def _restricted(field, queryset) -> bool:
    unscoped = getattr(field, "restrict_permission", None) is core_forms.UNSCOPED
    return core_forms.is_scoped(queryset.model) and not unscoped


@contextmanager
def _scoped_fields(monkeypatch):
    """Record the related fields the central restriction narrows during the case."""
    seen: list[str] = []
    form_restrict = core_forms.restrict_form_fields
    serializer_restrict = core_api.restrict_serializer_fields

    def forms_spy(form, user, permission):
        for name, field in form.fields.items():
            if isinstance(field, djforms.ModelChoiceField) and _restricted(field, field.queryset):
                seen.append(f"{type(form).__name__}.{name}")
        form_restrict(form, user, permission)

    def serializer_spy(fields, context):
        method = getattr(context.get("request"), "method", "GET")
        schema = getattr(context.get("view"), "swagger_fake_view", False)  # the API schema
        writes = method not in ("GET", "HEAD", "OPTIONS") and not schema
        for name, field in fields.items() if writes else ():
            relation = getattr(field, "child_relation", field)
            queryset = getattr(relation, "queryset", None)
            if not field.read_only and queryset is not None and _restricted(field, queryset):
                seen.append(name)
        serializer_restrict(fields, context)

    monkeypatch.setattr(core_forms, "restrict_form_fields", forms_spy)
    monkeypatch.setattr(core_api, "restrict_serializer_fields", serializer_spy)
    yield seen


def _unsupported(url: str, method: str) -> bool:
    actions = getattr(resolve(url).func, "actions", None)
    return actions is not None and method not in actions


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_matrix(case, tree, client, monkeypatch):
    data = build_data(tree)
    inside = reverse(case.name, kwargs=case.inside(data) if case.inside else {})
    outside = reverse(case.name, kwargs=case.outside(data)) if case.outside else None
    payload = case.payload(data) if case.payload else {}
    api = inside.startswith("/api/")
    if case.derived and not _unsupported(inside, case.method):
        pytest.fail(f"{case.name} answers {case.method.upper()}: declare it in its matrix.py")

    response = _call(client, case, inside, payload)
    if api:
        assert response.status_code == 401, f"anonymous {inside}: {response.status_code}"
    else:
        assert response.status_code == 302, f"anonymous {inside}: {response.status_code}"
        assert response["Location"].startswith(reverse("login"))

    with _scoped_fields(monkeypatch) as scoped:
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
            writes = _writes()
            response = _call(client, case, inside, payload)
            assert response.status_code == expected, f"{who}: {response.status_code} != {expected}"
            _check_listing(case, response, data, allowed, who)
            if case.derived:
                assert _writes() == writes, f"{who}: wrote"
            if outside is not None:
                response = _call(client, case, outside, payload)
                assert response.status_code == case.outside_status, (
                    f"{code} {outside}: {response.status_code}"
                )
                _no_outside_name(response, data, f"{code} {outside}")
            if allowed and case.outside_body:
                _check_outside_body(client, case, inside, data, api, who)
            if case.query:
                response = _call(client, case, inside, case.query(data))
                if allowed and case.query_ok:
                    expected = case.query_ok
                assert response.status_code == expected, f"{who} ?{case.query(data)}"
                _check_unlisted(case, response, data, f"{who} ?query")
                _no_outside_name(response, data, f"{who} ?query")
            client.logout()
    if scoped and case.name not in WITH_OUTSIDE_BODY and case.name not in OUTSIDE_BODY_EXEMPT:
        pytest.fail(
            f"{case.name} restricts related fields {sorted(set(scoped))}: declare a Case with "
            "outside_body (a body naming an object outside the subtree) or an "
            "OUTSIDE_BODY_EXEMPT entry with the reason"
        )


def _check_outside_body(client, case, url, data, api, who):
    body = case.outside_body(data)
    writes = _writes()
    nested = any(isinstance(value, list | dict) for value in body.values())
    response = _call(client, case, url, body, method="post", as_json=api and nested)
    expected = case.outside_ok or (400 if api else 200)
    who = f"{who} outside body {body}"
    assert response.status_code == expected, f"{who}: {response.status_code} != {expected}"
    assert _writes() == writes, f"{who}: wrote"
    text = response.content.decode()
    if expected in (200, 400):  # else a redirect, or a 404 when the body chooses the object
        assert "không tồn tại hoặc ngoài phạm vi" in text.lower(), f"{who}: {text[:300]}"
    _no_outside_name(response, data, who)
