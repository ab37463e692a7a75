"""First run: on an empty database the superuser founds the root (and the first officer) on a
screen; nobody else sees the page, and it is gone once a root exists."""

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.urls import reverse

from dangbo.core.models import Role, RoleAssignment
from dangbo.core.permissions import has_permission
from dangbo.organizations.models import Organization, OrgEvent, OrgPeriod, OrgType
from tests import factories

URL = reverse("organizations:first_run")


def _post(client, **extra):
    data = {
        "name": "Đảng bộ Khối các cơ quan tỉnh Bình Yên",
        "org_type": OrgType.objects.get(code="superior").pk,
        "code": "DBK",
        "decision_number": "01-QĐ/TU",
        "decision_date": "01/02/2010",
        "signer": "Nguyễn Văn Tỉnh",
        "effective_date": "01/02/2010",
        "note": "",
    }
    data.update(extra)
    return client.post(URL, data)


@pytest.mark.django_db
def test_org_types_come_with_the_migrations():
    assert set(OrgType.objects.values_list("code", flat=True)) >= {
        "province",
        "superior",
        "grassroots_committee",
        "cell",
    }


@pytest.mark.django_db
def test_superuser_lands_on_first_run_and_creates_root_and_officer(admin_client, admin_user):
    response = admin_client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == URL
    page = admin_client.get(URL)
    assert page.status_code == 200
    assert "Khởi tạo hệ thống" in page.content.decode()
    # cells are not offered as a root
    assert "Chi bộ trực thuộc" not in page.content.decode()

    response = _post(
        admin_client,
        username="bantochuc",
        full_name="Lê Thị Tổ Chức",
        email="",
        role=Role.objects.get(code="org_board_officer").pk,
        password1="Mat-khau-dai-123!",
        password2="Mat-khau-dai-123!",
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == reverse("imports:index")
    root = Organization.objects.get()
    assert (root.name, root.depth, root.code) == (
        "Đảng bộ Khối các cơ quan tỉnh Bình Yên",
        1,
        "DBK",
    )
    assert OrgPeriod.objects.filter(organization=root).count() == 1
    event = OrgEvent.objects.get(organization=root)
    assert event.kind == "founded" and event.recorded_by == admin_user
    officer = get_user_model().objects.get(username="bantochuc")
    assert officer.profile.organization == root
    assert RoleAssignment.objects.get(user=officer).organization == root
    assert has_permission(officer, "imports.change", root.path)
    # every write is in the audit log with the superuser as actor
    logged = {e.content_type.model for e in LogEntry.objects.filter(actor=admin_user)}
    assert {"organization", "roleassignment"} <= logged

    # once a root exists the page is gone: the superuser is sent to the tree, home works
    again = _post(admin_client, name="Đảng bộ thứ hai")
    assert again.status_code == 302 and again["Location"] == reverse("organizations:tree")
    assert Organization.objects.count() == 1
    assert admin_client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_root_alone_and_form_errors(admin_client):
    response = _post(admin_client, username="canbo", password1="a", password2="b")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Hai mật khẩu không khớp." in body
    assert "Cần nhập khi tạo tài khoản cán bộ." in body
    assert not Organization.objects.exists()

    response = _post(admin_client, org_type=OrgType.objects.get(code="cell").pk)
    assert response.status_code == 200 and not Organization.objects.exists()

    response = _post(admin_client, effective_date="01/01/2999")
    assert "sau ngày hôm nay" in response.content.decode()

    assert _post(admin_client).status_code == 302
    assert Organization.objects.get().depth == 1
    assert get_user_model().objects.count() == 1  # no officer asked for, none made


@pytest.mark.django_db
def test_weak_officer_password_leaves_nothing(admin_client):
    response = _post(
        admin_client,
        username="canbo",
        full_name="Cán Bộ",
        role=Role.objects.get(code="viewer").pk,
        password1="123",
        password2="123",
    )
    assert response.status_code == 200
    assert not Organization.objects.exists()
    assert not get_user_model().objects.filter(username="canbo").exists()


@pytest.mark.django_db
def test_only_superusers_and_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]
    staff = factories.user("nhanvien", is_staff=True)
    client.force_login(staff)
    assert client.get(URL).status_code == 404
    assert _post(client).status_code == 404
    assert client.get(reverse("home")).status_code == 200  # no redirect for others
    assert not Organization.objects.exists()


def test_tree_page_points_to_first_run(admin_client):
    body = admin_client.get(reverse("organizations:tree")).content.decode()
    assert URL in body
