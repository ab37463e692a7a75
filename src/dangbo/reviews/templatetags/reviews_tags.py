from django import template

from dangbo.core.text import vi_percent
from dangbo.reviews import rules

register = template.Library()


@register.filter
def pct(value) -> str:
    """A share as Vietnamese percent text (comma decimal), or a dash."""
    if value is None or value == "":
        return "—"
    return vi_percent(value, 2)


@register.filter
def short(grade: str) -> str:
    return rules.GRADE_SHORT.get(grade, "") if grade else ""


@register.filter
def get(mapping, key):
    return (mapping or {}).get(key, "")
