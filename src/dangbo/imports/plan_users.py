"""Planning an import of user accounts and their roles (#22).

Each row creates one account (no password: an administrator sets it on the account's password
screen) on an org the importer administers, optionally with one role granted there or on
another org of their scope. Only roles the importer holds every permission of may be granted
(the rule of core.accounts.assign_role), checked here so the preview lists every such row.
"""

import re
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from dangbo.core.accounts import ADMIN_PERMISSION
from dangbo.core.models import Role
from dangbo.core.permissions import covers, granted_codes
from dangbo.core.text import normalize
from dangbo.imports.orgindex import OrgIndex
from dangbo.imports.planning import Plan, RowPlan, _parse_rows, labels_for
from dangbo.imports.rules import CellError
from dangbo.imports.shapes import USER_SHAPE
from dangbo.imports.sheets import Sheet
from dangbo.organizations.models import Organization

USERNAME = re.compile(r"^[\w.@+-]+\Z")
USER_TRACKED = ("username", "full_name", "email", "organization_id", "is_active")


def plan_users(
    sheet: Sheet, mapping: dict[int, str], *, user, root: Organization, today: date, progress=None
) -> Plan:
    rows = _parse_rows(sheet, mapping, USER_SHAPE, progress)
    orgs = OrgIndex.for_user(user, root, ADMIN_PERMISSION, is_active=True)
    roles = _role_index()
    existing = {
        name.lower(): pk for pk, name in get_user_model().objects.values_list("pk", "username")
    }
    seen: dict[str, int] = {}
    granted: dict[str, list[str] | None] = {}
    for plan in rows:
        _decide_user(plan, orgs, roles, existing, seen, lambda path: _granted(user, path, granted))
        plan.action = "error" if plan.errors else plan.action or "create"
    labels = {ref.id: orgs.label(ref) for ref in orgs.by_id.values()}
    return Plan(USER_SHAPE, rows, labels_for(sheet.headers, mapping), labels)


def _granted(user, path: str, cache: dict) -> list[str] | None:
    if path not in cache:
        cache[path] = granted_codes(user, path)
    return cache[path]


def _role_index() -> dict[str, Role]:
    index = {}
    for role in Role.objects.all():
        index[normalize(role.code)] = role
        index[normalize(role.name)] = role
    return index


def _decide_user(plan: RowPlan, orgs: OrgIndex, roles, existing, seen, granted) -> None:
    values = plan.values
    username = values.get("username") or ""
    key = username.lower()
    if username and not USERNAME.match(username):
        plan.error(
            "username",
            f"Tên đăng nhập «{username[:60]}» chỉ gồm chữ, số và . @ + - _ (không dấu cách).",
        )
    elif key in existing:
        if values.get("id") == existing[key]:
            plan.action, plan.object_id = "unchanged", existing[key]
        else:
            plan.error(
                "username",
                f"Tên đăng nhập «{username}» đã có trong hệ thống (tài khoản #{existing[key]}); "
                "sửa tài khoản đó ở màn hình Người dùng.",
            )
    elif key in seen:
        plan.error("username", f"Tên đăng nhập «{username}» trùng với dòng {seen[key]}.")
    elif values.get("id"):
        plan.error("id", "Nhập người dùng chỉ tạo tài khoản mới: để trống mã hệ thống.")
    if key:
        seen.setdefault(key, plan.row)
    _check_email(plan, values.get("email") or "")
    org = _resolve(plan, orgs, "organization", "đơn vị")
    role_org = _resolve(plan, orgs, "role_organization", "đơn vị giao vai trò") or org
    role = _check_role(plan, roles, role_org, granted)
    if plan.errors or plan.action:
        return
    plan.org_id = org.id
    plan.data = {
        "username": username,
        "full_name": values.get("full_name", ""),
        "email": values.get("email") or "",
        "organization_id": org.id,
        "role_id": role.pk if role else None,
        "role_organization_id": role_org.id if role else None,
    }


def _check_email(plan: RowPlan, email: str) -> None:
    if not email:
        return
    try:
        validate_email(email)
    except ValidationError:
        plan.error("email", f"Thư điện tử «{email[:60]}» không hợp lệ.")


def _resolve(plan: RowPlan, orgs: OrgIndex, field: str, noun: str):
    text = plan.values.get(field)
    if not text:
        return None
    try:
        ref = orgs.resolve(text, noun)
    except CellError as error:
        plan.error(field, error.message)
        return None
    if not ref.id:
        plan.error(field, f"«{text[:60]}» nằm ngoài phạm vi quản trị của bạn.")
        return None
    return ref


def _check_role(plan: RowPlan, roles: dict, org, granted) -> Role | None:
    text = plan.values.get("role")
    if not text:
        if plan.values.get("role_organization"):
            plan.error("role", "Có «Giao vai trò tại» thì cần ghi vai trò.")
        return None
    role = roles.get(normalize(text))
    if role is None:
        plan.error("role", f"Không có vai trò «{text[:60]}» (ghi tên hoặc mã vai trò).")
        return None
    if org is None:
        return role
    codes = granted(org.path)
    if codes is not None and not covers(codes, role.permissions):
        plan.error(
            "role",
            f"Bạn không được giao vai trò «{role.name}» tại «{org.name}»: vai trò có quyền "
            "mà bạn không có ở đó.",
        )
    return role
