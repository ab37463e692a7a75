import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html

from dangbo.admissions.models import AdmissionFile


class AdmissionFileTable(tables.Table):
    full_name = tables.Column(linkify=True, order_by=("name_search",))
    organization = tables.Column(verbose_name="Chi bộ", order_by=("organization__path",))
    birth_date = tables.DateColumn(format="d/m/Y")
    identified_on = tables.DateColumn(format="d/m/Y", verbose_name="Xác định")
    decided_on = tables.DateColumn(format="d/m/Y", verbose_name="Kết nạp")
    next_deadline = tables.Column(verbose_name="Hạn tiếp theo")

    class Meta:
        model = AdmissionFile
        fields = (
            "full_name",
            "birth_date",
            "organization",
            "stage",
            "identified_on",
            "decided_on",
            "next_deadline",
        )
        attrs = {"class": "table table-sm table-hover", "id": "admission-table"}
        row_attrs = {"class": lambda record: "table-danger" if _overdue(record) else ""}
        empty_text = "Không có hồ sơ nào phù hợp."

    def render_next_deadline(self, value, record):
        text = f"{value:%d/%m/%Y} — {record.next_deadline_label}"
        if _overdue(record):
            return format_html('<span class="badge bg-danger">Quá hạn</span> {}', text)
        return text


def _overdue(record) -> bool:
    return bool(
        record.is_open and record.next_deadline and record.next_deadline < timezone.localdate()
    )
