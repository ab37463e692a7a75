"""Use cases of transfers: issue, present, receive, cancel; temporary; out of / into the system.

The sending side issues and may cancel; the receiving side records presentation and receipt.
The member's placement changes only on receipt (members.services.place_members).
"""

from dataclasses import fields
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dangbo.core.accounts import actor as _actor
from dangbo.core.errors import DomainError
from dangbo.core.models import RuleParameter
from dangbo.core.permissions import has_permission
from dangbo.core.text import clean_spaces
from dangbo.core.workdays import calendar_for
from dangbo.members import services as member_services
from dangbo.members.choices import ACTIVE_STATUSES, Status
from dangbo.members.models import Member, MemberEvent
from dangbo.organizations.models import Organization
from dangbo.transfers import rules
from dangbo.transfers.models import Transfer, TransferEvent
from dangbo.transfers.rules import Kind, State, TransferParams


def params_on(on: date, org_path: str = "") -> TransferParams:
    """The transfer rule values in force on `on` for an org (one query)."""
    keys = {key: name for name, key in rules.PARAM_KEYS.items()}
    names = {f.name for f in fields(TransferParams)}
    values = RuleParameter.values_on(keys, on, org_path)
    return TransferParams(**{keys[k]: int(v) for k, v in values.items() if keys[k] in names})


def _require_side(user, org: Organization | None, side: str) -> None:
    """Only the side that owns an act may perform it (the sender issues, the receiver receives)."""
    if user is None or org is None:
        return
    if not has_permission(user, "transfers.change", org.path):
        raise DomainError(f"Chỉ {side} mới được ghi nhận việc này.", "state")


def _check_date(on: date, field: str = "on") -> None:
    if on is None:
        raise DomainError("Cần nhập ngày.", field)
    if on > timezone.localdate():
        raise DomainError("Ngày không được sau ngày hôm nay.", field)


def _check_paper(paper_number: str) -> str:
    paper_number = clean_spaces(paper_number)
    if not paper_number:
        raise DomainError("Cần nhập số giấy giới thiệu.", "paper_number")
    return paper_number


def _check_cell(org: Organization, field: str) -> None:
    if not org.is_active:
        raise DomainError(f"Tổ chức «{org.name}» đã giải thể.", field)
    if not org.org_type.holds_members:
        raise DomainError(f"«{org.name}» là đảng bộ; hãy chọn một chi bộ.", field)


def _check_member(member: Member, on: date) -> Member:
    member = (
        Member.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=member.pk)
    )
    if member.status not in ACTIVE_STATUSES:
        raise DomainError("Đảng viên không còn trong sổ đảng viên.", "member")
    placed = member.placements.filter(valid_to__isnull=True).first()
    if placed and on < placed.valid_from:
        raise DomainError(
            f"Ngày giới thiệu phải từ {placed.valid_from:%d/%m/%Y} (ngày vào chi bộ hiện tại).",
            "on",
        )
    return member


def _event(transfer: Transfer, state: str, on: date, user, note: str = "") -> None:
    TransferEvent.objects.create(
        transfer=transfer, state=state, date=on, note=clean_spaces(note), recorded_by=_actor(user)
    )


@transaction.atomic
def issue(
    member: Member, *, to_org: Organization, on: date, paper_number: str, reason="", user=None
) -> Transfer:
    """The sending org introduces a member to another org in the system (official transfer)."""
    _check_date(on)
    member = _check_member(member, on)
    _require_side(user, member.organization, "chi bộ/đảng bộ nơi đi")
    to_org = Organization.objects.select_related("org_type").get(pk=to_org.pk)
    _check_cell(to_org, "to_org")
    if to_org.pk == member.organization_id:
        raise DomainError("Nơi đến phải khác chi bộ hiện tại.", "to_org")
    if Transfer.objects.filter(member=member, kind=Kind.OFFICIAL).open().exists():
        raise DomainError("Đảng viên đang có một giấy giới thiệu chưa hoàn tất.", "member")
    due = rules.deadlines(on, params_on(on, member.org_path), calendar_for())
    transfer = Transfer.objects.create(
        kind=Kind.OFFICIAL,
        state=State.ISSUED,
        member=member,
        from_org=member.organization,
        to_org=to_org,
        paper_number=_check_paper(paper_number),
        issued_on=on,
        present_by=due.present_by,
        complete_by=due.complete_by,
        rejoin_by=due.rejoin_by,
        reason=clean_spaces(reason),
        recorded_by=_actor(user),
    )
    _event(transfer, State.ISSUED, on, user, reason)
    return transfer


def _move(transfer: Transfer, new_state: str, on: date) -> Transfer:
    transfer = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("member", "from_org", "to_org")
        .get(pk=transfer.pk)
    )
    problem = rules.transition_problem(transfer.kind, transfer.state, new_state)
    if problem:
        raise DomainError(problem, "state")
    _check_date(on)
    if on < transfer.issued_on:
        raise DomainError(
            f"Ngày phải từ ngày giới thiệu ({transfer.issued_on:%d/%m/%Y}) trở đi.", "on"
        )
    return transfer


@transaction.atomic
def present(transfer: Transfer, *, on: date, note="", user=None) -> Transfer:
    """The receiving org records that the member presented the introduction."""
    transfer = _move(transfer, State.PRESENTED, on)
    _require_side(user, transfer.to_org, "chi bộ/đảng bộ nơi đến")
    transfer.state, transfer.presented_on = State.PRESENTED, on
    transfer.save()
    late = " (quá hạn xuất trình)" if on > transfer.present_by else ""
    _event(transfer, State.PRESENTED, on, user, f"{note}{late}")
    return transfer


@transaction.atomic
def receive(transfer: Transfer, *, on: date, note="", user=None) -> Transfer:
    """The receiving org takes the member in: the placement moves on that day."""
    transfer = _move(transfer, State.COMPLETED, on)
    _require_side(user, transfer.to_org, "chi bộ/đảng bộ nơi đến")
    if on < transfer.presented_on:
        raise DomainError("Ngày tiếp nhận không được trước ngày xuất trình.", "on")
    _check_cell(transfer.to_org, "to_org")
    member = Member.objects.select_for_update(of=("self",)).get(pk=transfer.member_id)
    if member.status not in ACTIVE_STATUSES:
        raise DomainError("Đảng viên không còn trong sổ đảng viên.", "member")
    member_services.place_members(
        [member.pk],
        transfer.to_org,
        on,
        summary=(
            f"Chuyển sinh hoạt chính thức từ {transfer.from_org.name} đến {transfer.to_org.name}"
        ),
        user=user,
        kind=MemberEvent.Kind.TRANSFERRED,
        decision_number=transfer.paper_number,
    )
    transfer.state, transfer.completed_on = State.COMPLETED, on
    transfer.save()
    _event(transfer, State.COMPLETED, on, user, note)
    return transfer


@transaction.atomic
def cancel(transfer: Transfer, *, on: date, note: str = "", user=None) -> Transfer:
    """The sending org withdraws an introduction that was not taken up (the member stays)."""
    transfer = _move(transfer, State.CANCELLED, on)
    _require_side(user, transfer.from_org, "chi bộ/đảng bộ nơi đi")
    if not clean_spaces(note):
        raise DomainError("Cần nêu lý do hủy.", "note")
    transfer.state = State.CANCELLED
    transfer.save()
    _event(transfer, State.CANCELLED, on, user, note)
    return transfer


@transaction.atomic
def start_temporary(
    member: Member,
    *,
    host_org: Organization,
    starts_on: date,
    ends_on: date,
    paper_number: str,
    for_study=False,
    reason="",
    user=None,
) -> Transfer:
    """The home org introduces a member for temporary attendance at a host org; the member
    stays on the home register, and reaches the host once the host accepts."""
    _check_date(starts_on, "starts_on")
    member = _check_member(member, starts_on)
    _require_side(user, member.organization, "chi bộ/đảng bộ nơi đi")
    host_org = Organization.objects.select_related("org_type").get(pk=host_org.pk)
    _check_cell(host_org, "to_org")
    if host_org.pk == member.organization_id:
        raise DomainError("Nơi sinh hoạt tạm thời phải khác chi bộ hiện tại.", "to_org")
    if ends_on is None:
        raise DomainError("Cần nhập ngày kết thúc.", "ends_on")
    problem = rules.temporary_period_problem(
        starts_on, ends_on, for_study, params_on(starts_on, member.org_path)
    )
    if problem:
        raise DomainError(problem, "ends_on")
    if Transfer.objects.filter(member=member, kind=Kind.TEMPORARY).open().exists():
        raise DomainError("Đảng viên đang sinh hoạt tạm thời ở nơi khác.", "member")
    transfer = Transfer.objects.create(
        kind=Kind.TEMPORARY,
        state=State.ISSUED,
        member=member,
        from_org=member.organization,
        to_org=host_org,
        paper_number=_check_paper(paper_number),
        issued_on=starts_on,
        starts_on=starts_on,
        ends_on=ends_on,
        for_study=for_study,
        reason=clean_spaces(reason),
        recorded_by=_actor(user),
    )
    _event(transfer, State.ISSUED, starts_on, user, reason)
    member_services.record_event(
        member,
        kind=MemberEvent.Kind.TRANSFERRED,
        on=starts_on,
        summary=(
            f"Giới thiệu sinh hoạt tạm thời tại {host_org.name} "
            f"từ {starts_on:%d/%m/%Y} đến {ends_on:%d/%m/%Y}"
        ),
        decision_number=transfer.paper_number,
        user=user,
    )
    return transfer


@transaction.atomic
def accept_temporary(transfer: Transfer, *, on: date, note="", user=None) -> Transfer:
    """The host org accepts the member: from `on` they are on the host cell's meeting roll
    (and dues, where the rule says so) until the attendance ends."""
    transfer = _move(transfer, State.ACTIVE, on)
    _require_side(user, transfer.to_org, "chi bộ nơi sinh hoạt tạm thời")
    if on > transfer.ends_on:
        raise DomainError(
            f"Đã hết thời hạn sinh hoạt tạm thời ({transfer.ends_on:%d/%m/%Y}).", "on"
        )
    _check_cell(transfer.to_org, "to_org")
    member = Member.objects.select_for_update(of=("self",)).get(pk=transfer.member_id)
    if member.status not in ACTIVE_STATUSES:
        raise DomainError("Đảng viên không còn trong sổ đảng viên.", "member")
    transfer.state, transfer.accepted_on = State.ACTIVE, on
    transfer.save()
    _event(transfer, State.ACTIVE, on, user, note)
    member_services.record_event(
        member,
        kind=MemberEvent.Kind.TRANSFERRED,
        on=on,
        summary=(
            f"{transfer.to_org.name} tiếp nhận sinh hoạt tạm thời đến {transfer.ends_on:%d/%m/%Y}"
        ),
        decision_number=transfer.paper_number,
        user=user,
    )
    return transfer


@transaction.atomic
def end_temporary(transfer: Transfer, *, on: date, note="", user=None) -> Transfer:
    """Either side records the end: the member is back on the home cell's roll from `on`."""
    transfer = _move(transfer, State.ENDED, on)
    if on < transfer.accepted_on:
        raise DomainError(
            f"Ngày kết thúc phải từ ngày tiếp nhận ({transfer.accepted_on:%d/%m/%Y}).", "on"
        )
    transfer.state, transfer.completed_on = State.ENDED, on
    transfer.save()
    _event(transfer, State.ENDED, on, user, note)
    return transfer


def hosted_on(day: date, *, host_path: str | None = None, home_path: str | None = None):
    """(member_id, to_org_id) rows — a lazy queryset, usable as a subquery — of the temporary
    attendances placing members at a host on `day` (`rules.is_hosted_on` as a filter), by
    host subtree or by home subtree."""
    rows = Transfer.objects.filter(
        Q(completed_on__isnull=True, ends_on__gte=day) | Q(completed_on__gt=day),
        kind=Kind.TEMPORARY,
        state__in=(State.ACTIVE, State.ENDED),
        accepted_on__lte=day,
    )
    if host_path is not None:
        rows = rows.filter(to_org__path__startswith=host_path)
    if home_path is not None:
        rows = rows.filter(from_org__path__startswith=home_path)
    return rows.order_by().values_list("member_id", "to_org_id")


@transaction.atomic
def transfer_out(
    member: Member, *, destination: str, on: date, paper_number: str, reason="", user=None
) -> Transfer:
    """One-sided: the member leaves for an organisation outside the system (paper reference)."""
    _check_date(on)
    member = _check_member(member, on)
    _require_side(user, member.organization, "chi bộ/đảng bộ nơi đi")
    destination = clean_spaces(destination)
    if not destination:
        raise DomainError("Cần ghi nơi đến (ngoài hệ thống).", "external_org")
    paper_number = _check_paper(paper_number)
    transfer = Transfer.objects.create(
        kind=Kind.OUT,
        state=State.COMPLETED,
        member=member,
        from_org=member.organization,
        external_org=destination,
        paper_number=paper_number,
        issued_on=on,
        completed_on=on,
        reason=clean_spaces(reason),
        recorded_by=_actor(user),
    )
    member_services.change_status(
        member,
        new_status=Status.TRANSFERRED_OUT,
        on=on,
        decision_number=paper_number,
        reason=f"Chuyển sinh hoạt đến {destination}. {clean_spaces(reason)}".strip(),
        user=user,
    )
    _event(transfer, State.COMPLETED, on, user, reason)
    return transfer


@transaction.atomic
def transfer_in(
    *, to_org: Organization, origin: str, on: date, paper_number: str, user=None, **identity
) -> Transfer:
    """One-sided: a member arrives from outside the system with an introduction paper."""
    _check_date(on)
    to_org = Organization.objects.select_related("org_type").get(pk=to_org.pk)
    _check_cell(to_org, "to_org")
    _require_side(user, to_org, "chi bộ/đảng bộ nơi đến")
    origin = clean_spaces(origin)
    if not origin:
        raise DomainError("Cần ghi nơi đi (ngoài hệ thống).", "external_org")
    paper_number = _check_paper(paper_number)
    member = member_services.register_member(
        organization=to_org,
        user=user,
        reason=f"Chuyển đến từ {origin}, giấy giới thiệu {paper_number}",
        placed_on=on,
        **identity,
    )
    transfer = Transfer.objects.create(
        kind=Kind.IN,
        state=State.COMPLETED,
        member=member,
        to_org=to_org,
        external_org=origin,
        paper_number=paper_number,
        issued_on=on,
        completed_on=on,
        recorded_by=_actor(user),
    )
    _event(transfer, State.COMPLETED, on, user)
    return transfer
