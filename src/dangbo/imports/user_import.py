"""Writing, rolling back and exporting imported user accounts (#22).

Accounts are never deleted (core.accounts): rolling back an import deactivates the accounts it
created and revokes the roles it granted, while nobody has signed in with them and they still
hold what the import wrote. Writing goes through core.accounts (create_user, assign_role): the
screens' own rules and audit trail.
"""

from django.contrib.auth import get_user_model

from dangbo.core import accounts
from dangbo.core.errors import DomainError
from dangbo.core.models import Role, RoleAssignment, UserProfile
from dangbo.imports import writers
from dangbo.imports.models import ImportJob, ImportRow
from dangbo.organizations.models import Organization


def _snapshot(account, assignment: RoleAssignment | None) -> dict:
    profile = UserProfile.objects.filter(user=account).values_list("organization_id", flat=True)
    return {
        "username": account.username,
        "full_name": account.first_name,
        "email": account.email,
        "organization_id": profile.first(),
        "is_active": account.is_active,
        "assignment_id": assignment.pk if assignment else None,
    }


def apply_users(job: ImportJob, plan, user) -> list[dict]:
    rows = plan.by_action("create")
    orgs = Organization.objects.in_bulk(
        {r.data["organization_id"] for r in rows} | {r.data["role_organization_id"] for r in rows}
    )
    roles = Role.objects.in_bulk({r.data["role_id"] for r in rows if r.data["role_id"]})
    written = []
    for done, row in enumerate(rows):
        writers.checkpoint("commit", done)
        data = row.data
        try:
            account = accounts.create_user(
                admin=user,
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                organization=orgs[data["organization_id"]],
                password=None,
            )
            assignment = None
            if data["role_id"]:
                assignment = accounts.assign_role(
                    account,
                    admin=user,
                    role=roles[data["role_id"]],
                    organization=orgs[data["role_organization_id"]],
                )
        except DomainError as error:
            raise DomainError(error.message, error.field, row=row.row) from error
        after = _snapshot(account, assignment)
        written.append(writers._written(row.row, ImportRow.Action.CREATED, account.pk, {}, after))
    return written


def rollback_problems(rows: list[ImportRow]) -> list[str]:
    """An imported account can be withdrawn while unused: never signed in, unchanged, and
    holding no role beyond the one the import granted."""
    model = get_user_model()
    current = model.objects.in_bulk([r.object_id for r in rows])
    problems = []
    for row in rows:
        account = current.get(row.object_id)
        assignment = row.after.get("assignment_id")
        others = RoleAssignment.objects.filter(user_id=row.object_id, is_active=True)
        if assignment:
            others = others.exclude(pk=assignment)
        if account is None or account.last_login is not None:
            problems.append(f"dòng {row.row_number}: tài khoản đã được dùng để đăng nhập")
        elif account.has_usable_password() or others.exists():
            problems.append(f"dòng {row.row_number}: tài khoản đã được đặt mật khẩu hoặc giao thêm")
        elif _snapshot(account, _assignment(assignment)) != row.after:
            problems.append(f"dòng {row.row_number} đã được sửa sau lần nhập")
    return problems


def _assignment(pk: int | None) -> RoleAssignment | None:
    return RoleAssignment.objects.filter(pk=pk, is_active=True).first() if pk else None


def rollback_users(job: ImportJob, rows: list[ImportRow], user) -> None:
    """Deactivate the accounts and revoke the roles (kept, never deleted)."""
    model = get_user_model()
    for done, row in enumerate(rows):
        writers.checkpoint("rollback", done)
        assignment = _assignment(row.after.get("assignment_id"))
        if assignment is not None:
            assignment.is_active = False
            assignment.save(update_fields=["is_active", "updated_at"])
        account = model.objects.get(pk=row.object_id)
        account.is_active = False
        account.save(update_fields=["is_active"])


def user_rows(user, root: Organization, labels: dict[int, str]):
    """Accounts of the subtree that `user` administers, one row per active role (or none)."""
    managed = accounts.manageable_users(user).filter(
        profile__organization__path__startswith=root.path
    )
    grants: dict[int, list[RoleAssignment]] = {}
    for assignment in RoleAssignment.objects.filter(
        user__in=managed, is_active=True, organization__path__startswith=root.path
    ).select_related("role"):
        grants.setdefault(assignment.user_id, []).append(assignment)
    for account in managed.select_related("profile").order_by("username"):
        org_id = account.profile.organization_id
        base = [account.pk, account.username, account.first_name, account.email]
        base.append(labels.get(org_id, f"#{org_id}"))
        for assignment in grants.get(account.pk, []) or [None]:
            if assignment is None:
                yield [*base, None, None]
            else:
                where = labels.get(assignment.organization_id, f"#{assignment.organization_id}")
                yield [*base, assignment.role.name, where]
