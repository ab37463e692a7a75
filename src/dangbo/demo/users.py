"""Demo accounts with roles on the demo tree (printed by `make run`)."""

from django.contrib.auth import get_user_model

from dangbo.core.models import Role, RoleAssignment
from dangbo.organizations.models import Organization

DEMO_PASSWORD = "dangbo-demo-2026"
DEMO_USERS = [
    # username, full name, role code, which org (callable on the tree) or None for superuser
    ("admin", "Quản trị hệ thống", None),
    ("bantochuc", "Cán bộ Ban Tổ chức Tỉnh ủy", "org_board_officer"),
    ("khoi", "Cán bộ Đảng ủy Khối", "org_board_officer"),
    ("kiemtra", "Cán bộ Ủy ban Kiểm tra", "inspection_officer"),
    ("bithu", "Bí thư chi bộ", "cell_secretary"),
]


def _target(username: str) -> Organization:
    root = Organization.objects.get_root_nodes().first()
    if username in {"bantochuc", "kiemtra"}:
        return root
    if username == "khoi":
        return Organization.objects.get_children(root).first()
    return Organization.objects.filter(org_type__holds_members=True).order_by("path").first()


def create_demo_users() -> list[tuple[str, str, str]]:
    User = get_user_model()
    created = []
    for username, full_name, role_code in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=username)
        # The whole name in first_name, as core.accounts does (get_full_name() would put a
        # split Vietnamese name's given name first: "bộ Bí thư chi").
        user.first_name, user.last_name = full_name, ""
        user.set_password(DEMO_PASSWORD)
        user.is_superuser = user.is_staff = role_code is None
        user.save()
        where = "toàn hệ thống"
        if role_code:
            org = _target(username)
            RoleAssignment.objects.get_or_create(
                user=user, role=Role.objects.get(code=role_code), organization=org
            )
            where = org.name
        created.append((username, full_name, where))
    return created
