"""Forms of the survey screens. Choices are limited to what the user reaches; the services
check the rules."""

from django import forms
from django.apps import apps
from django.forms.formsets import ManagementForm
from django.utils.functional import cached_property

from dangbo.core.errors import DomainError
from dangbo.core.forms import CleanTextMixin, errors_text, scoped
from dangbo.core.params import parse_id
from dangbo.organizations.forms import UserFormMixin, date_field
from dangbo.organizations.models import Organization, OrgType
from dangbo.surveys.models import GRADE_CHOICES, FindingKind, QuestionKind, SampledOrg, Visit
from dangbo.surveys.services import PaperRow


class CampaignForm(UserFormMixin, forms.Form):
    organization = forms.ModelChoiceField(
        label="Cấp ủy tổ chức khảo sát", queryset=Organization.objects.none()
    )
    title = forms.CharField(label="Tên đợt khảo sát", max_length=255)
    purpose = forms.CharField(label="Mục đích, yêu cầu", widget=forms.Textarea(attrs={"rows": 3}))
    starts_on = date_field("Từ ngày", today=True)
    ends_on = date_field("Đến ngày")
    document = forms.ModelChoiceField(
        label="Văn bản (đề án) được đánh giá", queryset=Organization.objects.none(), required=False
    )
    programme = forms.ModelChoiceField(
        label="Hoặc chương trình được đánh giá",
        queryset=Organization.objects.none(),
        required=False,
    )
    anonymous = forms.BooleanField(
        label="Phiếu ẩn danh (không lưu người trả lời)", required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # restricted by UserFormMixin: orgs for surveys.change, what is assessed for
        # programmes.view (the documents and programmes the user sees)
        self.fields["organization"].queryset = Organization.objects.filter(
            is_active=True, org_type__holds_members=False
        ).order_by("path")
        documents = apps.get_model("programmes", "Document").objects.order_by("-issued_on", "-id")
        programmes = apps.get_model("programmes", "Programme").objects.order_by("-starts_on", "-id")
        self.fields["document"].queryset = documents
        self.fields["programme"].queryset = programmes
        scoped(self.fields["document"], "programmes.view")
        scoped(self.fields["programme"], "programmes.view")


class SampleForm(UserFormMixin, forms.Form):
    size = forms.IntegerField(label="Số tổ chức cần chọn", min_value=1, max_value=10000)
    types = forms.ModelMultipleChoiceField(
        label="Loại tổ chức",
        queryset=OrgType.objects.filter(holds_members=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        to_field_name="code",
    )
    min_members = forms.IntegerField(label="Số đảng viên từ", min_value=0, required=False)
    max_members = forms.IntegerField(label="Số đảng viên đến", min_value=0, required=False)
    grades = forms.MultipleChoiceField(
        label="Xếp loại sinh hoạt gần nhất",
        choices=GRADE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    stratify = forms.BooleanField(
        label="Chia đều theo loại tổ chức (tỷ lệ với số lượng mỗi loại)",
        required=False,
        initial=True,
    )
    seed = forms.IntegerField(
        label="Hạt giống (để trống: hệ thống tự sinh và ghi lại)",
        required=False,
        min_value=0,
        max_value=2**62,
    )

    def criteria(self) -> dict:
        data = self.cleaned_data
        return {
            "types": [t.code for t in data["types"]],
            "min_members": data["min_members"],
            "max_members": data["max_members"],
            "grades": list(data["grades"]),
        }


class PickOrgForm(UserFormMixin, forms.Form):
    organization = forms.ModelChoiceField(
        label="Chi bộ/tổ chức", queryset=Organization.objects.none()
    )

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = candidates


class TeamForm(UserFormMixin, forms.Form):
    name = forms.CharField(label="Tên tổ", max_length=120)
    leader_name = forms.CharField(label="Tổ trưởng (họ và tên)", max_length=120)
    leader_position = forms.CharField(label="Chức vụ tổ trưởng", max_length=255, required=False)
    members = forms.CharField(
        label="Thành viên (mỗi dòng: Họ và tên — chức vụ)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def member_list(self) -> list[tuple[str, str]]:
        out = []
        for line in self.cleaned_data["members"].splitlines():
            name, _, position = line.replace("–", "—").partition("—")
            if name.strip():
                out.append((name.strip(), position.strip()))
        return out


class VisitForm(UserFormMixin, forms.Form):
    team = forms.ModelChoiceField(label="Tổ khảo sát", queryset=Organization.objects.none())
    sampled_org = forms.ModelChoiceField(label="Chi bộ", queryset=Organization.objects.none())
    visit_on = date_field("Ngày dự sinh hoạt")
    mode = forms.ChoiceField(label="Hình thức dự", choices=Visit.Mode.choices)
    online_link = forms.URLField(
        label="Đường dẫn họp trực tuyến", required=False, assume_scheme="https"
    )

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = campaign.teams.all()
        self.fields["sampled_org"].queryset = campaign.sample.select_related("organization")


class GroupForm(UserFormMixin, forms.Form):
    code = forms.CharField(
        label="Mã nhóm (ngắn, gõ khi nhập phiếu, ví dụ CU, DV, QC)", max_length=10
    )
    name = forms.CharField(label="Tên nhóm đối tượng", max_length=120)


class VersionForm(UserFormMixin, forms.Form):
    title = forms.CharField(
        label="Tên phiếu (để trống: giữ tên phiên bản trước)", max_length=255, required=False
    )


class QuestionForm(UserFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Loại câu hỏi", choices=QuestionKind.choices)
    text = forms.CharField(label="Câu hỏi", max_length=500)
    options = forms.CharField(
        label="Các phương án (mỗi dòng một phương án; chỉ với câu lựa chọn)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    required = forms.BooleanField(label="Bắt buộc trả lời", required=False)

    def option_list(self) -> list[str]:
        return [line for line in self.cleaned_data["options"].splitlines() if line.strip()]


class PublishForm(UserFormMixin, forms.Form):
    permission = "surveys.change"  # also rendered on the version page (not a form view)
    groups = forms.ModelMultipleChoiceField(
        label="Dành cho các nhóm đối tượng",
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, version=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groups"].queryset = version.campaign.groups.all()
        self.fields["groups"].initial = list(version.campaign.groups.all())


class CodesForm(UserFormMixin, forms.Form):
    group = forms.ModelChoiceField(label="Nhóm đối tượng", queryset=Organization.objects.none())
    sampled_org = forms.ModelChoiceField(
        label="Tại chi bộ (để trống nếu không gắn)",
        queryset=Organization.objects.none(),
        required=False,
    )
    count = forms.IntegerField(label="Số mã", min_value=1, max_value=2000, initial=20)

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = campaign.groups.all()
        self.fields["sampled_org"].queryset = campaign.sample.select_related("organization")


class FindingForm(UserFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Loại", choices=FindingKind.choices)
    text = forms.CharField(label="Nội dung", widget=forms.Textarea(attrs={"rows": 3}))


class TaskForm(UserFormMixin, forms.Form):
    assignee_org = forms.ModelChoiceField(
        label="Giao cho tổ chức", queryset=Organization.objects.none()
    )
    due_on = date_field("Thời hạn")

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee_org"].queryset = Organization.objects.filter(
            path__startswith=campaign.organization.path,
            is_active=True,
            depth__lte=campaign.organization.depth + 1,
        ).order_by("path")


class CodeForm(CleanTextMixin, forms.Form):
    code = forms.CharField(label="Mã trả lời phiếu", max_length=20)


class PaperRowForm(UserFormMixin, forms.Form):
    """One paper questionnaire typed in a row of the entry grid, under the grid's names:
    `r<n>-group`, `r<n>-org`, `r<n>-q<question id>`. The org is one of the campaign's sample;
    the cells stay text: `services.enter_paper` reads them against their questions and names
    the row of a bad one."""

    group = forms.CharField(label="Nhóm", max_length=20, required=False)
    org = forms.ModelChoiceField(label="Chi bộ", queryset=SampledOrg.objects.none(), required=False)

    def __init__(self, *args, sample, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.fields["org"].queryset = sample
        for question in questions:
            self.fields[f"q{question.pk}"] = forms.CharField(
                label=f"Câu {question.position}", required=False
            )

    def paper_row(self) -> PaperRow:
        """The row for `services.enter_paper` (valid form), or the values as posted."""
        if self.is_valid():
            data = self.cleaned_data
            org = data["org"].pk if data["org"] else None
        else:  # shown again as posted
            data = {name: self[name].value() or "" for name in self.fields}
            org = _posted_id(data["org"])
        cells = [data[f"q{q.pk}"] for q in self.questions]
        return PaperRow(group_code=data["group"], sampled_org_id=org, cells=cells)


def _posted_id(raw) -> int | None:
    try:
        return parse_id(str(raw))
    except ValueError:
        return None


class BasePaperRowFormSet(forms.BaseFormSet):
    """The rows of the paper entry grid: as many as the grid shows (its `rows` field), not a
    posted management form."""

    def __init__(self, *args, rows, form_kwargs, **kwargs):
        self.rows = rows
        super().__init__(*args, form_kwargs=form_kwargs, **kwargs)

    def total_form_count(self):
        return self.rows

    def initial_form_count(self):
        return self.rows

    def add_prefix(self, index):
        return f"r{index}"

    @cached_property
    def management_form(self):
        form = ManagementForm(
            {f"{self.prefix}-TOTAL_FORMS": self.rows, f"{self.prefix}-INITIAL_FORMS": self.rows},
            prefix=self.prefix,
        )
        form.full_clean()
        return form

    def paper_rows(self) -> list[PaperRow]:
        return [form.paper_row() for form in self.forms]

    def first_error(self) -> DomainError | None:
        """The first row refused, its fields named (Dòng 3: Chi bộ: …)."""
        for number, form in enumerate(self.forms, start=1):
            if form.errors:
                return DomainError(errors_text(form), "rows", row=number)
        return None


PaperRowFormSet = forms.formset_factory(
    PaperRowForm, formset=BasePaperRowFormSet, extra=0, absolute_max=100_000
)
