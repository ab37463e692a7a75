"""Content-Security-Policy on every response, and templates that need no inline script
(issue #21). Behaviour lives in static/js/dangbo.js; browser tests exercise it under the
policy (tests/browser)."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

import dangbo

TEMPLATE_ROOT = Path(dangbo.__file__).parent
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>\s*\S", re.IGNORECASE)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b", re.IGNORECASE)


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def _assert_strict(response):
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["script-src"] + policy["style-src"]


@pytest.mark.parametrize("name", ["login", "healthz"])
def test_anonymous_responses_carry_the_policy(client, db, name):
    response = client.get(reverse(name))
    _assert_strict(response)


def test_pages_api_redirects_and_errors_carry_the_policy(admin_client, tree):
    for url in (
        reverse("home"),
        reverse("organizations:tree"),
        reverse("meetings:index"),
        "/api/v1/members/",
        "/khong-co-trang-nay/",
    ):
        _assert_strict(admin_client.get(url))
    _assert_strict(admin_client.post(reverse("logout")))


def test_api_docs_load_their_script_from_a_url_under_the_policy(admin_client):
    page = admin_client.get(reverse("api-docs"))
    assert page.status_code == 200
    _assert_strict(page)
    body = page.content.decode()
    assert not INLINE_SCRIPT.search(body) and not INLINE_STYLE.search(body)
    script_url = re.search(r'<script src="([^"]*script=[^"]*)"', body).group(1)
    script = admin_client.get(script_url.replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def _templates():
    return sorted(TEMPLATE_ROOT.rglob("templates/**/*.html"))


def test_templates_have_no_inline_script_handlers_or_style_blocks():
    templates = _templates()
    assert len(templates) > 100
    offenders = [
        f"{path.relative_to(TEMPLATE_ROOT)}: {pattern.pattern}"
        for path in templates
        for pattern in (INLINE_SCRIPT, HANDLER, INLINE_STYLE)
        if pattern.search(path.read_text())
    ]
    offenders += [
        f"{path.relative_to(TEMPLATE_ROOT)}: javascript: URL"
        for path in templates
        if "javascript:" in path.read_text().lower()
    ]
    assert offenders == []


def test_the_checks_catch_what_they_look_for():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert INLINE_SCRIPT.search('<script type="module">\n x()</script>')
    assert not INLINE_SCRIPT.search('<script src="/static/js/dangbo.js"></script>')
    assert HANDLER.search('<button class="b" onclick="go()">')
    assert HANDLER.search("<select\n  onchange='this.form.submit()'>")
    assert not HANDLER.search('<button data-on="x">on=</button>')
