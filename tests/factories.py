"""Builders for test data that go through the real services (so rules and history apply)."""

from datetime import date
from itertools import count

from django.contrib.auth import get_user_model

from dangbo.core.models import Role, RoleAssignment
from dangbo.members import services as member_services
from dangbo.organizations import services as org_services
from dangbo.organizations.models import OrgType

_ids = count(1)


def decision(effective=date(2020, 1, 1), number="01-QĐ/TU"):
    return org_services.Decision(
        number=number, decided_on=effective, signer="Nguyễn Văn A", effective_date=effective
    )


def org(name, type_code, parent=None, effective=date(2020, 1, 1)):
    return org_services.found_org(
        name=name,
        org_type=OrgType.objects.get(code=type_code),
        parent=parent,
        decision=decision(effective),
    )


def member(cell, full_name="Nguyễn Văn Bình", **overrides):
    n = next(_ids)
    data = dict(
        full_name=full_name,
        gender="M",
        birth_date=date(1985, 3, 15),
        admitted_on=date(2010, 5, 19),
        official_on=date(2011, 5, 19),
        id_number=f"{n:012d}",
    )
    data.update(overrides)
    return member_services.register_member(organization=cell, **data)


def user(username=None, role_code=None, on=None, **extra):
    username = username or f"user{next(_ids)}"
    account = get_user_model().objects.create_user(
        username=username, password="Mat-khau-123!", **extra
    )
    if role_code:
        RoleAssignment.objects.create(
            user=account, role=Role.objects.get(code=role_code), organization=on
        )
    return account


def _data_migration_functions():
    """Every RunPython function of dangbo's migrations, in dependency order."""
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations.special import RunPython

    loader = MigrationLoader(None, ignore_no_migrations=True)
    seen, functions = set(), []
    for leaf in sorted(loader.graph.leaf_nodes()):
        for key in loader.graph.forwards_plan(leaf):
            if key in seen:
                continue
            seen.add(key)
            migration = loader.graph.nodes[key]
            if not migration.__module__.startswith("dangbo."):
                continue
            functions += [
                op.code
                for op in migration.operations
                if isinstance(op, RunPython) and not op.hints.get("schema_only")  # DDL: kept
            ]
    return functions


def rerun_data_migrations() -> None:
    """Transactional tests flush every table, including rows the data migrations wrote (org
    types, roles, rule values); run those migrations again — they are idempotent."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()  # a flush recreated them with new ids (audit log rows)
    for function in _data_migration_functions():
        function(apps, None)
