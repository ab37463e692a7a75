"""Administration screens: accounts, roles on org nodes, role definitions, API tokens."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.authtoken.models import Token

from dangbo.core.models import Role, RoleAssignment, UserProfile
from tests import factories

PASSWORD = "Mot-mat-khau-dai-2026"


def _create(client, org, username="nguoimoi", **extra):
    data = {
        "username": username,
        "full_name": "Nguyễn Thị Mới",
        "email": "moi@example.vn",
        "organization": org.pk,
        "password1": PASSWORD,
        "password2": PASSWORD,
        **extra,
    }
    return client.post(reverse("core:user_create"), data)


def test_superuser_creates_assigns_revokes_and_deactivates(admin_client, tree):
    response = _create(admin_client, tree["cell_a"])
    account = get_user_model().objects.get(username="nguoimoi")
    assert response.status_code == 302 and response["Location"] == reverse(
        "core:user", args=[account.pk]
    )
    assert account.profile.organization == tree["cell_a"]
    assert "nguoimoi" in admin_client.get(reverse("core:users")).content.decode()

    role = Role.objects.get(code="cell_secretary")
    response = admin_client.post(
        reverse("core:user_assign", args=[account.pk]),
        {"role": role.pk, "organization": tree["cell_a"].pk},
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=account)
    page = admin_client.get(reverse("core:user", args=[account.pk])).content.decode()
    assert "Bí thư, phó bí thư chi bộ" in page and "Chi bộ Văn phòng" in page

    admin_client.post(reverse("core:assignment_revoke", args=[assignment.pk]))
    assignment.refresh_from_db()
    assert not assignment.is_active  # revoked, not deleted

    admin_client.post(reverse("core:user_active", args=[account.pk]), {"active": "0"})
    account.refresh_from_db()
    assert not account.is_active
    assert get_user_model().objects.filter(pk=account.pk).exists()
    assert not admin_client.login(username="nguoimoi", password=PASSWORD)


def test_duplicate_username_and_mismatched_passwords(admin_client, tree):
    _create(admin_client, tree["cell_a"])
    body = _create(admin_client, tree["cell_a"]).content.decode()
    assert "Tên đăng nhập «nguoimoi» đã có." in body
    body = _create(admin_client, tree["cell_a"], username="khac", password2="x").content.decode()
    assert "Hai mật khẩu không khớp." in body


def test_subtree_admin_manages_only_their_subtree(client, tree):
    admin = factories.user("qt_khoi", role_code="province_admin", on=tree["bloc"])
    inside = factories.user("trong")
    UserProfile.objects.create(user=inside, organization=tree["cell_a"])
    outside = factories.user("ngoai")
    UserProfile.objects.create(user=outside, organization=tree["village"])
    client.force_login(admin)
    body = client.get(reverse("core:users")).content.decode()
    assert "trong" in body and "ngoai" not in body
    assert client.get(reverse("core:user", args=[outside.pk])).status_code == 404
    # An org outside the subtree cannot be chosen, for an account or for a role.
    response = _create(client, tree["village"], username="ngoai2")
    assert response.status_code == 200
    assert not get_user_model().objects.filter(username="ngoai2").exists()
    response = client.post(
        reverse("core:user_assign", args=[inside.pk]),
        {"role": Role.objects.get(code="viewer").pk, "organization": tree["village"].pk},
    )
    assert response.status_code == 200 and not RoleAssignment.objects.filter(user=inside).exists()
    # Superusers are never managed by subtree administrators.
    superuser = factories.user("sieu", is_superuser=True)
    UserProfile.objects.create(user=superuser, organization=tree["cell_a"])
    assert client.get(reverse("core:user", args=[superuser.pk])).status_code == 404


def test_nobody_grants_more_than_they_hold(client, tree):
    limited = Role.objects.create(
        code="user_admin", name="Quản trị tài khoản", permissions=["core.admin", "members.view"]
    )
    admin = factories.user("qt_han_che")
    RoleAssignment.objects.create(user=admin, role=limited, organization=tree["committee"])
    account = factories.user("can_giao")
    UserProfile.objects.create(user=account, organization=tree["cell_a"])
    client.force_login(admin)
    response = client.post(
        reverse("core:user_assign", args=[account.pk]),
        {"role": Role.objects.get(code="province_admin").pk, "organization": tree["cell_a"].pk},
    )
    assert "Bạn không có đủ các quyền của vai trò «Quản trị cấp tỉnh»" in response.content.decode()
    response = client.post(
        reverse("core:user_assign", args=[account.pk]),
        {"role": Role.objects.get(code="viewer").pk, "organization": tree["cell_a"].pk},
    )
    assert "Bạn không có đủ" in response.content.decode()  # viewer has organizations.view
    client.post(
        reverse("core:user_assign", args=[account.pk]),
        {"role": limited.pk, "organization": tree["cell_a"].pk},
    )
    assert RoleAssignment.objects.filter(user=account, role=limited).exists()


def test_roles_are_data_edited_by_a_root_administrator(client, tree):
    root_admin = factories.user("qt_tinh", role_code="province_admin", on=tree["province"])
    client.force_login(root_admin)
    response = client.post(
        reverse("core:role_create"),
        {"code": "thong_ke", "name": "Cán bộ thống kê", "permissions": "reports.view\nmembers.*"},
    )
    assert response.status_code == 302
    assert Role.objects.get(code="thong_ke").permissions == ["reports.view", "members.*"]
    body = client.post(
        reverse("core:role_create"),
        {"code": "sai", "name": "Sai", "permissions": "members"},
    ).content.decode()
    assert "Mã quyền «members» không hợp lệ" in body
    assert "Cán bộ thống kê" in client.get(reverse("core:roles")).content.decode()

    bloc_admin = factories.user("qt_khoi", role_code="province_admin", on=tree["bloc"])
    client.force_login(bloc_admin)
    assert client.get(reverse("core:role_create")).status_code == 404


def test_picker_for_accounts_searches_cells_within_reach(client, tree):
    admin = factories.user("qt_khoi", role_code="province_admin", on=tree["bloc"])
    client.force_login(admin)
    body = client.get(reverse("organizations:pick"), {"q": "chi bo", "scope": "admin"})
    text = body.content.decode()
    assert "Chi bộ Văn phòng" in text and "Chi bộ Thôn Đông" not in text


def test_token_screen_creates_shows_once_and_revokes(client, tree):
    user = factories.user("co_khoa", role_code="viewer", on=tree["cell_a"])
    client.force_login(user)
    body = client.post(reverse("core:token"), {"action": "create"}).content.decode()
    key = Token.objects.get(user=user).key
    assert key in body
    assert key not in client.get(reverse("core:token")).content.decode()
    client.logout()
    response = client.get("/api/v1/members/", headers={"Authorization": f"Token {key}"})
    assert response.status_code == 200
    client.force_login(user)
    client.post(reverse("core:token"), {"action": "revoke"})
    assert not Token.objects.filter(user=user).exists()
    client.logout()
    response = client.get("/api/v1/members/", headers={"Authorization": f"Token {key}"})
    assert response.status_code == 401
