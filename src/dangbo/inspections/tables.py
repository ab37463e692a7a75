import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html

from dangbo.core.text import vi_percent
from dangbo.inspections.models import Case, Complaint, Inspection, Programme, Remedy


class ProgrammeTable(tables.Table):
    title = tables.Column(linkify=True)
    organization = tables.Column(verbose_name="Cấp ủy/đảng bộ", order_by=("organization__path",))
    planned = tables.Column(verbose_name="Kế hoạch", attrs={"td": {"class": "text-end"}})
    done = tables.Column(verbose_name="Đã thực hiện", attrs={"td": {"class": "text-end"}})
    rate = tables.Column(verbose_name="Tỷ lệ", empty_values=(), orderable=False)

    class Meta:
        model = Programme
        fields = ("year", "title", "organization", "body", "planned", "done")
        attrs = {"class": "table table-sm table-hover", "id": "programme-table"}
        empty_text = "Chưa có chương trình kiểm tra, giám sát."

    def render_rate(self, record):
        return vi_percent(100 * record.done / record.planned, 0) if record.planned else "—"


class InspectionTable(tables.Table):
    target = tables.Column(
        verbose_name="Đối tượng",
        empty_values=(),
        orderable=False,  # a label made from the org or the member: no column to sort on
        linkify=lambda record: record.get_absolute_url(),
    )
    programme = tables.Column(verbose_name="Chương trình", order_by=("programme__year",))
    planned_quarter = tables.Column(verbose_name="Quý")

    class Meta:
        model = Inspection
        fields = (
            "target",
            "kind",
            "mode",
            "target_kind",
            "programme",
            "planned_quarter",
            "status",
            "violations_found",
        )
        attrs = {"class": "table table-sm table-hover", "id": "inspection-table"}
        empty_text = "Không có cuộc kiểm tra, giám sát nào phù hợp."

    def render_target(self, record):
        return record.target_label


class RemedyTable(tables.Table):
    description = tables.Column(
        linkify=lambda record: record.inspection.get_absolute_url() + f"#remedy-{record.pk}"
    )
    inspection = tables.Column(verbose_name="Cuộc", order_by=("inspection_id",))
    due_on = tables.DateColumn(format="d/m/Y")
    done_on = tables.DateColumn(format="d/m/Y")

    class Meta:
        model = Remedy
        fields = ("description", "owner", "inspection", "due_on", "status", "done_on")
        attrs = {"class": "table table-sm table-hover", "id": "remedy-table"}
        row_attrs = {
            "class": lambda record: (
                "table-danger"
                if record.status == "open" and record.due_on < timezone.localdate()
                else ""
            )
        }
        empty_text = "Không có yêu cầu khắc phục nào phù hợp."

    def render_status(self, record, value):
        if record.status == "open" and record.due_on < timezone.localdate():
            return format_html('{} <span class="badge text-bg-danger">Quá hạn</span>', value)
        return value


class CaseTable(tables.Table):
    decision_number = tables.Column(linkify=True)
    subject = tables.Column(verbose_name="Đối tượng", empty_values=(), orderable=False)
    opened_on = tables.DateColumn(format="d/m/Y")

    class Meta:
        model = Case
        fields = ("decision_number", "subject", "opened_on", "status", "outcome")
        attrs = {"class": "table table-sm table-hover", "id": "case-table"}
        empty_text = "Chưa có vụ việc."

    def render_subject(self, record):
        return record.member.full_name if record.member_id else record.organization.name


class ComplaintTable(tables.Table):
    received_on = tables.DateColumn(format="d/m/Y", linkify=True)
    organization = tables.Column(verbose_name="Cấp ủy tiếp nhận", order_by=("organization__path",))
    due_on = tables.DateColumn(format="d/m/Y")

    class Meta:
        model = Complaint
        fields = ("received_on", "complaint_type", "concerning", "organization", "due_on", "status")
        attrs = {"class": "table table-sm table-hover", "id": "complaint-table"}
        empty_text = "Không có đơn nào phù hợp."

    def render_status(self, record, value):
        if record.status != "answered" and record.due_on < timezone.localdate():
            return format_html('{} <span class="badge text-bg-danger">Quá hạn</span>', value)
        return value
