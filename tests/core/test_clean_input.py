"""Control characters are refused at input: one form mixin for the screens, the body parsers
for the API (issue #21: they made XLSX exports fail later)."""

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from rest_framework.test import APIClient

import dangbo
from dangbo.core import parsers
from dangbo.core.forms import CleanTextMixin
from dangbo.core.text import control_character
from dangbo.members.models import Member
from tests import factories


def _dangbo_classes(base):
    found = set()
    for module in pkgutil.walk_packages(dangbo.__path__, "dangbo."):
        if any(part in module.name for part in ("migrations", "management", "settings_")):
            continue
        for obj in vars(importlib.import_module(module.name)).values():
            if (
                inspect.isclass(obj)
                and issubclass(obj, base)
                and obj.__module__.startswith("dangbo")
            ):
                found.add(obj)
    return found


def test_every_form_refuses_control_characters():
    forms_ = _dangbo_classes(forms.BaseForm)
    assert len(forms_) > 100
    assert [f.__qualname__ for f in forms_ if not issubclass(f, CleanTextMixin)] == []


def test_every_api_view_parses_with_the_guarded_parsers():
    from dangbo.api.urls import router

    guarded = (parsers.JSONParser, parsers.FormParser, parsers.MultiPartParser)
    for _prefix, viewset, _basename in router.registry:
        for parser in viewset().get_parsers():
            assert isinstance(parser, guarded), (viewset, parser)


@pytest.mark.parametrize(
    ("text", "multiline", "refused"),
    [
        ("Nguyễn Văn An", False, False),
        ("dòng 1\r\ndòng 2\tcột", True, False),
        ("dòng 1\ndòng 2", False, True),
        ("tab\there", False, True),
        ("a\x0bb", True, True),
        ("a\x00b", True, True),
        ("a\x85b", True, True),
        ("a\ufffeb", True, True),
    ],
    ids=["name", "multi-line", "newline-one-line", "tab-one-line", "VT", "NUL", "NEL", "FFFE"],
)
def test_control_character(text, multiline, refused):
    assert bool(control_character(text, multiline)) is refused


class _Form(CleanTextMixin, forms.Form):
    name = forms.CharField()
    note = forms.CharField(widget=forms.Textarea, required=False)
    secret = forms.CharField(widget=forms.PasswordInput, required=False)


def test_form_refuses_them_naming_the_field():
    form = _Form({"name": "An\x0bBình", "note": "một\r\nhai", "secret": "x\x01y"})
    assert not form.is_valid()
    assert list(form.errors) == ["name"] and "U+000B" in form.errors["name"][0]
    assert _Form({"name": "An", "note": "một\r\nhai\tba"}).is_valid()
    assert not _Form({"name": "An", "note": "một\x07"}).is_valid()


def test_api_refuses_them_and_writes_nothing(tree):
    client = APIClient()
    client.force_authenticate(factories.user(role_code="cell_secretary", on=tree["cell_a"]))
    body = {
        "organization": tree["cell_a"].pk,
        "full_name": "Võ Thị\x0bMai",
        "gender": "F",
        "birth_date": "1990-03-15",
        "admitted_on": "2015-02-03",
    }
    answer = client.post("/api/v1/members/", body, format="json")
    assert answer.status_code == 400 and "full_name" in answer.json()
    answer = client.post("/api/v1/members/", body)  # multipart form
    assert answer.status_code == 400 and "full_name" in answer.json()
    assert not Member.objects.filter(full_name__startswith="Võ Thị").exists()
