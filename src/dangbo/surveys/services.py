"""Survey use cases: one transaction each, validate → write. Cross-app work (recording a team's
attendance at a cell meeting, creating a programmes task) goes through `dangbo.core.hooks`."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.utils import timezone

from dangbo.core import hooks
from dangbo.core.errors import DomainError
from dangbo.core.models import RuleParameter
from dangbo.core.permissions import has_permission
from dangbo.core.text import clean_spaces
from dangbo.members.choices import ACTIVE_STATUSES
from dangbo.organizations.models import Organization
from dangbo.surveys import rules
from dangbo.surveys.models import (
    AccessCode,
    Answer,
    Campaign,
    CampaignStatus,
    Channel,
    Finding,
    FindingKind,
    Question,
    QuestionKind,
    RespondentGroup,
    Response,
    SampledOrg,
    Selection,
    Team,
    TeamMember,
    Version,
    Visit,
)

THRESHOLD_KEYS = {
    "surveys.worked_min_average": rules.WORKED_MIN_AVERAGE,
    "surveys.not_worked_max_average": rules.NOT_WORKED_MAX_AVERAGE,
    "surveys.min_answers_for_verdict": rules.MIN_ANSWERS_FOR_VERDICT,
}
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CODE_LENGTH = 10
MAX_CODES_PER_BATCH = 2000


def thresholds(campaign: Campaign) -> dict:
    """The verdict thresholds in force on the campaign's start, for its org."""
    found = RuleParameter.values_on(THRESHOLD_KEYS, campaign.starts_on, campaign.organization.path)
    return {key: found.get(key, default) for key, default in THRESHOLD_KEYS.items()}


def _require_change(user, campaign_or_org) -> None:
    org = getattr(campaign_or_org, "organization", campaign_or_org)
    if user is not None and not has_permission(user, "surveys.change", org.path):
        raise PermissionDenied


def _required(value: str, field_name: str, label: str) -> str:
    value = clean_spaces(value)
    if not value:
        raise DomainError(f"Cần nhập {label}.", field_name)
    return value


def _check_not_closed(campaign: Campaign) -> None:
    if campaign.status == CampaignStatus.CLOSED:
        raise DomainError("Đợt khảo sát đã kết thúc, không thay đổi được nữa.")


# Campaign -------------------------------------------------------------------------------


@transaction.atomic
def create_campaign(
    *,
    organization: Organization,
    title: str,
    purpose: str,
    starts_on: date,
    ends_on: date,
    document=None,
    programme=None,
    anonymous: bool = True,
    user=None,
) -> Campaign:
    """Plan a campaign of a committee, tied to the scheme (document or programme) assessed."""
    _require_change(user, organization)
    if not organization.is_active:
        raise DomainError(f"Tổ chức «{organization.name}» đã giải thể.", "organization")
    title = _required(title, "title", "tên đợt khảo sát")
    purpose = _required(purpose, "purpose", "mục đích, yêu cầu")
    if starts_on is None or ends_on is None:
        raise DomainError("Cần nhập thời gian khảo sát.", "starts_on")
    if ends_on < starts_on:
        raise DomainError("Ngày kết thúc phải từ ngày bắt đầu trở đi.", "ends_on")
    if document is None and programme is None:
        raise DomainError("Cần chọn văn bản hoặc chương trình (đề án) được đánh giá.", "document")
    return Campaign.objects.create(
        organization=organization,
        title=title,
        purpose=purpose,
        starts_on=starts_on,
        ends_on=ends_on,
        document=document,
        programme=programme,
        anonymous=anonymous,
        recorded_by=user if user is not None and user.is_authenticated else None,
    )


@transaction.atomic
def close_campaign(campaign: Campaign, *, user=None) -> Campaign:
    _require_change(user, campaign)
    _check_not_closed(campaign)
    campaign.status = CampaignStatus.CLOSED
    campaign.save(update_fields=["status", "updated_at"])
    return campaign


# Sample ---------------------------------------------------------------------------------


def candidate_orgs(campaign: Campaign):
    """Active orgs holding members under the campaign's org, with their member count and the
    grade of their last scored meeting (read from the meetings module's table)."""
    meeting = apps.get_model("meetings", "Meeting")
    last_grade = (
        meeting.objects.filter(organization=OuterRef("pk"))
        .exclude(grade="")
        .order_by("-planned_on", "-id")
        .values("grade")[:1]
    )
    return (
        Organization.objects.filter(
            path__startswith=campaign.organization.path,
            is_active=True,
            org_type__holds_members=True,
        )
        .select_related("org_type")
        .annotate(
            member_count=Count("members", filter=Q(members__status__in=ACTIVE_STATUSES)),
            last_grade=Subquery(last_grade),
        )
        .order_by("path")
    )


def _facts(org) -> rules.OrgFacts:
    return rules.OrgFacts(org.pk, org.org_type.code, org.member_count, org.last_grade or "")


def _sampled(campaign, org, selection) -> SampledOrg:
    return SampledOrg(
        campaign=campaign,
        organization=org,
        org_type=org.org_type,
        selection=selection,
        member_count=org.member_count,
        last_grade=org.last_grade or "",
    )


@transaction.atomic
def draw_sample(
    campaign: Campaign,
    *,
    size: int,
    criteria: dict | None = None,
    seed: int | None = None,
    stratify: bool = True,
    user=None,
) -> list[SampledOrg]:
    """Draw a random sample of orgs meeting the criteria, spread over org types when
    `stratify`; the seed is recorded so the same draw can be reproduced and checked."""
    _require_change(user, campaign)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _check_not_closed(campaign)
    if campaign.sample_seed is not None:
        raise DomainError(
            f"Đã chọn mẫu ngẫu nhiên với hạt giống {campaign.sample_seed}; "
            "chỉ bổ sung được bằng cách chọn trực tiếp.",
            "size",
        )
    if size is None or size < 1:
        raise DomainError("Số tổ chức cần chọn phải từ 1 trở lên.", "size")
    criteria = {k: v for k, v in (criteria or {}).items() if v not in (None, "", [])}
    seed = secrets.randbits(48) if seed is None else seed
    orgs = {org.pk: org for org in candidate_orgs(campaign)}
    already = set(campaign.sample.values_list("organization_id", flat=True))
    eligible = [
        facts
        for facts in map(_facts, orgs.values())
        if facts.org_id not in already and rules.matches(facts, criteria)
    ]
    if not eligible:
        raise DomainError("Không có tổ chức nào đáp ứng tiêu chí chọn mẫu.", "size")
    if stratify:
        strata: dict[str, list[int]] = {}
        for facts in eligible:
            strata.setdefault(facts.type_code, []).append(facts.org_id)
        chosen = rules.draw_stratified(strata, size, seed)
    else:
        chosen = rules.draw_sample([f.org_id for f in eligible], size, seed)
    rows = SampledOrg.objects.bulk_create(
        [_sampled(campaign, orgs[pk], Selection.RANDOM) for pk in chosen]
    )
    campaign.sample_seed = seed
    campaign.sample_criteria = {**criteria, "size": size, "stratify": stratify}
    campaign.save(update_fields=["sample_seed", "sample_criteria", "updated_at"])
    return rows


@transaction.atomic
def add_to_sample(campaign: Campaign, *, organization: Organization, user=None) -> SampledOrg:
    """Hand-pick an org into the sample."""
    _require_change(user, campaign)
    _check_not_closed(campaign)
    org = candidate_orgs(campaign).filter(pk=organization.pk).first()
    if org is None:
        raise DomainError(
            f"«{organization.name}» không phải chi bộ/tổ chức đang hoạt động thuộc "
            f"«{campaign.organization.name}».",
            "organization",
        )
    if campaign.sample.filter(organization=org).exists():
        raise DomainError(f"«{org.name}» đã có trong mẫu.", "organization")
    row = _sampled(campaign, org, Selection.MANUAL)
    row.save()
    return row


# Teams and visits -----------------------------------------------------------------------


@transaction.atomic
def add_team(
    campaign: Campaign,
    *,
    name: str,
    leader_name: str,
    leader_position: str = "",
    members: Sequence[tuple[str, str]] = (),
    user=None,
) -> Team:
    """A team of the delegation with its leader and members (name, position)."""
    _require_change(user, campaign)
    _check_not_closed(campaign)
    team = Team.objects.create(
        campaign=campaign,
        name=_required(name, "name", "tên tổ"),
        leader_name=_required(leader_name, "leader_name", "họ tên tổ trưởng"),
        leader_position=clean_spaces(leader_position),
    )
    TeamMember.objects.bulk_create(
        TeamMember(team=team, full_name=clean_spaces(n), position=clean_spaces(p))
        for n, p in members
        if clean_spaces(n)
    )
    return team


@transaction.atomic
def schedule_visit(
    team: Team,
    *,
    sampled_org: SampledOrg,
    visit_on: date,
    mode: str = Visit.Mode.IN_PERSON,
    online_link: str = "",
    user=None,
) -> Visit:
    """Assign a team to a sampled org on a date. The team's attendance at that day's meeting
    is recorded by the meetings module (its invited-superiors list); the meeting is linked."""
    campaign = team.campaign
    _require_change(user, campaign)
    _check_not_closed(campaign)
    if sampled_org.campaign_id != campaign.pk:
        raise DomainError("Tổ chức này không thuộc mẫu của đợt khảo sát.", "sampled_org")
    if visit_on is None:
        raise DomainError("Cần nhập ngày dự.", "visit_on")
    if not campaign.starts_on <= visit_on <= campaign.ends_on:
        raise DomainError(
            f"Ngày dự phải trong thời gian khảo sát ({campaign.starts_on:%d/%m/%Y} – "
            f"{campaign.ends_on:%d/%m/%Y}).",
            "visit_on",
        )
    if mode not in Visit.Mode.values:
        raise DomainError("Hình thức dự không hợp lệ.", "mode")
    if Visit.objects.filter(team=team, sampled_org=sampled_org, visit_on=visit_on).exists():
        raise DomainError("Tổ đã được phân công dự ở tổ chức này ngày này.", "visit_on")
    people = [(team.leader_name, f"Tổ trưởng {team.name}, {campaign.title}")]
    people += [(m.full_name, f"Thành viên {team.name}") for m in team.members.all()]
    meeting = hooks.call(
        "meetings.record_survey_visit",
        organization=sampled_org.organization,
        on=visit_on,
        people=people,
        mode=mode,
        online_link=online_link,
    )
    return Visit.objects.create(
        team=team, sampled_org=sampled_org, visit_on=visit_on, mode=mode, meeting=meeting
    )


# Questionnaire --------------------------------------------------------------------------


@transaction.atomic
def add_group(campaign: Campaign, *, code: str, name: str, user=None) -> RespondentGroup:
    _require_change(user, campaign)
    _check_not_closed(campaign)
    code = _required(code, "code", "mã nhóm").upper()
    if campaign.groups.filter(code=code).exists():
        raise DomainError(f"Mã nhóm «{code}» đã dùng.", "code")
    return RespondentGroup.objects.create(
        campaign=campaign, code=code, name=_required(name, "name", "tên nhóm")
    )


@transaction.atomic
def new_version(campaign: Campaign, *, title: str = "", user=None) -> Version:
    """A new draft version; it starts as a copy of the latest version's questions and
    groups (a published version stays frozen)."""
    _require_change(user, campaign)
    _check_not_closed(campaign)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.versions.filter(published_at__isnull=True).exists():
        raise DomainError("Đang có một phiên bản nháp; hãy sửa hoặc phát hành phiên bản đó.")
    latest = campaign.versions.order_by("-number").first()
    number = (campaign.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    title = clean_spaces(title) or (latest.title if latest else f"Phiếu khảo sát {campaign}")
    version = Version.objects.create(campaign=campaign, number=number, title=title)
    if latest is not None:
        Question.objects.bulk_create(
            Question(
                version=version,
                position=q.position,
                kind=q.kind,
                text=q.text,
                options=q.options,
                required=q.required,
            )
            for q in latest.questions.all()
        )
        version.groups.set(latest.groups.all())
    return version


def _check_draft(version: Version) -> None:
    if version.is_published:
        raise DomainError(
            f"Phiên bản {version.number} đã phát hành nên không sửa được; hãy tạo phiên bản mới."
        )


def clean_options(kind: str, options: Sequence[str]) -> list[str]:
    options = [clean_spaces(o) for o in options if clean_spaces(o)]
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        if len(options) < 2:
            raise DomainError("Câu hỏi lựa chọn cần ít nhất 2 phương án.", "options")
        if len(set(options)) != len(options):
            raise DomainError("Các phương án không được trùng nhau.", "options")
        return options
    return []


@transaction.atomic
def add_question(
    version: Version,
    *,
    kind: str,
    text: str,
    options: Sequence[str] = (),
    required: bool = False,
    user=None,
) -> Question:
    _require_change(user, version.campaign)
    version = Version.objects.select_for_update().get(pk=version.pk)
    _check_draft(version)
    if kind not in QuestionKind.values:
        raise DomainError("Loại câu hỏi không hợp lệ.", "kind")
    position = (version.questions.aggregate(n=Max("position"))["n"] or 0) + 1
    return Question.objects.create(
        version=version,
        position=position,
        kind=kind,
        text=_required(text, "text", "nội dung câu hỏi"),
        options=clean_options(kind, options),
        required=required,
    )


@transaction.atomic
def publish_version(version: Version, *, groups: Sequence[RespondentGroup], user=None) -> Version:
    """Freeze a version and open the campaign for answers by the given groups."""
    campaign = version.campaign
    _require_change(user, campaign)
    _check_not_closed(campaign)
    version = Version.objects.select_for_update().get(pk=version.pk)
    _check_draft(version)
    if not version.questions.exists():
        raise DomainError("Phiếu chưa có câu hỏi nào.")
    groups = [g for g in groups if g.campaign_id == campaign.pk]
    if not groups:
        raise DomainError("Chọn ít nhất một nhóm đối tượng trả lời phiếu.", "groups")
    version.groups.set(groups)
    version.published_at = timezone.now()
    version.save(update_fields=["published_at", "updated_at"])
    if campaign.status == CampaignStatus.DRAFT:
        campaign.status = CampaignStatus.RUNNING
        campaign.save(update_fields=["status", "updated_at"])
    return version


def current_version(campaign: Campaign, group: RespondentGroup | None = None) -> Version | None:
    """The latest published version (for the group, when given)."""
    versions = campaign.versions.filter(published_at__isnull=False)
    if group is not None:
        versions = versions.filter(groups=group)
    return versions.order_by("-number").first()


def specs(version: Version) -> list[rules.QuestionSpec]:
    return [
        rules.QuestionSpec(q.pk, q.position, q.kind, len(q.options), q.required)
        for q in version.questions.all()
    ]


# Answers --------------------------------------------------------------------------------


def _check_open(campaign: Campaign, version: Version) -> None:
    campaign.refresh_from_db(fields=["status"])
    if campaign.status != CampaignStatus.RUNNING:
        raise DomainError("Đợt khảo sát không trong thời gian nhận phiếu.")
    if not version.is_published or version.campaign_id != campaign.pk:
        raise DomainError("Phiên bản phiếu chưa phát hành.", "version")


def _save(campaign, version, group, sampled_org, channel, answers, member=None) -> Response:
    response = Response.objects.create(
        campaign=campaign,
        version=version,
        group=group,
        sampled_org=sampled_org,
        org_type_id=sampled_org.org_type_id if sampled_org else None,
        channel=channel,
        submitted_on=timezone.localdate(),
        member=None if campaign.anonymous else member,
    )
    Answer.objects.bulk_create(
        Answer(
            response=response,
            question_id=a.question_id,
            option=a.option,
            value=a.value,
            text=a.text,
        )
        for a in answers
    )
    return response


@dataclass
class PaperRow:
    """One paper questionnaire typed in a row: group code, sampled org, one cell per question."""

    group_code: str
    sampled_org_id: int | None
    cells: list[str] = field(default_factory=list)

    def is_blank(self) -> bool:
        return not clean_spaces(self.group_code) and not any(c.strip() for c in self.cells)


@transaction.atomic
def enter_paper(campaign: Campaign, version: Version, rows: Sequence[PaperRow], *, user=None):
    """Save questionnaires typed from paper, all or nothing; an error names the row."""
    _require_change(user, campaign)
    _check_open(campaign, version)
    groups = {g.code: g for g in version.groups.all()}
    sample = {s.pk: s for s in campaign.sample.all()}
    questions = specs(version)
    parsed = []
    for n, row in enumerate(rows, start=1):
        if row.is_blank():
            continue
        group = groups.get(clean_spaces(row.group_code).upper())
        if group is None:
            raise DomainError(
                f"mã nhóm «{row.group_code}» không có trong phiếu (dùng: {', '.join(groups)}).",
                "rows",
                row=n,
            )
        sampled = sample.get(row.sampled_org_id) if row.sampled_org_id else None
        if row.sampled_org_id and sampled is None:
            raise DomainError("tổ chức không thuộc mẫu khảo sát.", "rows", row=n)
        try:
            answers = rules.parse_row(questions, row.cells)
        except rules.AnswerError as error:
            raise DomainError(str(error), "rows", row=n) from None
        parsed.append((group, sampled, answers))
    if not parsed:
        raise DomainError("Chưa nhập phiếu nào.", "rows")
    return [_save(campaign, version, g, s, Channel.PAPER, a) for g, s, a in parsed]


@dataclass(frozen=True)
class IssuedCodes:
    group: RespondentGroup
    sampled_org: SampledOrg | None
    codes: list[str]


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


@transaction.atomic
def issue_codes(
    campaign: Campaign,
    *,
    group: RespondentGroup,
    count: int,
    sampled_org: SampledOrg | None = None,
    user=None,
) -> IssuedCodes:
    """Issue one-time codes for a group (and org). The codes are shown once; only their hashes
    are kept."""
    _require_change(user, campaign)
    _check_not_closed(campaign)
    if group.campaign_id != campaign.pk:
        raise DomainError("Nhóm không thuộc đợt khảo sát.", "group")
    if sampled_org is not None and sampled_org.campaign_id != campaign.pk:
        raise DomainError("Tổ chức không thuộc mẫu khảo sát.", "sampled_org")
    if count is None or not 1 <= count <= MAX_CODES_PER_BATCH:
        raise DomainError(f"Số mã mỗi lần cấp từ 1 đến {MAX_CODES_PER_BATCH}.", "count")
    codes = [_new_code() for _ in range(count)]
    today = timezone.localdate()
    try:
        with transaction.atomic():
            AccessCode.objects.bulk_create(
                AccessCode(
                    campaign=campaign,
                    group=group,
                    sampled_org=sampled_org,
                    code_hash=rules.hash_code(code),
                    issued_on=today,
                )
                for code in codes
            )
    except IntegrityError:  # a collision in 32^10: try once more
        return issue_codes(campaign, group=group, count=count, sampled_org=sampled_org, user=user)
    return IssuedCodes(group, sampled_org, [format_code(c) for c in codes])


def code_target(code: str) -> AccessCode | None:
    """The unused access code for a typed code, or None."""
    return (
        AccessCode.objects.select_related("campaign", "group", "sampled_org")
        .filter(code_hash=rules.hash_code(code), used=False)
        .first()
    )


@transaction.atomic
def answer_with_code(code: str, raw_answers: dict[int, str | list[str]]) -> Response:
    """A respondent answers once with a one-time code: the code is marked used and the
    answers saved in one transaction; nothing links the two."""
    access = (
        AccessCode.objects.select_for_update(of=("self",))
        .select_related("campaign", "group", "sampled_org")
        .filter(code_hash=rules.hash_code(code))
        .first()
    )
    if access is None:
        raise DomainError("Mã không đúng.", "code")
    if access.used:
        raise DomainError("Mã này đã được dùng; mỗi người chỉ trả lời một lần.", "code")
    campaign = access.campaign
    version = current_version(campaign, access.group)
    if version is None:
        raise DomainError("Phiếu khảo sát chưa phát hành.", "code")
    _check_open(campaign, version)
    answers = []
    for spec in specs(version):
        raw = raw_answers.get(spec.id, "")
        if isinstance(raw, list):
            raw = ",".join(raw)
        try:
            answers.extend(rules.parse_cell(spec, raw))
        except rules.AnswerError as error:
            raise DomainError(str(error), f"q{spec.id}") from None
    if not answers:
        raise DomainError("Phiếu trống: chưa trả lời câu nào.")
    access.used = True
    access.save(update_fields=["used"])
    return _save(campaign, version, access.group, access.sampled_org, Channel.CODE, answers)


# Findings -------------------------------------------------------------------------------


@transaction.atomic
def record_finding(campaign: Campaign, *, kind: str, text: str, user=None) -> Finding:
    _require_change(user, campaign)
    if kind not in FindingKind.values:
        raise DomainError("Loại kết quả không hợp lệ.", "kind")
    return Finding.objects.create(
        campaign=campaign, kind=kind, text=_required(text, "text", "nội dung")
    )


@transaction.atomic
def finding_to_task(
    finding: Finding, *, assignee_org: Organization, due_on: date, user=None
) -> Finding:
    """Turn a finding into a task in the programmes module, assigned by the campaign's
    committee to itself or an org below it."""
    campaign = finding.campaign
    _require_change(user, campaign)
    if finding.task_id_ref:
        raise DomainError("Kiến nghị này đã được giao thành nhiệm vụ.")
    if not hooks.provided("programmes.assign_task"):
        raise DomainError("Chưa bật phân hệ chương trình công tác.")
    task = hooks.call(
        "programmes.assign_task",
        assigner_org=campaign.organization,
        assignee_org=assignee_org,
        title=finding.text[:500],
        due_on=due_on,
        description=f"Từ kết quả khảo sát «{campaign.title}».",
        source_ref=f"surveys.finding:{finding.pk}",
        source_document=campaign.document,
        user=user,
    )
    finding.task_id_ref = task.pk
    finding.save(update_fields=["task_id_ref", "updated_at"])
    return finding
