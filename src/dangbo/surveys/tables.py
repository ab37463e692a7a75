import django_tables2 as tables

from dangbo.surveys.models import Campaign


class CampaignTable(tables.Table):
    title = tables.Column(linkify=True)
    organization = tables.Column(verbose_name="Cấp ủy tổ chức", order_by=("organization__path",))
    starts_on = tables.DateColumn(format="d/m/Y")
    ends_on = tables.DateColumn(format="d/m/Y")
    sample_size = tables.Column(verbose_name="Tổ chức trong mẫu", orderable=False)
    response_count = tables.Column(verbose_name="Số phiếu", orderable=False)

    def render_status(self, record):
        return record.phase_label  # a campaign past its end date no longer shows as collecting

    class Meta:
        model = Campaign
        fields = ("title", "organization", "starts_on", "ends_on", "status", "anonymous")
        sequence = (
            "title",
            "organization",
            "starts_on",
            "ends_on",
            "status",
            "anonymous",
            "sample_size",
            "response_count",
        )
        attrs = {"class": "table table-sm table-hover", "id": "campaign-table"}
        empty_text = "Chưa có đợt khảo sát nào."
