"""Who must sign in with a second factor: the pure rule, the default roles, the role screen."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from dangbo.core.models import Role
from dangbo.core.rules import Grant, grant_requires_second_factor, second_factor_required


def _grant(codes=("members.view",), requires=False, on_one_cell=True):
    return Grant(role_requires=requires, permissions=tuple(codes), on_one_cell=on_one_cell)


@pytest.mark.parametrize(
    "grant, expected",
    [
        (_grant(), False),  # a cell-level role on its cell
        (_grant(requires=True), True),  # the role says so, even on one cell
        (_grant(on_one_cell=False), True),  # placed on a committee: reaches beyond a cell
        (_grant(("members.view_identity",)), True),  # full ID numbers
        (_grant(("members.*",)), True),
        (_grant(("*",)), True),
        (_grant(("core.admin",)), True),  # account administration
        (_grant(("*.view", "meetings.*")), False),  # *.view is not view_identity
    ],
)
def test_grant_rule(grant, expected):
    assert grant_requires_second_factor(grant) is expected


def test_superusers_and_staff_always_and_portal_members_never():
    assert second_factor_required([], is_superuser=True, is_staff=False)
    assert second_factor_required([], is_superuser=False, is_staff=True)
    assert not second_factor_required([], is_superuser=False, is_staff=False)


grants = st.builds(
    Grant,
    role_requires=st.booleans(),
    permissions=st.lists(
        st.sampled_from(["members.view", "members.view_identity", "*.view", "core.admin"]),
        max_size=3,
    ).map(tuple),
    on_one_cell=st.booleans(),
)


@given(held=st.lists(grants, max_size=4), extra=grants)
def test_another_grant_never_lifts_the_requirement(held, extra):
    before = second_factor_required(held, is_superuser=False, is_staff=False)
    after = second_factor_required([*held, extra], is_superuser=False, is_staff=False)
    assert after >= before


def test_default_roles(db):
    flags = dict(Role.objects.values_list("code", "requires_second_factor"))
    assert {code for code, requires in flags.items() if not requires} == {
        "cell_secretary",
        "viewer",
    }
    roles = {role.code: role for role in Role.objects.all()}

    def required(code, on_one_cell):
        role = roles[code]
        grant = Grant(role.requires_second_factor, tuple(role.permissions), on_one_cell)
        return second_factor_required([grant], is_superuser=False, is_staff=False)

    # On a cell: only the cell roles go without; above a cell every role needs it.
    assert {code for code in roles if not required(code, True)} == {"cell_secretary", "viewer"}
    assert all(required(code, False) for code in roles)


def test_the_role_screen_sets_the_flag(admin_client, tree):
    response = admin_client.post(
        reverse("core:role_create"),
        {"code": "to-dang", "name": "Tổ trưởng đảng", "permissions": "meetings.view"},
    )
    assert response.status_code == 302
    assert not Role.objects.get(code="to-dang").requires_second_factor
    role = Role.objects.get(code="viewer")
    page = admin_client.get(reverse("core:role_edit", args=[role.pk])).content.decode()
    assert 'name="requires_second_factor"' in page
    admin_client.post(
        reverse("core:role_edit", args=[role.pk]),
        {
            "code": "viewer",
            "name": role.name,
            "permissions": "\n".join(role.permissions),
            "requires_second_factor": "on",
        },
    )
    role.refresh_from_db()
    assert role.requires_second_factor
    listing = admin_client.get(reverse("core:roles")).content.decode()
    assert "Xác thực hai lớp" in listing and "Bắt buộc" in listing
