"""Inspection and supervision programmes, their conclusions and remedies, inspection cases,
discipline of organisations and appeals (DOMAIN.md "Inspection, supervision, discipline").

Every record is tied to the org concerned (`organization`): a programme to the committee that
owns it, an inspection to its target org (or the target member's cell), a case to the org or
member's cell it is about. Visibility follows that org's subtree.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from dangbo.core.models import RestrictedModelMixin, RestrictedQuerySet, TimeStampedModel


class Body(models.TextChoices):
    INSPECTION_COMMITTEE = "inspection_committee", "Ủy ban kiểm tra"
    COMMITTEE = "committee", "Cấp ủy"


class Kind(models.TextChoices):
    INSPECTION = "inspection", "Kiểm tra"
    SUPERVISION = "supervision", "Giám sát"


class Mode(models.TextChoices):
    REGULAR = "regular", "Thường xuyên"
    THEMATIC = "thematic", "Chuyên đề"


class TargetKind(models.TextChoices):
    PARTY_COMMITTEE = "committee", "Đảng bộ cấp trên cơ sở"
    GRASSROOTS = "grassroots", "Tổ chức cơ sở đảng"
    CELL = "cell", "Chi bộ trực thuộc"
    MEMBER = "member", "Đảng viên"


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", "Trong kế hoạch"
    IN_PROGRESS = "in_progress", "Đang tiến hành"
    CONCLUDED = "concluded", "Đã kết luận"
    CANCELLED = "cancelled", "Không thực hiện"


class OrgDisciplineForm(models.TextChoices):
    REPRIMAND = "reprimand", "Khiển trách"
    WARNING = "warning", "Cảnh cáo"
    DISSOLUTION = "dissolution", "Giải tán"


class Restricted(RestrictedModelMixin):
    restrict_path_field = "organization__path"


class Programme(Restricted, TimeStampedModel):
    """An annual programme of inspection and supervision owned by a committee or its
    inspection committee."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="inspection_programmes",
        verbose_name="cấp ủy/đảng bộ",
    )
    body = models.CharField("cơ quan thực hiện", max_length=30, choices=Body.choices)
    year = models.PositiveSmallIntegerField("năm")
    title = models.CharField("tên chương trình", max_length=255)
    approved_on = models.DateField("ngày ban hành")
    decision_number = models.CharField("số văn bản", max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "organization_id", "body", "id"]
        verbose_name = "chương trình kiểm tra, giám sát"
        verbose_name_plural = "chương trình kiểm tra, giám sát"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "body", "year"], name="uniq_inspection_programme"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("inspections:programme", args=[self.pk])


class Inspection(Restricted, TimeStampedModel):
    """One inspection or supervision in a programme: planned, run, concluded."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="inspections", verbose_name="chương trình"
    )
    kind = models.CharField("loại", max_length=20, choices=Kind.choices)
    mode = models.CharField("hình thức", max_length=20, choices=Mode.choices)
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name="tổ chức được kiểm tra, giám sát",
    )
    target_member = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name="đảng viên được kiểm tra, giám sát",
    )
    target_kind = models.CharField("đối tượng", max_length=20, choices=TargetKind.choices)
    content = models.TextField("nội dung")
    planned_quarter = models.PositiveSmallIntegerField("quý dự kiến")
    planned_start = models.DateField("bắt đầu dự kiến")
    planned_end = models.DateField("kết thúc dự kiến")
    team = models.TextField("đoàn, tổ kiểm tra", blank=True)
    responsible = models.CharField("bộ phận chủ trì", max_length=255, blank=True)
    status = models.CharField(
        "tình trạng",
        max_length=20,
        choices=InspectionStatus.choices,
        default=InspectionStatus.PLANNED,
    )
    decision_number = models.CharField("số quyết định", max_length=60, blank=True)
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    started_on = models.DateField("ngày bắt đầu", null=True, blank=True)
    concluded_on = models.DateField("ngày kết luận", null=True, blank=True)
    violations_found = models.BooleanField("có vi phạm", null=True, blank=True)
    conclusion = models.TextField("kết luận", blank=True)
    recommendations = models.TextField("kiến nghị", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["programme_id", "planned_quarter", "planned_start", "id"]
        verbose_name = "cuộc kiểm tra, giám sát"
        verbose_name_plural = "cuộc kiểm tra, giám sát"
        indexes = [models.Index(fields=["status", "concluded_on"], name="inspection_status_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.target_label}"

    @property
    def target_label(self) -> str:
        return self.target_member.full_name if self.target_member_id else self.organization.name

    def get_absolute_url(self) -> str:
        return reverse("inspections:detail", args=[self.pk])


class Document(Restricted, TimeStampedModel):
    """A paper of an inspection (decision, plan, report, conclusion notice) by reference."""

    class Type(models.TextChoices):
        DECISION = "decision", "Quyết định"
        PLAN = "plan", "Kế hoạch"
        REPORT = "report", "Báo cáo"
        CONCLUSION = "conclusion", "Thông báo kết luận"
        OTHER = "other", "Khác"

    restrict_path_field = "inspection__organization__path"

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="documents", verbose_name="cuộc"
    )
    doc_type = models.CharField("loại văn bản", max_length=20, choices=Type.choices)
    number = models.CharField("số, ký hiệu", max_length=60, blank=True)
    dated = models.DateField("ngày")
    title = models.CharField("trích yếu", max_length=255)
    reference = models.CharField("nơi lưu, đường dẫn", max_length=255, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["inspection_id", "dated", "id"]
        verbose_name = "tài liệu kiểm tra, giám sát"
        verbose_name_plural = "tài liệu kiểm tra, giám sát"

    def __str__(self) -> str:
        return f"{self.get_doc_type_display()} {self.number} ({self.dated:%d/%m/%Y})"


class Remedy(Restricted, TimeStampedModel):
    """A remedy required by a conclusion, with its owner and due date, followed until done."""

    class Status(models.TextChoices):
        OPEN = "open", "Đang khắc phục"
        DONE = "done", "Đã khắc phục"

    restrict_path_field = "inspection__organization__path"

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="remedies", verbose_name="cuộc"
    )
    description = models.TextField("nội dung khắc phục")
    owner = models.CharField("người, tổ chức chịu trách nhiệm", max_length=255)
    due_on = models.DateField("hạn hoàn thành")
    status = models.CharField("tình trạng", max_length=10, choices=Status.choices, default="open")
    done_on = models.DateField("ngày xác nhận hoàn thành", null=True, blank=True)
    done_note = models.CharField("căn cứ xác nhận", max_length=255, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = "yêu cầu khắc phục"
        verbose_name_plural = "yêu cầu khắc phục"
        indexes = [models.Index(fields=["status", "due_on"], name="remedy_status_due_idx")]

    def __str__(self) -> str:
        return f"{self.description[:60]} (hạn {self.due_on:%d/%m/%Y})"


class RemedyUpdate(TimeStampedModel):
    """A follow-up note on a remedy: progress reported or checked on a date."""

    remedy = models.ForeignKey(Remedy, on_delete=models.PROTECT, related_name="updates")
    dated = models.DateField("ngày")
    note = models.TextField("nội dung theo dõi")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["remedy_id", "dated", "id"]
        verbose_name = "theo dõi khắc phục"
        verbose_name_plural = "theo dõi khắc phục"

    def __str__(self) -> str:
        return f"{self.dated:%d/%m/%Y}: {self.note[:60]}"


class Case(Restricted, TimeStampedModel):
    """An inspection when there are signs of violation (kiểm tra khi có dấu hiệu vi phạm):
    about an org or a member; may end in a discipline decision."""

    class Status(models.TextChoices):
        OPEN = "open", "Đang kiểm tra"
        CLOSED = "closed", "Đã kết luận"

    class Outcome(models.TextChoices):
        NO_VIOLATION = "no_violation", "Không vi phạm"
        VIOLATION = "violation", "Có vi phạm, chưa đến mức kỷ luật"
        DISCIPLINE = "discipline", "Có vi phạm, thi hành kỷ luật"

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="inspection_cases",
        verbose_name="tổ chức liên quan",
    )
    member = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_cases",
        verbose_name="đảng viên",
    )
    inspection = models.ForeignKey(
        Inspection,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name="phát hiện qua cuộc",
    )
    opened_on = models.DateField("ngày quyết định kiểm tra")
    decision_number = models.CharField("số quyết định kiểm tra", max_length=60)
    authority = models.CharField("cơ quan kiểm tra", max_length=255)
    signs = models.TextField("dấu hiệu vi phạm")
    status = models.CharField("tình trạng", max_length=10, choices=Status.choices, default="open")
    outcome = models.CharField("kết quả", max_length=20, choices=Outcome.choices, blank=True)
    closed_on = models.DateField("ngày kết luận", null=True, blank=True)
    conclusion = models.TextField("kết luận", blank=True)
    member_discipline = models.ForeignKey(
        "members.Discipline",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_cases",
        verbose_name="quyết định kỷ luật đảng viên",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = "vụ việc kiểm tra dấu hiệu vi phạm"
        verbose_name_plural = "vụ việc kiểm tra dấu hiệu vi phạm"

    def __str__(self) -> str:
        subject = self.member.full_name if self.member_id else self.organization.name
        return f"Vụ việc {self.decision_number}: {subject}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:case", args=[self.pk])


class OrgDiscipline(Restricted, TimeStampedModel):
    """A discipline decision on a party organisation (reprimand, warning, dissolution)."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="disciplines",
        verbose_name="tổ chức bị kỷ luật",
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="org_disciplines", verbose_name="vụ việc"
    )
    form = models.CharField("hình thức kỷ luật", max_length=20, choices=OrgDisciplineForm.choices)
    decided_on = models.DateField("ngày quyết định")
    decision_number = models.CharField("số quyết định", max_length=60)
    authority = models.CharField("cấp quyết định", max_length=255)
    authority_org = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="tổ chức quyết định",
        help_text="Trống ở các quyết định ghi trước khi hệ thống kiểm tra thẩm quyền.",
    )
    reason = models.TextField("lý do")
    annulled_on = models.DateField("ngày hủy bỏ", null=True, blank=True)
    annulment_note = models.CharField("căn cứ hủy bỏ", max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = "kỷ luật tổ chức đảng"
        verbose_name_plural = "kỷ luật tổ chức đảng"

    def __str__(self) -> str:
        return f"{self.organization}: {self.get_form_display()} ({self.decided_on:%d/%m/%Y})"


class Appeal(Restricted, TimeStampedModel):
    """An appeal (khiếu nại) against a discipline decision, and its outcome."""

    class Status(models.TextChoices):
        PENDING = "pending", "Đang giải quyết"
        UPHELD = "upheld", "Chấp nhận (hủy quyết định kỷ luật)"
        REJECTED = "rejected", "Không chấp nhận (giữ nguyên kỷ luật)"

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="appeals", verbose_name="vụ việc"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="tổ chức liên quan",
    )
    member_discipline = models.ForeignKey(
        "members.Discipline",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    org_discipline = models.ForeignKey(
        OrgDiscipline, null=True, blank=True, on_delete=models.PROTECT, related_name="appeals"
    )
    lodged_on = models.DateField("ngày nhận khiếu nại")
    grounds = models.TextField("nội dung khiếu nại")
    status = models.CharField(
        "kết quả", max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_on = models.DateField("ngày giải quyết", null=True, blank=True)
    decided_by = models.CharField("cấp giải quyết", max_length=255, blank=True)
    outcome_note = models.TextField("nội dung giải quyết", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-lodged_on", "-id"]
        verbose_name = "khiếu nại kỷ luật"
        verbose_name_plural = "khiếu nại kỷ luật"

    def __str__(self) -> str:
        return f"Khiếu nại ngày {self.lodged_on:%d/%m/%Y} ({self.get_status_display()})"


class Complaint(Restricted, TimeStampedModel):
    """A complaint or denunciation received by a committee: registered, assigned, answered
    within a configurable time limit."""

    class Type(models.TextChoices):
        COMPLAINT = "complaint", "Khiếu nại"
        DENUNCIATION = "denunciation", "Tố cáo"

    class Status(models.TextChoices):
        RECEIVED = "received", "Mới tiếp nhận"
        ASSIGNED = "assigned", "Đang giải quyết"
        ANSWERED = "answered", "Đã trả lời"

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name="cấp ủy tiếp nhận",
    )
    complaint_type = models.CharField("loại đơn", max_length=20, choices=Type.choices)
    received_on = models.DateField("ngày nhận")
    sender = models.CharField("người gửi", max_length=255)
    concerning = models.CharField("đối tượng bị khiếu nại, tố cáo", max_length=255)
    content = models.TextField("nội dung")
    due_on = models.DateField("hạn giải quyết")
    status = models.CharField(
        "tình trạng", max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    assigned_to = models.CharField("giao cho", max_length=255, blank=True)
    assigned_on = models.DateField("ngày giao", null=True, blank=True)
    answered_on = models.DateField("ngày trả lời", null=True, blank=True)
    answer = models.TextField("kết quả giải quyết", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = "đơn khiếu nại, tố cáo"
        verbose_name_plural = "đơn khiếu nại, tố cáo"
        indexes = [models.Index(fields=["status", "due_on"], name="complaint_status_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_complaint_type_display()} ngày {self.received_on:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:complaint", args=[self.pk])
