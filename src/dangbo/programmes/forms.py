"""Forms of the programmes app; choices are restricted to what the user may change."""

from datetime import timedelta

from django import forms
from django.utils import timezone

from dangbo.core.forms import CleanTextMixin, scoped
from dangbo.organizations.forms import UserFormMixin, date_field
from dangbo.organizations.models import Organization
from dangbo.programmes.models import DocType, Document, Programme, ReportStatus, Task


class OrgPickerWidget(forms.TextInput):
    """Org id with a search box over the orgs where the user may change programmes (cells too)."""

    template_name = "programmes/widgets/org_picker.html"


class OrgField(forms.ModelChoiceField):
    """An active org; the form restricts it to where the user may change programmes."""

    widget = OrgPickerWidget

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Organization.objects.filter(is_active=True))
        super().__init__(*args, **kwargs)


def recent_documents():
    since = timezone.localdate() - timedelta(days=6 * 366)
    return Document.objects.filter(issued_on__gte=since)


def document_field(label):
    """A recent document among those the user sees (programmes.view, restricted centrally)."""
    field = forms.ModelChoiceField(label=label, queryset=recent_documents(), required=False)
    return scoped(field, "programmes.view")


class RestrictedForm(UserFormMixin, forms.Form):
    """Org, item and document choices restricted to the user's reach (UserFormMixin)."""


class DocumentForm(RestrictedForm):
    organization = OrgField(label="Cơ quan ban hành")
    doc_type = forms.ChoiceField(label="Loại văn bản", choices=DocType.choices)
    number = forms.CharField(label="Số, ký hiệu", max_length=60, help_text="Ví dụ: 05-NQ/TU")
    issued_on = date_field("Ngày ban hành")
    signer = forms.CharField(label="Người ký", max_length=120)
    summary = forms.CharField(label="Trích yếu", widget=forms.Textarea(attrs={"rows": 3}))
    attachment = forms.FileField(
        label="Tệp đính kèm",
        required=False,
        help_text="PDF, DOCX, XLSX, ODT, PNG, JPEG (nhận biết theo nội dung tệp); tối đa 20 MB.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issued_on"].initial = timezone.localdate()


class CountTableForm(CleanTextMixin, forms.Form):
    org = forms.IntegerField(
        label="Tổ chức (cả cây trực thuộc)",
        widget=OrgPickerWidget(attrs={"pick_action": "view"}),
        required=False,
    )
    start = date_field("Từ ngày", required=False)
    end = date_field("Đến ngày", required=False)


class ProgrammeForm(RestrictedForm):
    organization = OrgField(label="Tổ chức đảng")
    kind = forms.ChoiceField(label="Loại chương trình", choices=Programme.Kind.choices)
    title = forms.CharField(label="Tên chương trình", max_length=255)
    starts_on = date_field("Từ ngày")
    ends_on = date_field("Đến ngày")
    source_document = document_field("Văn bản ban hành")


class ItemForm(RestrictedForm):
    title = forms.CharField(label="Nội dung", max_length=500)
    expected_result = forms.CharField(label="Kết quả cần đạt (đo được)", max_length=500)
    organization = forms.ModelChoiceField(
        label="Tổ chức chủ trì", queryset=Organization.objects.none()
    )
    owner_person = forms.CharField(label="Người phụ trách", max_length=120, required=False)
    due_on = date_field("Thời hạn")
    weight = forms.IntegerField(label="Trọng số", min_value=1, max_value=100, initial=1)
    source_document = document_field("Văn bản căn cứ")

    def __init__(self, *args, owner_root=None, default_due=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(
            path__startswith=owner_root.path,
            depth__lte=owner_root.depth + 1,
            is_active=True,
        )
        self.fields["organization"].initial = owner_root.pk
        self.fields["due_on"].initial = default_due


class CascadeForm(RestrictedForm):
    organizations = forms.ModelMultipleChoiceField(
        label="Giao cho các tổ chức trực thuộc",
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    due_on = date_field("Thời hạn cho cấp dưới", required=False)

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        org = item.organization
        self.fields["organizations"].queryset = Organization.objects.filter(
            path__startswith=org.path, depth=org.depth + 1, is_active=True
        ).exclude(pk__in=item.children.filter(is_cascade=True).values("organization_id"))
        self.fields[
            "due_on"
        ].help_text = f"Để trống: dùng thời hạn của mục ({item.due_on:%d/%m/%Y})."


class CancelItemForm(UserFormMixin, forms.Form):
    cancel_reason = forms.CharField(
        label="Lý do hủy (mục và các mục con thôi tính vào tiến độ)", max_length=255
    )


class ReportForm(UserFormMixin, forms.Form):
    percent = forms.IntegerField(label="Tiến độ (%)", min_value=0, max_value=100)
    status = forms.ChoiceField(label="Tình trạng", choices=ReportStatus.choices)
    reported_on = date_field("Ngày báo cáo")
    evidence = forms.CharField(
        label="Minh chứng",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Số văn bản, số liệu, đường dẫn tài liệu… (bắt buộc khi hoàn thành)",
    )
    comment = forms.CharField(
        label="Nhận xét", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reported_on"].initial = timezone.localdate()


class TaskForm(RestrictedForm):
    kind = forms.ChoiceField(label="Loại nhiệm vụ", choices=Task.Kind.choices)
    assigner_org = OrgField(label="Cấp giao")
    assignee_org = OrgField(label="Tổ chức nhận")
    assignee_person = forms.CharField(
        label="Người nhận (họ tên, chức vụ)", max_length=160, required=False
    )
    title = forms.CharField(label="Nhiệm vụ", max_length=500)
    target = forms.CharField(label="Mục tiêu", max_length=500, required=False)
    indicator = forms.CharField(label="Chỉ số đo kết quả", max_length=255, required=False)
    due_on = date_field("Thời hạn")
    description = forms.CharField(
        label="Nội dung chi tiết", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    source_ref = forms.CharField(label="Nguồn (nghị quyết chi bộ…)", max_length=100, required=False)


class CommitmentForm(RestrictedForm):
    organization = OrgField(label="Tổ chức đảng")
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100)
    signer_name = forms.CharField(label="Người ký cam kết", max_length=120)
    position = forms.CharField(label="Chức vụ", max_length=160, required=False)
    signed_on = date_field("Ngày ký")
    items = forms.CharField(
        label="Nội dung cam kết (mỗi dòng một nội dung đo được)",
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["signed_on"].initial = today


class EvaluateForm(UserFormMixin, forms.Form):
    evaluated_on = date_field("Ngày đánh giá")

    def __init__(self, *args, commitment=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluated_on"].initial = timezone.localdate()
        self.commitment_items = list(commitment.items.all())
        for item in self.commitment_items:
            self.fields[f"achieved_{item.pk}"] = forms.BooleanField(
                label=f"{item.position}. {item.content} — đạt", required=False
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label="Kết quả", max_length=500, required=False
            )

    def results(self):
        data = self.cleaned_data
        return {
            item.pk: (data[f"achieved_{item.pk}"], data[f"note_{item.pk}"])
            for item in self.commitment_items
        }
