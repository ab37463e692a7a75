"""Admission files (hồ sơ kết nạp) with their dated, evidenced steps; annual and term targets."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from dangbo.admissions.rules import Stage
from dangbo.core.models import RestrictedModelMixin, RestrictedQuerySet, TimeStampedModel
from dangbo.members.choices import ETHNICITY_CHOICES, Gender, Occupation, Religion


class AdmissionTarget(RestrictedModelMixin, TimeStampedModel):
    """An org's admission target for one year (falls back to the org's standing target)."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="admission_targets",
        verbose_name="tổ chức",
    )
    year = models.PositiveSmallIntegerField("năm")
    target = models.PositiveIntegerField("chỉ tiêu kết nạp")
    note = models.CharField("căn cứ", max_length=255, blank=True)

    restrict_path_field = "organization__path"
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["organization_id", "-year"]
        verbose_name = "chỉ tiêu kết nạp"
        verbose_name_plural = "chỉ tiêu kết nạp"
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="uniq_admission_target")
        ]

    def __str__(self) -> str:
        return f"{self.organization}: {self.target} ({self.year})"


class AdmissionTermTarget(RestrictedModelMixin, TimeStampedModel):
    """An org's admission target for one term of office (chỉ tiêu Đại hội: "trong nhiệm kỳ
    kết nạp N đảng viên"), set by the congress that opened the term."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="admission_term_targets",
        verbose_name="tổ chức",
    )
    term = models.ForeignKey(
        "committees.Term",
        on_delete=models.PROTECT,
        related_name="admission_targets",
        verbose_name="nhiệm kỳ",
    )
    target = models.PositiveIntegerField("chỉ tiêu kết nạp trong nhiệm kỳ")
    note = models.CharField("căn cứ", max_length=255, blank=True)

    restrict_path_field = "organization__path"
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["organization_id", "-term__starts_on"]
        verbose_name = "chỉ tiêu kết nạp nhiệm kỳ"
        verbose_name_plural = "chỉ tiêu kết nạp nhiệm kỳ"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "term"], name="uniq_admission_term_target"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization}: {self.target} ({self.term})"


class AdmissionFile(RestrictedModelMixin, TimeStampedModel):
    """One person's way into the party, from outstanding candidate to official member.

    `stage` follows the state machine in rules.TRANSITIONS; each move is an AdmissionStep.
    The next statutory deadline is stored (recomputed at every step) so lists can filter it.
    """

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="admission_files",
        verbose_name="chi bộ",
    )
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
    id_number = models.CharField("số định danh cá nhân", max_length=12, blank=True)
    occupation = models.CharField(
        "nghề nghiệp", max_length=20, choices=Occupation.choices, blank=True
    )
    workplace = models.CharField("nơi làm việc", max_length=255, blank=True)

    stage = models.CharField(
        "bước", max_length=20, choices=Stage.CHOICES, default=Stage.IDENTIFIED, db_index=True
    )
    identified_on = models.DateField("ngày xác định là quần chúng ưu tú")
    certificate_on = models.DateField("ngày cấp giấy chứng nhận bồi dưỡng", null=True, blank=True)
    received_on = models.DateField("ngày cấp có thẩm quyền nhận hồ sơ", null=True, blank=True)
    extended = models.BooleanField("đã gia hạn thời gian xét", default=False)
    decided_on = models.DateField("ngày quyết định kết nạp", null=True, blank=True)
    decision_number = models.CharField("số quyết định kết nạp", max_length=60, blank=True)
    ceremony_on = models.DateField("ngày lễ kết nạp", null=True, blank=True)
    probation_ends_on = models.DateField("ngày hết thời gian dự bị", null=True, blank=True)
    next_deadline = models.DateField("hạn tiếp theo", null=True, blank=True, db_index=True)
    next_deadline_label = models.CharField("việc đến hạn", max_length=120, blank=True)
    member = models.OneToOneField(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="admission_file",
        verbose_name="đảng viên",
    )

    restrict_path_field = "organization__path"
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-identified_on", "-id"]
        verbose_name = "hồ sơ kết nạp"
        verbose_name_plural = "hồ sơ kết nạp"
        indexes = [
            models.Index(fields=["organization", "stage"], name="admfile_org_stage_idx"),
            models.Index(fields=["decided_on"], name="admfile_decided_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} — {self.get_stage_display()}"

    def get_absolute_url(self) -> str:
        return reverse("admissions:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.stage not in Stage.FINAL


class AdmissionStep(TimeStampedModel):
    """A dated, evidenced step of a file (the timeline). Never edited: a new step is added.

    A step recorded by mistake is withdrawn, not deleted: it stays in the timeline with who,
    when and why, and the file gets back the values it had before it (`file_before`)."""

    file = models.ForeignKey(AdmissionFile, on_delete=models.PROTECT, related_name="steps")
    stage = models.CharField("bước", max_length=20, choices=Stage.CHOICES)
    date = models.DateField("ngày")
    decision_number = models.CharField("số văn bản/quyết định", max_length=60, blank=True)
    evidence = models.JSONField("minh chứng", default=dict, blank=True)
    note = models.CharField("ghi chú", max_length=500, blank=True)
    exception = models.CharField(
        "ngoại lệ được phép (căn cứ)",
        max_length=500,
        blank=True,
        help_text="Văn bản cho phép vượt quy định, khi có.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    file_before = models.JSONField("hồ sơ trước bước này", default=dict, blank=True)
    withdrawn_at = models.DateTimeField("hủy lúc", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người hủy",
    )
    withdrawal_reason = models.CharField("lý do hủy (ghi nhầm)", max_length=500, blank=True)

    class Meta:
        ordering = ["file_id", "date", "id"]
        verbose_name = "bước hồ sơ kết nạp"
        verbose_name_plural = "bước hồ sơ kết nạp"

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_stage_display()}"
