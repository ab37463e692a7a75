"""Rule parameters edited on screen: a new value takes effect from its date, for the whole tree
or one subtree; earlier values are never changed, so records keep the rule they were made under.

Only keys the code reads can be set (those shipped by migrations, plus the defaults declared in
`DECLARED_DEFAULTS`), and a new value must have the shape of the old one, so a typo cannot break a
rule function."""

import json
from datetime import date

from dangbo.core import accounts
from dangbo.core.errors import DomainError
from dangbo.core.models import RuleParameter
from dangbo.core.permissions import has_permission

# Keys whose default lives in code (no shipped row): key → a sample value of the right shape.
DECLARED_DEFAULTS: dict[str, object] = {
    "organizations.parent_types": {"cell": ["grassroots_committee", "sub_committee"]},
}


def known_keys() -> list[str]:
    shipped = RuleParameter.objects.values_list("key", flat=True).distinct()
    return sorted(set(shipped) | set(DECLARED_DEFAULTS))


def _shape(value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


SHAPE_LABELS = {
    "bool": "true/false",
    "number": "một số",
    "str": "một chuỗi trong ngoặc kép",
    "list": "một danh sách [...]",
    "dict": "một bảng {...}",
}


def parse_value(text: str, key: str):
    """The JSON value typed for `key`, of the same shape as its current value."""
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        raise DomainError(
            'Giá trị phải viết dạng JSON (số: 5; chữ: "abc"; danh sách: [1, 2]).', "value"
        ) from None
    latest = RuleParameter.objects.filter(key=key).order_by("-valid_from").first()
    sample = latest.value if latest is not None else DECLARED_DEFAULTS.get(key)
    if sample is not None and _shape(value) != _shape(sample):
        raise DomainError(
            f"Tham số «{key}» nhận {SHAPE_LABELS.get(_shape(sample), _shape(sample))}.", "value"
        )
    return value


def add_parameter(
    *, admin, key: str, value_text: str, valid_from: date, organization=None, source: str = ""
) -> RuleParameter:
    """A new dated value of a rule; nothing earlier changes."""
    if key not in known_keys():
        raise DomainError(f"Không có tham số «{key}».", "key")
    if organization is None:
        if not accounts.can_manage_roles(admin):
            raise DomainError(
                "Giá trị áp dụng cho cả hệ thống chỉ quản trị cấp cao nhất mới đặt được; hãy chọn "
                "tổ chức được giao.",
                "organization",
            )
        org_path = ""
    else:
        if not has_permission(admin, accounts.ADMIN_PERMISSION, organization.path):
            raise DomainError("Không tồn tại hoặc ngoài phạm vi.", "organization")
        org_path = organization.path
    if not (source or "").strip():
        raise DomainError("Cần ghi căn cứ (số, ngày văn bản quy định giá trị mới).", "source")
    value = parse_value(value_text, key)
    if RuleParameter.objects.filter(key=key, valid_from=valid_from, org_path=org_path).exists():
        raise DomainError(
            f"Tham số «{key}» đã có giá trị hiệu lực từ {valid_from:%d/%m/%Y} cho phạm vi này; "
            "chọn ngày hiệu lực khác.",
            "valid_from",
        )
    return RuleParameter.objects.create(
        key=key, value=value, valid_from=valid_from, org_path=org_path, source=source.strip()
    )
