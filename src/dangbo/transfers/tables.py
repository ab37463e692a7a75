import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html

from dangbo.transfers import rules
from dangbo.transfers.models import Transfer


class TransferTable(tables.Table):
    member = tables.Column(verbose_name="Đảng viên", order_by=("member__name_search",))
    kind = tables.Column()
    source = tables.Column(verbose_name="Nơi đi", accessor="source_name", orderable=False)
    destination = tables.Column(
        verbose_name="Nơi đến", accessor="destination_name", orderable=False
    )
    issued_on = tables.DateColumn(format="d/m/Y")
    state = tables.Column()

    class Meta:
        model = Transfer
        fields = ("member", "kind", "source", "destination", "issued_on", "state")
        attrs = {"class": "table table-sm table-hover", "id": "transfer-table"}
        empty_text = "Không có giấy giới thiệu nào phù hợp."

    def render_member(self, value, record):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value.full_name)

    def render_state(self, value, record):
        warnings = rules.flags(
            record.state,
            timezone.localdate(),
            record.present_by,
            record.complete_by,
            record.rejoin_by,
            record.ends_on,
        )
        if warnings:
            tone = "warning" if record.state == "active" and "Sắp" in warnings[0] else "danger"
            return format_html(
                '{} <span class="badge bg-{}">{}</span>', value, tone, "; ".join(warnings)
            )
        return value
