from django import forms

from dangbo.imports import services
from dangbo.imports.models import Kind
from dangbo.imports.rules import SHAPES
from dangbo.organizations.forms import UserFormMixin
from dangbo.organizations.models import Organization

SKIP = ""


class UploadForm(UserFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Loại dữ liệu", choices=Kind.choices)
    organization = forms.ModelChoiceField(
        label="Phạm vi (tổ chức)", queryset=Organization.objects.none()
    )
    file = forms.FileField(label="Tệp Excel (.xlsx) hoặc .csv")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = services.import_roots(self.user)


class MappingForm(UserFormMixin, forms.Form):
    """One choice per column of the file: which field it fills (or skip it)."""

    def __init__(self, *args, job, **kwargs):
        super().__init__(*args, **kwargs)
        shape = SHAPES[job.kind]
        choices = [(SKIP, "— bỏ qua cột này —")] + [(c.field, c.label) for c in shape.columns]
        mapping = services.job_mapping(job)
        self.job = job
        for index, header in enumerate(job.headers):
            label = f"Cột {index + 1}: «{header}»" if header else f"Cột {index + 1}"
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=label, choices=choices, required=False, initial=mapping.get(index, SKIP)
            )

    def mapping(self) -> dict[int, str]:
        return {
            int(name[4:]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("col_") and value
        }


class CommitForm(UserFormMixin, forms.Form):
    skip_errors = forms.BooleanField(
        label="Ghi các dòng hợp lệ, bỏ qua các dòng lỗi", required=False
    )
