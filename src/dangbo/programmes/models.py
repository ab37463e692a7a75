"""Documents a committee issues, work programmes built from items cascaded down the org tree,
tasks assigned down the tree, progress reports and responsibility commitments."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from dangbo.core import permissions
from dangbo.core.models import RestrictedModelMixin, RestrictedQuerySet, TimeStampedModel


class DocType(models.TextChoices):
    RESOLUTION = "NQ", "Nghị quyết (NQ)"
    DIRECTIVE = "CT", "Chỉ thị (CT)"
    ACTION_PROGRAMME = "CTHĐ", "Chương trình hành động (CTHĐ)"
    CONCLUSION = "KL", "Kết luận (KL)"
    PLAN = "KH", "Kế hoạch (KH)"
    REGULATION = "QC", "Quy chế (QC)"
    DECISION = "QĐ", "Quyết định (QĐ)"
    GUIDANCE = "HD", "Hướng dẫn (HD)"
    NOTICE = "TB", "Thông báo (TB)"
    REPORT = "BC", "Báo cáo (BC)"


class Document(RestrictedModelMixin, TimeStampedModel):
    """A document issued by a committee: type, number, date, signer, summary, attachment."""

    restrict_path_field = "organization__path"

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="issued_documents",
        verbose_name="cơ quan ban hành",
    )
    doc_type = models.CharField("loại văn bản", max_length=8, choices=DocType.choices)
    number = models.CharField("số, ký hiệu", max_length=60)
    number_key = models.CharField(max_length=60, editable=False, default="")
    issued_on = models.DateField("ngày ban hành")
    signer = models.CharField("người ký", max_length=120)
    summary = models.TextField("trích yếu")
    attachment = models.FileField(
        "tệp đính kèm", upload_to="programmes/documents/%Y/%m/", blank=True, max_length=255
    )
    attachment_name = models.CharField("tên tệp gốc", max_length=255, blank=True)
    attachment_size = models.PositiveBigIntegerField("dung lượng (byte)", null=True, blank=True)
    attachment_type = models.CharField("kiểu tệp", max_length=10, blank=True)
    search = models.TextField(editable=False, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = "văn bản"
        verbose_name_plural = "văn bản"
        indexes = [
            models.Index(fields=["organization", "issued_on"], name="doc_org_issued_idx"),
            models.Index(fields=["issued_on", "doc_type"], name="doc_issued_type_idx"),
            models.Index(fields=["organization", "doc_type", "number_key"], name="doc_number_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.issued_on:%d/%m/%Y})"

    def get_absolute_url(self) -> str:
        return reverse("programmes:document_detail", args=[self.pk])


class Programme(RestrictedModelMixin, TimeStampedModel):
    """A work programme of an org for a term (toàn khóa) or a year (năm)."""

    class Kind(models.TextChoices):
        TERM = "term", "Chương trình công tác toàn khóa"
        YEAR = "year", "Chương trình công tác năm"

    restrict_path_field = "organization__path"

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name="tổ chức đảng",
    )
    kind = models.CharField("loại chương trình", max_length=10, choices=Kind.choices)
    title = models.CharField("tên chương trình", max_length=255)
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến ngày")
    source_document = models.ForeignKey(
        Document,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name="văn bản ban hành",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "title", "id"]
        verbose_name = "chương trình công tác"
        verbose_name_plural = "chương trình công tác"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programmes:programme_detail", args=[self.pk])


class ItemStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Chưa triển khai"
    IN_PROGRESS = "in_progress", "Đang thực hiện"
    AT_RISK = "at_risk", "Có nguy cơ chậm"
    OVERDUE = "overdue", "Quá hạn"
    DONE = "done", "Hoàn thành"
    CANCELLED = "cancelled", "Đã hủy"


class ProgrammeItem(RestrictedModelMixin, TimeStampedModel):
    """An item of a programme. Items form a tree inside their programme (materialized `path`,
    4 digits a level): sub-items, and items cascaded to subordinate orgs, which add their
    own contributions below. Only leaves carry reported progress; parents roll up."""

    steplen = 4
    restrict_path_field = "organization__path"

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="items", verbose_name="chương trình"
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name="mục cha",
    )
    path = models.CharField(max_length=64, editable=False)
    depth = models.PositiveSmallIntegerField(editable=False)
    numchild = models.PositiveIntegerField(default=0, editable=False)
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="programme_items",
        verbose_name="tổ chức chủ trì",
    )
    owner_person = models.CharField("người phụ trách", max_length=120, blank=True)
    title = models.CharField("nội dung", max_length=500)
    expected_result = models.CharField("kết quả cần đạt (đo được)", max_length=500)
    due_on = models.DateField("thời hạn")
    weight = models.PositiveSmallIntegerField("trọng số", default=1)
    source_document = models.ForeignKey(
        Document,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programme_items",
        verbose_name="văn bản căn cứ",
    )
    is_cascade = models.BooleanField("giao cho cấp dưới", default=False)
    # Latest reported state of a leaf (kept by services.report_item_progress).
    progress = models.PositiveSmallIntegerField("tiến độ (%)", default=0)
    reported_status = models.CharField(max_length=20, blank=True)
    done_on = models.DateField("ngày hoàn thành", null=True, blank=True)
    cancelled_on = models.DateField("ngày hủy", null=True, blank=True)
    cancel_reason = models.CharField("lý do hủy", max_length=255, blank=True)
    search = models.TextField(editable=False, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["programme_id", "path"]
        verbose_name = "mục chương trình"
        verbose_name_plural = "mục chương trình"
        constraints = [
            models.UniqueConstraint(fields=["programme", "path"], name="uniq_item_path"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="item_progress_max_100"),
        ]
        indexes = [
            models.Index(
                fields=["programme", "numchild", "path"],
                name="item_leaf_path_idx",
                opclasses=["", "", "varchar_pattern_ops"],
            ),
            models.Index(fields=["organization", "due_on"], name="item_org_due_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programmes:item_detail", args=[self.pk])

    @property
    def is_leaf(self) -> bool:
        return self.numchild == 0


class TaskQuerySet(RestrictedQuerySet):
    def assigned_to(self, user):
        """Tasks whose assignee org lies in the user's subtrees."""
        return permissions.restrict(self, user, "programmes.view", "assignee_org__path")

    def assigned_by(self, user):
        """Tasks given by an org in the user's subtrees."""
        return permissions.restrict(self, user, "programmes.view", "assigner_org__path")


class Task(RestrictedModelMixin, TimeStampedModel):
    """A task assigned down the tree; a breakthrough assignment (giao việc đột phá) names a
    leader with a target, an indicator and a deadline."""

    class Kind(models.TextChoices):
        REGULAR = "regular", "Nhiệm vụ thường xuyên"
        BREAKTHROUGH = "breakthrough", "Giao việc đột phá"
        RESOLUTION = "resolution", "Từ nghị quyết sinh hoạt chi bộ"

    # Tasks are seen by the assignee's subtree and by the assigning org's subtree.
    restrict_path_field = ("assignee_org__path", "assigner_org__path")

    kind = models.CharField("loại nhiệm vụ", max_length=20, choices=Kind.choices)
    title = models.CharField("nhiệm vụ", max_length=500)
    description = models.TextField("nội dung chi tiết", blank=True)
    assigner_org = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="tasks_given",
        verbose_name="cấp giao",
    )
    assignee_org = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="tasks_received",
        verbose_name="tổ chức nhận",
    )
    assignee_person = models.CharField("người nhận (họ tên, chức vụ)", max_length=160, blank=True)
    target = models.CharField("mục tiêu", max_length=500, blank=True)
    indicator = models.CharField("chỉ số đo kết quả", max_length=255, blank=True)
    due_on = models.DateField("thời hạn")
    source_document = models.ForeignKey(
        Document,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
        verbose_name="văn bản căn cứ",
    )
    programme_item = models.ForeignKey(
        ProgrammeItem,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
        verbose_name="mục chương trình",
    )
    # Where the task came from outside this app, as text (e.g. "meetings.meetingtask:42").
    source_ref = models.CharField("nguồn", max_length=100, blank=True)
    # The cell-meeting resolution task this task was created from (at most one task each).
    resolution_task = models.OneToOneField(
        "meetings.MeetingTask",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programme_task",
        verbose_name="nhiệm vụ theo nghị quyết chi bộ",
    )
    progress = models.PositiveSmallIntegerField("tiến độ (%)", default=0)
    reported_status = models.CharField(max_length=20, blank=True)
    done_on = models.DateField("ngày hoàn thành", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = "nhiệm vụ được giao"
        verbose_name_plural = "nhiệm vụ được giao"
        indexes = [
            models.Index(fields=["assignee_org", "due_on"], name="task_assignee_due_idx"),
            models.Index(fields=["assigner_org", "due_on"], name="task_assigner_due_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programmes:task_detail", args=[self.pk])


class ReportStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "Đang thực hiện"
    BLOCKED = "blocked", "Gặp vướng mắc"
    DONE = "done", "Hoàn thành"


class ProgressReport(TimeStampedModel):
    """A dated progress report on a leaf item or on a task (exactly one of them)."""

    item = models.ForeignKey(
        ProgrammeItem,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name="mục chương trình",
    )
    task = models.ForeignKey(
        Task,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name="nhiệm vụ",
    )
    reported_on = models.DateField("ngày báo cáo")
    percent = models.PositiveSmallIntegerField("tiến độ (%)")
    status = models.CharField("tình trạng", max_length=20, choices=ReportStatus.choices)
    evidence = models.TextField("minh chứng", blank=True)
    comment = models.TextField("nhận xét", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-reported_on", "-id"]
        verbose_name = "báo cáo tiến độ"
        verbose_name_plural = "báo cáo tiến độ"
        constraints = [
            models.CheckConstraint(
                condition=(Q(item__isnull=False) & Q(task__isnull=True))
                | (Q(item__isnull=True) & Q(task__isnull=False)),
                name="report_item_xor_task",
            ),
            models.CheckConstraint(condition=Q(percent__lte=100), name="report_percent_max_100"),
        ]
        indexes = [
            models.Index(fields=["item", "reported_on"], name="report_item_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reported_on:%d/%m/%Y}: {self.percent}%"


class Commitment(RestrictedModelMixin, TimeStampedModel):
    """A yearly responsibility commitment signed by a member or leader, with measurable items."""

    restrict_path_field = "organization__path"

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="commitments",
        verbose_name="tổ chức đảng",
    )
    year = models.PositiveSmallIntegerField("năm")
    member = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitments",
        verbose_name="đảng viên",
    )
    signer_name = models.CharField("người ký cam kết", max_length=120)
    position = models.CharField("chức vụ", max_length=160, blank=True)
    signed_on = models.DateField("ngày ký")
    evaluated_on = models.DateField("ngày đánh giá kết quả", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "signer_name", "id"]
        verbose_name = "cam kết trách nhiệm"
        verbose_name_plural = "cam kết trách nhiệm"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "signer_name"], name="uniq_commitment_signer_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.signer_name} — {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("programmes:commitment_detail", args=[self.pk])


class CommitmentItem(models.Model):
    """One measurable line of a commitment and, once evaluated, whether it was achieved."""

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="items")
    position = models.PositiveSmallIntegerField("thứ tự")
    content = models.CharField("nội dung cam kết", max_length=500)
    achieved = models.BooleanField("đạt", null=True, blank=True)
    result_note = models.CharField("kết quả", max_length=500, blank=True)

    class Meta:
        ordering = ["commitment_id", "position"]
        verbose_name = "nội dung cam kết"
        verbose_name_plural = "nội dung cam kết"

    def __str__(self) -> str:
        return self.content
