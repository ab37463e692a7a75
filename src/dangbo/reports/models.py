"""Issued reports (figures frozen as they were sent upward) and background export jobs."""

from django.conf import settings
from django.db import models

from dangbo.core.models import RestrictedModelMixin, RestrictedQuerySet


class ReportSnapshot(RestrictedModelMixin, models.Model):
    """The figures of a report as issued on a day; later recomputation is compared with it."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="report_snapshots",
        verbose_name="tổ chức",
    )
    report_key = models.CharField("mã báo cáo", max_length=60)
    title = models.CharField("tên báo cáo", max_length=255)
    params = models.JSONField("tham số", default=dict)
    grid = models.JSONField("số liệu")
    content_sha256 = models.CharField("mã kiểm tra", max_length=64)
    note = models.CharField("ghi chú (số công văn, nơi nhận)", max_length=255, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người chốt",
    )
    issued_at = models.DateTimeField("chốt lúc", auto_now_add=True)

    restrict_path_field = "organization__path"
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = "báo cáo đã chốt số liệu"
        verbose_name_plural = "báo cáo đã chốt số liệu"
        indexes = [models.Index(fields=["organization", "-issued_at"])]

    def __str__(self) -> str:
        return f"{self.title} — {self.organization} ({self.issued_at:%d/%m/%Y})"


class ExportJob(RestrictedModelMixin, models.Model):
    """A long export built by a background worker; its file is kept for its requester.

    `attempt` numbers the runs: a retry starts attempt n+1, and a run only writes to the job
    while the job is still at its attempt (a worker thought dead cannot overwrite a retry).
    `heartbeat_at` is refreshed with the progress; a job without heartbeat for
    DANGBO_STALE_JOB_SECONDS is marked failed (dangbo.core.jobs)."""

    class State(models.TextChoices):
        QUEUED = "queued", "Đang chờ"
        RUNNING = "running", "Đang tạo tệp"
        DONE = "done", "Hoàn thành"
        FAILED = "failed", "Lỗi"

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="export_jobs",
        verbose_name="tổ chức",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người yêu cầu",
    )
    title = models.CharField("nội dung", max_length=255)
    params = models.JSONField("tham số", default=dict)
    state = models.CharField(
        "tình trạng", max_length=10, choices=State.choices, default=State.QUEUED
    )
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    file_name = models.CharField("tệp", max_length=255, blank=True)
    error = models.TextField("lỗi", blank=True)
    attempt = models.PositiveIntegerField("lần chạy", default=1)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField("yêu cầu lúc", auto_now_add=True)
    finished_at = models.DateTimeField("xong lúc", null=True, blank=True)

    restrict_path_field = "organization__path"
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "tệp xuất chạy nền"
        verbose_name_plural = "tệp xuất chạy nền"

    def __str__(self) -> str:
        return f"{self.title} ({self.get_state_display()})"

    RUNNING_STATES = (State.RUNNING,)

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))


class BreakdownSummary(models.Model):
    """Members of a high-level org's subtree by one breakdown value (age band, education…), as
    counted by the last refresh. A derived read model: rebuilt whole by each refresh, read
    only with its freshness shown (`SummaryRun`)."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    breakdown = models.CharField(max_length=30)
    value = models.CharField(max_length=60, blank=True)
    members = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["organization", "breakdown"])]
        verbose_name = "tổng hợp theo tiêu chí"
        verbose_name_plural = "tổng hợp theo tiêu chí"

    def __str__(self) -> str:
        return f"{self.organization_id} {self.breakdown}={self.value}: {self.members}"


class SummaryRun(models.Model):
    """One refresh of `BreakdownSummary`: which levels it covers and when it counted."""

    max_depth = models.PositiveSmallIntegerField("đến cấp")
    as_of = models.DateField("tính đến ngày")
    started_at = models.DateTimeField("bắt đầu")
    finished_at = models.DateTimeField("hoàn thành", null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = "lần tổng hợp số liệu"
        verbose_name_plural = "lần tổng hợp số liệu"

    def __str__(self) -> str:
        return f"Tổng hợp đến cấp {self.max_depth} lúc {self.started_at:%d/%m/%Y %H:%M}"


class MonthEndRun(models.Model):
    """One computation of the member counts at a past month end (`month_ends.refresh`)."""

    on = models.DateField("ngày cuối tháng", unique=True)
    started_at = models.DateTimeField("bắt đầu")
    # PostgreSQL: the transactions the count saw (pg_current_snapshot) and its own id; a
    # back-dated change made by a transaction it did not see makes the count untrusted.
    snapshot = models.TextField("ảnh giao dịch", blank=True, default="")
    xact = models.BigIntegerField("giao dịch đếm", null=True, blank=True)
    finished_at = models.DateTimeField("hoàn thành", null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)
    # The same pass wrote the day-by-day changes of that month (DayChange), so any day of the
    # month is the month end before plus the changes of the days up to it.
    with_days = models.BooleanField("có thay đổi từng ngày", default=False)

    class Meta:
        ordering = ["-on"]
        verbose_name = "số liệu cuối tháng"
        verbose_name_plural = "số liệu cuối tháng"

    def __str__(self) -> str:
        return f"Số liệu ngày {self.on:%d/%m/%Y}"


class MonthEndCount(models.Model):
    """Active members at a month end by org (as the tree stood that day, down to
    `month_ends.DEPTH`), status and gender: a past date's report of the top levels reads these
    rows instead of joining millions of valid-time periods. Trusted only while no back-dated
    change touched that month (`BackdatedMonth`); otherwise the report counts live."""

    on = models.DateField("ngày cuối tháng")
    path = models.CharField("đường dẫn cây ngày đó", max_length=255)
    depth = models.PositiveSmallIntegerField("cấp")
    status = models.CharField("trạng thái", max_length=20)
    gender = models.CharField("giới tính", max_length=1)
    members = models.PositiveIntegerField("số đảng viên")

    class Meta:
        verbose_name = "số đảng viên cuối tháng"
        verbose_name_plural = "số đảng viên cuối tháng"
        indexes = [models.Index(fields=["on", "depth", "path"], name="monthend_on_depth_path")]

    def __str__(self) -> str:
        return f"{self.path} {self.on:%d/%m/%Y} {self.status}/{self.gender}: {self.members}"


class DayChange(models.Model):
    """The change of active members on one day by org (its path that day, down to
    `month_ends.DEPTH`), status and gender: +1 for each member who starts counting there that
    day, −1 for each who stops. A past day's report is the month end before it plus these rows
    of the days since; written with the month ends of the same pass (`MonthEndRun.with_days`)
    and trusted with the month end that closes their month."""

    day = models.DateField("ngày")
    path = models.CharField("đường dẫn cây ngày đó", max_length=255)
    status = models.CharField("trạng thái", max_length=20)
    gender = models.CharField("giới tính", max_length=1)
    change = models.IntegerField("thay đổi")

    class Meta:
        verbose_name = "thay đổi số đảng viên trong ngày"
        verbose_name_plural = "thay đổi số đảng viên trong ngày"
        indexes = [models.Index(fields=["day", "path"], name="daychange_day_path")]

    def __str__(self) -> str:
        return f"{self.path} {self.day:%d/%m/%Y} {self.status}/{self.gender}: {self.change:+d}"


class BackdatedMonth(models.Model):
    """Written by database triggers (migration 0003), never by the application: the earliest
    month touched by a change of a member's placement, status or gender, or of the tree, dated
    before the current month, and when. Triggers see every writer (services, bulk COPY,
    imports and their rollback, raw SQL). Unmanaged: not copied by `move_database` — the
    target's own triggers mark every copied month, so its month-end counts are recomputed."""

    month = models.DateField(primary_key=True)
    changed_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "reports_backdated_month"

    def __str__(self) -> str:
        return f"Thay đổi ghi lùi tới tháng {self.month:%m/%Y}"
