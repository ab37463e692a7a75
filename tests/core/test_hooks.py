import pytest
from django.urls import reverse

from dangbo.core import hooks


def test_call_without_provider_returns_default():
    assert hooks.call("no.such.hook", 1, default="fallback") == "fallback"
    assert not hooks.provided("no.such.hook")


def test_provider_is_called_with_arguments(monkeypatch):
    monkeypatch.setattr(hooks, "_providers", {})

    @hooks.provide("test.double")
    def double(value):
        return value * 2

    assert hooks.provided("test.double")
    assert hooks.call("test.double", 21) == 42


@pytest.mark.django_db
def test_home_shows_registered_widget_only_with_permission(admin_client, client, monkeypatch):
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
