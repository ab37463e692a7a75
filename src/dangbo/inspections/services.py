"""Use cases of inspection, supervision and discipline: one transaction each,
validate → write; effects on members go through members.services."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from dangbo.core.accounts import actor as _actor
from dangbo.core.errors import DomainError
from dangbo.core.models import RuleParameter
from dangbo.core.text import clean_spaces
from dangbo.inspections import rules
from dangbo.inspections.models import (
    Appeal,
    Body,
    Case,
    Complaint,
    Document,
    Inspection,
    InspectionStatus,
    Kind,
    Mode,
    OrgDiscipline,
    Programme,
    Remedy,
    RemedyUpdate,
)
from dangbo.members import services as member_services
from dangbo.members.models import Discipline, Member
from dangbo.organizations.models import Organization


def _raise_first(problems: dict[str, str]) -> None:
    if problems:
        field, message = next(iter(problems.items()))
        raise DomainError(message, field)


def _required(value: str, field: str, label: str) -> str:
    value = clean_spaces(value)
    if not value:
        raise DomainError(f"Cần nhập {label}.", field)
    return value


def _not_future(day: date | None, field: str, label: str) -> date:
    if day is None:
        raise DomainError(f"Cần nhập {label}.", field)
    if day > timezone.localdate():
        raise DomainError(f"{label.capitalize()} không được sau ngày hôm nay.", field)
    return day


@transaction.atomic
def create_programme(
    *,
    organization: Organization,
    body: str,
    year: int,
    title: str,
    approved_on: date,
    decision_number: str = "",
    user=None,
) -> Programme:
    """Open the annual programme of a committee (or its inspection committee)."""
    if body not in Body.values:
        raise DomainError("Cơ quan thực hiện không hợp lệ.", "body")
    if not organization.is_active:
        raise DomainError(f"Tổ chức «{organization.name}» đã giải thể.", "organization")
    if organization.org_type.holds_members and not organization.org_type.is_grassroots:
        raise DomainError(
            "Chi bộ trực thuộc không lập chương trình kiểm tra, giám sát riêng.", "organization"
        )
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise DomainError("Năm của chương trình không hợp lệ.", "year")
    _not_future(approved_on, "approved_on", "ngày ban hành")
    if Programme.objects.filter(organization=organization, body=body, year=year).exists():
        raise DomainError(
            f"{organization.name} đã có chương trình năm {year} của {Body(body).label.lower()}.",
            "year",
        )
    return Programme.objects.create(
        organization=organization,
        body=body,
        year=year,
        title=_required(title, "title", "tên chương trình"),
        approved_on=approved_on,
        decision_number=clean_spaces(decision_number),
        recorded_by=_actor(user),
    )


@dataclass(frozen=True)
class Plan:
    kind: str
    mode: str
    content: str
    planned_quarter: int
    planned_start: date
    planned_end: date
    team: str = ""
    responsible: str = ""


@transaction.atomic
def plan_inspection(
    programme: Programme,
    plan: Plan,
    *,
    target_org: Organization | None = None,
    target_member: Member | None = None,
    user=None,
) -> Inspection:
    """Add an inspection or supervision to a programme, aimed at an org or a member in the
    programme owner's subtree."""
    if (target_org is None) == (target_member is None):
        raise DomainError("Chọn một đối tượng: tổ chức đảng hoặc đảng viên.", "target_org")
    if plan.kind not in Kind.values:
        raise DomainError("Loại (kiểm tra/giám sát) không hợp lệ.", "kind")
    if plan.mode not in Mode.values:
        raise DomainError("Hình thức (thường xuyên/chuyên đề) không hợp lệ.", "mode")
    root = programme.organization.path
    if target_member is not None:
        if not target_member.is_active_member:
            raise DomainError(
                f"Đảng viên {target_member.full_name} không còn sinh hoạt đảng.", "target_member"
            )
        if not rules.within_subtree(target_member.org_path, root):
            raise DomainError(
                f"Đảng viên {target_member.full_name} không thuộc {programme.organization.name}.",
                "target_member",
            )
        org = target_member.organization
        kind = rules.target_kind(is_member=True, holds_members=True, is_grassroots=False)
    else:
        org = Organization.objects.select_related("org_type").get(pk=target_org.pk)
        if not org.is_active:
            raise DomainError(f"Tổ chức «{org.name}» đã giải thể.", "target_org")
        if not rules.within_subtree(org.path, root):
            raise DomainError(
                f"«{org.name}» không thuộc {programme.organization.name}.", "target_org"
            )
        kind = rules.target_kind(
            is_member=False,
            holds_members=org.org_type.holds_members,
            is_grassroots=org.org_type.is_grassroots,
        )
    _raise_first(
        rules.plan_problems(
            year=programme.year,
            planned_quarter=plan.planned_quarter,
            planned_start=plan.planned_start,
            planned_end=plan.planned_end,
        )
    )
    return Inspection.objects.create(
        programme=programme,
        kind=plan.kind,
        mode=plan.mode,
        organization=org,
        target_member=target_member,
        target_kind=kind,
        content=_required(plan.content, "content", "nội dung"),
        planned_quarter=plan.planned_quarter,
        planned_start=plan.planned_start,
        planned_end=plan.planned_end,
        team=(plan.team or "").strip(),
        responsible=clean_spaces(plan.responsible),
        recorded_by=_actor(user),
    )


def _locked(inspection: Inspection) -> Inspection:
    return Inspection.objects.select_for_update().get(pk=inspection.pk)


@transaction.atomic
def start_inspection(
    inspection: Inspection,
    *,
    decision_number: str,
    decision_date: date,
    started_on: date,
    team: str,
    user=None,
) -> Inspection:
    """The decision to carry out a planned inspection, with its team and start date."""
    inspection = _locked(inspection)
    if inspection.status != InspectionStatus.PLANNED:
        raise DomainError(
            f"Cuộc này đang ở tình trạng «{inspection.get_status_display()}».", "status"
        )
    inspection.decision_number = _required(decision_number, "decision_number", "số quyết định")
    inspection.decision_date = _not_future(decision_date, "decision_date", "ngày quyết định")
    inspection.started_on = _not_future(started_on, "started_on", "ngày bắt đầu")
    if started_on < decision_date:
        raise DomainError("Ngày bắt đầu không được trước ngày quyết định.", "started_on")
    team = (team or "").strip()
    if not team:
        raise DomainError("Cần nêu thành phần đoàn, tổ kiểm tra.", "team")
    inspection.team = team
    inspection.status = InspectionStatus.IN_PROGRESS
    inspection.save()
    Document.objects.create(
        inspection=inspection,
        doc_type=Document.Type.DECISION,
        number=inspection.decision_number,
        dated=decision_date,
        title=f"Quyết định {inspection.get_kind_display().lower()} {inspection.target_label}",
    )
    return inspection


@transaction.atomic
def add_document(
    inspection: Inspection, *, doc_type: str, number: str, dated: date, title: str, reference=""
) -> Document:
    if doc_type not in Document.Type.values:
        raise DomainError("Loại văn bản không hợp lệ.", "doc_type")
    return Document.objects.create(
        inspection=inspection,
        doc_type=doc_type,
        number=clean_spaces(number),
        dated=_not_future(dated, "dated", "ngày văn bản"),
        title=_required(title, "title", "trích yếu"),
        reference=clean_spaces(reference),
    )


@transaction.atomic
def conclude_inspection(
    inspection: Inspection,
    *,
    concluded_on: date,
    violations_found: bool | None,
    conclusion: str,
    recommendations: str = "",
    remedies: list[tuple[str, str, date | None]] = (),
    user=None,
) -> Inspection:
    """Conclude: violations found or not, recommendations, and the remedies required."""
    inspection = _locked(inspection)
    if inspection.status != InspectionStatus.IN_PROGRESS:
        raise DomainError("Chỉ kết luận được cuộc đang tiến hành.", "status")
    remedies = list(remedies)
    _raise_first(
        rules.conclusion_problems(
            violations_found=violations_found,
            conclusion=conclusion or "",
            remedies=remedies,
            concluded_on=concluded_on,
            started_on=inspection.started_on,
            today=timezone.localdate(),
        )
    )
    inspection.status = InspectionStatus.CONCLUDED
    inspection.concluded_on = concluded_on
    inspection.violations_found = violations_found
    inspection.conclusion = conclusion.strip()
    inspection.recommendations = (recommendations or "").strip()
    inspection.save()
    Remedy.objects.bulk_create(
        Remedy(inspection=inspection, description=d.strip(), owner=clean_spaces(o), due_on=due)
        for d, o, due in remedies
    )
    return inspection


@transaction.atomic
def cancel_inspection(inspection: Inspection, *, reason: str, user=None) -> Inspection:
    inspection = _locked(inspection)
    if inspection.status != InspectionStatus.PLANNED:
        raise DomainError("Chỉ hủy được cuộc chưa tiến hành.", "status")
    inspection.status = InspectionStatus.CANCELLED
    inspection.conclusion = "Không thực hiện: " + _required(reason, "reason", "lý do")
    inspection.save()
    return inspection


@transaction.atomic
def add_remedy(
    inspection: Inspection, *, description: str, owner: str, due_on: date, user=None
) -> Remedy:
    inspection = _locked(inspection)
    if inspection.status != InspectionStatus.CONCLUDED:
        raise DomainError("Chỉ thêm yêu cầu khắc phục sau khi đã kết luận.", "description")
    problems = rules.conclusion_problems(
        violations_found=inspection.violations_found,
        conclusion=inspection.conclusion,
        remedies=[(description or "", owner or "", due_on)],
        concluded_on=inspection.concluded_on,
        started_on=None,
        today=timezone.localdate(),
    )
    if "remedies" in problems:
        raise DomainError(problems["remedies"].removeprefix("Dòng 1: "), "description")
    return Remedy.objects.create(
        inspection=inspection,
        description=description.strip(),
        owner=clean_spaces(owner),
        due_on=due_on,
    )


def _open_remedy(remedy: Remedy) -> Remedy:
    remedy = Remedy.objects.select_for_update().get(pk=remedy.pk)
    if remedy.status == Remedy.Status.DONE:
        raise DomainError("Yêu cầu khắc phục này đã được xác nhận hoàn thành.", "note")
    return remedy


@transaction.atomic
def follow_up_remedy(remedy: Remedy, *, dated: date, note: str, user=None) -> RemedyUpdate:
    """Record progress on a remedy (report received, check made)."""
    remedy = _open_remedy(remedy)
    return RemedyUpdate.objects.create(
        remedy=remedy,
        dated=_not_future(dated, "dated", "ngày theo dõi"),
        note=_required(note, "note", "nội dung theo dõi"),
        recorded_by=_actor(user),
    )


@transaction.atomic
def confirm_remedy_done(remedy: Remedy, *, done_on: date, note: str, user=None) -> Remedy:
    """The inspecting body confirms the remedy is done: follow-up ends."""
    remedy = _open_remedy(remedy)
    _not_future(done_on, "done_on", "ngày xác nhận")
    concluded_on = remedy.inspection.concluded_on
    if concluded_on and done_on < concluded_on:
        raise DomainError("Ngày xác nhận không được trước ngày kết luận.", "done_on")
    remedy.done_note = _required(note, "note", "căn cứ xác nhận")[:255]
    remedy.status = Remedy.Status.DONE
    remedy.done_on = done_on
    remedy.confirmed_by = _actor(user)
    remedy.save()
    return remedy


@transaction.atomic
def open_case(
    *,
    organization: Organization | None = None,
    member: Member | None = None,
    inspection: Inspection | None = None,
    opened_on: date,
    decision_number: str,
    authority: str,
    signs: str,
    user=None,
) -> Case:
    """Open an inspection on signs of violation, about an org or a member."""
    if (organization is None) == (member is None):
        raise DomainError("Chọn một đối tượng: tổ chức đảng hoặc đảng viên.", "organization")
    if member is not None and not member.is_active_member:
        raise DomainError(f"Đảng viên {member.full_name} không còn sinh hoạt đảng.", "member")
    if organization is not None and not organization.is_active:
        raise DomainError(f"Tổ chức «{organization.name}» đã giải thể.", "organization")
    org = member.organization if member is not None else organization
    if inspection is not None and not org.path.startswith(inspection.organization.path):
        raise DomainError("Đối tượng không thuộc phạm vi cuộc kiểm tra, giám sát.", "inspection")
    return Case.objects.create(
        organization=org,
        member=member,
        inspection=inspection,
        opened_on=_not_future(opened_on, "opened_on", "ngày quyết định kiểm tra"),
        decision_number=_required(decision_number, "decision_number", "số quyết định"),
        authority=_required(authority, "authority", "cơ quan kiểm tra"),
        signs=_required(signs, "signs", "dấu hiệu vi phạm"),
        recorded_by=_actor(user),
    )


def _open_case(case: Case) -> Case:
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("member", "organization")
        .get(pk=case.pk)
    )
    if case.status != Case.Status.OPEN:
        raise DomainError("Vụ việc đã kết luận.", "conclusion")
    return case


def _close(case: Case, outcome: str, closed_on: date, conclusion: str) -> None:
    if closed_on < case.opened_on:
        raise DomainError("Ngày kết luận không được trước ngày quyết định kiểm tra.", "closed_on")
    case.status = Case.Status.CLOSED
    case.outcome = outcome
    case.closed_on = closed_on
    case.conclusion = _required(conclusion, "conclusion", "nội dung kết luận")


@transaction.atomic
def close_case(case: Case, *, closed_on: date, violation: bool, conclusion: str, user=None) -> Case:
    """Conclude a case without discipline (no violation, or not serious enough)."""
    case = _open_case(case)
    _not_future(closed_on, "closed_on", "ngày kết luận")
    outcome = Case.Outcome.VIOLATION if violation else Case.Outcome.NO_VIOLATION
    _close(case, outcome, closed_on, conclusion)
    case.save()
    return case


@transaction.atomic
def discipline_member(
    case: Case,
    *,
    form: str,
    decided_on: date,
    decision_number: str,
    authority_org,
    reason: str,
    authority: str = "",
    conclusion: str = "",
    user=None,
) -> Discipline:
    """A case about a member ends in discipline; the members service applies the effects
    (expulsion ends membership; the form drives badge delay and the year's grade cap)."""
    case = _open_case(case)
    if case.member is None:
        raise DomainError("Vụ việc này về tổ chức đảng, không về đảng viên.", "form")
    if decided_on < case.opened_on:
        raise DomainError("Ngày quyết định không được trước ngày mở vụ việc.", "decided_on")
    discipline = member_services.record_discipline(
        case.member,
        form=form,
        decided_on=decided_on,
        decision_number=decision_number,
        authority_org=authority_org,
        authority=authority,
        reason=reason,
        user=user,
    )
    _close(case, Case.Outcome.DISCIPLINE, decided_on, conclusion or reason)
    case.member_discipline = discipline
    case.save()
    return discipline


@transaction.atomic
def discipline_org(
    case: Case,
    *,
    form: str,
    decided_on: date,
    decision_number: str,
    authority_org,
    reason: str,
    authority: str = "",
    conclusion: str = "",
    user=None,
) -> OrgDiscipline:
    """A case about an org ends in discipline (reprimand, warning, dissolution)."""
    case = _open_case(case)
    if case.member is not None:
        raise DomainError("Vụ việc này về đảng viên, không về tổ chức đảng.", "form")
    problem = rules.org_discipline_problem(form, case.organization.is_active)
    if problem:
        raise DomainError(problem, "form")
    _not_future(decided_on, "decided_on", "ngày quyết định")
    if decided_on < case.opened_on:
        raise DomainError("Ngày quyết định không được trước ngày mở vụ việc.", "decided_on")
    problem = member_services.discipline_authority_problem(
        "org", case.organization.path, form, authority_org, decided_on
    )
    if problem:
        raise DomainError(problem, "authority_org")
    discipline = OrgDiscipline.objects.create(
        organization=case.organization,
        case=case,
        form=form,
        decided_on=decided_on,
        decision_number=_required(decision_number, "decision_number", "số quyết định"),
        authority=clean_spaces(authority) or authority_org.name,
        authority_org=authority_org,
        reason=_required(reason, "reason", "lý do kỷ luật"),
        recorded_by=_actor(user),
    )
    _close(case, Case.Outcome.DISCIPLINE, decided_on, conclusion or reason)
    case.save()
    return discipline


def appeal_days(on: date, org_path: str) -> int:
    return int(
        RuleParameter.value_on("inspections.appeal_days", on, org_path, rules.DEFAULT_APPEAL_DAYS)
    )


@transaction.atomic
def lodge_appeal(case: Case, *, lodged_on: date, grounds: str, user=None) -> Appeal:
    """Register an appeal against the discipline decided in a case."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    member_discipline = case.member_discipline
    org_discipline = case.org_disciplines.first()
    discipline = member_discipline or org_discipline
    if discipline is None:
        raise DomainError("Vụ việc chưa có quyết định kỷ luật để khiếu nại.", "grounds")
    if discipline.annulled_on is not None:
        raise DomainError("Quyết định kỷ luật đã bị hủy bỏ.", "grounds")
    if case.appeals.filter(status=Appeal.Status.PENDING).exists():
        raise DomainError("Đã có khiếu nại đang được giải quyết.", "grounds")
    problem = rules.appeal_problem(
        discipline.decided_on,
        lodged_on,
        timezone.localdate(),
        appeal_days(discipline.decided_on, case.organization.path),
    )
    if problem:
        raise DomainError(problem, "lodged_on")
    return Appeal.objects.create(
        case=case,
        organization=case.organization,
        member_discipline=member_discipline,
        org_discipline=org_discipline if member_discipline is None else None,
        lodged_on=lodged_on,
        grounds=_required(grounds, "grounds", "nội dung khiếu nại"),
        recorded_by=_actor(user),
    )


@transaction.atomic
def decide_appeal(
    appeal: Appeal, *, decided_on: date, upheld: bool, decided_by: str, note: str, user=None
) -> Appeal:
    """Answer an appeal. Upheld: the discipline is annulled (an expulsion restores
    membership through members.services)."""
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if appeal.status != Appeal.Status.PENDING:
        raise DomainError("Khiếu nại này đã được giải quyết.", "note")
    _not_future(decided_on, "decided_on", "ngày giải quyết")
    if decided_on < appeal.lodged_on:
        raise DomainError("Ngày giải quyết không được trước ngày nhận khiếu nại.", "decided_on")
    appeal.decided_by = _required(decided_by, "decided_by", "cấp giải quyết")
    appeal.outcome_note = _required(note, "note", "nội dung giải quyết")
    appeal.decided_on = decided_on
    appeal.status = Appeal.Status.UPHELD if upheld else Appeal.Status.REJECTED
    appeal.save()
    if upheld:
        basis = f"Khiếu nại được chấp nhận ({appeal.decided_by}, {decided_on:%d/%m/%Y})"
        if appeal.member_discipline_id:
            member_services.annul_discipline(
                appeal.member_discipline, on=decided_on, note=basis, user=user
            )
        else:
            org_discipline = OrgDiscipline.objects.select_for_update().get(
                pk=appeal.org_discipline_id
            )
            org_discipline.annulled_on = decided_on
            org_discipline.annulment_note = basis[:255]
            org_discipline.save()
    return appeal


def answer_days(complaint_type: str, on: date, org_path: str) -> int:
    default = rules.DEFAULT_ANSWER_DAYS[complaint_type]
    return int(RuleParameter.value_on(f"inspections.{complaint_type}_days", on, org_path, default))


@transaction.atomic
def register_complaint(
    *,
    organization: Organization,
    complaint_type: str,
    received_on: date,
    sender: str,
    concerning: str,
    content: str,
    user=None,
) -> Complaint:
    """Register a complaint or denunciation; its time limit follows the rule in force."""
    if complaint_type not in Complaint.Type.values:
        raise DomainError("Loại đơn không hợp lệ.", "complaint_type")
    if not organization.is_active:
        raise DomainError(f"Tổ chức «{organization.name}» đã giải thể.", "organization")
    _not_future(received_on, "received_on", "ngày nhận")
    days = answer_days(complaint_type, received_on, organization.path)
    return Complaint.objects.create(
        organization=organization,
        complaint_type=complaint_type,
        received_on=received_on,
        sender=_required(sender, "sender", "người gửi"),
        concerning=_required(concerning, "concerning", "đối tượng bị khiếu nại, tố cáo"),
        content=_required(content, "content", "nội dung"),
        due_on=rules.complaint_due(received_on, days),
        recorded_by=_actor(user),
    )


def _unanswered(complaint: Complaint) -> Complaint:
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.status == Complaint.Status.ANSWERED:
        raise DomainError("Đơn này đã được trả lời.", "answer")
    return complaint


@transaction.atomic
def assign_complaint(
    complaint: Complaint, *, assigned_to: str, assigned_on: date, user=None
) -> Complaint:
    complaint = _unanswered(complaint)
    _not_future(assigned_on, "assigned_on", "ngày giao")
    if assigned_on < complaint.received_on:
        raise DomainError("Ngày giao không được trước ngày nhận đơn.", "assigned_on")
    complaint.assigned_to = _required(assigned_to, "assigned_to", "người, bộ phận được giao")
    complaint.assigned_on = assigned_on
    complaint.status = Complaint.Status.ASSIGNED
    complaint.save()
    return complaint


@transaction.atomic
def answer_complaint(complaint: Complaint, *, answered_on: date, answer: str, user=None):
    complaint = _unanswered(complaint)
    if complaint.status != Complaint.Status.ASSIGNED:
        raise DomainError("Cần giao người giải quyết trước khi trả lời.", "answer")
    _not_future(answered_on, "answered_on", "ngày trả lời")
    if answered_on < complaint.received_on:
        raise DomainError("Ngày trả lời không được trước ngày nhận đơn.", "answered_on")
    complaint.answer = _required(answer, "answer", "kết quả giải quyết")
    complaint.answered_on = answered_on
    complaint.status = Complaint.Status.ANSWERED
    complaint.save()
    return complaint
