"""Template filters every app may use."""

from django import template

from dangbo.core import permissions
from dangbo.core.text import vi_number, vi_percent

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`mapping[key]` in a template (None when absent)."""
    return (mapping or {}).get(key)


@register.simple_tag(takes_context=True)
def can(context, permission, obj=None):
    """`{% can "app.action" obj as allowed %}`: the check the linked view makes
    (`permissions.can`), so a screen shows no link that would answer 404 to its user."""
    user = context.get("user") or getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return False
    return permissions.can(user, permission, obj)


@register.filter
def vn(value, decimals=None):
    """`{{ x|vn }}`, `{{ rate|vn:1 }}`: thousands dot, decimal comma (core.text.vi_number)."""
    if value in (None, ""):
        return "—"
    try:
        return vi_number(value, None if decimals is None else int(decimals))
    except (TypeError, ValueError):
        return value


@register.filter
def percent(value, decimals=1):
    """`{{ share|percent }}` → "92,9%", `{{ share|percent:0 }}` → "93%", `|percent:"-"` keeps
    the value's places without trailing zeros (core.text.vi_percent)."""
    if value in (None, ""):
        return "—"
    try:
        return vi_percent(value, None if decimals == "-" else int(decimals))
    except (TypeError, ValueError):
        return value


@register.filter
def vndate(value):
    """`{{ d|vndate }}` → "dd/mm/yyyy" for a date or a stored ISO string (step evidence kept as
    JSON); anything else as it is."""
    from datetime import date

    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return "—" if value in (None, "") else value
