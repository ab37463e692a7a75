"""Use cases on the org tree: one transaction each, validate → write → record the decision."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from dangbo.core import hooks
from dangbo.core.errors import DomainError
from dangbo.core.models import RuleParameter
from dangbo.core.text import clean_spaces
from dangbo.organizations import rules
from dangbo.organizations.models import Organization, OrgEvent, OrgPeriod, OrgType
from dangbo.organizations.signals import subtree_moved


@dataclass(frozen=True)
class Decision:
    """The paper behind a change: number, date, signer, and the date it takes effect."""

    number: str
    decided_on: date
    signer: str
    effective_date: date
    note: str = ""


def capabilities(org_type: OrgType) -> rules.TypeCapabilities:
    return rules.TypeCapabilities(org_type.holds_members, org_type.is_grassroots)


def _check_decision(decision: Decision, org: Organization | None = None) -> None:
    today = timezone.localdate()
    if not clean_spaces(decision.number):
        raise DomainError("Cần nhập số quyết định.", "decision_number")
    if not clean_spaces(decision.signer):
        raise DomainError("Cần nhập người ký quyết định.", "signer")
    if decision.decided_on > today:
        raise DomainError("Ngày quyết định không được sau ngày hôm nay.", "decision_date")
    if decision.effective_date > today:
        raise DomainError("Ngày hiệu lực không được sau ngày hôm nay.", "effective_date")
    if org is not None:
        if not org.is_active:
            raise DomainError(f"Tổ chức «{org.name}» đã giải thể.", "organization")
        last = org.periods.order_by("-valid_from").first()
        if last and decision.effective_date < last.valid_from:
            raise DomainError(
                f"Ngày hiệu lực phải từ {last.valid_from:%d/%m/%Y} trở đi "
                "(sau thay đổi gần nhất của tổ chức).",
                "effective_date",
            )


def record_event(org, kind, decision: Decision, user, **details) -> OrgEvent:
    return OrgEvent.objects.create(
        organization=org,
        kind=kind,
        effective_date=decision.effective_date,
        decision_number=clean_spaces(decision.number),
        decision_date=decision.decided_on,
        signer=clean_spaces(decision.signer),
        note=decision.note,
        details=details,
        recorded_by=user if user and user.is_authenticated else None,
    )


def _open_period(org: Organization, valid_from: date) -> OrgPeriod:
    return OrgPeriod.objects.create(
        organization=org,
        valid_from=valid_from,
        name=org.name,
        path=org.path,
        parent_id=Organization.objects.get_parent(org).pk if org.depth > 1 else None,
        org_type_id=org.org_type_id,
    )


def _close_periods(orgs, on: date) -> None:
    OrgPeriod.objects.filter(organization__in=orgs, valid_to__isnull=True).update(valid_to=on)


def _check_name(name: str) -> str:
    name = clean_spaces(name)
    if not name:
        raise DomainError("Cần nhập tên tổ chức.", "name")
    return name


def parent_types_on(on: date, org_path: str = "") -> dict:
    """The child type → parent types table in force on `on` for the subtree at `org_path`."""
    return RuleParameter.value_on(
        rules.PARENT_TYPES_KEY, on, org_path, default=rules.DEFAULT_PARENT_TYPES
    )


def _check_parent_accepts(parent: Organization | None, org_type: OrgType, on: date) -> None:
    if parent is None:
        return
    if not parent.is_active:
        raise DomainError(f"Tổ chức cấp trên «{parent.name}» đã giải thể.", "parent")
    if not rules.can_contain_org(capabilities(parent.org_type)):
        raise DomainError(
            f"«{parent.name}» là chi bộ, chỉ có đảng viên, không có tổ chức trực thuộc.", "parent"
        )
    table = parent_types_on(on, parent.path)
    if not rules.parent_type_allowed(parent.org_type.code, org_type.code, table):
        raise DomainError(
            f"Loại «{org_type.name}» không được đặt trực thuộc «{parent.org_type.name}» "
            f"(«{parent.name}»).",
            "parent",
        )


@transaction.atomic
def found_org(
    *,
    name: str,
    org_type: OrgType,
    parent: Organization | None,
    decision: Decision,
    user=None,
    code: str = "",
) -> Organization:
    """Found a new organisation under `parent` (None for a root)."""
    name = _check_name(name)
    _check_decision(decision)
    _check_parent_accepts(parent, org_type, decision.effective_date)
    if parent is not None and decision.effective_date < parent.founded_on:
        raise DomainError(
            "Ngày thành lập không được trước ngày thành lập của cấp trên.", "effective_date"
        )
    fields = dict(name=name, org_type=org_type, founded_on=decision.effective_date, code=code)
    org = (
        Organization.objects.add_child(parent, fields)
        if parent
        else Organization.objects.add_root(fields)
    )
    _open_period(org, decision.effective_date)
    record_event(org, OrgEvent.Kind.FOUNDED, decision, user, parent=parent.pk if parent else None)
    return org


@transaction.atomic
def rename_org(org: Organization, *, new_name: str, decision: Decision, user=None) -> Organization:
    new_name = _check_name(new_name)
    org = Organization.objects.select_for_update().get(pk=org.pk)
    _check_decision(decision, org)
    if new_name == org.name:
        raise DomainError("Tên mới trùng với tên hiện tại.", "new_name")
    old_name = org.name
    org.name = new_name
    org.save()
    _close_periods([org], decision.effective_date)
    _open_period(org, decision.effective_date)
    record_event(org, OrgEvent.Kind.RENAMED, decision, user, old_name=old_name, new_name=new_name)
    return org


@transaction.atomic
def move_org(
    org: Organization, *, new_parent: Organization, decision: Decision, user=None
) -> Organization:
    """Place an org (with its whole subtree) under another parent."""
    org = Organization.objects.get(pk=org.pk)
    new_parent = Organization.objects.get(pk=new_parent.pk)
    _check_decision(decision, org)
    if new_parent.pk == org.pk or new_parent.path.startswith(org.path):
        raise DomainError(
            "Không thể chuyển tổ chức vào chính nó hoặc tổ chức trực thuộc nó.", "new_parent"
        )
    old_parent = Organization.objects.get_parent(org)
    if old_parent and old_parent.pk == new_parent.pk:
        raise DomainError("Tổ chức đã trực thuộc cấp trên này.", "new_parent")
    try:
        _check_parent_accepts(new_parent, org.org_type, decision.effective_date)
    except DomainError as error:
        raise DomainError(error.message, "new_parent") from error
    old_prefix = org.path
    subtree_ids = list(
        Organization.objects.filter(path__startswith=old_prefix).values_list("pk", flat=True)
    )
    Organization.objects.move(org, new_parent, pos="last-child")
    org.refresh_from_db()
    subtree_moved.send(Organization, old_prefix=old_prefix, new_prefix=org.path)
    _close_periods(subtree_ids, decision.effective_date)
    for node in Organization.objects.filter(pk__in=subtree_ids).select_related("org_type"):
        _open_period(node, decision.effective_date)
    record_event(
        org,
        OrgEvent.Kind.MOVED,
        decision,
        user,
        old_parent=old_parent.pk if old_parent else None,
        new_parent=new_parent.pk,
        old_parent_name=old_parent.name if old_parent else "",
        new_parent_name=new_parent.name,
    )
    return org


def active_member_count(org: Organization) -> int:
    """Members still in the org's subtree, counted by the register (the members app answers
    the declared hook; organizations never reaches the Member model)."""
    return hooks.call("members.active_in_subtree", org.path)


@transaction.atomic
def dissolve_org(org: Organization, *, decision: Decision, user=None, kind=None, **details):
    """End an org. Refused while it still has members or active subordinate orgs."""
    org = Organization.objects.select_for_update().get(pk=org.pk)
    _check_decision(decision, org)
    if (
        Organization.objects.filter(path__startswith=org.path, is_active=True)
        .exclude(pk=org.pk)
        .exists()
    ):
        raise DomainError(
            "Tổ chức còn tổ chức trực thuộc đang hoạt động; hãy chuyển hoặc giải thể chúng trước.",
            "organization",
        )
    remaining = active_member_count(org)
    if remaining:
        raise DomainError(
            f"Tổ chức còn {remaining} đảng viên; hãy chuyển sinh hoạt hoặc hợp nhất trước.",
            "organization",
        )
    org.is_active = False
    org.dissolved_on = decision.effective_date
    org.save()
    _close_periods([org], decision.effective_date)
    record_event(org, kind or OrgEvent.Kind.DISSOLVED, decision, user, **details)
    return org


@dataclass(frozen=True)
class FirstOfficer:
    """The first account of a fresh system, placed on the root with one role."""

    username: str
    full_name: str
    email: str
    password: str
    role: object  # core.Role


def needs_first_run() -> bool:
    """An empty tree: the system is not set up yet (the first-run page creates the root)."""
    return not Organization.objects.exists()


@transaction.atomic
def set_up_root(
    *,
    name: str,
    org_type: OrgType,
    decision: Decision,
    user,
    code: str = "",
    officer: FirstOfficer | None = None,
) -> Organization:
    """First run: found the root organisation of an empty system and, optionally, its first
    officer (an account on the root holding one role there). Superusers only; refused once
    any organisation exists."""
    from dangbo.core import accounts

    if user is None or not user.is_superuser:
        raise PermissionDenied
    # One root per system: lock the org types so two first-run posts run one after the other.
    list(OrgType.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
    if not needs_first_run():
        raise DomainError("Hệ thống đã có tổ chức gốc; không khởi tạo lại được.", "name")
    if org_type.holds_members:
        raise DomainError(
            "Tổ chức gốc phải là một đảng bộ (chi bộ không có tổ chức trực thuộc).", "org_type"
        )
    root = found_org(
        name=name, org_type=org_type, parent=None, decision=decision, user=user, code=code
    )
    if officer is not None:
        account = accounts.create_user(
            admin=user,
            username=officer.username,
            full_name=officer.full_name,
            email=officer.email,
            organization=root,
            password=officer.password,
        )
        accounts.assign_role(account, admin=user, role=officer.role, organization=root)
    return root
