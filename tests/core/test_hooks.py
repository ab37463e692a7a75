import re
from pathlib import Path

import pytest
from django.urls import reverse

import dangbo
from dangbo.core import hooks

SOURCE = Path(dangbo.__file__).parent
CALLED = re.compile(r"hooks\.(?:call|provided)\(\s*\"([^\"]+)\"")


def called_names() -> dict[str, list[str]]:
    """Hook names the source calls (hooks.call / hooks.provided), with where."""
    found: dict[str, list[str]] = {}
    for path in SOURCE.rglob("*.py"):
        for name in CALLED.findall(path.read_text(encoding="utf-8")):
            found.setdefault(name, []).append(str(path.relative_to(SOURCE)))
    return found


def test_every_called_hook_is_declared_and_provided_by_its_app():
    called = called_names()
    assert called, "the scan found no hooks.call"
    undeclared = sorted(set(called) - set(hooks.HOOKS))
    assert not undeclared, f"called but not declared in core.hooks.HOOKS: {undeclared}"
    unprovided = sorted(name for name in called if name not in hooks._providers)
    assert not unprovided, f"called but no app provides them: {unprovided}"
    for name, func in hooks._providers.items():
        provider = hooks.HOOKS[name].provider
        assert func.__module__.startswith(f"dangbo.{provider}."), (name, func.__module__)


def test_every_declared_hook_is_provided_and_called():
    called = called_names()
    never_called = sorted(set(hooks.HOOKS) - set(called))
    assert not never_called, f"declared hooks nobody calls: {never_called}"
    unprovided = sorted(set(hooks.HOOKS) - set(hooks._providers))
    assert not unprovided, f"declared hooks no app provides: {unprovided}"


def test_undeclared_names_raise(settings):
    with pytest.raises(hooks.UndeclaredHook):
        hooks.call("committees.no_such_hook", 1)
    with pytest.raises(hooks.UndeclaredHook):
        hooks.provide("committees.no_such_hook")
    settings.DANGBO_STRICT_HOOKS = False  # production: logged, answered None
    assert hooks.call("committees.no_such_hook", 1) is None


def test_call_without_provider_returns_the_declared_default(monkeypatch):
    monkeypatch.setattr(hooks, "_providers", {})
    assert hooks.call("committees.member_comments", None, 2025) == []
    assert not hooks.provided("committees.member_comments")
    hooks.call("committees.member_comments", None, 2025).append("changed")
    assert hooks.call("committees.member_comments", None, 2025) == []  # a fresh copy


def test_provider_is_called_with_arguments(monkeypatch):
    monkeypatch.setattr(hooks, "_providers", {})
    monkeypatch.setitem(hooks.HOOKS, "test.double", hooks.Hook("test.double", "core", "(n)"))

    @hooks.provide("test.double")
    def double(value):
        return value * 2

    assert hooks.provided("test.double")
    assert hooks.call("test.double", 21) == 42


@pytest.mark.django_db
def test_home_shows_registered_widget_only_with_permission(
    admin_client, client, monkeypatch, tree
):  # with a tree: on an empty database the superuser's home is the first-run page
    monkeypatch.setattr(hooks, "_widgets", {})
    hooks.register_widget(
        hooks.Widget(
            key="test-card",
            title="Thẻ thử nghiệm",
            template="core/_widget_rows.html",
            render=lambda request: {"rows": [{"label": "bốn mươi hai", "value": 42}]},
            permission="members.view",
        )
    )
    hooks.register_widget(
        hooks.Widget(
            key="hidden-card",
            title="Thẻ ẩn",
            template="core/_widget_rows.html",
            render=lambda request: None,
        )
    )
    body = admin_client.get(reverse("home")).content.decode()
    assert "Thẻ thử nghiệm" in body and "bốn mươi hai" in body
    assert "Thẻ ẩn" not in body
