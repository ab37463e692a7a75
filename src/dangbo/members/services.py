"""Use cases on the member registry, and restructurings that move members between orgs."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from dangbo.core.accounts import actor as _actor
from dangbo.core.errors import DomainError
from dangbo.core.models import RuleParameter
from dangbo.core.text import clean_spaces, normalize
from dangbo.members import rules
from dangbo.members import summary as member_summary
from dangbo.members.choices import ACTIVE_STATUSES, DisciplineForm, Status
from dangbo.members.models import (
    Discipline,
    Member,
    MemberEvent,
    MembershipGap,
    Placement,
    StatusPeriod,
)
from dangbo.organizations import services as org_services
from dangbo.organizations.models import Organization, OrgEvent, OrgType

IDENTITY_FIELDS = (
    "full_name",
    "gender",
    "birth_date",
    "place_of_origin",
    "ethnicity",
    "religion",
    "id_number",
    "history_number",
    "education",
    "qualification",
    "theory_level",
    "occupation",
    "workplace",
    "admitted_on",
    "ceremony_on",
    "official_on",
)


def _check_org_holds_members(org: Organization) -> None:
    if not org.is_active:
        raise DomainError(f"Tổ chức «{org.name}» đã giải thể.", "organization")
    if not org.org_type.holds_members:
        raise DomainError(
            f"«{org.name}» là đảng bộ; đảng viên phải sinh hoạt tại một chi bộ.", "organization"
        )


def _check_identity(data: dict, exclude_pk=None) -> dict:
    data = dict(data)
    for key in ("full_name", "place_of_origin", "workplace", "history_number"):
        if key in data and data[key] is not None:
            data[key] = clean_spaces(data[key])
    if "full_name" in data and not data["full_name"]:
        raise DomainError("Cần nhập họ và tên.", "full_name")
    id_number = (data.get("id_number") or "").strip() or None
    data["id_number"] = id_number
    problem = rules.validate_id_number(id_number)
    if problem:
        raise DomainError(problem, "id_number")
    if id_number and Member.objects.filter(id_number=id_number).exclude(pk=exclude_pk).exists():
        raise DomainError(f"Số định danh {id_number} đã thuộc một đảng viên khác.", "id_number")
    problems = rules.date_order_problems(
        data.get("birth_date"),
        data.get("admitted_on"),
        data.get("ceremony_on"),
        data.get("official_on"),
        timezone.localdate(),
    )
    if problems:
        field, message = next(iter(problems.items()))
        raise DomainError(message, field)
    return data


@transaction.atomic
def register_member(
    *,
    organization: Organization,
    user=None,
    reason: str = "",
    placed_on: date | None = None,
    **data,
) -> Member:
    """Put a member on the register (an existing member taken into the system, or admitted)."""
    _check_org_holds_members(organization)
    data = _check_identity({k: v for k, v in data.items() if k in IDENTITY_FIELDS})
    status = Status.OFFICIAL if data.get("official_on") else Status.PROBATIONARY
    since = data.get("official_on") or data["admitted_on"]
    member = Member(
        **data,
        name_search=normalize(data["full_name"]),
        status=status,
        status_since=since,
        organization=organization,
        org_path=organization.path,
    )
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:
        raise DomainError("Số định danh đã thuộc một đảng viên khác.", "id_number") from exc
    if status == Status.OFFICIAL:
        StatusPeriod.objects.create(
            member=member,
            status=Status.PROBATIONARY,
            valid_from=data["admitted_on"],
            valid_to=since,
        )
    StatusPeriod.objects.create(member=member, status=status, valid_from=since)
    Placement.objects.create(
        member=member, organization=organization, valid_from=placed_on or data["admitted_on"]
    )
    MemberEvent.objects.create(
        member=member,
        kind=MemberEvent.Kind.REGISTERED,
        date=timezone.localdate(),
        summary=f"Đưa vào sổ đảng viên tại {organization.name}",
        reason=reason,
        recorded_by=_actor(user),
    )
    return member


@transaction.atomic
def correct_identity(
    member: Member, *, reason: str, user=None, expected_version: str = "", **changes
) -> Member:
    """Correct identity fields; the old values stay in the history with who/when/why.

    `expected_version` (the record's `version` when the officer opened the form) makes a
    concurrent correction fail with a clear message instead of silently overwriting it."""
    reason = clean_spaces(reason)
    if not reason:
        raise DomainError("Cần nêu lý do đính chính.", "reason")
    member = Member.objects.select_for_update().get(pk=member.pk)
    if expected_version:
        member.check_version(expected_version)
    current = {field: getattr(member, field) for field in IDENTITY_FIELDS}
    merged = _check_identity(
        {**current, **{k: v for k, v in changes.items() if k in IDENTITY_FIELDS}},
        exclude_pk=member.pk,
    )
    changed = {f: (current[f], merged[f]) for f in IDENTITY_FIELDS if current[f] != merged[f]}
    if not changed:
        raise DomainError("Không có thông tin nào thay đổi.", "reason")
    for field, (_old, new) in changed.items():
        setattr(member, field, new)
    member.name_search = normalize(member.full_name)
    member.save()
    labels = {f.name: str(f.verbose_name) for f in Member._meta.fields}
    MemberEvent.objects.create(
        member=member,
        kind=MemberEvent.Kind.CORRECTED,
        date=timezone.localdate(),
        summary="Đính chính: " + ", ".join(labels[f] for f in changed),
        reason=reason,
        recorded_by=_actor(user),
        details={f: [_json(o), _json(n)] for f, (o, n) in changed.items() if f != "id_number"},
    )
    return member


def _json(value):
    return value.isoformat() if isinstance(value, date) else value


@transaction.atomic
def change_status(
    member: Member, *, new_status: str, on: date, decision_number: str, reason: str, user=None
) -> Member:
    """Move a member to a new status (official recognition, or leaving) as a dated event."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    problem = rules.transition_problem(member.status, new_status)
    if problem:
        raise DomainError(problem, "new_status")
    if on > timezone.localdate():
        raise DomainError("Ngày hiệu lực không được sau ngày hôm nay.", "on")
    if on < member.status_since:
        raise DomainError(f"Ngày hiệu lực phải từ {member.status_since:%d/%m/%Y} trở đi.", "on")
    if not clean_spaces(decision_number):
        raise DomainError("Cần nhập số quyết định.", "decision_number")
    StatusPeriod.objects.filter(member=member, valid_to__isnull=True).update(valid_to=on)
    StatusPeriod.objects.create(
        member=member,
        status=new_status,
        valid_from=on,
        decision_number=decision_number,
        note=clean_spaces(reason)[:255],
    )
    old_label = member.get_status_display()
    member.status = new_status
    member.status_since = on
    if new_status == Status.OFFICIAL:
        member.official_on = on
    member.save()
    kind = {Status.OFFICIAL: MemberEvent.Kind.OFFICIAL}.get(
        new_status,
        MemberEvent.Kind.LEFT if new_status in rules.LEAVING_STATUSES else MemberEvent.Kind.STATUS,
    )
    MemberEvent.objects.create(
        member=member,
        kind=kind,
        date=on,
        decision_number=decision_number,
        summary=f"{old_label} → {member.get_status_display()}",
        reason=clean_spaces(reason),
        recorded_by=_actor(user),
    )
    return member


def place_members(
    member_ids,
    target: Organization,
    on: date,
    *,
    summary: str,
    user=None,
    kind: str = MemberEvent.Kind.REORGANISED,
    decision_number: str = "",
) -> int:
    """Close the members' open placements and open new ones in `target` (caller's transaction)."""
    member_ids = list(member_ids)
    if not member_ids:
        return 0
    Placement.objects.filter(member_id__in=member_ids, valid_to__isnull=True).update(valid_to=on)
    Placement.objects.bulk_create(
        Placement(member_id=pk, organization=target, valid_from=on, decision_number=decision_number)
        for pk in member_ids
    )
    deltas = member_summary.deltas_for_move(member_ids, target.path)
    Member.objects.filter(pk__in=member_ids).update(organization=target, org_path=target.path)
    member_summary.apply_deltas(deltas)
    MemberEvent.objects.bulk_create(
        MemberEvent(
            member_id=pk,
            kind=kind,
            date=on,
            summary=summary,
            decision_number=decision_number,
            recorded_by=_actor(user),
        )
        for pk in member_ids
    )
    return len(member_ids)


@transaction.atomic
def merge_orgs(
    sources: list[Organization], target: Organization, *, decision, user=None
) -> Organization:
    """Merge cells into `target`: their members move to it and the sources end."""
    target = Organization.objects.select_related("org_type").get(pk=target.pk)
    _check_org_holds_members(target)
    if not sources:
        raise DomainError("Chọn ít nhất một chi bộ để hợp nhất.", "sources")
    for source in sources:
        if source.pk == target.pk:
            raise DomainError("Chi bộ nhận không được nằm trong danh sách hợp nhất.", "sources")
        if not source.org_type.holds_members:
            raise DomainError(f"«{source.name}» không phải là chi bộ.", "sources")
        if (
            Organization.objects.filter(path__startswith=source.path, is_active=True)
            .exclude(pk=source.pk)
            .exists()
        ):
            raise DomainError(f"«{source.name}» còn tổ chức trực thuộc.", "sources")
    for source in sources:
        ids = Member.objects.filter(organization=source).active().values_list("pk", flat=True)
        place_members(
            ids,
            target,
            decision.effective_date,
            summary=f"Hợp nhất {source.name} vào {target.name}",
            user=user,
        )
        org_services.dissolve_org(
            source,
            decision=decision,
            user=user,
            kind=OrgEvent.Kind.MERGED,
            merged_into=target.pk,
            merged_into_name=target.name,
        )
    return target


@transaction.atomic
def split_org(
    source: Organization,
    parts: list[tuple[str, list[int]]],
    *,
    org_type: OrgType,
    decision,
    user=None,
    dissolve_source: bool = False,
) -> list[Organization]:
    """Split a cell: found each new part (name, member ids) beside it and move those members."""
    source = Organization.objects.select_related("org_type").get(pk=source.pk)
    _check_org_holds_members(source)
    if not parts:
        raise DomainError("Cần ít nhất một chi bộ mới.", "parts")
    active_ids = set(
        Member.objects.filter(organization=source).active().values_list("pk", flat=True)
    )
    seen: set[int] = set()
    for _name, ids in parts:
        unknown = set(ids) - active_ids
        if unknown:
            raise DomainError("Có đảng viên không thuộc chi bộ được chia tách.", "parts")
        if seen & set(ids):
            raise DomainError("Một đảng viên được xếp vào hai chi bộ mới.", "parts")
        seen |= set(ids)
    if dissolve_source and seen != active_ids:
        raise DomainError("Phải phân hết đảng viên khi giải thể chi bộ cũ.", "parts")
    parent = Organization.objects.get_parent(source)
    new_orgs = []
    for name, ids in parts:
        org = org_services.found_org(
            name=name, org_type=org_type, parent=parent, decision=decision, user=user
        )
        place_members(
            ids,
            org,
            decision.effective_date,
            summary=f"Chia tách từ {source.name} sang {org.name}",
            user=user,
        )
        new_orgs.append(org)
    details = dict(split_into=[o.pk for o in new_orgs], split_into_names=[o.name for o in new_orgs])
    if dissolve_source:
        org_services.dissolve_org(
            source, decision=decision, user=user, kind=OrgEvent.Kind.SPLIT, **details
        )
    else:
        org_services.record_event(source, OrgEvent.Kind.SPLIT, decision, user, **details)
    return new_orgs


def official_counts(org: Organization) -> tuple[int, int]:
    """(official, active) members directly in an org."""
    qs = Member.objects.filter(organization=org, status__in=ACTIVE_STATUSES)
    return qs.filter(status=Status.OFFICIAL).count(), qs.count()


def record_event(
    member: Member, *, kind: str, on: date, summary: str, decision_number="", reason="", user=None
) -> MemberEvent:
    """Add a domain event to a member's timeline (used by admissions and transfers)."""
    return MemberEvent.objects.create(
        member=member,
        kind=kind,
        date=on,
        summary=summary,
        decision_number=clean_spaces(decision_number),
        reason=clean_spaces(reason),
        recorded_by=_actor(user),
    )


@transaction.atomic
def record_ceremony(member: Member, *, on: date, user=None) -> Member:
    """The admission ceremony: probation (dự bị) runs from this day."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if on < member.admitted_on:
        raise DomainError("Ngày lễ kết nạp không được trước ngày quyết định kết nạp.", "date")
    if on > timezone.localdate():
        raise DomainError("Ngày lễ kết nạp không được sau ngày hôm nay.", "date")
    member.ceremony_on = on
    member.save(update_fields=["ceremony_on", "updated_at"])
    record_event(
        member,
        kind=MemberEvent.Kind.ADMITTED,
        on=on,
        summary=f"Lễ kết nạp tại {member.organization.name}",
        user=user,
    )
    return member


@transaction.atomic
def leave(
    member: Member,
    *,
    new_status: str,
    on: date,
    decision_number: str,
    reason: str,
    serious: bool = False,
    user=None,
) -> Member:
    """Deletion from the register, expulsion, resignation or death: a dated event."""
    if new_status not in rules.LEAVING_STATUSES:
        raise DomainError("Chọn một hình thức ra khỏi Đảng.", "new_status")
    if not clean_spaces(reason):
        raise DomainError("Cần nêu lý do.", "reason")
    if serious and new_status != Status.EXPELLED:
        raise DomainError("Chỉ đánh dấu vi phạm nghiêm trọng khi khai trừ.", "serious")
    member = change_status(
        member,
        new_status=new_status,
        on=on,
        decision_number=decision_number,
        reason=reason,
        user=user,
    )
    if serious:
        StatusPeriod.objects.filter(member=member, valid_to__isnull=True).update(
            bars_readmission=True
        )
    return member


@transaction.atomic
def readmit(
    member: Member,
    *,
    organization: Organization,
    on: date,
    decision_number: str,
    reason: str = "",
    user=None,
) -> Member:
    """Re-admission (kết nạp lại): probationary again; the time away is a gap in party age."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    organization = Organization.objects.select_related("org_type").get(pk=organization.pk)
    _check_org_holds_members(organization)
    if on > timezone.localdate():
        raise DomainError("Ngày kết nạp lại không được sau ngày hôm nay.", "on")
    if not clean_spaces(decision_number):
        raise DomainError("Cần nhập số quyết định kết nạp lại.", "decision_number")
    current = StatusPeriod.objects.filter(member=member, valid_to__isnull=True).first()
    min_months = RuleParameter.value_on("member.readmission_min_months", on, organization.path, 36)
    barred_by_rule = RuleParameter.value_on(
        "member.readmission_barred_after_serious_expulsion", on, organization.path, True
    )
    problem = rules.readmission_problem(
        member.status,
        member.status_since,
        on,
        readmitted_before=member.events.filter(kind=MemberEvent.Kind.READMITTED).exists(),
        barred=bool(current and current.bars_readmission and barred_by_rule),
        min_months=int(min_months),
    )
    if problem:
        raise DomainError(problem, "on")
    left_on = member.status_since
    MembershipGap.objects.create(
        member=member,
        valid_from=left_on,
        valid_to=on,
        decision_number=clean_spaces(decision_number),
        note=f"Gián đoạn từ khi ra khỏi Đảng ({member.get_status_display()}) đến khi kết nạp lại",
    )
    StatusPeriod.objects.filter(member=member, valid_to__isnull=True).update(valid_to=on)
    StatusPeriod.objects.create(
        member=member,
        status=Status.PROBATIONARY,
        valid_from=on,
        decision_number=clean_spaces(decision_number),
        note="Kết nạp lại",
    )
    member.status, member.status_since = Status.PROBATIONARY, on
    member.official_on = None
    member.save()
    place_members(
        [member.pk],
        organization,
        on,
        summary=f"Kết nạp lại, sinh hoạt tại {organization.name}",
        user=user,
        kind=MemberEvent.Kind.READMITTED,
        decision_number=clean_spaces(decision_number),
    )
    member.refresh_from_db()
    return member


def discipline_grade_caps(on: date, org_path: str = "") -> dict[str, str]:
    """The discipline → grade cap table in force on `on` for the org at `org_path` (dated,
    configurable: `rules.DISCIPLINE_GRADE_CAPS_KEY`). Reviews applies it, inspections shows
    it: one table, one reader."""
    return RuleParameter.value_on(
        rules.DISCIPLINE_GRADE_CAPS_KEY, on, org_path, rules.DEFAULT_DISCIPLINE_GRADE_CAPS
    )


def discipline_grade_cap_in_year(forms, year: int, org_path: str = "") -> str | None:
    """The cap on a member's grade for `year` from the discipline forms decided in it, under
    the table in force at the end of that year (when the review is made)."""
    return rules.discipline_grade_cap(forms, discipline_grade_caps(date(year, 12, 31), org_path))


@transaction.atomic
def record_discipline(
    member: Member,
    *,
    form: str,
    decided_on: date,
    decision_number: str,
    authority_org: Organization,
    reason: str,
    authority: str = "",
    user=None,
) -> Discipline:
    """Record a discipline decision on a member by the org `authority_org` (checked: above the
    member on that day and empowered for the form); expulsion also ends the membership."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if form not in DisciplineForm.values:
        raise DomainError("Hình thức kỷ luật không hợp lệ.", "form")
    if not member.is_active_member:
        raise DomainError(
            f"Đảng viên {member.full_name} không còn sinh hoạt đảng "
            f"({member.get_status_display()}).",
            "member",
        )
    problem = rules.discipline_form_problem(member.status, form)
    if problem:
        raise DomainError(problem, "form")
    if decided_on > timezone.localdate():
        raise DomainError("Ngày quyết định không được sau ngày hôm nay.", "decided_on")
    if decided_on < member.admitted_on:
        raise DomainError("Ngày quyết định không được trước ngày vào Đảng.", "decided_on")
    decision_number = clean_spaces(decision_number)
    if not decision_number:
        raise DomainError("Cần nhập số quyết định.", "decision_number")
    problem = discipline_authority_problem(
        "member", _placed_path(member, decided_on), form, authority_org, decided_on
    )
    if problem:
        raise DomainError(problem, "authority_org")
    authority = clean_spaces(authority) or authority_org.name
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Cần nêu lý do kỷ luật.", "reason")
    discipline = Discipline.objects.create(
        member=member,
        form=form,
        decided_on=decided_on,
        decision_number=decision_number,
        authority=authority,
        authority_org=authority_org,
        reason=reason,
        recorded_by=_actor(user),
    )
    if form == DisciplineForm.EXPULSION:
        change_status(
            member,
            new_status=Status.EXPELLED,
            on=decided_on,
            decision_number=decision_number,
            reason=f"Kỷ luật khai trừ: {reason}",
            user=user,
        )
    return discipline


def _placed_path(member: Member, on: date) -> str:
    """The path of the org the member belonged to on `on` (today's when not placed then)."""
    placed = (
        Placement.objects.filter(Placement.valid_on(on), member=member)
        .values_list("organization__path", flat=True)
        .first()
    )
    return placed or member.org_path


def discipline_authority_problem(
    target: str, target_path: str, form: str, authority_org: Organization, on: date
) -> str | None:
    """Why `authority_org` may not impose `form` on the member or org ("member"/"org") at
    `target_path` on `on` (rules.discipline_authority_problem under the dated table)."""
    if authority_org is None:
        return "Cần chọn tổ chức đảng quyết định kỷ luật."
    authority_org = Organization.objects.select_related("org_type").get(pk=authority_org.pk)
    table = RuleParameter.value_on(
        rules.DISCIPLINE_AUTHORITY_KEY, on, target_path, rules.DEFAULT_DISCIPLINE_AUTHORITY
    )
    above = target_path.startswith(authority_org.path) and (
        target == "member" or target_path != authority_org.path
    )
    return rules.discipline_authority_problem(
        target=target,
        form=form,
        authority_type=authority_org.org_type.code,
        authority_name=authority_org.name,
        over_target=above,
        table=table,
    )


@transaction.atomic
def annul_discipline(discipline: Discipline, *, on: date, note: str, user=None) -> Discipline:
    """Annul a discipline decision (appeal upheld); an annulled expulsion restores membership."""
    discipline = Discipline.objects.select_for_update().get(pk=discipline.pk)
    if discipline.annulled_on is not None:
        raise DomainError("Quyết định kỷ luật này đã bị hủy bỏ.", "discipline")
    if on < discipline.decided_on:
        raise DomainError("Ngày hủy bỏ không được trước ngày quyết định kỷ luật.", "on")
    if on > timezone.localdate():
        raise DomainError("Ngày hủy bỏ không được sau ngày hôm nay.", "on")
    note = clean_spaces(note)
    if not note:
        raise DomainError("Cần nêu căn cứ hủy bỏ.", "note")
    discipline.annulled_on = on
    discipline.annulment_note = note[:255]
    discipline.save()
    member = Member.objects.select_for_update().get(pk=discipline.member_id)
    if discipline.form == DisciplineForm.EXPULSION and member.status == Status.EXPELLED:
        _restore_status_before_expulsion(member, on, discipline.decision_number, note, user)
    return discipline


def _restore_status_before_expulsion(member, on, decision_number, note, user):
    previous = (
        StatusPeriod.objects.filter(member=member, valid_to__isnull=False)
        .order_by("-valid_from", "-id")
        .first()
    )
    status = previous.status if previous else Status.OFFICIAL
    StatusPeriod.objects.filter(member=member, valid_to__isnull=True).update(valid_to=on)
    StatusPeriod.objects.create(
        member=member,
        status=status,
        valid_from=on,
        decision_number=decision_number,
        note=note[:255],
    )
    old_label = member.get_status_display()
    member.status = status
    member.status_since = on
    member.save()
    MemberEvent.objects.create(
        member=member,
        kind=MemberEvent.Kind.STATUS,
        date=on,
        decision_number=decision_number,
        summary=f"{old_label} → {member.get_status_display()} (hủy quyết định khai trừ)",
        reason=note,
        recorded_by=_actor(user),
    )
