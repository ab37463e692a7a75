"""Use cases of admission: open a file, record each step (checked by rules), extend, targets."""

from dataclasses import dataclass, fields
from datetime import date

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import Substr
from django.utils import timezone

from dangbo.admissions import rules
from dangbo.admissions.models import (
    AdmissionFile,
    AdmissionStep,
    AdmissionTarget,
    AdmissionTermTarget,
)
from dangbo.admissions.rules import AdmissionParams, Stage
from dangbo.core import hooks
from dangbo.core.accounts import actor as _actor
from dangbo.core.errors import DomainError
from dangbo.core.models import RuleParameter
from dangbo.core.permissions import has_permission
from dangbo.core.text import clean_spaces, normalize
from dangbo.core.workdays import calendar_for
from dangbo.members import queries as member_queries
from dangbo.members import services as member_services
from dangbo.members.choices import Status
from dangbo.members.models import Member
from dangbo.organizations import rules as org_rules
from dangbo.organizations.models import Organization

IDENTITY_FIELDS = (
    "full_name",
    "gender",
    "birth_date",
    "place_of_origin",
    "ethnicity",
    "religion",
    "id_number",
    "occupation",
    "workplace",
)


def params_on(on: date, org_path: str = "") -> AdmissionParams:
    """The admission rule values in force on `on` for an org (one query)."""
    keys = {key: name for name, key in rules.PARAM_KEYS.items()}
    ratio_fields = {f.name for f in fields(AdmissionParams) if f.default.__class__ is rules.Ratio}
    values = {}
    for key, value in RuleParameter.values_on(keys, on, org_path).items():
        name = keys[key]
        values[name] = rules.Ratio.parse(value) if name in ratio_fields else int(value)
    return AdmissionParams(**values)


def _is_grassroots_cell(file: AdmissionFile) -> bool:
    return file.organization.org_type.is_grassroots


def refresh_deadline(file: AdmissionFile, cal=None) -> None:
    """Recompute the stored next deadline from the file's dates (rules in force at the start)."""
    start = file.received_on or file.identified_on
    params = params_on(start, file.organization.path)
    result = rules.next_deadline(
        rules.FileDates(
            stage=file.stage,
            certificate_on=file.certificate_on,
            received_on=file.received_on,
            extended=file.extended,
            decided_on=file.decided_on,
            ceremony_on=file.ceremony_on,
        ),
        params,
        cal or calendar_for(),
    )
    file.next_deadline, file.next_deadline_label = result if result else (None, "")


def _check_org(org: Organization) -> None:
    if not org.is_active:
        raise DomainError(f"Tổ chức «{org.name}» đã giải thể.", "organization")
    if not org.org_type.holds_members:
        raise DomainError(
            f"«{org.name}» là đảng bộ; hồ sơ kết nạp thuộc một chi bộ.", "organization"
        )


def _clean_identity(data: dict) -> dict:
    data = {k: v for k, v in data.items() if k in IDENTITY_FIELDS}
    for key in ("full_name", "place_of_origin", "workplace", "id_number"):
        data[key] = clean_spaces(data.get(key) or "")
    if not data["full_name"]:
        raise DomainError("Cần nhập họ và tên.", "full_name")
    if not data.get("birth_date"):
        raise DomainError("Cần nhập ngày sinh.", "birth_date")
    if data["birth_date"] > timezone.localdate():
        raise DomainError("Ngày sinh không được sau ngày hôm nay.", "birth_date")
    problem = member_services.rules.validate_id_number(data["id_number"])
    if problem:
        raise DomainError(problem, "id_number")
    if data["id_number"] and Member.objects.filter(id_number=data["id_number"]).exists():
        raise DomainError(
            f"Số định danh {data['id_number']} đã thuộc một đảng viên trong sổ.", "id_number"
        )
    return data


@transaction.atomic
def open_file(
    *, organization: Organization, identified_on: date, user=None, note: str = "", **identity
) -> AdmissionFile:
    """Record an outstanding candidate (quần chúng ưu tú) of a cell: the file's first step."""
    organization = Organization.objects.select_related("org_type").get(pk=organization.pk)
    _check_org(organization)
    data = _clean_identity(identity)
    if identified_on > timezone.localdate():
        raise DomainError("Ngày xác định không được sau ngày hôm nay.", "identified_on")
    if data["id_number"] and (
        AdmissionFile.objects.filter(id_number=data["id_number"])
        .exclude(stage__in=rules.Stage.FINAL)
        .exists()
    ):
        raise DomainError("Người này đã có một hồ sơ kết nạp đang xét.", "id_number")
    file = AdmissionFile(
        organization=organization,
        name_search=normalize(data["full_name"]),
        identified_on=identified_on,
        stage=Stage.IDENTIFIED,
        **data,
    )
    refresh_deadline(file)
    file.save()
    AdmissionStep.objects.create(
        file=file,
        stage=Stage.IDENTIFIED,
        date=identified_on,
        note=clean_spaces(note),
        recorded_by=_actor(user),
    )
    return file


class _Step:
    """Collects the problems of one step; an authorised exception may waive waivable ones."""

    def __init__(self, file: AdmissionFile, user, exception: str):
        self.file = file
        self.user = user
        self.exception = clean_spaces(exception)
        self.waived: list[str] = []

    def require(self, problem: str | None, field: str) -> None:
        if problem:
            raise DomainError(problem, field)

    def waivable(self, problems, field: str) -> None:
        problems = [problems] if isinstance(problems, str) else [p for p in problems or [] if p]
        if not problems:
            return
        allowed = self.user is None or has_permission(
            self.user, "admissions.exception", self.file.organization.path
        )
        if not self.exception or not allowed:
            hint = (
                " Nếu có văn bản cho phép, ghi căn cứ ngoại lệ."
                if allowed
                else " Chỉ cán bộ được phân quyền mới ghi được ngoại lệ."
            )
            raise DomainError(problems[0] + hint, field)
        self.waived.extend(problems)


def _vote(step: _Step, data: dict, body: str, ratio) -> dict:
    votes_for, eligible = data.get("votes_for"), data.get("eligible")
    if votes_for is None:
        raise DomainError("Cần nhập số tán thành.", "votes_for")
    if eligible is None:
        raise DomainError("Cần nhập số thành viên có quyền biểu quyết.", "eligible")
    step.require(rules.vote_problem(body, votes_for, eligible, ratio), "votes_for")
    return {"votes_for": votes_for, "eligible": eligible}


def _introducers(step: _Step, data: dict, on: date, params) -> dict:
    pairs = [p for p in data.get("introducers", []) if p and p[0] is not None]
    resolution = clean_spaces(data.get("youth_union_resolution", ""))
    people = []
    for member, since in pairs:
        if since is None:
            raise DomainError(
                f"Cần nhập ngày bắt đầu công tác cùng của {member.full_name}.", "introducers"
            )
        is_official = member.status == Status.OFFICIAL and (
            member.official_on is not None and member.official_on <= on
        )
        people.append(rules.Introducer(member.full_name, is_official, since))
    if len({m.pk for m, _ in pairs}) < len(pairs):
        raise DomainError("Hai người giới thiệu phải là hai người khác nhau.", "introducers")
    problems = rules.introducer_problems(people, bool(resolution), on, params)
    if problems and (len(people) < (1 if resolution else 2)):
        step.require(problems[0], "introducers")
    step.waivable(problems, "introducers")
    return {
        "introducers": [
            {"member_id": m.pk, "name": m.full_name, "since": since.isoformat()}
            for m, since in pairs
        ],
        "youth_union_resolution": resolution,
    }


def _late(step: _Step, on: date, due: date | None, what: str) -> None:
    if due and on > due:
        step.waivable(f"{what} quá hạn: hạn là {due:%d/%m/%Y} (tính theo ngày làm việc).", "date")


CERTIFICATE_RULE = (
    "Quy định: quần chúng phải có giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng "
    "còn giá trị (60 tháng kể từ ngày cấp)."
)


def training_certificate(file: AdmissionFile, on: date):
    """The candidate's valid certificate in the training register (a dict), None when the
    register has none, or ``MISSING`` when no training app answers (then the certificate
    recorded on the file is what counts)."""
    if not hooks.provided("training.valid_certificate"):
        return MISSING
    return hooks.call(
        "training.valid_certificate",
        id_number=file.id_number,
        full_name=file.full_name,
        birth_date=file.birth_date,
        on=on,
    )


MISSING = object()


def _course(step: _Step, file: AdmissionFile, number: str, on: date) -> dict:
    """The course step: the certificate comes from the training register when there is one."""
    found = training_certificate(file, on)
    if found is MISSING or found is None:
        if not number:
            raise DomainError("Cần nhập số giấy chứng nhận.", "certificate_number")
        if found is None:
            step.waivable(
                f"Sổ đào tạo không có giấy chứng nhận còn giá trị của {file.full_name} "
                f"(số {number}). {CERTIFICATE_RULE}",
                "certificate_number",
            )
        file.certificate_on = on
        return {"certificate_number": number}
    if number and number != found["number"]:
        raise DomainError(
            f"Số giấy chứng nhận {number} không khớp sổ đào tạo: "
            f"{found['number']} cấp ngày {found['issued_on']:%d/%m/%Y}.",
            "certificate_number",
        )
    file.certificate_on = found["issued_on"]
    return {
        "certificate_number": found["number"],
        "certificate_issued_on": found["issued_on"].isoformat(),
        "training_class": found["class_name"],
    }


def _check_certificate(step: _Step, file: AdmissionFile, on: date, params, evidence) -> None:
    """At each vote: the certificate still valid on the day (60 months). A newer certificate
    in the training register replaces an expired one."""
    problem = file.certificate_on and rules.certificate_problem(file.certificate_on, on, params)
    if problem:
        found = training_certificate(file, on)
        if isinstance(found, dict) and found["issued_on"] > file.certificate_on:
            file.certificate_on = found["issued_on"]
            evidence["certificate_number"] = found["number"]
            problem = rules.certificate_problem(file.certificate_on, on, params)
    if problem:
        step.waivable(f"{problem} {CERTIFICATE_RULE}", "date")


@dataclass
class _StepContext:
    """What one step's handlers read: the step being checked, the file, its dated rules."""

    step: "_Step"
    file: AdmissionFile
    stage: str
    on: date
    params: AdmissionParams
    decision_number: str
    note: str
    data: dict


# --- evidence of each stage (checks; what the step row keeps) -------------------------------


def _no_evidence(ctx: _StepContext) -> dict:
    if ctx.stage == Stage.CLOSED and not ctx.note:
        raise DomainError("Cần nêu lý do dừng xem xét.", "note")
    return {}


def _course_evidence(ctx: _StepContext) -> dict:
    number = clean_spaces(ctx.data.get("certificate_number", ""))
    return dict(_course(ctx.step, ctx.file, number, ctx.on))


def _application_evidence(ctx: _StepContext) -> dict:
    return {"history_number": clean_spaces(ctx.data.get("history_number", ""))}


def _introduced_evidence(ctx: _StepContext) -> dict:
    return dict(_introducers(ctx.step, ctx.data, ctx.on, ctx.params))


def _verified_evidence(ctx: _StepContext) -> dict:
    result = clean_spaces(ctx.data.get("result", ""))
    if not result:
        raise DomainError("Cần ghi kết luận thẩm tra lý lịch.", "result")
    return {"result": result}


def _vote_evidence(ctx: _StepContext) -> dict:
    step, params = ctx.step, ctx.params
    if ctx.stage == Stage.CELL_VOTED:
        step.waivable(rules.age_problem(ctx.file.birth_date, ctx.on, params), "date")
        evidence = dict(_vote(step, ctx.data, "chi bộ", params.cell_vote))
    elif ctx.stage == Stage.COMMITTEE_VOTED:
        evidence = dict(_vote(step, ctx.data, "đảng ủy cơ sở", params.committee_vote))
    else:
        evidence = dict(_vote(step, ctx.data, "cấp ủy có thẩm quyền", params.deciding_vote))
        if not ctx.decision_number:
            raise DomainError("Cần nhập số quyết định kết nạp.", "decision_number")
        _late(step, ctx.on, ctx.file.next_deadline, "Quyết định kết nạp")
    _check_certificate(step, ctx.file, ctx.on, params, evidence)
    return evidence


def _received_evidence(ctx: _StepContext) -> dict:
    ctx.file.received_on = ctx.on
    return {"authority": clean_spaces(ctx.data.get("authority", ""))}


def _ceremony_evidence(ctx: _StepContext) -> dict:
    _late(ctx.step, ctx.on, ctx.file.next_deadline, "Lễ kết nạp")
    return {}


def _recognition_evidence(ctx: _StepContext) -> dict:
    ends = ctx.file.probation_ends_on
    if ctx.on < ends:
        raise DomainError(
            f"Chỉ xét công nhận chính thức khi hết 12 tháng dự bị ({ends:%d/%m/%Y}).", "date"
        )
    if not ctx.decision_number:
        raise DomainError("Cần nhập số quyết định.", "decision_number")
    if ctx.stage == Stage.NOT_RECOGNISED and not ctx.note:
        raise DomainError("Cần nêu lý do không công nhận chính thức.", "note")
    _late(ctx.step, ctx.on, ctx.file.next_deadline, "Xét công nhận chính thức")
    return {}


_EVIDENCE = {
    Stage.COURSE: _course_evidence,
    Stage.APPLICATION: _application_evidence,
    Stage.INTRODUCED: _introduced_evidence,
    Stage.VERIFIED: _verified_evidence,
    Stage.CELL_VOTED: _vote_evidence,
    Stage.COMMITTEE_VOTED: _vote_evidence,
    Stage.DECIDED: _vote_evidence,
    Stage.RECEIVED: _received_evidence,
    Stage.CEREMONY: _ceremony_evidence,
    Stage.RECOGNISED: _recognition_evidence,
    Stage.NOT_RECOGNISED: _recognition_evidence,
}


# --- effects of each stage on the register ---------------------------------------------------


def _no_effect(ctx: _StepContext) -> None:
    return None


def _decided(ctx: _StepContext) -> None:
    file = ctx.file
    file.decided_on, file.decision_number = ctx.on, ctx.decision_number
    application = file.steps.filter(stage=Stage.APPLICATION, withdrawn_at=None).last()
    file.member = member_services.register_member(
        organization=file.organization,
        user=ctx.step.user,
        reason=f"Kết nạp theo quyết định {ctx.decision_number}",
        admitted_on=ctx.on,
        history_number=application.evidence.get("history_number", "") if application else "",
        **{k: getattr(file, k) for k in IDENTITY_FIELDS},
    )


def _ceremony(ctx: _StepContext) -> None:
    file = ctx.file
    file.ceremony_on = ctx.on
    file.probation_ends_on = rules.probation_end(ctx.on, ctx.params)
    member_services.record_ceremony(file.member, on=ctx.on, user=ctx.step.user)


def _recognised(ctx: _StepContext) -> None:
    member_services.change_status(
        ctx.file.member,
        new_status=Status.OFFICIAL,
        on=ctx.file.probation_ends_on,
        decision_number=ctx.decision_number,
        reason=ctx.note or "Công nhận đảng viên chính thức khi hết thời gian dự bị",
        user=ctx.step.user,
    )


def _not_recognised(ctx: _StepContext) -> None:
    member_services.change_status(
        ctx.file.member,
        new_status=Status.DELETED,
        on=ctx.on,
        decision_number=ctx.decision_number,
        reason=f"Không công nhận chính thức: {ctx.note}",
        user=ctx.step.user,
    )


_EFFECTS = {
    Stage.DECIDED: _decided,
    Stage.CEREMONY: _ceremony,
    Stage.RECOGNISED: _recognised,
    Stage.NOT_RECOGNISED: _not_recognised,
}


@transaction.atomic
def record_step(
    file: AdmissionFile,
    stage: str,
    *,
    on: date,
    user=None,
    decision_number: str = "",
    note: str = "",
    exception: str = "",
    **data,
) -> AdmissionFile:
    """Move a file to `stage` on `on` with its evidence, after checking every rule."""
    file = (
        AdmissionFile.objects.select_for_update(of=("self",))
        .select_related("organization__org_type", "member")
        .get(pk=file.pk)
    )
    step = _Step(file, user, exception)
    step.require(rules.transition_problem(file.stage, stage, _is_grassroots_cell(file)), "stage")
    today = timezone.localdate()
    if on > today:
        raise DomainError("Ngày không được sau ngày hôm nay.", "date")
    last = file.steps.filter(withdrawn_at=None).order_by("-date", "-id").first()
    if last and on < last.date:
        raise DomainError(f"Ngày phải từ {last.date:%d/%m/%Y} (bước trước) trở đi.", "date")
    decision_number = clean_spaces(decision_number)
    note = clean_spaces(note)
    params = params_on(on, file.organization.path)
    cal = calendar_for()
    ctx = _StepContext(step, file, stage, on, params, decision_number, note, data)
    before = file_state(file)
    evidence = _EVIDENCE.get(stage, _no_evidence)(ctx)
    _EFFECTS.get(stage, _no_effect)(ctx)
    file.stage = stage
    refresh_deadline(file, cal)
    file.save()
    if step.waived:
        evidence["waived"] = step.waived
    AdmissionStep.objects.create(
        file=file,
        stage=stage,
        date=on,
        decision_number=decision_number,
        evidence=evidence,
        note=note,
        exception=step.exception if step.waived else "",
        recorded_by=_actor(user),
        file_before=before,
    )
    return file


@transaction.atomic
def extend_decision(file: AdmissionFile, *, reason: str, user=None) -> AdmissionFile:
    """Extend the time for the admission decision once (by 15 working days)."""
    file = (
        AdmissionFile.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=file.pk)
    )
    if file.stage != Stage.RECEIVED:
        raise DomainError("Chỉ gia hạn khi hồ sơ đang chờ quyết định kết nạp.", "reason")
    if file.extended:
        raise DomainError("Hồ sơ đã được gia hạn một lần.", "reason")
    if not clean_spaces(reason):
        raise DomainError("Cần nêu lý do gia hạn.", "reason")
    before = file_state(file)
    file.extended = True
    refresh_deadline(file)
    file.save()
    AdmissionStep.objects.create(
        file=file,
        stage=file.stage,
        date=timezone.localdate(),
        note=f"Gia hạn xét kết nạp: {clean_spaces(reason)}",
        evidence={"extended_to": file.next_deadline.isoformat()},
        recorded_by=_actor(user),
        file_before=before,
    )
    return file


# --- withdrawing a step recorded by mistake ----------------------------------------------------

# The file's values a step before the decision may change; kept with each step so that
# withdrawing it gives them back exactly.
FILE_STATE = ("stage", "certificate_on", "received_on", "extended")


def file_state(file: AdmissionFile) -> dict:
    state = {name: getattr(file, name) for name in FILE_STATE}
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in state.items()}


def last_step(file: AdmissionFile) -> AdmissionStep | None:
    """The last step still in force (the one a withdrawal would take back)."""
    return file.steps.filter(withdrawn_at=None).order_by("-id").first()


def _state_before(file: AdmissionFile, step: AdmissionStep) -> dict:
    """The file's values before `step`: as kept with it, or (steps recorded before they were
    kept) the stage of the step in force before it and the dates that stage sets cleared."""
    if step.file_before:
        return {
            k: date.fromisoformat(v) if k.endswith("_on") and v else v
            for k, v in step.file_before.items()
        }
    previous = file.steps.filter(withdrawn_at=None, id__lt=step.id).order_by("-id").first()
    state = {"stage": previous.stage if previous else Stage.IDENTIFIED}
    if step.evidence.get("extended_to"):
        state["extended"] = False
    elif step.stage == Stage.COURSE:
        state["certificate_on"] = None
    elif step.stage == Stage.RECEIVED:
        state["received_on"] = None
    return state


@transaction.atomic
def withdraw_last_step(file: AdmissionFile, *, reason: str, user=None) -> AdmissionFile:
    """Take back the last step, recorded by mistake: it stays in the timeline marked withdrawn
    with who/when/why, and the file returns to its values before it. Steps that wrote to the
    member register (the decision and after) are corrected on the member's record instead."""
    file = (
        AdmissionFile.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=file.pk)
    )
    step = last_step(file)
    problem = rules.withdrawal_problem(step.stage if step else None, is_first=is_first_step(step))
    if problem:
        raise DomainError(problem, "reason")
    reason = clean_spaces(reason)
    if not reason:
        raise DomainError("Cần nêu lý do hủy bước ghi nhầm.", "reason")
    if step.stage == Stage.CLOSED and _other_open_file(file):
        raise DomainError("Người này đã có một hồ sơ kết nạp khác đang xét.", "reason")
    for name, value in _state_before(file, step).items():
        setattr(file, name, value)
    refresh_deadline(file)
    file.save()
    step.withdrawn_at, step.withdrawn_by = timezone.now(), _actor(user)
    step.withdrawal_reason = reason
    step.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason", "updated_at"])
    return file


def _other_open_file(file: AdmissionFile) -> bool:
    return bool(file.id_number) and (
        AdmissionFile.objects.filter(id_number=file.id_number)
        .exclude(pk=file.pk)
        .exclude(stage__in=rules.Stage.FINAL)
        .exists()
    )


def is_first_step(step: AdmissionStep | None) -> bool:
    return step is not None and not step.file.steps.filter(id__lt=step.id).exists()


@transaction.atomic
def set_target(*, organization: Organization, year: int, target: int, note="", user=None):
    """Set (or change) an org's admission target for a year."""
    if target is None or target < 0:
        raise DomainError("Chỉ tiêu phải là số không âm.", "target")
    if not 2000 <= year <= 2100:
        raise DomainError("Năm không hợp lệ.", "year")
    row, _created = AdmissionTarget.objects.update_or_create(
        organization=organization,
        year=year,
        defaults={"target": target, "note": clean_spaces(note)},
    )
    return row


def _term_model():
    """committees.Term, reached through the target's relation (apps do not import each
    other)."""
    return AdmissionTermTarget._meta.get_field("term").related_model


def terms_of(organization: Organization):
    """The org's terms of office, latest first."""
    return _term_model().objects.filter(organization=organization).order_by("-starts_on")


@transaction.atomic
def set_term_target(*, organization: Organization, term, target: int, note="", user=None):
    """Set (or change) an org's admission target for one of its terms (the congress's)."""
    if target is None or target < 0:
        raise DomainError("Chỉ tiêu phải là số không âm.", "target")
    if term.organization_id != organization.pk:
        raise DomainError("Nhiệm kỳ không thuộc tổ chức đã chọn.", "term")
    row, _created = AdmissionTermTarget.objects.update_or_create(
        organization=organization,
        term=term,
        defaults={"target": target, "note": clean_spaces(note)},
    )
    return row


def report_date(year: int, today: date) -> date:
    """The day a year's report counts to: the year's last day, or today in the year under way."""
    return min(date(year, 12, 31), today)


def _terms_on(nodes: list[Organization], on: date) -> dict[int, object]:
    """{org id: the term in force on `on`} (the latest that started on or before it; one
    query)."""
    terms: dict[int, object] = {}
    rows = (
        _term_model()
        .objects.filter(organization__in=nodes, starts_on__lte=on)
        .order_by("organization_id", "-starts_on")
    )
    for term in rows:
        terms.setdefault(term.organization_id, term)
    return terms


def _term_figures(org: Organization, nodes, on: date, width: int) -> dict[int, dict]:
    """For each node with a term in force on `on`: the term, its target and the members
    admitted from its start to its end or `on` (3 queries whatever the number of children)."""
    terms = _terms_on(nodes, on)
    periods = {
        pk: rules.term_period(term.starts_on, term.ends_on, on) for pk, term in terms.items()
    }
    periods = {pk: period for pk, period in periods.items() if period}
    if not periods:
        return {}
    targets = dict(
        AdmissionTermTarget.objects.filter(
            term__in=[terms[pk] for pk in periods], organization__in=list(periods)
        ).values_list("organization_id", "target")
    )
    start = min(p[0] for p in periods.values())
    end = max(p[1] for p in periods.values())
    by_day = (
        member_queries.admitted_between(org, start, end)
        .annotate(child=Substr(member_queries.ADMISSION_PATH, 1, width))
        .values("child", "admitted_on")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("child", "admitted_on", "n")
    )
    by_day = list(by_day)
    result = {}
    for node in nodes:
        if node.pk not in periods:
            continue
        first, last = periods[node.pk]
        admitted = sum(
            n
            for child, day, n in by_day
            if first <= day <= last and (node is org or child == node.path)
        )
        target = targets.get(node.pk)
        result[node.pk] = dict(
            term=terms[node.pk],
            term_from=first,
            term_to=last,
            term_admitted=admitted,
            term_target=target,
            term_share=rules.target_share(admitted, target),
        )
    return result


def term_admitted_rows(node: Organization, year: int, today: date):
    """The members behind a row's «admitted in the term» figure of `target_report`: the term
    in force for `node` on the report date, the same period and the same definition
    (`admitted_between`), so the list has as many rows as the figure counts. (None, none)
    when the org has no term in force then."""
    on = report_date(year, today)
    term = _terms_on([node], on).get(node.pk)
    period = term and rules.term_period(term.starts_on, term.ends_on, on)
    if not period:
        return None, member_queries.admitted_between(node, on, on).none()
    rows = member_queries.admitted_between(node, *period, names=True)
    return (term, *period), rows.order_by("admitted_on", "name_search", "pk")


def year_target(targets: dict[str, int], path: str) -> int | None:
    """An org's year target: its own, else the sum of the topmost targets set below it."""
    covering = org_rules.covering(targets, path)
    return sum(covering.values()) if covering else None


def target_report(org: Organization, year: int, today: date | None = None) -> list[dict]:
    """Admitted vs target for an org and each of its children: in the year (against the year
    target) and in the term of office in force at the year's end or today (against the term
    target, the congress's) — 6 queries.

    Admitted: `members.queries.admitted_between` (the one definition: admission decision date
    in the period, processed here or imported), placed by the org each was admitted into."""
    today = today or timezone.localdate()
    children = list(
        Organization.objects.filter(path__startswith=org.path, depth=org.depth + 1).order_by("path")
    )
    nodes = [org, *children]
    width = len(org.path) + Organization.steplen
    admitted_by_child = dict(
        member_queries.admitted_in_year(org, year)
        .annotate(child=Substr(member_queries.ADMISSION_PATH, 1, width))
        .values("child")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("child", "n")
    )
    candidates_by_child = dict(
        AdmissionFile.objects.filter(
            organization__path__startswith=org.path, identified_on__year=year
        )
        .annotate(child=Substr("organization__path", 1, width))
        .values("child")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("child", "n")
    )
    targets = dict(
        AdmissionTarget.objects.filter(
            organization__path__startswith=org.path, year=year
        ).values_list("organization__path", "target")
    )
    term = _term_figures(org, nodes, report_date(year, today), width)
    result = []
    for node in nodes:
        if node is org:
            admitted = sum(admitted_by_child.values())
            candidates = sum(candidates_by_child.values())
        else:
            admitted = admitted_by_child.get(node.path, 0)
            candidates = candidates_by_child.get(node.path, 0)
        target = year_target(targets, node.path)
        result.append(
            dict(
                org=node,
                is_total=node is org,
                target=target,
                admitted=admitted,
                candidates=candidates,
                percent=rules.target_percent(admitted, target),
                share=rules.target_share(admitted, target),
                **term.get(node.pk, {}),
            )
        )
    return result
