"""Annual review: review years on a subtree, criteria sets, member and org classification,
the steps of every decision (who/when), committee confirmations with the quota check."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from dangbo.core.models import RestrictedModelMixin, RestrictedQuerySet, TimeStampedModel
from dangbo.reviews import rules


class Grade(models.TextChoices):
    EXCELLENT = rules.EXCELLENT, "Hoàn thành xuất sắc nhiệm vụ"
    GOOD = rules.GOOD, "Hoàn thành tốt nhiệm vụ"
    COMPLETED = rules.COMPLETED, "Hoàn thành nhiệm vụ"
    NOT_COMPLETED = rules.NOT_COMPLETED, "Không hoàn thành nhiệm vụ"


class Exemption(models.TextChoices):
    EXCUSED = rules.EXCUSED, rules.EXEMPTION_LABELS[rules.EXCUSED]
    SUSPENDED = rules.SUSPENDED, rules.EXEMPTION_LABELS[rules.SUSPENDED]
    RECENTLY_ADMITTED = rules.RECENTLY_ADMITTED, rules.EXEMPTION_LABELS[rules.RECENTLY_ADMITTED]


class CriteriaSet(TimeStampedModel):
    """A configurable set of criteria (30 general + 70 task points), in force from a date."""

    class Subject(models.TextChoices):
        MEMBER = "member", "Đảng viên"
        ORG = "org", "Tổ chức đảng"

    subject = models.CharField("đối tượng", max_length=10, choices=Subject.choices)
    name = models.CharField("tên bộ tiêu chí", max_length=255)
    valid_from = models.DateField("hiệu lực từ")
    source = models.CharField("căn cứ (văn bản)", max_length=255, blank=True)

    class Meta:
        ordering = ["subject", "-valid_from", "id"]
        verbose_name = "bộ tiêu chí đánh giá"
        verbose_name_plural = "bộ tiêu chí đánh giá"

    def __str__(self) -> str:
        return f"{self.name} (từ {self.valid_from:%d/%m/%Y})"

    @classmethod
    def in_force(cls, subject: str, on):
        return (
            cls.objects.filter(subject=subject, valid_from__lte=on).order_by("-valid_from").first()
        )

    def as_rules(self) -> list[tuple[str, str, object]]:
        return [(c.code, c.group, c.max_points) for c in self.criteria.all()]


class Criterion(models.Model):
    """One criterion of a set: its group (general or task results) and maximum points."""

    class Group(models.TextChoices):
        GENERAL = "general", "Tiêu chí chung"
        TASK = "task", "Kết quả thực hiện nhiệm vụ"

    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.PROTECT, related_name="criteria", verbose_name="bộ tiêu chí"
    )
    code = models.SlugField("mã", max_length=30)
    name = models.CharField("tiêu chí", max_length=255)
    group = models.CharField("nhóm", max_length=10, choices=Group.choices)
    max_points = models.DecimalField("điểm tối đa", max_digits=5, decimal_places=1)
    guidance = models.TextField("hướng dẫn chấm", blank=True)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        ordering = ["criteria_set_id", "order", "id"]
        verbose_name = "tiêu chí"
        verbose_name_plural = "tiêu chí"
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="uniq_criterion_code")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({rules.points(self.max_points)} điểm)"


class ReviewYear(RestrictedModelMixin, TimeStampedModel):
    """The review of one year opened on a subtree (its root org); closed when results are final.

    A past year whose results were kept on paper is created already final, in the IMPORTED
    state (`services.record_past_results`): no scores, only final grades and exemptions, each
    with the step recording who entered it from which file. Like CLOSED, it is not open."""

    class State(models.TextChoices):
        OPEN = "open", "Đang đánh giá"
        CLOSED = "closed", "Đã kết thúc"
        IMPORTED = "imported", "Kết quả năm cũ (nhập từ tệp)"

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="review_years",
        verbose_name="tổ chức",
    )
    year = models.PositiveSmallIntegerField("năm đánh giá")
    reference_date = models.DateField(
        "ngày đánh giá", help_text="Ngày dùng để xác định đảng viên được miễn đánh giá."
    )
    state = models.CharField("tình trạng", max_length=10, choices=State.choices, default=State.OPEN)
    # None only for an IMPORTED year before any criteria set: past results come in as final
    # grades (and an optional score), never scored against criteria (#22).
    member_criteria = models.ForeignKey(
        CriteriaSet,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="tiêu chí đảng viên",
    )
    org_criteria = models.ForeignKey(
        CriteriaSet,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="tiêu chí tổ chức",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField("kết thúc lúc", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    restrict_path_field = "organization__path"
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "organization__path"]
        verbose_name = "đợt đánh giá năm"
        verbose_name_plural = "đợt đánh giá năm"
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="uniq_review_year")
        ]

    def __str__(self) -> str:
        return f"Đánh giá, xếp loại năm {self.year} — {self.organization}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


class Decided(models.Model):
    """The chain of grades for one subject: computed proposal, cell, committee, final."""

    scores = models.JSONField("điểm theo tiêu chí", default=dict, blank=True)
    general_score = models.DecimalField(
        "điểm tiêu chí chung", max_digits=5, decimal_places=1, null=True, blank=True
    )
    task_score = models.DecimalField(
        "điểm kết quả nhiệm vụ", max_digits=5, decimal_places=1, null=True, blank=True
    )
    total_score = models.DecimalField(
        "tổng điểm", max_digits=5, decimal_places=1, null=True, blank=True
    )
    all_tasks_done = models.BooleanField("hoàn thành tất cả nhiệm vụ", default=False)
    exceed_percent = models.DecimalField(
        "tỷ lệ vượt mức (%)", max_digits=5, decimal_places=1, default=0
    )
    proposed_grade = models.CharField(
        "mức tính theo điểm", max_length=5, choices=Grade.choices, blank=True
    )
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scored_at = models.DateTimeField("chấm điểm lúc", null=True, blank=True)
    committee_grade = models.CharField(
        "cấp ủy quyết định", max_length=5, choices=Grade.choices, blank=True
    )
    committee_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    committee_at = models.DateTimeField("quyết định lúc", null=True, blank=True)
    appeal = models.TextField("kiến nghị, khiếu nại", blank=True)
    appeal_at = models.DateTimeField("khiếu nại lúc", null=True, blank=True)
    final_grade = models.CharField(
        "kết quả cuối cùng", max_length=5, choices=Grade.choices, blank=True
    )
    final_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    final_at = models.DateTimeField("kết quả lúc", null=True, blank=True)

    class Meta:
        abstract = True


class MemberReview(RestrictedModelMixin, Decided, TimeStampedModel):
    """One member in one review year: exemption, self-assessment, scores and grades."""

    review_year = models.ForeignKey(
        ReviewYear, on_delete=models.PROTECT, related_name="member_reviews"
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="reviews", verbose_name="đảng viên"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="chi bộ",
    )
    exemption = models.CharField(
        "lý do không xếp loại", max_length=10, choices=Exemption.choices, blank=True
    )
    self_assessment = models.TextField("bản tự kiểm điểm", blank=True)
    self_grade = models.CharField("tự xếp loại", max_length=5, choices=Grade.choices, blank=True)
    self_at = models.DateTimeField("tự đánh giá lúc", null=True, blank=True)
    discipline_cap = models.CharField(
        "mức tối đa do kỷ luật", max_length=5, choices=Grade.choices, blank=True
    )
    # The member's yearly responsibility commitment as evaluated when the cell scored (from
    # programmes, `rules.commitment_effect`); None: no evaluated commitment.
    commitment_achieved = models.PositiveSmallIntegerField(
        "số nội dung cam kết đạt", null=True, blank=True
    )
    commitment_items = models.PositiveSmallIntegerField(
        "số nội dung cam kết", null=True, blank=True
    )
    cell_grade = models.CharField("chi bộ đề xuất", max_length=5, choices=Grade.choices, blank=True)
    cell_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cell_at = models.DateTimeField("chi bộ đề xuất lúc", null=True, blank=True)

    restrict_path_field = "member__org_path"
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["review_year_id", "organization_id", "member__name_search", "id"]
        verbose_name = "đánh giá đảng viên"
        verbose_name_plural = "đánh giá đảng viên"
        constraints = [
            models.UniqueConstraint(fields=["review_year", "member"], name="uniq_member_review")
        ]
        indexes = [
            models.Index(fields=["review_year", "organization"], name="memberreview_year_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member} — năm {self.review_year.year}"

    def get_absolute_url(self) -> str:
        return reverse("reviews:member", args=[self.member_id])

    @property
    def is_exempt(self) -> bool:
        return bool(self.exemption)

    @property
    def current_grade(self) -> str:
        return self.final_grade or self.committee_grade or self.cell_grade or self.proposed_grade


TALLY_FIELDS = (
    "members_total",
    "members_exempt",
    "members_proposed",
    "members_excellent",
    "members_good",
    "members_completed",
    "members_not_completed",
)


class OrgReview(RestrictedModelMixin, Decided, TimeStampedModel):
    """One org in a review year. Cells and grassroots orgs are classified (by the committee
    above); every org of the subtree has a row, the anchor of its progress and entry screens."""

    review_year = models.ForeignKey(
        ReviewYear, on_delete=models.PROTECT, related_name="org_reviews"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="reviews",
        verbose_name="tổ chức",
    )
    is_classified = models.BooleanField("được xếp loại", default=False)
    self_grade = models.CharField("tự xếp loại", max_length=5, choices=Grade.choices, blank=True)
    # Tally of the member reviews attached to this org (its own members), kept exact by the
    # services (`services.tally_members`): subtree shares and progress sum these columns over
    # the org rows of a year instead of counting member rows.
    members_total = models.PositiveIntegerField(default=0, editable=False)
    members_exempt = models.PositiveIntegerField(default=0, editable=False)
    members_proposed = models.PositiveIntegerField(default=0, editable=False)
    members_excellent = models.PositiveIntegerField(default=0, editable=False)
    members_good = models.PositiveIntegerField(default=0, editable=False)
    members_completed = models.PositiveIntegerField(default=0, editable=False)
    members_not_completed = models.PositiveIntegerField(default=0, editable=False)

    restrict_path_field = "organization__path"
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["review_year_id", "organization__path"]
        verbose_name = "đánh giá tổ chức đảng"
        verbose_name_plural = "đánh giá tổ chức đảng"
        constraints = [
            models.UniqueConstraint(fields=["review_year", "organization"], name="uniq_org_review")
        ]

    def __str__(self) -> str:
        return f"{self.organization} — năm {self.review_year.year}"

    def save(self, *args, **kwargs):
        # The member tallies belong to services.tally_members: a row loaded earlier in a
        # request must not write back stale counts.
        if self.pk and not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in TALLY_FIELDS
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("reviews:overview", args=[self.pk])


class ReviewStep(models.Model):
    """One step in a classification, kept forever: who did what, when, with which grade."""

    class Kind(models.TextChoices):
        OPENED = "opened", "Mở đợt đánh giá"
        SELF = "self", "Tự đánh giá"
        SCORED = "scored", "Chấm điểm"
        CELL = "cell", "Chi bộ đề xuất"
        COMMITTEE = "committee", "Cấp ủy quyết định"
        APPEAL = "appeal", "Kiến nghị, khiếu nại"
        APPEAL_DECIDED = "appeal_decided", "Giải quyết khiếu nại"
        CORRECTED = "corrected", "Điều chỉnh sau khi kết thúc"
        CLOSED = "closed", "Kết thúc đợt đánh giá"
        IMPORTED = "imported", "Nhập kết quả năm cũ"

    review_year = models.ForeignKey(ReviewYear, on_delete=models.PROTECT, related_name="steps")
    member_review = models.ForeignKey(
        MemberReview, null=True, blank=True, on_delete=models.PROTECT, related_name="steps"
    )
    org_review = models.ForeignKey(
        OrgReview, null=True, blank=True, on_delete=models.PROTECT, related_name="steps"
    )
    kind = models.CharField("bước", max_length=20, choices=Kind.choices)
    grade = models.CharField("mức xếp loại", max_length=5, choices=Grade.choices, blank=True)
    note = models.TextField("ghi chú", blank=True)
    details = models.JSONField(default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("lúc")

    class Meta:
        ordering = ["review_year_id", "decided_at", "id"]
        verbose_name = "bước đánh giá"
        verbose_name_plural = "bước đánh giá"
        indexes = [models.Index(fields=["member_review", "decided_at"], name="step_member_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.decided_at:%d/%m/%Y %H:%M})"


class Confirmation(RestrictedModelMixin, TimeStampedModel):
    """A committee's confirmation of the member grades under it, with the quota it checked."""

    review_year = models.ForeignKey(
        ReviewYear, on_delete=models.PROTECT, related_name="confirmations"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="cấp ủy xác nhận",
    )
    outstanding_unit = models.BooleanField("đơn vị tiêu biểu, xuất sắc", default=False)
    excellent_count = models.PositiveIntegerField("số HTXSNV")
    good_count = models.PositiveIntegerField("số HTTNV")
    quota_percent = models.DecimalField("tỷ lệ tối đa (%)", max_digits=5, decimal_places=2)
    quota_limit = models.PositiveIntegerField("số HTXSNV tối đa")
    exception_note = models.TextField("căn cứ vượt tỷ lệ", blank=True)
    exception_document = models.CharField("văn bản cho phép", max_length=120, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    is_current = models.BooleanField("còn hiệu lực", default=True)

    restrict_path_field = "organization__path"
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["review_year_id", "organization_id", "-created_at", "-id"]
        verbose_name = "xác nhận của cấp ủy"
        verbose_name_plural = "xác nhận của cấp ủy"
        constraints = [
            models.UniqueConstraint(
                fields=["review_year", "organization"],
                condition=Q(is_current=True),
                name="one_current_confirmation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} xác nhận năm {self.review_year.year}"


class Absence(RestrictedModelMixin, TimeStampedModel):
    """A dated period when a member is excused from activity or suspended (not classified)."""

    class Kind(models.TextChoices):
        EXCUSED = rules.EXCUSED, "Miễn công tác và sinh hoạt đảng"
        SUSPENDED = rules.SUSPENDED, "Đình chỉ sinh hoạt đảng"

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="+", verbose_name="đảng viên"
    )
    kind = models.CharField("loại", max_length=10, choices=Kind.choices)
    valid_from = models.DateField("từ ngày")
    valid_to = models.DateField("đến trước ngày", null=True, blank=True)
    decision_number = models.CharField("số quyết định", max_length=60, blank=True)
    note = models.CharField("ghi chú", max_length=255, blank=True)

    restrict_path_field = "member__org_path"
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["member_id", "valid_from", "id"]
        verbose_name = "thời gian miễn, đình chỉ sinh hoạt"
        verbose_name_plural = "thời gian miễn, đình chỉ sinh hoạt"

    def __str__(self) -> str:
        return f"{self.member}: {self.get_kind_display()} từ {self.valid_from:%d/%m/%Y}"
