"""Cell meetings: the plan, preparation, the record (attendance, resolutions, tasks), and the
quality score against a province's dated criteria set."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from dangbo.core.models import RestrictedModelMixin, RestrictedQuerySet, TimeStampedModel


class Kind(models.TextChoices):
    REGULAR = "regular", "Thường kỳ"
    THEMATIC = "thematic", "Chuyên đề"
    COMBINED = "combined", "Thường kỳ kết hợp chuyên đề"
    EXTRAORDINARY = "extraordinary", "Bất thường"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Dự kiến"
    HELD = "held", "Đã họp"
    CANCELLED = "cancelled", "Hủy"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Có mặt"
    ONLINE = "online", "Dự trực tuyến"
    EXCUSED = "excused", "Vắng có lý do"
    UNEXCUSED = "unexcused", "Vắng không lý do"


class Grade(models.TextChoices):
    GOOD = "tot", "Tốt"
    FAIR = "kha", "Khá"
    AVERAGE = "trung_binh", "Trung bình"
    POOR = "kem", "Kém"


class AttendMode(models.TextChoices):
    IN_PERSON = "in_person", "Trực tiếp"
    ONLINE = "online", "Trực tuyến"


class CriteriaSet(RestrictedModelMixin, TimeStampedModel):
    """A committee's meeting-quality criteria, in force from `valid_from` (until the next set).

    Never edited once a meeting is scored under it: a change is a new set with a later date.
    The set that applies to a cell is the most specific one above it valid on the meeting day.
    """

    restrict_path_field = "organization__path"

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="meeting_criteria_sets",
        verbose_name="cấp ban hành",
    )
    name = models.CharField("tên bộ tiêu chí", max_length=255)
    valid_from = models.DateField("hiệu lực từ")
    valid_to = models.DateField("hết hiệu lực từ", null=True, blank=True)
    source = models.CharField("căn cứ (văn bản)", max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["organization_id", "-valid_from", "-id"]
        verbose_name = "bộ tiêu chí chất lượng sinh hoạt"
        verbose_name_plural = "bộ tiêu chí chất lượng sinh hoạt"

    def __str__(self) -> str:
        return f"{self.name} (từ {self.valid_from:%d/%m/%Y})"

    def get_absolute_url(self) -> str:
        return reverse("meetings:criteria_detail", args=[self.pk])


class Criterion(models.Model):
    """One criterion of a set: its maximum points and how to judge it."""

    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.PROTECT, related_name="criteria", verbose_name="bộ tiêu chí"
    )
    position = models.PositiveSmallIntegerField("thứ tự")
    name = models.CharField("tiêu chí", max_length=500)
    max_points = models.DecimalField("điểm tối đa", max_digits=5, decimal_places=1)
    guidance = models.TextField("hướng dẫn chấm", blank=True)

    class Meta:
        ordering = ["criteria_set_id", "position"]
        verbose_name = "tiêu chí"
        verbose_name_plural = "tiêu chí"
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "position"], name="uniq_criterion_pos")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name} ({self.max_points} điểm)"


class MeetingQuerySet(RestrictedQuerySet):
    def active(self):
        return self.exclude(status=MeetingStatus.CANCELLED)


class Meeting(RestrictedModelMixin, TimeStampedModel):
    """A cell meeting from plan to score. Attendance counts are kept on the row for statistics."""

    restrict_path_field = "organization__path"

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name="chi bộ",
    )
    kind = models.CharField("loại sinh hoạt", max_length=20, choices=Kind.choices)
    status = models.CharField(
        "tình trạng", max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    planned_on = models.DateField("ngày dự kiến")
    topic = models.CharField("chủ đề", max_length=255, blank=True)
    agenda = models.TextField("chương trình, nội dung", blank=True)
    location = models.CharField("địa điểm", max_length=255, blank=True)
    online_link = models.URLField("đường dẫn họp trực tuyến", max_length=500, blank=True)
    cancel_reason = models.CharField("lý do hủy", max_length=255, blank=True)

    started_at = models.DateTimeField("bắt đầu", null=True, blank=True)
    ended_at = models.DateTimeField("kết thúc", null=True, blank=True)
    chair = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="chủ trì",
    )
    secretary = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="thư ký",
    )
    guests = models.TextField("khách mời", blank=True)
    minutes = models.TextField("biên bản", blank=True)

    expected_count = models.PositiveIntegerField("số đảng viên phải dự", default=0)
    attended_count = models.PositiveIntegerField("số có mặt (kể cả trực tuyến)", default=0)
    excused_count = models.PositiveIntegerField("vắng có lý do", default=0)
    unexcused_count = models.PositiveIntegerField("vắng không lý do", default=0)

    criteria_set = models.ForeignKey(
        CriteriaSet,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name="chấm theo bộ tiêu chí",
    )
    score = models.DecimalField("điểm (thang 100)", max_digits=5, decimal_places=1, null=True)
    grade = models.CharField("xếp loại", max_length=20, choices=Grade.choices, blank=True)
    scored_at = models.DateTimeField("chấm lúc", null=True, blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-planned_on", "-id"]
        verbose_name = "buổi sinh hoạt chi bộ"
        verbose_name_plural = "buổi sinh hoạt chi bộ"
        indexes = [
            models.Index(fields=["organization", "planned_on"], name="meeting_org_date_idx"),
            models.Index(fields=["planned_on", "status"], name="meeting_date_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.planned_on:%d/%m/%Y} — {self.organization}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.pk])

    @property
    def is_held(self) -> bool:
        return self.status == MeetingStatus.HELD

    @classmethod
    def from_db(cls, db, field_names, values):
        meeting = super().from_db(db, field_names, values)
        meeting._copied = meeting._invitation_copy()
        return meeting

    def _invitation_copy(self) -> tuple | None:
        if "planned_on" not in self.__dict__ or "status" not in self.__dict__:
            return None  # deferred: a save of the loaded fields leaves both as they are
        return self.planned_on, self.status != MeetingStatus.CANCELLED

    def save(self, *args, **kwargs):
        """Saves, then carries a new day or a cancellation onto the invitations (their copy
        feeds the superiors' record without a join to meetings)."""
        adding = self._state.adding
        super().save(*args, **kwargs)
        copy = self._invitation_copy()
        if not adding and copy is not None and copy != getattr(self, "_copied", None):
            InvitedSuperior.objects.filter(meeting_id=self.pk).update(
                planned_on=copy[0], meeting_counted=copy[1]
            )
        self._copied = copy


class MeetingDocument(TimeStampedModel):
    """A document for a meeting, and when it was published to members."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="documents", verbose_name="buổi sinh hoạt"
    )
    title = models.CharField("tên tài liệu", max_length=255)
    file = models.FileField("tệp", upload_to="meetings/%Y/%m/", blank=True)
    file_name = models.CharField("tên tệp gốc", max_length=255, blank=True)
    file_type = models.CharField("kiểu tệp (theo nội dung)", max_length=10, blank=True)
    url = models.URLField("đường dẫn", max_length=500, blank=True)
    published_at = models.DateTimeField("công bố cho đảng viên lúc")

    class Meta:
        ordering = ["meeting_id", "published_at", "id"]
        verbose_name = "tài liệu sinh hoạt"
        verbose_name_plural = "tài liệu sinh hoạt"

    def __str__(self) -> str:
        return self.title


class SuperiorAssignment(RestrictedModelMixin, TimeStampedModel):
    """A leader of a superior committee assigned to attend a cell's meetings over a period;
    meetings planned in the period invite them automatically."""

    restrict_path_field = "organization__path"

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="superior_assignments",
        verbose_name="chi bộ",
    )
    full_name = models.CharField("họ và tên", max_length=120)
    position = models.CharField("chức vụ", max_length=255, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="tài khoản",
    )
    mode = models.CharField(
        "hình thức dự", max_length=20, choices=AttendMode.choices, default=AttendMode.IN_PERSON
    )
    online_link = models.URLField("đường dẫn trực tuyến", max_length=500, blank=True)
    valid_from = models.DateField("phân công từ ngày")
    valid_to = models.DateField("đến trước ngày", null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["organization_id", "-valid_from", "id"]
        verbose_name = "phân công cấp ủy viên dự sinh hoạt"
        verbose_name_plural = "phân công cấp ủy viên dự sinh hoạt"

    def __str__(self) -> str:
        return f"{self.full_name} — {self.organization} từ {self.valid_from:%d/%m/%Y}"


class InvitedSuperior(TimeStampedModel):
    """A leader of a superior committee assigned to attend the meeting, in person or online."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="superiors", verbose_name="buổi sinh hoạt"
    )
    full_name = models.CharField("họ và tên", max_length=120)
    position = models.CharField("chức vụ", max_length=255, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_invitations",
        verbose_name="tài khoản",
    )
    mode = models.CharField("hình thức dự", max_length=20, choices=AttendMode.choices)
    online_link = models.URLField("đường dẫn trực tuyến", max_length=500, blank=True)
    attended = models.BooleanField("đã dự", null=True)
    # Copies of the meeting's cell, day and "not cancelled", kept by `save()` here and by
    # `Meeting.save()`: the superiors' record of a subtree is one index-only scan.
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", editable=False
    )
    planned_on = models.DateField(editable=False)
    meeting_counted = models.BooleanField(default=True, editable=False)

    class Meta:
        ordering = ["meeting_id", "id"]
        verbose_name = "cấp ủy cấp trên dự"
        verbose_name_plural = "cấp ủy cấp trên dự"
        indexes = [
            models.Index(
                fields=["planned_on"],
                include=["organization", "full_name", "position", "attended", "mode"],
                condition=models.Q(meeting_counted=True),
                name="superior_record_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_mode_display()})"

    def save(self, *args, **kwargs):
        if self.organization_id is None or self.planned_on is None:
            self.copy_meeting(self.meeting)
        super().save(*args, **kwargs)

    def copy_meeting(self, meeting: "Meeting") -> "InvitedSuperior":
        self.organization_id = meeting.organization_id
        self.planned_on = meeting.planned_on
        self.meeting_counted = meeting.status != MeetingStatus.CANCELLED
        return self


class Attendance(models.Model):
    """A member's attendance at a held meeting."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="attendances", verbose_name="buổi sinh hoạt"
    )
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="meeting_attendances",
        verbose_name="đảng viên",
    )
    status = models.CharField("tham dự", max_length=20, choices=AttendanceStatus.choices)
    reason = models.CharField("lý do vắng", max_length=255, blank=True)

    class Meta:
        ordering = ["meeting_id", "member__name_search", "id"]
        verbose_name = "điểm danh"
        verbose_name_plural = "điểm danh"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="uniq_attendance")
        ]
        indexes = [
            models.Index(fields=["member", "status"], name="attendance_member_idx"),
            # Absences without reason are few: the deletion-proposal scan reads only them.
            models.Index(
                fields=["meeting", "member"],
                condition=models.Q(status="unexcused"),
                name="attendance_unexcused_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.get_status_display()}"


class Resolution(TimeStampedModel):
    """A resolution adopted at the meeting."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="resolutions", verbose_name="buổi sinh hoạt"
    )
    content = models.TextField("nội dung nghị quyết")

    class Meta:
        ordering = ["meeting_id", "id"]
        verbose_name = "nghị quyết"
        verbose_name_plural = "nghị quyết"

    def __str__(self) -> str:
        return self.content[:80]


class MeetingTask(RestrictedModelMixin, TimeStampedModel):
    """A task created by a resolution: who does it, by when, and when it was done."""

    restrict_path_field = "resolution__meeting__organization__path"

    resolution = models.ForeignKey(
        Resolution, on_delete=models.PROTECT, related_name="tasks", verbose_name="nghị quyết"
    )
    description = models.CharField("nhiệm vụ", max_length=500)
    owner = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="meeting_tasks",
        verbose_name="người thực hiện",
    )
    due_on = models.DateField("hạn hoàn thành")
    done_on = models.DateField("ngày hoàn thành", null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = "nhiệm vụ theo nghị quyết"
        verbose_name_plural = "nhiệm vụ theo nghị quyết"

    def __str__(self) -> str:
        return f"{self.description} — hạn {self.due_on:%d/%m/%Y}"


class CriterionScore(models.Model):
    """Points given to one criterion for one meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="criterion_scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField("điểm", max_digits=5, decimal_places=1)
    note = models.CharField("nhận xét", max_length=255, blank=True)

    class Meta:
        ordering = ["meeting_id", "criterion__position"]
        verbose_name = "điểm theo tiêu chí"
        verbose_name_plural = "điểm theo tiêu chí"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "criterion"], name="uniq_criterion_score")
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.points}"


class MonthTally(models.Model):
    """A cell's held meetings from January through `month` of `year`, cumulative: the figures
    of any period [a, b] of the year are the row of month b minus the row of month a − 1, so
    a province's statistics read two rows per cell instead of every meeting.

    Derived data, rebuilt per cell and year by `meetings.tally.refresh` whenever a meeting is
    recorded, scored or cancelled (and by `rebuild` after bulk loads). `low` counts meetings
    under the attendance threshold in force for the cell on the meeting's day."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    held = models.PositiveIntegerField(default=0)
    regular = models.PositiveIntegerField(default=0)
    thematic = models.PositiveIntegerField(default=0)
    attended = models.PositiveIntegerField(default=0)
    expected = models.PositiveIntegerField(default=0)
    low = models.PositiveIntegerField(default=0)
    scored = models.PositiveIntegerField(default=0)
    score_sum = models.DecimalField(max_digits=10, decimal_places=1, default=0)
    g_tot = models.PositiveIntegerField(default=0)
    g_kha = models.PositiveIntegerField(default=0)
    g_trung_binh = models.PositiveIntegerField(default=0)
    g_kem = models.PositiveIntegerField(default=0)
    # Months 1..month with a regular (or combined) meeting held; quarters ending by `month`
    # with a thematic (or combined) meeting held.
    months_met = models.PositiveSmallIntegerField(default=0)
    quarters_met = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["organization_id", "year", "month"]
        verbose_name = "tổng hợp sinh hoạt theo tháng (lũy kế)"
        verbose_name_plural = "tổng hợp sinh hoạt theo tháng (lũy kế)"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "month"], name="uniq_month_tally"
            )
        ]
        indexes = [models.Index(fields=["year", "month"], name="month_tally_year_month_idx")]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.month:02d}/{self.year}"


class AbsenceRun(models.Model):
    """A month in which a member, due at meetings, was absent without reason
    (`rules.month_outcome`), with the run of such months ending with it: the deletion-proposal
    flag of a subtree and period reads the few rows whose run reaches the threshold instead of
    joining every unexcused attendance to its meeting.

    Derived data, recomputed per member by `meetings.absences.refresh` whenever their
    attendance changes (recording a meeting, moving its date, imports) and by `rebuild` after
    bulk loads. `organization` is the cell of the month's (last) meeting missed without
    reason: the flag shows in the subtrees above it, wherever the member is now. Runs count
    the member's months with meetings in any cell (a transfer does not reset them)."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField()  # the first day of the month
    run = models.PositiveSmallIntegerField()
    # The member's next month with meetings (its first day); null: none yet.
    next_month = models.DateField(null=True)

    class Meta:
        ordering = ["member_id", "month"]
        verbose_name = "tháng vắng không lý do (chuỗi liên tiếp)"
        verbose_name_plural = "tháng vắng không lý do (chuỗi liên tiếp)"
        constraints = [models.UniqueConstraint(fields=["member", "month"], name="uniq_absence_run")]
        indexes = [
            # The flag scan: a period's months, runs from the threshold, index-only.
            models.Index(
                fields=["month", "run"],
                include=["organization", "member"],
                name="absence_run_month_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.month:%m/%Y}: {self.run}"
