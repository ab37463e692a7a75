from django import forms
from django.db.models import Q
from django.forms.formsets import ManagementForm
from django.utils import timezone
from django.utils.functional import cached_property

from dangbo.core.errors import DomainError
from dangbo.core.forms import CleanTextMixin, date_field
from dangbo.organizations.forms import DateInput, UserFormMixin
from dangbo.organizations.models import Organization
from dangbo.reviews import rules
from dangbo.reviews.models import Grade
from dangbo.reviews.services import ScoreRow


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


class MemberScoreForm(CleanTextMixin, forms.Form):
    """One member's row of the cell's entry screen. Its fields keep the screen's names, by the
    review: `s-<id>-<criterion>`, `done-<id>`, `exceed-<id>`, `cell-<id>`. Values stay text:
    `services.enter_cell` reads them and names the row of a bad one."""

    done = forms.CharField(label="Hoàn thành tất cả nhiệm vụ", required=False, strip=False)
    exceed = forms.CharField(label="Vượt mức (%)", required=False)
    cell = forms.CharField(label="Chi bộ đề xuất", required=False, strip=False)

    def __init__(self, *args, review, criteria, **kwargs):
        self.review = review
        self.criteria = criteria
        super().__init__(*args, **kwargs)
        for criterion in criteria:
            self.fields[f"s_{criterion.code}"] = forms.CharField(
                label=criterion.name, required=False
            )

    def add_prefix(self, field_name):
        if field_name.startswith("s_"):
            return f"s-{self.review.pk}-{field_name[2:]}"
        return f"{field_name}-{self.review.pk}"

    def score_row(self) -> ScoreRow:
        """The row for `services.enter_cell` (valid form), or the values as posted."""
        if self.is_valid():
            data = self.cleaned_data
        else:  # shown again as posted
            data = {name: self[name].value() or "" for name in self.fields}
        return ScoreRow(
            self.review.pk,
            {c.code: data[f"s_{c.code}"] for c in self.criteria},
            data["done"] == "on",
            data["exceed"] or "0",
            data["cell"],
        )


class BaseMemberScoreFormSet(forms.BaseFormSet):
    """The rows of a cell's entry screen: one per member review not exempt. Their number comes
    from the reviews, not from a posted management form."""

    def __init__(self, *args, reviews, criteria, **kwargs):
        self.reviews = [r for r in reviews if not r.is_exempt]
        self.criteria = criteria
        super().__init__(*args, **kwargs)

    def total_form_count(self):
        return len(self.reviews)

    def initial_form_count(self):
        return len(self.reviews)

    @cached_property
    def management_form(self):
        count = len(self.reviews)
        form = ManagementForm(
            {f"{self.prefix}-TOTAL_FORMS": count, f"{self.prefix}-INITIAL_FORMS": count},
            prefix=self.prefix,
        )
        form.full_clean()
        return form

    def get_form_kwargs(self, index):
        return {"review": self.reviews[index], "criteria": self.criteria}

    def score_rows(self) -> list[ScoreRow]:
        return [form.score_row() for form in self.forms]

    def first_error(self) -> DomainError | None:
        """The first refused value as the service would name it (row, field)."""
        for number, form in enumerate(self.forms, start=1):
            for name, errors in form.errors.items():
                label = form.fields[name].label
                return DomainError(f"{label}: {errors[0]}", name, row=number)
        return None


MemberScoreFormSet = forms.formset_factory(
    MemberScoreForm, formset=BaseMemberScoreFormSet, extra=0, absolute_max=100_000
)


GRADE_OR_BLANK = [("", "—"), *Grade.choices]


class GradeKeysForm(CleanTextMixin, forms.Form):
    """One grade per row of a table, under the screen's names `<key><id>` (g-12): a select of
    the Grade choices, blank for no change. A posted key naming no row of the table is refused
    with `stranger` (nothing is decided)."""

    key = ""
    stranger = ""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        for row in rows:
            self.fields[f"{self.key}{row.pk}"] = forms.ChoiceField(
                label=self.label(row), choices=GRADE_OR_BLANK, required=False
            )

    def label(self, row) -> str:
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        if any(
            name.startswith(self.key) and name not in self.fields and value
            for name, value in self.data.items()
        ):
            raise forms.ValidationError(self.stranger, code="stranger")
        return data

    def grades(self) -> dict[int, str]:
        """{id: grade} of the rows given a valid grade (all of them once the form is valid)."""
        data = getattr(self, "cleaned_data", {})
        return {
            int(name[len(self.key) :]): value
            for name, value in data.items()
            if name.startswith(self.key) and value
        }


class CommitteeGradesForm(GradeKeysForm):
    """The committee's confirmation panel: a grade per member review under it (`g-<id>`), the
    outstanding-unit quota, the documented exception, and the button pressed."""

    key = "g-"
    stranger = "Có đảng viên không thuộc phạm vi cấp ủy này."

    outstanding = forms.BooleanField(
        label="Đơn vị được đánh giá tiêu biểu, xuất sắc", required=False
    )
    exception_document = forms.CharField(label="Văn bản cho phép", max_length=120, required=False)
    exception_note = forms.CharField(label="Căn cứ vượt tỷ lệ", required=False)
    action = forms.ChoiceField(
        label="Thao tác",
        choices=[("check", "Kiểm tra lại tỷ lệ"), ("confirm", "Xác nhận kết quả")],
        required=False,
    )

    def label(self, row) -> str:
        return f"Cấp ủy quyết định — {row.member.full_name}"

    def typed(self, name: str) -> str:
        """A text as posted (shown again, valid or not)."""
        return self[name].value() or ""


class OrgGradesForm(GradeKeysForm):
    """The committee above grades its subordinate classified orgs (`o-<org review id>`)."""

    key = "o-"
    stranger = "Tổ chức không trực thuộc cấp ủy này."

    def label(self, row) -> str:
        return f"Xếp loại — {row.organization.name}"


class RootGradeForm(CleanTextMixin, forms.Form):
    """The committee above the year's root org records that org's grade."""

    grade = forms.ChoiceField(label="Cấp trên xếp loại", choices=Grade.choices)
