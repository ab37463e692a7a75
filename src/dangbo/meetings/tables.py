"""Tables: meetings with their flags, criteria sets."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from dangbo.core.text import vi_number
from dangbo.meetings import rules
from dangbo.meetings.models import CriteriaSet, Meeting, MeetingStatus

GRADE_BADGES = {"tot": "success", "kha": "primary", "trung_binh": "warning", "kem": "danger"}


def meeting_flags(meeting: Meeting, config: dict) -> list[str]:
    """Warnings shown next to a meeting (computed by the rules, from the row alone)."""
    flags = []
    if meeting.status == MeetingStatus.HELD:
        if meeting.started_at and meeting.ended_at:
            problem = rules.duration_problem(
                meeting.kind,
                rules.duration_minutes(meeting.started_at, meeting.ended_at),
                config["meetings.min_minutes_regular"],
                config["meetings.min_minutes_combined"],
            )
            if problem:
                flags.append("Chưa đủ thời gian")
        rate = rules.attendance_rate(meeting.attended_count, meeting.expected_count)
        if rules.below_threshold(rate, config["meetings.attendance_min_pct"]):
            flags.append("Dự dưới ngưỡng")
        if meeting.unexcused_count:
            flags.append(f"{meeting.unexcused_count} vắng không lý do")
        if meeting.score is None:
            flags.append("Chưa chấm điểm")
    last_doc = getattr(meeting, "last_document_at", None)
    if last_doc is not None:
        from django.utils import timezone

        late = rules.document_is_late(
            timezone.localtime(last_doc).date(),
            meeting.planned_on,
            config["meetings.documents_days_before"],
        )
        if late:
            flags.append("Tài liệu gửi muộn")
    return flags


class MeetingTable(tables.Table):
    planned_on = tables.Column(verbose_name="Ngày")  # rendered as the link
    organization = tables.Column(verbose_name="Chi bộ", order_by=("organization__path",))
    kind = tables.Column()
    status = tables.Column()
    attendance = tables.Column(verbose_name="Dự họp", empty_values=(), orderable=False)
    score = tables.Column(verbose_name="Điểm / xếp loại")
    flags = tables.Column(verbose_name="Cảnh báo", empty_values=(), orderable=False)

    class Meta:
        model = Meeting
        fields = ("planned_on", "organization", "kind", "status", "attendance", "score", "flags")
        attrs = {"class": "table table-sm table-hover", "id": "meeting-table"}
        empty_text = "Không có buổi sinh hoạt nào phù hợp."

    def __init__(self, *args, config=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.config = config or rules.DEFAULTS

    def render_planned_on(self, value, record):
        return format_html(
            '<a href="{}">{}</a>', reverse("meetings:detail", args=[record.pk]), f"{value:%d/%m/%Y}"
        )

    def render_organization(self, value, record):
        return format_html(
            '<a href="{}">{}</a>', reverse("meetings:cell", args=[record.organization_id]), value
        )

    def render_attendance(self, record):
        if record.status != MeetingStatus.HELD:
            return "—"
        rate = rules.attendance_rate(record.attended_count, record.expected_count)
        return f"{record.attended_count}/{record.expected_count} ({vi_number(rate or 0)}%)"

    def render_score(self, value, record):
        return format_html(
            '<span class="badge text-bg-{}">{}</span> {}',
            GRADE_BADGES.get(record.grade, "secondary"),
            record.get_grade_display(),
            vi_number(value),
        )

    def render_flags(self, record):
        return format_html_join(
            " ",
            '<span class="badge text-bg-warning">{}</span>',
            ((f,) for f in meeting_flags(record, self.config)),
        )


class CriteriaSetTable(tables.Table):
    name = tables.Column(linkify=True)
    organization = tables.Column(verbose_name="Cấp ủy ban hành")
    valid_from = tables.DateColumn(format="d/m/Y")
    valid_to = tables.DateColumn(format="d/m/Y", default="—")

    class Meta:
        model = CriteriaSet
        fields = ("name", "organization", "valid_from", "valid_to", "source")
        attrs = {"class": "table table-sm table-hover", "id": "criteria-table"}
        empty_text = "Chưa có bộ tiêu chí nào."
