"""The member registry: identity, current placement and status, and their dated history."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from dangbo.core.models import RestrictedModelMixin, RestrictedQuerySet, TimeStampedModel
from dangbo.members.choices import (
    ETHNICITY_CHOICES,
    DisciplineForm,
    Education,
    Gender,
    Occupation,
    Qualification,
    Religion,
    Status,
    TheoryLevel,
)

id_number_validator = RegexValidator(r"^\d{12}$", "Số định danh cá nhân phải gồm đúng 12 chữ số.")


class MemberQuerySet(RestrictedQuerySet):
    def active(self):
        return self.filter(status__in=(Status.PROBATIONARY, Status.OFFICIAL))


class Member(RestrictedModelMixin, TimeStampedModel):
    """A party member. Never deleted: leaving is a status event with its date and decision."""

    full_name = models.CharField("họ và tên", max_length=120)
    name_search = models.CharField(max_length=120, editable=False, db_index=True)
    gender = models.CharField("giới tính", max_length=1, choices=Gender.choices)
    birth_date = models.DateField("ngày sinh")
    place_of_origin = models.CharField("quê quán", max_length=255, blank=True)
    ethnicity = models.CharField(
        "dân tộc", max_length=40, choices=ETHNICITY_CHOICES, default="Kinh"
    )
    religion = models.CharField(
        "tôn giáo", max_length=20, choices=Religion.choices, default=Religion.NONE
    )
    id_number = models.CharField(
        "số định danh cá nhân",
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        validators=[id_number_validator],
        help_text="12 chữ số; từ 02/09/2025 cũng là số thẻ đảng viên.",
    )
    history_number = models.CharField("số lý lịch", max_length=30, blank=True)
    education = models.CharField(
        "giáo dục phổ thông", max_length=20, choices=Education.choices, blank=True
    )
    qualification = models.CharField(
        "chuyên môn nghiệp vụ", max_length=20, choices=Qualification.choices, blank=True
    )
    theory_level = models.CharField(
        "lý luận chính trị",
        max_length=20,
        choices=TheoryLevel.choices,
        default=TheoryLevel.NONE,
    )
    occupation = models.CharField(
        "nghề nghiệp", max_length=20, choices=Occupation.choices, blank=True
    )
    workplace = models.CharField("nơi làm việc", max_length=255, blank=True)

    admitted_on = models.DateField("ngày vào Đảng (quyết định kết nạp)")
    ceremony_on = models.DateField("ngày lễ kết nạp", null=True, blank=True)
    official_on = models.DateField("ngày chính thức", null=True, blank=True)

    status = models.CharField(
        "trạng thái", max_length=20, choices=Status.choices, default=Status.PROBATIONARY
    )
    status_since = models.DateField("trạng thái từ ngày")
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name="chi bộ",
    )
    # Copy of organization.path so subtree filters need no join (kept in step on moves).
    org_path = models.CharField(max_length=255, editable=False)

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["name_search", "id"]
        verbose_name = "đảng viên"
        verbose_name_plural = "đảng viên"
        indexes = [
            models.Index(
                fields=["org_path"],
                name="member_org_path_cover",
                opclasses=["varchar_pattern_ops"],
                include=["status", "gender", "birth_date"],
            ),
            models.Index(fields=["org_path", "name_search"], name="member_path_name_idx"),
            models.Index(fields=["organization", "status"], name="member_org_status_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("members:detail", args=[self.pk])

    @property
    def is_active_member(self) -> bool:
        return self.status in (Status.PROBATIONARY, Status.OFFICIAL)


class Period(models.Model):
    """Common shape of valid-time periods: [valid_from, valid_to), open-ended while current."""

    valid_from = models.DateField("từ ngày")
    valid_to = models.DateField("đến trước ngày", null=True, blank=True)
    decision_number = models.CharField("số quyết định", max_length=60, blank=True)
    note = models.CharField("ghi chú", max_length=255, blank=True)

    class Meta:
        abstract = True

    @classmethod
    def valid_on(cls, day):
        return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gt=day))


class Placement(Period):
    """Which org a member belonged to, and when (exactly one open placement per member)."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="placements")
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="placements"
    )

    class Meta:
        ordering = ["member_id", "valid_from", "id"]
        verbose_name = "quá trình sinh hoạt"
        verbose_name_plural = "quá trình sinh hoạt"
        indexes = [models.Index(fields=["organization", "valid_from"], name="placement_org_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(valid_to__isnull=True),
                name="one_open_placement_per_member",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} @ {self.organization} từ {self.valid_from:%d/%m/%Y}"


class StatusPeriod(Period):
    """A member's status over time (dự bị, chính thức, or a leaving status)."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="status_periods")
    status = models.CharField("trạng thái", max_length=20, choices=Status.choices)
    bars_readmission = models.BooleanField(
        "không được kết nạp lại",
        default=False,
        db_default=False,
        help_text="Khai trừ vì vi phạm nghiêm trọng (theo quy định hiện hành).",
    )

    class Meta:
        ordering = ["member_id", "valid_from", "id"]
        verbose_name = "giai đoạn trạng thái"
        verbose_name_plural = "giai đoạn trạng thái"
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(valid_to__isnull=True),
                name="one_open_status_per_member",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_status_display()} từ {self.valid_from:%d/%m/%Y}"


class MembershipGap(Period):
    """A gap in membership (e.g. between leaving and re-admission): excluded from party age."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="gaps")

    class Meta:
        ordering = ["member_id", "valid_from"]
        verbose_name = "thời gian gián đoạn"
        verbose_name_plural = "thời gian gián đoạn"

    def __str__(self) -> str:
        return f"{self.member}: gián đoạn từ {self.valid_from:%d/%m/%Y}"


class MemberEvent(TimeStampedModel):
    """A domain event in a member's life, shown on the timeline."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", "Đưa vào sổ đảng viên"
        ADMITTED = "admitted", "Kết nạp"
        OFFICIAL = "official", "Công nhận chính thức"
        TRANSFERRED = "transferred", "Chuyển sinh hoạt"
        STATUS = "status", "Thay đổi trạng thái"
        CORRECTED = "corrected", "Đính chính thông tin"
        REORGANISED = "reorganised", "Thay đổi do sắp xếp tổ chức"
        LEFT = "left", "Ra khỏi Đảng"
        READMITTED = "readmitted", "Kết nạp lại"

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField("sự kiện", max_length=20, choices=Kind.choices)
    date = models.DateField("ngày")
    summary = models.CharField("nội dung", max_length=500)
    decision_number = models.CharField("số quyết định", max_length=60, blank=True)
    reason = models.CharField("lý do", max_length=500, blank=True)
    details = models.JSONField(default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["member_id", "-date", "-id"]
        verbose_name = "sự kiện đảng viên"
        verbose_name_plural = "sự kiện đảng viên"

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}: {self.summary}"


class Discipline(TimeStampedModel):
    """A discipline decision on a member. Other apps read it through members.rules:
    classification caps (reviews), badge delays (recognition); inspections records it."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="disciplines")
    form = models.CharField("hình thức kỷ luật", max_length=20, choices=DisciplineForm.choices)
    decided_on = models.DateField("ngày quyết định")
    decision_number = models.CharField("số quyết định", max_length=60)
    authority = models.CharField("cấp quyết định", max_length=255)
    reason = models.TextField("lý do")
    annulled_on = models.DateField(
        "ngày hủy bỏ (khi khiếu nại được chấp nhận)", null=True, blank=True
    )
    annulment_note = models.CharField("căn cứ hủy bỏ", max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    restrict_path_field = "member__org_path"

    class Meta:
        ordering = ["member_id", "-decided_on", "-id"]
        verbose_name = "kỷ luật đảng viên"
        verbose_name_plural = "kỷ luật đảng viên"

    def __str__(self) -> str:
        return f"{self.member}: {self.get_form_display()} ({self.decided_on:%d/%m/%Y})"
