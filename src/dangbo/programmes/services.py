"""Use cases of the programmes app: one transaction each, validate → write → record."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from dangbo.core import uploads
from dangbo.core.accounts import actor as _actor
from dangbo.core.errors import DomainError
from dangbo.core.models import RuleParameter
from dangbo.core.permissions import has_permission
from dangbo.core.text import clean_spaces, normalize
from dangbo.programmes import rules
from dangbo.programmes.models import (
    Commitment,
    CommitmentItem,
    DocType,
    Document,
    Programme,
    ProgrammeItem,
    ProgressReport,
    ReportStatus,
    Task,
)


def _require_change(user, org) -> None:
    """Services called from screens/API check reach again; callers without a user (seeds,
    other services) are trusted."""
    if user is not None and not has_permission(user, "programmes.change", org.path):
        raise PermissionDenied


def _require_active(org, field: str = "organization") -> None:
    if not org.is_active:
        raise DomainError(f"Tổ chức «{org.name}» đã giải thể.", field)


def _required(value: str, field: str, label: str) -> str:
    value = clean_spaces(value)
    if not value:
        raise DomainError(f"Cần nhập {label}.", field)
    return value


# --- documents -----------------------------------------------------------------------------


def _check_attachment(upload, org_path: str, on: date) -> uploads.CheckedUpload:
    """The core upload rule (type by content, zip bounds), with the dated size limit of
    issued documents (never above the site-wide DANGBO_UPLOAD_MAX_MB)."""
    max_mb = RuleParameter.value_on(
        "programmes.attachment_max_mb", on, org_path, rules.MAX_ATTACHMENT_MB
    )
    max_bytes = min(int(float(max_mb) * uploads.MB), uploads.document_max_bytes())
    return uploads.check_upload(upload, max_bytes=max_bytes, field="attachment")


@transaction.atomic
def register_document(
    *,
    organization,
    doc_type: str,
    number: str,
    issued_on: date,
    signer: str,
    summary: str,
    attachment=None,
    user=None,
) -> Document:
    """Register a document issued by `organization`, with an optional checked attachment."""
    _require_change(user, organization)
    if doc_type not in DocType.values:
        raise DomainError("Loại văn bản không hợp lệ.", "doc_type")
    number = clean_spaces(number)
    problem = rules.document_number_problem(number, doc_type)
    if problem:
        raise DomainError(problem, "number")
    if issued_on > timezone.localdate():
        raise DomainError("Ngày ban hành không được sau ngày hôm nay.", "issued_on")
    signer = _required(signer, "signer", "người ký")
    summary = _required(summary, "summary", "trích yếu")
    duplicate = Document.objects.filter(
        organization=organization,
        doc_type=doc_type,
        number_key=normalize(number),
        issued_on__year=issued_on.year,
    )
    if duplicate.exists():
        raise DomainError(f"Văn bản số {number} năm {issued_on.year} đã được đăng ký.", "number")
    document = Document(
        organization=organization,
        doc_type=doc_type,
        number=number,
        number_key=normalize(number),
        issued_on=issued_on,
        signer=signer,
        summary=summary,
        search=normalize(f"{number} {summary} {signer}"),
        recorded_by=_actor(user),
    )
    if attachment is not None:
        checked = _check_attachment(attachment, organization.path, issued_on)
        document.attachment_name = checked.name
        document.attachment_size = checked.size
        document.attachment_type = checked.type.code
        document.attachment.save(checked.stored_name(), checked.file, save=False)
    document.save()
    return document


# --- programmes and items ----------------------------------------------------------------------


@transaction.atomic
def create_programme(
    *,
    organization,
    kind: str,
    title: str,
    starts_on: date,
    ends_on: date,
    source_document=None,
    user=None,
) -> Programme:
    _require_change(user, organization)
    _require_active(organization)
    if kind not in Programme.Kind.values:
        raise DomainError("Loại chương trình không hợp lệ.", "kind")
    title = _required(title, "title", "tên chương trình")
    if ends_on <= starts_on:
        raise DomainError("Ngày kết thúc phải sau ngày bắt đầu.", "ends_on")
    if kind == Programme.Kind.YEAR and (ends_on - starts_on).days > 366:
        raise DomainError("Chương trình năm không được dài quá một năm.", "ends_on")
    if source_document is not None and not organization.path.startswith(
        source_document.organization.path
    ):
        raise DomainError(
            "Văn bản căn cứ phải do tổ chức này hoặc cấp trên ban hành.", "source_document"
        )
    return Programme.objects.create(
        organization=organization,
        kind=kind,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        source_document=source_document,
        recorded_by=_actor(user),
    )


def _new_item(
    programme: Programme,
    parent: ProgrammeItem | None,
    *,
    organization,
    title: str,
    expected_result: str,
    due_on: date,
    owner_person: str,
    weight: int,
    source_document,
    is_cascade: bool,
    user,
    row: int | None = None,
) -> ProgrammeItem:
    title = clean_spaces(title)
    if not title:
        raise DomainError("Cần nhập nội dung của mục.", "title", row)
    expected_result = clean_spaces(expected_result)
    if not expected_result:
        raise DomainError("Cần nêu kết quả cần đạt (đo được).", "expected_result", row)
    problems = rules.item_problems(
        due_on=due_on,
        programme_start=programme.starts_on,
        programme_end=programme.ends_on,
        parent_due=parent.due_on if parent else None,
        depth=(parent.depth + 1) if parent else 1,
        weight=weight,
    )
    if problems:
        field, message = next(iter(problems.items()))
        raise DomainError(message, field, row)
    if parent is None:
        last = ProgrammeItem.objects.filter(programme=programme, depth=1).count()
        path = rules.child_path("", last + 1)
    else:
        ProgrammeItem.objects.filter(pk=parent.pk).update(numchild=F("numchild") + 1)
        parent.refresh_from_db(fields=["numchild"])
        path = rules.child_path(parent.path, parent.numchild)
    return ProgrammeItem.objects.create(
        programme=programme,
        parent=parent,
        path=path,
        depth=len(path) // rules.STEPLEN,
        organization=organization,
        owner_person=clean_spaces(owner_person),
        title=title,
        expected_result=expected_result,
        due_on=due_on,
        weight=weight,
        source_document=source_document,
        is_cascade=is_cascade,
        search=normalize(f"{title} {owner_person}"),
        recorded_by=_actor(user),
    )


@transaction.atomic
def add_item(
    *,
    programme: Programme,
    parent: ProgrammeItem | None = None,
    organization=None,
    title: str,
    expected_result: str,
    due_on: date,
    owner_person: str = "",
    weight: int = 1,
    source_document=None,
    user=None,
) -> ProgrammeItem:
    """Add a top-level item to a programme, or a sub-item below `parent` (the parent's owner
    org, or an org below it, plans its contribution there)."""
    if parent is not None:
        parent = ProgrammeItem.objects.select_for_update().get(pk=parent.pk)
        if parent.programme_id != programme.pk:
            raise DomainError("Mục cha không thuộc chương trình này.", "parent")
        if parent.cancelled_on:
            raise DomainError("Mục cha đã bị hủy.", "parent")
        owner_root = parent.organization
    else:
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
        owner_root = programme.organization
    organization = organization or owner_root
    _require_change(user, owner_root)
    _require_active(organization)
    if not organization.path.startswith(owner_root.path):
        raise DomainError(
            f"Tổ chức chủ trì phải là «{owner_root.name}» hoặc tổ chức trực thuộc.",
            "organization",
        )
    return _new_item(
        programme,
        parent,
        organization=organization,
        title=title,
        expected_result=expected_result,
        due_on=due_on,
        owner_person=owner_person,
        weight=weight,
        source_document=source_document,
        is_cascade=False,
        user=user,
    )


@transaction.atomic
def cascade_item(
    item: ProgrammeItem, *, organizations, due_on: date | None = None, user=None
) -> list[ProgrammeItem]:
    """Cascade an item to subordinate orgs: each gets a child item it plans its part under."""
    item = ProgrammeItem.objects.select_related("programme", "organization").get(pk=item.pk)
    _require_change(user, item.organization)
    organizations = list(organizations)
    if not organizations:
        raise DomainError("Cần chọn ít nhất một tổ chức cấp dưới.", "organizations")
    if item.cancelled_on:
        raise DomainError("Mục đã bị hủy, không giao tiếp được.", "organizations")
    already = set(item.children.filter(is_cascade=True).values_list("organization_id", flat=True))
    created = []
    for row, org in enumerate(organizations, start=1):
        if org.path == item.organization.path or not org.path.startswith(item.organization.path):
            raise DomainError(
                f"«{org.name}» không trực thuộc «{item.organization.name}».", "organizations", row
            )
        _require_active(org, "organizations")
        if org.pk in already:
            raise DomainError(f"Mục này đã giao cho «{org.name}».", "organizations", row)
        already.add(org.pk)
        created.append(
            _new_item(
                item.programme,
                item,
                organization=org,
                title=item.title,
                expected_result=item.expected_result,
                due_on=due_on or item.due_on,
                owner_person="",
                weight=1,
                source_document=item.source_document,
                is_cascade=True,
                user=user,
                row=row,
            )
        )
    return created


@transaction.atomic
def cancel_item(item: ProgrammeItem, *, reason: str, on: date | None = None, user=None) -> int:
    """Cancel an item and everything below it (never deleted); they leave the roll-ups."""
    item = ProgrammeItem.objects.select_for_update().select_related("organization").get(pk=item.pk)
    _require_change(user, item.organization)
    reason = _required(reason, "cancel_reason", "lý do hủy")
    if item.cancelled_on:
        raise DomainError("Mục đã bị hủy từ trước.", "cancel_reason")
    subtree = ProgrammeItem.objects.filter(
        programme_id=item.programme_id, path__startswith=item.path, cancelled_on__isnull=True
    )
    count = 0
    for node in subtree:  # saved one by one so the audit log records each
        node.cancelled_on = on or timezone.localdate()
        node.cancel_reason = reason[:255]
        node.save(update_fields=["cancelled_on", "cancel_reason", "updated_at"])
        count += 1
    return count


def _report(target, *, percent, status, reported_on, evidence, comment, user, **link):
    today = timezone.localdate()
    problems = rules.report_problems(percent, status, reported_on, today)
    if status not in ReportStatus.values:
        problems.setdefault("status", "Tình trạng không hợp lệ.")
    if problems:
        field, message = next(iter(problems.items()))
        raise DomainError(message, field)
    last = target.reports.order_by("-reported_on", "-id").first()
    if last and reported_on < last.reported_on:
        raise DomainError(
            f"Đã có báo cáo ngày {last.reported_on:%d/%m/%Y}; báo cáo mới phải từ ngày đó trở đi.",
            "reported_on",
        )
    if status == ReportStatus.DONE and not clean_spaces(evidence):
        raise DomainError("Báo cáo hoàn thành cần có minh chứng.", "evidence")
    report = ProgressReport.objects.create(
        reported_on=reported_on,
        percent=percent,
        status=status,
        evidence=evidence.strip(),
        comment=comment.strip(),
        recorded_by=_actor(user),
        **link,
    )
    target.progress = percent
    target.reported_status = status
    target.done_on = reported_on if percent == 100 else None
    target.save(update_fields=["progress", "reported_status", "done_on", "updated_at"])
    return report


@transaction.atomic
def report_item_progress(
    item: ProgrammeItem,
    *,
    percent: int,
    status: str,
    reported_on: date,
    evidence: str = "",
    comment: str = "",
    user=None,
) -> ProgressReport:
    """Report progress on a leaf item; parents are never reported, they roll up."""
    item = ProgrammeItem.objects.select_for_update().select_related("organization").get(pk=item.pk)
    _require_change(user, item.organization)
    if item.cancelled_on:
        raise DomainError("Mục đã bị hủy.", "percent")
    if not item.is_leaf:
        raise DomainError(
            "Mục này có mục con: tiến độ được tổng hợp từ các mục con, không báo cáo trực tiếp.",
            "percent",
        )
    return _report(
        item,
        percent=percent,
        status=status,
        reported_on=reported_on,
        evidence=evidence,
        comment=comment,
        user=user,
        item=item,
    )


# --- tasks -------------------------------------------------------------------------------


@transaction.atomic
def assign_task(
    *,
    assigner_org,
    assignee_org,
    kind: str,
    title: str,
    due_on: date,
    assignee_person: str = "",
    target: str = "",
    indicator: str = "",
    description: str = "",
    source_document=None,
    programme_item=None,
    source_ref: str = "",
    user=None,
) -> Task:
    """Assign a task from an org to itself (a named leader) or an org below it."""
    _require_change(user, assigner_org)
    _require_active(assigner_org, "assigner_org")
    _require_active(assignee_org, "assignee_org")
    if kind not in Task.Kind.values:
        raise DomainError("Loại nhiệm vụ không hợp lệ.", "kind")
    if not assignee_org.path.startswith(assigner_org.path):
        raise DomainError(
            f"Chỉ giao nhiệm vụ cho «{assigner_org.name}» hoặc tổ chức trực thuộc.",
            "assignee_org",
        )
    title = _required(title, "title", "nội dung nhiệm vụ")
    if due_on < timezone.localdate():
        raise DomainError("Thời hạn không được trước ngày hôm nay.", "due_on")
    assignee_person = clean_spaces(assignee_person)
    target = clean_spaces(target)
    indicator = clean_spaces(indicator)
    if kind == Task.Kind.BREAKTHROUGH:
        _required(assignee_person, "assignee_person", "họ tên, chức vụ người được giao việc")
        _required(target, "target", "mục tiêu của việc đột phá")
        _required(indicator, "indicator", "chỉ số đo kết quả")
    if kind == Task.Kind.RESOLUTION and not clean_spaces(source_ref):
        raise DomainError("Cần ghi nguồn nghị quyết sinh hoạt chi bộ.", "source_ref")
    return Task.objects.create(
        kind=kind,
        title=title,
        description=description.strip(),
        assigner_org=assigner_org,
        assignee_org=assignee_org,
        assignee_person=assignee_person,
        target=target,
        indicator=indicator,
        due_on=due_on,
        source_document=source_document,
        programme_item=programme_item,
        source_ref=clean_spaces(source_ref),
        recorded_by=_actor(user),
    )


@transaction.atomic
def report_task_progress(
    task: Task,
    *,
    percent: int,
    status: str,
    reported_on: date,
    evidence: str = "",
    comment: str = "",
    user=None,
) -> ProgressReport:
    task = Task.objects.select_for_update().select_related("assignee_org").get(pk=task.pk)
    _require_change(user, task.assignee_org)
    return _report(
        task,
        percent=percent,
        status=status,
        reported_on=reported_on,
        evidence=evidence,
        comment=comment,
        user=user,
        task=task,
    )


# --- tasks from cell-meeting resolutions ----------------------------------------------------


@transaction.atomic
def tasks_from_resolution(*, meeting, resolution, user=None) -> list[Task]:
    """The tasks a cell meeting's resolution creates here: one per resolution task (each has an
    owner and a due date), given by the cell to itself and named after the owner.

    Idempotent: a resolution task that already has its programme task is left as it is, so
    replaying the signal (or a second save of the resolution) creates nothing twice."""
    org = meeting.organization
    existing = set(
        Task.objects.filter(resolution_task__resolution=resolution).values_list(
            "resolution_task_id", flat=True
        )
    )
    created = []
    for source in resolution.tasks.select_related("owner").order_by("id"):
        if source.pk in existing:
            continue
        created.append(
            Task.objects.create(
                kind=Task.Kind.RESOLUTION,
                title=source.description[:500],
                description=f"Nghị quyết: {resolution.content}",
                assigner_org=org,
                assignee_org=org,
                assignee_person=source.owner.full_name[:160],
                due_on=source.due_on,
                source_ref=f"Nghị quyết sinh hoạt chi bộ ngày {meeting.planned_on:%d/%m/%Y}",
                resolution_task=source,
                recorded_by=_actor(user),
            )
        )
    return created


@transaction.atomic
def complete_resolution_task(*, source, done_on: date, user=None) -> ProgressReport | None:
    """The cell marked a resolution task done: close the programme task created from it with a
    100% report (evidence: the cell's confirmation). Nothing when it is already done."""
    task = Task.objects.select_for_update().filter(resolution_task=source).first()
    if task is None or task.done_on:
        return None
    last = task.reports.order_by("-reported_on", "-id").first()
    reported_on = max(done_on, last.reported_on) if last else done_on
    return _report(
        task,
        percent=100,
        status=ReportStatus.DONE,
        reported_on=reported_on,
        evidence=f"Chi bộ xác nhận hoàn thành ngày {done_on:%d/%m/%Y}.",
        comment="",
        user=user,
        task=task,
    )


def resolution_tasks(user, meeting_task_ids) -> dict[int, Task]:
    """Programme tasks created from these meetings tasks that `user` may see, by source id."""
    tasks = Task.objects.restrict(user).filter(resolution_task_id__in=list(meeting_task_ids))
    return {t.resolution_task_id: t for t in tasks}


def commitment_results(member_ids, year: int) -> dict[int, tuple[int, int]]:
    """(items achieved, items) of each member's evaluated commitment for `year` (one query).
    Members without an evaluated commitment are absent from the result."""
    rows = (
        CommitmentItem.objects.filter(
            commitment__member_id__in=list(member_ids),
            commitment__year=year,
            commitment__evaluated_on__isnull=False,
        )
        .values("commitment__member_id")
        .annotate(
            total=Count("id"),
            achieved=Count("id", filter=Q(achieved=True)),
        )
        .order_by()
    )
    result: dict[int, tuple[int, int]] = {}
    for row in rows:
        member_id = row["commitment__member_id"]
        achieved, total = result.get(member_id, (0, 0))
        result[member_id] = (achieved + row["achieved"], total + row["total"])
    return result


# --- commitments ---------------------------------------------------------------------------


@transaction.atomic
def sign_commitment(
    *,
    organization,
    year: int,
    signer_name: str,
    signed_on: date,
    items: list[str],
    position: str = "",
    member=None,
    user=None,
) -> Commitment:
    """Record a yearly responsibility commitment with its measurable items."""
    _require_change(user, organization)
    _require_active(organization)
    signer_name = _required(signer_name, "signer_name", "họ tên người ký cam kết")
    if member is not None and not member.org_path.startswith(organization.path):
        raise DomainError("Đảng viên không thuộc tổ chức này.", "member")
    if signed_on > timezone.localdate():
        raise DomainError("Ngày ký không được sau ngày hôm nay.", "signed_on")
    if not year - 1 <= signed_on.year <= year:
        raise DomainError(
            f"Cam kết năm {year} phải ký trong năm {year} hoặc cuối năm trước.", "signed_on"
        )
    lines = [clean_spaces(line) for line in items if clean_spaces(line)]
    if not lines:
        raise DomainError("Cần ít nhất một nội dung cam kết.", "items")
    if Commitment.objects.filter(
        organization=organization, year=year, signer_name__iexact=signer_name
    ).exists():
        raise DomainError(f"{signer_name} đã ký cam kết năm {year}.", "signer_name")
    commitment = Commitment.objects.create(
        organization=organization,
        year=year,
        member=member,
        signer_name=signer_name,
        position=clean_spaces(position),
        signed_on=signed_on,
        recorded_by=_actor(user),
    )
    CommitmentItem.objects.bulk_create(
        CommitmentItem(commitment=commitment, position=n, content=line[:500])
        for n, line in enumerate(lines, start=1)
    )
    return commitment


@transaction.atomic
def evaluate_commitment(
    commitment: Commitment, *, results: dict[int, tuple[bool, str]], evaluated_on: date, user=None
) -> Commitment:
    """Record, for every item of a commitment, whether it was achieved."""
    commitment = (
        Commitment.objects.select_for_update().select_related("organization").get(pk=commitment.pk)
    )
    _require_change(user, commitment.organization)
    if evaluated_on > timezone.localdate():
        raise DomainError("Ngày đánh giá không được sau ngày hôm nay.", "evaluated_on")
    if evaluated_on < commitment.signed_on:
        raise DomainError("Ngày đánh giá phải sau ngày ký cam kết.", "evaluated_on")
    items = list(commitment.items.all())
    for row, item in enumerate(items, start=1):
        if item.pk not in results:
            raise DomainError("Cần đánh giá đủ mọi nội dung cam kết.", "results", row)
        achieved, note = results[item.pk]
        item.achieved = bool(achieved)
        item.result_note = clean_spaces(note)[:500]
    CommitmentItem.objects.bulk_update(items, ["achieved", "result_note"])
    commitment.evaluated_on = evaluated_on
    commitment.save(update_fields=["evaluated_on", "updated_at"])
    return commitment
