from django import template

from dangbo.core.text import mask_id_number

register = template.Library()


@register.filter
def mask_id(value):
    return mask_id_number(value) or "—"
