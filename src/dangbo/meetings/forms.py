"""Forms for meetings. They only shape input; the services check the rules."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone

from dangbo.meetings import services
from dangbo.meetings.models import AttendanceStatus, AttendMode, Kind
from dangbo.organizations.forms import DateInput, UserFormMixin

DATETIME_FORMATS = ["%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"]


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class PlanForm(UserFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Loại sinh hoạt", choices=Kind.choices)
    planned_on = forms.DateField(label="Ngày sinh hoạt", widget=DateInput())
    topic = forms.CharField(label="Chủ đề (sinh hoạt chuyên đề)", max_length=255, required=False)
    agenda = forms.CharField(
        label="Chương trình, nội dung", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class PrepareForm(UserFormMixin, forms.Form):
    planned_on = forms.DateField(label="Ngày sinh hoạt", widget=DateInput())
    topic = forms.CharField(label="Chủ đề", max_length=255, required=False)
    agenda = forms.CharField(
        label="Chương trình, nội dung", widget=forms.Textarea(attrs={"rows": 5})
    )
    location = forms.CharField(label="Địa điểm", max_length=255, required=False)
    online_link = forms.URLField(
        label="Đường dẫn họp trực tuyến", max_length=500, required=False, assume_scheme="https"
    )


class DocumentForm(UserFormMixin, forms.Form):
    title = forms.CharField(label="Tên tài liệu", max_length=255)
    file = forms.FileField(
        label="Tệp đính kèm",
        required=False,
        help_text="PDF, DOCX, XLSX, ODT, PNG, JPEG (nhận biết theo nội dung tệp).",
    )
    url = forms.URLField(
        label="Hoặc đường dẫn", max_length=500, required=False, assume_scheme="https"
    )
    published_at = forms.DateTimeField(
        label="Công bố cho đảng viên lúc (dd/mm/yyyy hh:mm)",
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(format="%d/%m/%Y %H:%M"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["published_at"].initial = timezone.localtime().replace(second=0, microsecond=0)


class SuperiorForm(UserFormMixin, forms.Form):
    full_name = forms.CharField(label="Họ và tên đồng chí cấp trên", max_length=120)
    position = forms.CharField(label="Chức vụ", max_length=255, required=False)
    mode = forms.ChoiceField(label="Hình thức dự", choices=AttendMode.choices)
    online_link = forms.URLField(
        label="Đường dẫn trực tuyến", max_length=500, required=False, assume_scheme="https"
    )
    username = forms.CharField(
        label="Tài khoản (để đồng chí cấp trên chấm điểm)", max_length=150, required=False
    )

    def clean_username(self):
        from django.contrib.auth import get_user_model

        name = self.cleaned_data["username"].strip()
        if not name:
            return None
        account = get_user_model().objects.filter(username=name, is_active=True).first()
        if account is None:
            raise forms.ValidationError(f"Không có tài khoản «{name}».")
        return account


class AssignmentForm(SuperiorForm):
    valid_from = forms.DateField(label="Phân công từ ngày", widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["valid_from"].initial = timezone.localdate()


class EndAssignmentForm(UserFormMixin, forms.Form):
    on = forms.DateField(label="Kết thúc phân công từ ngày", widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class CancelForm(UserFormMixin, forms.Form):
    reason = forms.CharField(label="Lý do hủy", max_length=255)


class RecordForm(UserFormMixin, forms.Form):
    """The whole cell on one form: time, chair, secretary, each member's attendance."""

    held_on = forms.DateField(label="Ngày họp", widget=DateInput())
    start = forms.TimeField(label="Bắt đầu", widget=TimeInput())
    end = forms.TimeField(label="Kết thúc", widget=TimeInput())
    chair = forms.TypedChoiceField(label="Chủ trì", coerce=int)
    secretary = forms.TypedChoiceField(label="Thư ký", coerce=int)
    guests = forms.CharField(
        label="Khách mời", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    minutes = forms.CharField(
        label="Biên bản", required=False, widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, *args, meeting=None, members=(), attendance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.members = list(members)
        attendance = attendance or {}
        choices = [("", "— chọn —")] + [(m.pk, m.full_name) for m in self.members]
        self.fields["chair"].choices = choices
        self.fields["secretary"].choices = choices
        self.fields["held_on"].initial = meeting.planned_on
        if meeting.started_at:
            self.fields["start"].initial = timezone.localtime(meeting.started_at).time()
            self.fields["end"].initial = timezone.localtime(meeting.ended_at).time()
        self.fields["chair"].initial = meeting.chair_id
        self.fields["secretary"].initial = meeting.secretary_id
        self.fields["guests"].initial = meeting.guests
        self.fields["minutes"].initial = meeting.minutes
        self.rows = []
        for member in self.members:
            old = attendance.get(member.pk)
            status = forms.ChoiceField(
                label=member.full_name,
                choices=AttendanceStatus.choices,
                initial=old.status if old else AttendanceStatus.PRESENT,
            )
            reason = forms.CharField(
                label=f"Lý do vắng — {member.full_name}",
                max_length=255,
                required=False,
                initial=old.reason if old else "",
                widget=forms.TextInput(attrs={"aria-label": f"Lý do vắng — {member.full_name}"}),
            )
            self.fields[f"status_{member.pk}"] = status
            self.fields[f"reason_{member.pk}"] = reason
            self.rows.append((member, f"status_{member.pk}", f"reason_{member.pk}"))
        self.superior_rows = []
        for superior in meeting.superiors.all():
            name = f"superior_{superior.pk}"
            self.fields[name] = forms.BooleanField(
                label=f"{superior.full_name} ({superior.get_mode_display().lower()}) đã dự",
                required=False,
                initial=bool(superior.attended),
            )
            self.superior_rows.append(name)

    def member_rows(self):
        return [(member, self[status], self[reason]) for member, status, reason in self.rows]

    def superior_fields(self):
        return [self[name] for name in self.superior_rows]

    def entries(self):
        data = self.cleaned_data
        return [
            services.AttendanceEntry(m.pk, data[status], data.get(reason) or "")
            for m, status, reason in self.rows
        ]

    def superiors_attended(self):
        return {
            int(name.removeprefix("superior_")): self.cleaned_data.get(name, False)
            for name in self.superior_rows
        }


class ResolutionForm(UserFormMixin, forms.Form):
    content = forms.CharField(label="Nội dung nghị quyết", widget=forms.Textarea(attrs={"rows": 3}))
    task_description = forms.CharField(label="Nhiệm vụ giao", max_length=500, required=False)
    task_owner = forms.TypedChoiceField(
        label="Người thực hiện", coerce=int, required=False, empty_value=None
    )
    task_due_on = forms.DateField(label="Hạn hoàn thành", required=False, widget=DateInput())

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task_owner"].choices = [("", "— chọn —")] + [
            (m.pk, m.full_name) for m in members
        ]

    def tasks(self):
        data = self.cleaned_data
        if not (data.get("task_description") or data.get("task_owner") or data.get("task_due_on")):
            return []
        return [
            services.TaskInput(
                data.get("task_description") or "", data.get("task_owner"), data.get("task_due_on")
            )
        ]


class TaskDoneForm(UserFormMixin, forms.Form):
    done_on = forms.DateField(label="Ngày hoàn thành", widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["done_on"].initial = timezone.localdate()


class ScoreForm(UserFormMixin, forms.Form):
    """One points field per criterion of the set the meeting is scored under."""

    def __init__(self, *args, criteria=(), scores=None, **kwargs):
        super().__init__(*args, **kwargs)
        scores = scores or {}
        self.criteria = list(criteria)
        for criterion in self.criteria:
            old = scores.get(criterion.pk)
            self.fields[f"points_{criterion.pk}"] = forms.DecimalField(
                label=f"{criterion.position}. {criterion.name} (tối đa {criterion.max_points:g})",
                min_value=0,
                max_digits=5,
                decimal_places=1,
                help_text=criterion.guidance,
                initial=old.points if old else None,
                localize=True,
            )
            self.fields[f"note_{criterion.pk}"] = forms.CharField(
                label="Nhận xét", max_length=255, required=False, initial=old.note if old else ""
            )

    def scores(self):
        data = self.cleaned_data
        return [
            services.ScoreInput(c.pk, data.get(f"points_{c.pk}"), data.get(f"note_{c.pk}") or "")
            for c in self.criteria
        ]


class CriteriaSetForm(UserFormMixin, forms.Form):
    organization = forms.ModelChoiceField(label="Cấp ủy ban hành", queryset=None)
    name = forms.CharField(label="Tên bộ tiêu chí", max_length=255)
    valid_from = forms.DateField(label="Hiệu lực từ", widget=DateInput())
    source = forms.CharField(label="Căn cứ (văn bản)", max_length=255, required=False)
    criteria = forms.CharField(
        label="Các tiêu chí (mỗi dòng: tên tiêu chí | điểm tối đa | hướng dẫn chấm)",
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations

    def clean_criteria(self):
        rows = []
        for number, line in enumerate(self.cleaned_data["criteria"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) < 2:
                raise forms.ValidationError(
                    f"Dòng {number}: cần dạng «tên tiêu chí | điểm tối đa | hướng dẫn»."
                )
            try:
                maximum = Decimal(parts[1].replace(",", "."))
            except InvalidOperation as exc:
                raise forms.ValidationError(f"Dòng {number}: điểm tối đa phải là số.") from exc
            rows.append(services.CriterionInput(parts[0], maximum, " | ".join(parts[2:])))
        return rows
