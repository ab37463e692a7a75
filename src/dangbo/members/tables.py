import django_tables2 as tables
from django.utils.html import format_html

from dangbo.core.text import mask_id_number
from dangbo.members.models import Member


class MemberTable(tables.Table):
    full_name = tables.Column(linkify=True, order_by=("name_search",))
    id_number = tables.Column(verbose_name="Số định danh (ẩn)", orderable=False)
    organization = tables.Column(verbose_name="Chi bộ", order_by=("org_path",))
    # Plain columns formatted in Python: DateColumn compiles a template for every cell.
    birth_date = tables.Column()
    admitted_on = tables.Column()

    class Meta:
        model = Member
        fields = (
            "full_name",
            "gender",
            "birth_date",
            "id_number",
            "status",
            "admitted_on",
            "organization",
        )
        attrs = {"class": "table table-sm table-hover", "id": "member-table"}
        template_name = "members/_table.html"  # rows rendered from the record, keep in step
        empty_text = "Không có đảng viên nào phù hợp."

    def render_birth_date(self, value):
        return value.strftime("%d/%m/%Y")

    def render_admitted_on(self, value):
        return value.strftime("%d/%m/%Y")

    def render_id_number(self, value):
        return format_html('<span class="masked">{}</span>', mask_id_number(value))
