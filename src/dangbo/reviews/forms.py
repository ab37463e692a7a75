from django import forms
from django.db.models import Q
from django.utils import timezone

from dangbo.core.forms import date_field
from dangbo.organizations.forms import DateInput, UserFormMixin
from dangbo.organizations.models import Organization
from dangbo.reviews import rules
from dangbo.reviews.models import Grade


class OpenYearForm(UserFormMixin, forms.Form):
    organization = forms.ModelChoiceField(
        label="Tổ chức đảng",
        queryset=Organization.objects.filter(is_active=True)
        .filter(Q(org_type__holds_members=False) | Q(org_type__is_grassroots=True))
        .select_related("org_type"),
    )
    year = forms.IntegerField(label="Năm đánh giá", min_value=2000, max_value=2100)
    reference_date = forms.DateField(
        label="Ngày đánh giá",
        widget=DateInput(),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        required=False,
        help_text="Để trống: 01/12 của năm đánh giá. "
        "Dùng để xác định người vào Đảng chưa đủ 6 tháng.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class SelfAssessmentForm(UserFormMixin, forms.Form):
    text = forms.CharField(label="Bản tự kiểm điểm", widget=forms.Textarea(attrs={"rows": 6}))
    grade = forms.ChoiceField(label="Tự nhận mức xếp loại", choices=Grade.choices)


class AppealForm(UserFormMixin, forms.Form):
    text = forms.CharField(
        label="Nội dung kiến nghị, khiếu nại", widget=forms.Textarea(attrs={"rows": 4})
    )


class FinalGradeForm(UserFormMixin, forms.Form):
    grade = forms.ChoiceField(label="Mức xếp loại", choices=Grade.choices)
    note = forms.CharField(label="Căn cứ, lý do", widget=forms.Textarea(attrs={"rows": 3}))
    decision_number = forms.CharField(label="Số quyết định", max_length=60, required=False)


class OrgScoreForm(UserFormMixin, forms.Form):
    all_tasks_done = forms.BooleanField(label="Hoàn thành tất cả nhiệm vụ", required=False)
    exceed_percent = forms.DecimalField(
        label="Tỷ lệ chỉ tiêu vượt mức (%)", min_value=0, max_value=1000, initial=0
    )
    self_grade = forms.ChoiceField(
        label="Tự nhận mức xếp loại",
        choices=[("", "— theo điểm —"), *Grade.choices],
        required=False,
    )

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"c_{criterion.code}"] = forms.DecimalField(
                label=f"{criterion.name} (tối đa {rules.points(criterion.max_points)})",
                min_value=0,
                max_digits=5,
                decimal_places=1,
            )
            self.fields[f"c_{criterion.code}"].widget.attrs["step"] = "0.5"
        order = [f"c_{c.code}" for c in self.criteria] + [
            "all_tasks_done",
            "exceed_percent",
            "self_grade",
        ]
        self.order_fields(order)


class AbsenceForm(UserFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Loại", choices=rules.ABSENCE_KINDS)
    valid_from = date_field("Từ ngày")
    valid_to = date_field(
        "Đến trước ngày", required=False, help_text="Để trống nếu chưa có ngày kết thúc."
    )
    decision_number = forms.CharField(label="Số quyết định", max_length=60, required=False)
    note = forms.CharField(label="Lý do", max_length=255)


class EndAbsenceForm(UserFormMixin, forms.Form):
    valid_to = date_field("Ngày kết thúc (sinh hoạt trở lại)")
    note = forms.CharField(label="Ghi chú", max_length=120, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["valid_to"].initial = timezone.localdate()
