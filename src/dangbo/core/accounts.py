"""Use cases for accounts, roles and role assignments. Accounts are never deleted.

An account belongs to an org unit (UserProfile.organization); administrators holding
`core.admin` on that unit's subtree manage it. Nobody grants more than they hold: a role may be
assigned on a node only by someone holding every permission of the role on that node.
"""

import re

from django.apps import apps
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction

from dangbo.core.errors import DomainError
from dangbo.core.models import Role, RoleAssignment, UserProfile
from dangbo.core.permissions import covers, granted_codes, has_permission, restrict

ADMIN_PERMISSION = "core.admin"
CODE_PATTERN = re.compile(r"^(\*|[a-z_]+\.(\*|[a-z_]+)|\*\.[a-z_]+)$")


def _organization_model():
    return apps.get_model("organizations", "Organization")


def manageable_users(user):
    """Accounts the administrator manages: superusers all; others those of their subtrees."""
    users = get_user_model().objects.all()
    if not user.is_authenticated:
        return users.none()
    if user.is_superuser:
        return users
    profiles = restrict(
        UserProfile.objects.order_by(), user, ADMIN_PERMISSION, "organization__path"
    )
    return users.filter(is_superuser=False, pk__in=profiles.values("user_id"))


def manageable_orgs(user):
    """Active org nodes where the administrator may place accounts and grant roles."""
    orgs = _organization_model().objects.filter(is_active=True)
    return restrict(orgs, user, ADMIN_PERMISSION, "path")


def actor(user):
    """The signed-in user who did something, for `recorded_by`-like fields (None for a script
    or an anonymous request)."""
    return user if user is not None and user.is_authenticated else None


def can_manage_roles(user) -> bool:
    """Roles are national data: editing them needs `core.admin` on a root of the tree."""
    if user.is_superuser:
        return True
    roots = _organization_model().objects.filter(depth=1).values_list("path", flat=True)
    return any(has_permission(user, ADMIN_PERMISSION, path) for path in roots)


def _check_org(admin, organization) -> None:
    if organization is None:
        raise DomainError("Cần chọn đơn vị.", "organization")
    if not has_permission(admin, ADMIN_PERMISSION, organization.path):
        raise DomainError("Đơn vị nằm ngoài phạm vi quản trị của bạn.", "organization")


def _check_password(password: str, account) -> None:
    try:
        password_validation.validate_password(password, account)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), "password1") from error


@transaction.atomic
def create_user(
    *, admin, username: str, full_name: str, email: str, organization, password: str | None
):
    """A new account on `organization`. Without a password (imported accounts) it cannot sign
    in until an administrator sets one on the account's password screen."""
    username = (username or "").strip()
    if not username:
        raise DomainError("Cần nhập tên đăng nhập.", "username")
    model = get_user_model()
    if model.objects.filter(username__iexact=username).exists():
        raise DomainError(f"Tên đăng nhập «{username}» đã có.", "username")
    _check_org(admin, organization)
    account = model(username=username, first_name=full_name.strip(), email=email.strip())
    if password is None:
        account.set_unusable_password()
    else:
        _check_password(password, account)
        account.set_password(password)
    account.save()
    UserProfile.objects.create(user=account, organization=organization)
    return account


@transaction.atomic
def update_user(account, *, admin, full_name: str, email: str, organization):
    _check_org(admin, organization)
    account.first_name = full_name.strip()
    account.email = email.strip()
    account.save(update_fields=["first_name", "email"])
    profile, created = UserProfile.objects.get_or_create(
        user=account, defaults={"organization": organization}
    )
    if not created and profile.organization_id != organization.pk:
        profile.organization = organization
        profile.save(update_fields=["organization", "updated_at"])
    return account


@transaction.atomic
def set_password(account, *, admin, password: str):
    _check_password(password, account)
    account.set_password(password)
    account.save(update_fields=["password"])
    return account


@transaction.atomic
def set_active(account, *, admin, active: bool):
    """Deactivate (or reactivate) an account; its history and assignments stay."""
    if account.pk == admin.pk and not active:
        raise DomainError("Không thể tự khóa tài khoản của chính mình.", "is_active")
    account.is_active = active
    account.save(update_fields=["is_active"])
    return account


@transaction.atomic
def assign_role(account, *, admin, role: Role, organization) -> RoleAssignment:
    """Grant `role` on `organization` (and its subtree); re-activates a revoked grant."""
    _check_org(admin, organization)
    granted = granted_codes(admin, organization.path)
    if granted is not None and not covers(granted, role.permissions):
        raise DomainError(
            f"Bạn không có đủ các quyền của vai trò «{role.name}» tại đơn vị này để giao.",
            "role",
        )
    assignment, created = RoleAssignment.objects.get_or_create(
        user=account, role=role, organization=organization
    )
    if not created and assignment.is_active:
        raise DomainError("Người dùng đã có vai trò này tại đơn vị này.", "role")
    if not created:
        assignment.is_active = True
        assignment.save(update_fields=["is_active", "updated_at"])
    return assignment


@transaction.atomic
def revoke_assignment(assignment: RoleAssignment, *, admin) -> RoleAssignment:
    if not has_permission(admin, ADMIN_PERMISSION, assignment.organization.path):
        raise DomainError("Phân quyền nằm ngoài phạm vi quản trị của bạn.", "organization")
    assignment.is_active = False
    assignment.save(update_fields=["is_active", "updated_at"])
    return assignment


def parse_codes(text: str) -> list[str]:
    """Permission codes from text (one per line or comma-separated), checked for shape."""
    codes = [c.strip() for c in re.split(r"[\s,]+", text or "") if c.strip()]
    for code in codes:
        if not CODE_PATTERN.match(code):
            raise DomainError(
                f"Mã quyền «{code}» không hợp lệ (dạng ứng_dụng.thao_tác, ví dụ members.view, "
                "members.*, *.view hoặc *).",
                "permissions",
            )
    if not codes:
        raise DomainError("Vai trò cần ít nhất một quyền.", "permissions")
    return list(dict.fromkeys(codes))


@transaction.atomic
def save_role(
    role: Role | None,
    *,
    admin,
    code: str,
    name: str,
    description: str,
    codes: str,
    requires_second_factor: bool = True,
):
    if not can_manage_roles(admin):
        raise DomainError("Chỉ quản trị cấp cao nhất mới sửa được vai trò.", "name")
    code = (code or "").strip()
    if not re.fullmatch(r"[a-z0-9_-]+", code):
        raise DomainError("Mã vai trò chỉ gồm chữ thường không dấu, số, - và _.", "code")
    if Role.objects.filter(code=code).exclude(pk=getattr(role, "pk", None)).exists():
        raise DomainError(f"Mã vai trò «{code}» đã có.", "code")
    if not (name or "").strip():
        raise DomainError("Cần nhập tên vai trò.", "name")
    role = role or Role()
    role.code = code
    role.name = name.strip()
    role.description = (description or "").strip()
    role.permissions = parse_codes(codes)
    role.requires_second_factor = requires_second_factor
    role.save()
    return role
