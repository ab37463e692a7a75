"""Users and their roles from a spreadsheet (#22): scope, grantable roles, every error per row,
no password in the file, audit, rollback that deactivates (never deletes)."""

import io

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from openpyxl import load_workbook

from dangbo.core.errors import DomainError
from dangbo.core.models import Role, RoleAssignment, UserProfile
from dangbo.imports import services
from dangbo.imports.models import ImportJob
from dangbo.imports.shapes import USER_SHAPE
from tests import factories
from tests.imports.helpers import upload, xlsx_bytes

HEADERS = [c.label for c in USER_SHAPE.columns]
State = ImportJob.State


@pytest.fixture
def bloc_admin(tree):
    role = Role.objects.create(
        code="bloc_admin",
        name="Quản trị khối",
        permissions=[
            "core.admin",
            "imports.*",
            "organizations.view",
            "members.view",
            "reports.view",
        ],
    )
    account = factories.user("quantrikhoi")
    RoleAssignment.objects.create(user=account, role=role, organization=tree["bloc"])
    UserProfile.objects.create(user=account, organization=tree["bloc"])
    return account


def row(username, name, org, role=None, where=None, email="", system_id=None):
    return [system_id, username, name, email, org, role, where]


def test_users_import_checks_scope_roles_and_lists_every_error(tree, bloc_admin, run_import):
    factories.user("dacotaikhoan")
    rows = [
        row("nguyenvana", "Nguyễn Văn A", "Chi bộ Văn phòng", "Chỉ xem", email="a@example.vn"),
        row("tranthib", "Trần Thị B", "Chi bộ Phòng Nghiệp vụ", "Quản trị cấp tỉnh"),
        row("levanc", "Lê Văn C", "Chi bộ Thôn Đông", "viewer"),
        row("vod", "Võ D", "Chi bộ Văn phòng", "cell_secretary"),
        row("NguyenVanA", "Trùng", "Chi bộ Văn phòng", email="không-phải-thư"),
        row("dacotaikhoan", "Đã có", "Chi bộ Văn phòng"),
        row("co dau cach", "Dấu cách", "Chi bộ Văn phòng", where="Chi bộ Văn phòng"),
        row("phamd", "Phạm D", "Đảng bộ Sở Tư pháp", "viewer", "Chi bộ Văn phòng"),
    ]
    job = run_import(bloc_admin, tree["bloc"], xlsx_bytes(HEADERS, rows), kind="users")
    assert job.state == State.PREVIEWED
    assert job.counts == {"create": 2, "update": 0, "unchanged": 0, "error": 6, "total": 8}
    errors = {}
    for error in job.report["errors"]:
        column = error["column"].split(" (cột")[0].rstrip(" *")
        errors.setdefault(error["row"], []).append((column, error["message"]))
    assert "không được giao vai trò «Quản trị cấp tỉnh»" in errors[3][0][1]
    assert errors[3][0][0] == "Vai trò"
    assert errors[4][0][0] == "Đơn vị" and "phạm vi" in errors[4][0][1]
    assert "«Bí thư, phó bí thư chi bộ»" in errors[5][0][1]
    assert [column for column, _m in errors[6]] == ["Tên đăng nhập", "Thư điện tử"]
    assert "trùng với dòng 2" in errors[6][0][1]
    assert "đã có trong hệ thống" in errors[7][0][1]
    assert {column for column, _m in errors[8]} == {"Tên đăng nhập", "Vai trò"}

    job = services.request_commit(job, user=bloc_admin, skip_errors=True)
    assert job.state == State.COMMITTED
    created = get_user_model().objects.get(username="nguyenvana")
    assert created.first_name == "Nguyễn Văn A" and created.email == "a@example.vn"
    assert not created.has_usable_password()
    assert created.profile.organization == tree["cell_a"]
    assert created.role_assignments.get().role.code == "viewer"
    secretary = get_user_model().objects.get(username="phamd")
    assert secretary.profile.organization == tree["committee"]
    assert secretary.role_assignments.get().organization == tree["cell_a"]
    assert LogEntry.objects.get_for_object(created).exists()

    job = services.request_rollback(job, user=bloc_admin)
    assert job.state == State.ROLLED_BACK
    created.refresh_from_db()
    assert not created.is_active
    assert not created.role_assignments.get().is_active


def test_rollback_refused_once_a_password_was_set(tree, bloc_admin, run_import):
    rows = [row("nguyenvana", "Nguyễn Văn A", "Chi bộ Văn phòng", "Chỉ xem")]
    job = run_import(bloc_admin, tree["bloc"], xlsx_bytes(HEADERS, rows), kind="users")
    job = services.request_commit(job, user=bloc_admin, skip_errors=False)
    account = get_user_model().objects.get(username="nguyenvana")
    account.set_password("Mat-khau-dai-123!")
    account.save()
    with pytest.raises(DomainError, match="dòng 2: tài khoản đã được đặt mật khẩu"):
        services.request_rollback(job, user=bloc_admin)


def test_users_import_needs_account_administration(tree, officer):
    content = xlsx_bytes(HEADERS, [row("x", "X", "Chi bộ Văn phòng")])
    with pytest.raises(DomainError, match="không có quyền"):
        services.start_import(
            user=officer, root=tree["bloc"], kind="users", uploaded=upload(content)
        )


def test_users_template_and_export(tree, bloc_admin):
    template = load_workbook(
        io.BytesIO(services.template_bytes("users", user=bloc_admin, root=tree["bloc"]))
    )
    assert [c.value for c in template.worksheets[0][1]][:3] == [
        "Mã hệ thống",
        "Tên đăng nhập *",
        "Họ và tên *",
    ]
    content, _export = services.export_bytes("users", user=bloc_admin, root=tree["bloc"])
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert any(r[1] == "quantrikhoi" and r[5] == "Quản trị khối" for r in values)
