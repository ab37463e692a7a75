"""Import jobs (file, mapping, report, who ran it), the rows each one wrote, and exports."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from dangbo.core.models import RestrictedModelMixin, RestrictedQuerySet, TimeStampedModel


class Kind(models.TextChoices):
    MEMBERS = "members", "Đảng viên"
    ORGANIZATIONS = "organizations", "Tổ chức đảng"
    MEETINGS = "meetings", "Sinh hoạt chi bộ"
    ADMISSIONS = "admissions", "Quần chúng ưu tú (hồ sơ kết nạp)"
    REVIEWS = "reviews", "Kết quả xếp loại đảng viên"
    ORG_REVIEWS = "org_reviews", "Kết quả xếp loại tổ chức đảng"
    USERS = "users", "Người dùng và vai trò"
    HISTORY = "history", "Quá trình sinh hoạt và trạng thái của đảng viên"


class ImportJob(RestrictedModelMixin, TimeStampedModel):
    """One uploaded file and everything done with it: preview, commit, rollback.

    Kept for good (never deleted): the file, the column mapping, the report, who ran each step.
    Scoped to the org it was uploaded under: only users reaching that org see it.
    """

    class State(models.TextChoices):
        MAPPING = "mapping", "Chờ chọn cột"
        VALIDATING = "validating", "Đang kiểm tra"
        PREVIEWED = "previewed", "Đã kiểm tra (chạy thử)"
        COMMITTING = "committing", "Đang ghi"
        COMMITTED = "committed", "Đã ghi"
        ROLLING_BACK = "rolling_back", "Đang hoàn tác"
        ROLLED_BACK = "rolled_back", "Đã hoàn tác"
        FAILED = "failed", "Thất bại"
        DISCARDED = "discarded", "Đã hủy"

    RUNNING_STATES = (State.VALIDATING, State.COMMITTING, State.ROLLING_BACK)

    kind = models.CharField("loại dữ liệu", max_length=20, choices=Kind.choices)
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="phạm vi (tổ chức)",
    )
    file = models.FileField("tệp", upload_to="imports/%Y/%m/")
    file_name = models.CharField("tên tệp", max_length=255)
    sheet_name = models.CharField("trang tính", max_length=100, blank=True)
    headers = models.JSONField("tiêu đề cột", default=list, blank=True)
    mapping = models.JSONField("ghép cột", default=dict, blank=True)
    state = models.CharField("trạng thái", max_length=20, choices=State.choices)
    step = models.CharField("bước đang chạy", max_length=20, blank=True)
    skip_errors = models.BooleanField("ghi các dòng hợp lệ, bỏ qua dòng lỗi", default=False)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    report = models.JSONField("báo cáo", default=dict, blank=True)
    error_message = models.TextField("lỗi", blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người tải lên",
    )
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    committed_at = models.DateTimeField("ghi lúc", null=True, blank=True)
    rolled_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rolled_back_at = models.DateTimeField("hoàn tác lúc", null=True, blank=True)
    # «Hủy»: an upload never committed, set aside (kept; its file may be removed). No user:
    # it expired after imports.upload_expiry_days.
    discarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    discarded_at = models.DateTimeField("hủy lúc", null=True, blank=True)

    restrict_path_field = "organization__path"
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "lần nhập dữ liệu"
        verbose_name_plural = "lần nhập dữ liệu"

    def __str__(self) -> str:
        return f"Nhập {self.get_kind_display().lower()} #{self.pk}: {self.file_name}"

    def get_absolute_url(self) -> str:
        return reverse("imports:detail", args=[self.pk])

    @property
    def is_running(self) -> bool:
        return self.state in self.RUNNING_STATES

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def counts(self) -> dict:
        return self.report.get("counts", {})


class ImportRow(models.Model):
    """A row an import wrote: which object, created or updated, its values before and after.

    `object_id` is a plain id (not a foreign key) so that rolling back a created row can remove
    the object; `before`/`after` are the tracked fields, used to refuse a rollback once a later
    change touched the object.
    """

    class Action(models.TextChoices):
        CREATED = "created", "Thêm mới"
        UPDATED = "updated", "Cập nhật"

    job = models.ForeignKey(ImportJob, on_delete=models.PROTECT, related_name="rows")
    row_number = models.PositiveIntegerField("dòng")
    action = models.CharField("thao tác", max_length=10, choices=Action.choices)
    object_id = models.BigIntegerField("mã đối tượng")
    before = models.JSONField("giá trị trước", default=dict, blank=True)
    after = models.JSONField("giá trị sau", default=dict, blank=True)

    class Meta:
        ordering = ["job_id", "row_number"]
        verbose_name = "dòng đã nhập"
        verbose_name_plural = "dòng đã nhập"
        indexes = [models.Index(fields=["job", "action"], name="importrow_job_action_idx")]

    def __str__(self) -> str:
        return f"#{self.job_id} dòng {self.row_number}: {self.get_action_display()}"


class DataExport(RestrictedModelMixin, TimeStampedModel):
    """A record that someone exported personal data (an export is logged like a view)."""

    kind = models.CharField("loại dữ liệu", max_length=20, choices=Kind.choices)
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    row_count = models.PositiveIntegerField("số dòng", default=0)
    with_identity = models.BooleanField("kèm số định danh đầy đủ", default=False)

    restrict_path_field = "organization__path"
    permission_app = "imports"
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "lần xuất dữ liệu"
        verbose_name_plural = "lần xuất dữ liệu"

    def __str__(self) -> str:
        return f"Xuất {self.get_kind_display().lower()} — {self.organization} ({self.row_count})"


class SavedMapping(TimeStampedModel):
    """The column mapping a user last confirmed for one kind of import, by header key (header
    without diacritics, case, remarks; "" = the column is skipped). Offered on the next upload
    of that kind: a province's sheets keep their headers from one import to the next."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("loại dữ liệu", max_length=20, choices=Kind.choices)
    columns = models.JSONField("ghép cột theo tiêu đề", default=dict, blank=True)

    class Meta:
        verbose_name = "cách ghép cột đã lưu"
        verbose_name_plural = "cách ghép cột đã lưu"
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="uniq_saved_mapping_user_kind")
        ]

    def __str__(self) -> str:
        return f"Ghép cột {self.get_kind_display().lower()} của {self.user}"
