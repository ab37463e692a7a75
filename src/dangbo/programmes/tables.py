import django_tables2 as tables

from dangbo.programmes.models import Commitment, Document, Programme


class DocumentTable(tables.Table):
    number = tables.Column(linkify=True)
    issued_on = tables.DateColumn(format="d/m/Y")
    organization = tables.Column(verbose_name="Cơ quan ban hành", order_by=("organization__path",))
    summary = tables.Column(orderable=False)
    attachment_name = tables.Column(verbose_name="Tệp", orderable=False, empty_values=("",))

    class Meta:
        model = Document
        fields = ("number", "doc_type", "issued_on", "summary", "signer", "organization")
        attrs = {"class": "table table-sm table-hover", "id": "document-table"}
        empty_text = "Không có văn bản nào phù hợp."

    def render_summary(self, value):
        return value if len(value) <= 160 else value[:157] + "…"

    def render_attachment_name(self, value):
        return "📎"


class ProgrammeTable(tables.Table):
    title = tables.Column(linkify=True)
    organization = tables.Column(verbose_name="Tổ chức", order_by=("organization__path",))
    starts_on = tables.DateColumn(format="d/m/Y")
    ends_on = tables.DateColumn(format="d/m/Y")

    class Meta:
        model = Programme
        fields = ("title", "kind", "organization", "starts_on", "ends_on")
        attrs = {"class": "table table-sm table-hover", "id": "programme-table"}
        empty_text = "Chưa có chương trình công tác nào."


class CommitmentTable(tables.Table):
    signer_name = tables.Column(linkify=True)
    organization = tables.Column(verbose_name="Tổ chức", order_by=("organization__path",))
    signed_on = tables.DateColumn(format="d/m/Y")
    evaluated_on = tables.DateColumn(format="d/m/Y")

    class Meta:
        model = Commitment
        fields = ("year", "signer_name", "position", "organization", "signed_on", "evaluated_on")
        attrs = {"class": "table table-sm table-hover", "id": "commitment-table"}
        empty_text = "Chưa có cam kết nào."
