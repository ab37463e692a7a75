"""Forms of the training screens: a class, enrolling a member or a person, a class's results.
Choices are limited to what the user reaches; the services check the rules."""

from django import forms

from dangbo.core.forms import scoped
from dangbo.members.models import Member
from dangbo.organizations.forms import DateInput, UserFormMixin, date_field
from dangbo.organizations.models import Organization
from dangbo.training.models import Enrolment, TrainingClass


class ClassForm(UserFormMixin, forms.ModelForm):
    starts_on = forms.DateField(
        label="Ngày khai giảng", widget=DateInput(), input_formats=["%d/%m/%Y"]
    )
    ends_on = forms.DateField(label="Ngày bế giảng", widget=DateInput(), input_formats=["%d/%m/%Y"])

    class Meta:
        model = TrainingClass
        fields = ["organization", "kind", "name", "starts_on", "ends_on", "location"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # restricted to where the user holds training.change (UserFormMixin)
        self.fields["organization"].queryset = Organization.objects.filter(
            is_active=True, org_type__holds_members=False
        )


class EnrolMemberForm(UserFormMixin, forms.Form):
    """A member found by name on the class page (any member the user may see)."""

    member = scoped(
        forms.ModelChoiceField(label="Đảng viên", queryset=Member.objects.all()), "members.view"
    )


class EnrolPersonForm(UserFormMixin, forms.Form):
    """A learner who is not (yet) a member, named with the personal ID number."""

    full_name = forms.CharField(label="Họ và tên", max_length=120, required=False)
    id_number = forms.CharField(label="Số định danh", max_length=12, required=False)
    birth_date = date_field("Ngày sinh", required=False)


RESULT_OR_BLANK = [("", "—"), *Enrolment.Result.choices]


class ResultsForm(UserFormMixin, forms.Form):
    """The results of a whole class: `result_<id>` and `score_<id>` per enrolment (the page's
    names), and the date the certificates are issued (today when blank)."""

    issued_on = date_field("Ngày cấp giấy chứng nhận", required=False)

    def __init__(self, *args, enrolments, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolments = list(enrolments)
        for enrolment in self.enrolments:
            self.fields[f"result_{enrolment.pk}"] = forms.ChoiceField(
                label=f"Kết quả {enrolment.full_name}", choices=RESULT_OR_BLANK, required=False
            )
            self.fields[f"score_{enrolment.pk}"] = forms.DecimalField(
                label=f"Điểm {enrolment.full_name}",
                decimal_places=2,  # the range is the rule's (training.rules.result_problem)
                required=False,
                localize=True,  # 9,5 as typed in Vietnamese, 9.5 too
            )

    def results(self) -> dict[int, tuple[str, object]]:
        """{enrolment id: (result, score)} of the learners given a result (valid form)."""
        data = self.cleaned_data
        return {
            e.pk: (data[f"result_{e.pk}"], data[f"score_{e.pk}"])
            for e in self.enrolments
            if data[f"result_{e.pk}"]
        }
