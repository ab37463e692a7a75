"""Survey and assessment campaigns: the scheme assessed, a sample of orgs, teams attending the
sampled cells' meetings, a versioned questionnaire by respondent group, answers (anonymous when
the campaign says so), results and the findings turned into tasks.

Anonymity lives in the data model: a `Response` row holds the questionnaire version, the
respondent group, the sampled org and the day, never a person, an account, an access code or
a timestamp; `AccessCode` rows hold only a hash and a used flag, with no link to a response.
Responses and answers are not registered with the change log (its rows carry time and IP).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from dangbo.core.models import RestrictedModelMixin, RestrictedQuerySet, TimeStampedModel
from dangbo.surveys.rules import PHASE_LABELS, campaign_phase


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "Đang chuẩn bị"
    RUNNING = "running", "Đang khảo sát"
    CLOSED = "closed", "Đã kết thúc"


class CampaignQuerySet(RestrictedQuerySet):
    def in_phase(self, phase: str, today):
        """Campaigns showing `phase` on `today` (surveys.rules.campaign_phase as a filter)."""
        if phase == "running":
            return self.filter(status=CampaignStatus.RUNNING, ends_on__gte=today)
        if phase == "ended":
            return self.filter(status=CampaignStatus.RUNNING, ends_on__lt=today)
        return self.filter(status=phase)


class Campaign(RestrictedModelMixin, TimeStampedModel):
    """A survey/assessment campaign run by a committee over a period, tied to the scheme
    (a document or a work programme) it assesses."""

    restrict_path_field = "organization__path"

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="survey_campaigns",
        verbose_name="cấp ủy tổ chức khảo sát",
    )
    title = models.CharField("tên đợt khảo sát", max_length=255)
    purpose = models.TextField("mục đích, yêu cầu")
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến ngày")
    document = models.ForeignKey(
        "programmes.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="survey_campaigns",
        verbose_name="văn bản được đánh giá",
    )
    programme = models.ForeignKey(
        "programmes.Programme",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="survey_campaigns",
        verbose_name="chương trình được đánh giá",
    )
    anonymous = models.BooleanField("phiếu ẩn danh", default=True)
    status = models.CharField(
        "tình trạng", max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    sample_seed = models.BigIntegerField("hạt giống chọn mẫu", null=True, blank=True)
    sample_criteria = models.JSONField("tiêu chí chọn mẫu", default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = "đợt khảo sát"
        verbose_name_plural = "đợt khảo sát"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("surveys:detail", args=[self.pk])

    @property
    def phase(self) -> str:
        """The status shown today (`rules.campaign_phase`): a running campaign past its end
        date shows as ended, not collecting."""
        return campaign_phase(self.status, self.ends_on, timezone.localdate())

    @property
    def phase_label(self) -> str:
        return PHASE_LABELS[self.phase]


# Meeting grades as the meetings module stores them (codes), for sampling criteria; "none":
# no scored meeting yet.
GRADE_CHOICES = [
    ("tot", "Tốt"),
    ("kha", "Khá"),
    ("trung_binh", "Trung bình"),
    ("kem", "Kém"),
    ("none", "Chưa được xếp loại"),
]


class Selection(models.TextChoices):
    RANDOM = "random", "Chọn ngẫu nhiên"
    MANUAL = "manual", "Chọn trực tiếp"


class SampledOrg(RestrictedModelMixin, models.Model):
    """An org in the campaign's sample, with the facts it was chosen on (kept as they were)."""

    restrict_path_field = "campaign__organization__path"

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="sample", verbose_name="đợt khảo sát"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="tổ chức được khảo sát",
    )
    org_type = models.ForeignKey(
        "organizations.OrgType", on_delete=models.PROTECT, related_name="+", verbose_name="loại"
    )
    selection = models.CharField("cách chọn", max_length=10, choices=Selection.choices)
    member_count = models.PositiveIntegerField("số đảng viên khi chọn", default=0)
    last_grade = models.CharField("xếp loại sinh hoạt gần nhất", max_length=20, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["campaign_id", "organization__path", "id"]
        verbose_name = "tổ chức trong mẫu"
        verbose_name_plural = "tổ chức trong mẫu"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "organization"], name="uniq_survey_sample")
        ]

    def __str__(self) -> str:
        return str(self.organization)


class Team(RestrictedModelMixin, models.Model):
    """A team of the survey delegation (tổ khảo sát) with its leader and members."""

    restrict_path_field = "campaign__organization__path"

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="teams", verbose_name="đợt khảo sát"
    )
    name = models.CharField("tên tổ", max_length=120)
    leader_name = models.CharField("tổ trưởng", max_length=120)
    leader_position = models.CharField("chức vụ tổ trưởng", max_length=255, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["campaign_id", "name", "id"]
        verbose_name = "tổ khảo sát"
        verbose_name_plural = "tổ khảo sát"

    def __str__(self) -> str:
        return f"{self.name} (tổ trưởng {self.leader_name})"


class TeamMember(models.Model):
    """A member of a survey team."""

    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="members", verbose_name="tổ khảo sát"
    )
    full_name = models.CharField("họ và tên", max_length=120)
    position = models.CharField("chức vụ", max_length=255, blank=True)

    class Meta:
        ordering = ["team_id", "id"]
        verbose_name = "thành viên tổ khảo sát"
        verbose_name_plural = "thành viên tổ khảo sát"

    def __str__(self) -> str:
        return self.full_name


class Visit(RestrictedModelMixin, models.Model):
    """A team assigned to a sampled org on a date: it attends that day's cell meeting, recorded
    in the meetings module (the meeting is linked when one is found)."""

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", "Trực tiếp"
        ONLINE = "online", "Trực tuyến"

    restrict_path_field = "team__campaign__organization__path"

    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="visits", verbose_name="tổ khảo sát"
    )
    sampled_org = models.ForeignKey(
        SampledOrg, on_delete=models.PROTECT, related_name="visits", verbose_name="tổ chức"
    )
    visit_on = models.DateField("ngày dự")
    mode = models.CharField("hình thức", max_length=20, choices=Mode.choices)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="survey_visits",
        verbose_name="buổi sinh hoạt đã dự",
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["visit_on", "id"]
        verbose_name = "lịch dự sinh hoạt của tổ"
        verbose_name_plural = "lịch dự sinh hoạt của tổ"
        constraints = [
            models.UniqueConstraint(
                fields=["team", "sampled_org", "visit_on"], name="uniq_survey_visit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.team.name} — {self.sampled_org} {self.visit_on:%d/%m/%Y}"


class RespondentGroup(RestrictedModelMixin, models.Model):
    """A group of respondents (committee members, members, candidates…)."""

    restrict_path_field = "campaign__organization__path"

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="groups", verbose_name="đợt khảo sát"
    )
    code = models.CharField("mã nhóm (gõ khi nhập phiếu)", max_length=10)
    name = models.CharField("nhóm đối tượng", max_length=120)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["campaign_id", "code", "id"]
        verbose_name = "nhóm đối tượng khảo sát"
        verbose_name_plural = "nhóm đối tượng khảo sát"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="uniq_survey_group_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class Version(RestrictedModelMixin, TimeStampedModel):
    """A version of the campaign's questionnaire. Once published it is frozen: a change is a
    new version; every response keeps the version it answered."""

    restrict_path_field = "campaign__organization__path"

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="versions", verbose_name="đợt khảo sát"
    )
    number = models.PositiveSmallIntegerField("phiên bản")
    title = models.CharField("tên phiếu", max_length=255)
    published_at = models.DateTimeField("phát hành lúc", null=True, blank=True)
    groups = models.ManyToManyField(
        RespondentGroup, related_name="versions", verbose_name="dành cho nhóm", blank=True
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["campaign_id", "number"]
        verbose_name = "phiên bản phiếu khảo sát"
        verbose_name_plural = "phiên bản phiếu khảo sát"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="uniq_survey_version")
        ]

    def __str__(self) -> str:
        return f"{self.title} (phiên bản {self.number})"

    def get_absolute_url(self) -> str:
        return reverse("surveys:version", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class QuestionKind(models.TextChoices):
    SINGLE = "single", "Chọn một"
    MULTIPLE = "multiple", "Chọn nhiều"
    SCALE = "scale", "Thang điểm 1–5"
    TEXT = "text", "Trả lời tự do"


class Question(models.Model):
    """One question of a version; choice options are a list of labels numbered from 1."""

    version = models.ForeignKey(
        Version, on_delete=models.PROTECT, related_name="questions", verbose_name="phiên bản"
    )
    position = models.PositiveSmallIntegerField("thứ tự")
    kind = models.CharField("loại câu hỏi", max_length=10, choices=QuestionKind.choices)
    text = models.CharField("câu hỏi", max_length=500)
    options = models.JSONField("các phương án", default=list, blank=True)
    required = models.BooleanField("bắt buộc trả lời", default=False)

    class Meta:
        ordering = ["version_id", "position"]
        verbose_name = "câu hỏi"
        verbose_name_plural = "câu hỏi"
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="uniq_survey_question")
        ]

    def __str__(self) -> str:
        return f"Câu {self.position}. {self.text}"


class Channel(models.TextChoices):
    PAPER = "paper", "Nhập từ phiếu giấy"
    CODE = "code", "Tự trả lời bằng mã"


class Response(models.Model):
    """One filled-in questionnaire. Holds no person, account, access code or timestamp when
    the campaign is anonymous (`member` is only set for named campaigns)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="responses", verbose_name="đợt khảo sát"
    )
    version = models.ForeignKey(
        Version, on_delete=models.PROTECT, related_name="responses", verbose_name="phiên bản"
    )
    group = models.ForeignKey(
        RespondentGroup, on_delete=models.PROTECT, related_name="responses", verbose_name="nhóm"
    )
    sampled_org = models.ForeignKey(
        SampledOrg,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responses",
        verbose_name="tổ chức",
    )
    org_type = models.ForeignKey(
        "organizations.OrgType",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="loại tổ chức",
    )
    channel = models.CharField("cách thu", max_length=10, choices=Channel.choices)
    submitted_on = models.DateField("ngày trả lời")
    member = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người trả lời (phiếu ghi danh)",
    )

    class Meta:
        ordering = ["campaign_id", "id"]
        verbose_name = "phiếu trả lời"
        verbose_name_plural = "phiếu trả lời"
        indexes = [models.Index(fields=["campaign", "group"], name="survey_response_group_idx")]

    def __str__(self) -> str:
        return f"Phiếu số {self.pk}"


class Answer(models.Model):
    """An answer to one question: an option number (one row per ticked option), a scale
    value, or text."""

    response = models.ForeignKey(
        Response, on_delete=models.PROTECT, related_name="answers", verbose_name="phiếu"
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers", verbose_name="câu hỏi"
    )
    option = models.PositiveSmallIntegerField("phương án", null=True, blank=True)
    value = models.PositiveSmallIntegerField("điểm", null=True, blank=True)
    text = models.TextField("trả lời", blank=True)

    class Meta:
        ordering = ["response_id", "question_id", "option"]
        verbose_name = "câu trả lời"
        verbose_name_plural = "câu trả lời"
        indexes = [models.Index(fields=["question", "option"], name="survey_answer_q_idx")]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.option or self.value or self.text[:30]}"


class AccessCode(RestrictedModelMixin, models.Model):
    """A one-time code for answering without an account. Only its hash is stored; when used
    the flag is set, and nothing links it to the response it produced."""

    restrict_path_field = "campaign__organization__path"

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="codes", verbose_name="đợt khảo sát"
    )
    group = models.ForeignKey(
        RespondentGroup, on_delete=models.PROTECT, related_name="codes", verbose_name="nhóm"
    )
    sampled_org = models.ForeignKey(
        SampledOrg,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="codes",
        verbose_name="tổ chức",
    )
    code_hash = models.CharField(max_length=64, unique=True)
    issued_on = models.DateField("ngày cấp")
    used = models.BooleanField("đã dùng", default=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["campaign_id", "id"]
        verbose_name = "mã trả lời một lần"
        verbose_name_plural = "mã trả lời một lần"

    def __str__(self) -> str:
        return f"Mã #{self.pk} ({'đã dùng' if self.used else 'chưa dùng'})"


class FindingKind(models.TextChoices):
    WORKED = "worked", "Làm được"
    NOT_WORKED = "not_worked", "Chưa làm được"
    RECOMMENDATION = "recommendation", "Kiến nghị, đề xuất"


class Finding(RestrictedModelMixin, TimeStampedModel):
    """A finding or recommendation of the campaign; a recommendation can become a task in the
    programmes module (`task_ref` keeps the task's id)."""

    restrict_path_field = "campaign__organization__path"

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="findings", verbose_name="đợt khảo sát"
    )
    kind = models.CharField("loại", max_length=20, choices=FindingKind.choices)
    text = models.TextField("nội dung")
    task_id_ref = models.PositiveIntegerField("nhiệm vụ đã giao (mã)", null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["campaign_id", "kind", "id"]
        verbose_name = "kết quả, kiến nghị"
        verbose_name_plural = "kết quả, kiến nghị"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"
