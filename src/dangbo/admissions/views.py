"""Admission screens: file list with deadlines, file detail with timeline, step forms, targets."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from dangbo.admissions import exports, forms, papers, rules, services
from dangbo.admissions.filters import AdmissionFileFilter
from dangbo.admissions.models import AdmissionFile, AdmissionStep, AdmissionTarget
from dangbo.admissions.rules import Stage
from dangbo.admissions.tables import AdmissionFileTable
from dangbo.core.audit import log_listing
from dangbo.core.exports import XLSX, file_response
from dangbo.core.params import get_id, get_year
from dangbo.core.pdf import issued_response
from dangbo.core.permissions import can, top_orgs
from dangbo.core.views import ObjectDetailView, ObjectListView, ServiceFormView
from dangbo.members.models import Member
from dangbo.organizations.documents import issuing_org_for_admission
from dangbo.organizations.models import Organization

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class FileListView(ObjectListView):
    model = AdmissionFile
    filterset_class = AdmissionFileFilter
    table_class = AdmissionFileTable
    template_name = "admissions/list.html"
    title = "Hồ sơ kết nạp đảng viên"

    def get_base_queryset(self):
        return AdmissionFile.objects.select_related("organization")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        open_files = self.get_queryset().exclude(stage__in=Stage.FINAL)
        context["overdue_count"] = open_files.filter(next_deadline__lt=today).count()
        context["can_add"] = self.can(rules.CELL_STEPS)  # a cell names its candidates
        return context

    def render_to_response(self, context, **kwargs):
        if self.request.GET.get("export") == "xlsx":
            files = list(self.object_list.select_related("organization")[:50000])
            return file_response(
                self.request,
                exports.files_xlsx(files),
                content_type=XLSX,
                filename="ho-so-ket-nap.xlsx",
                what=AdmissionFile,
                rows=len(files),
                filters=self.request.GET.urlencode(),
            )
        return super().render_to_response(context, **kwargs)


class FileDetailView(ObjectDetailView):
    model = AdmissionFile
    template_name = "admissions/detail.html"

    def get_base_queryset(self):
        return AdmissionFile.objects.select_related("organization__org_type", "member")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        file = self.object
        can_change = self.can("change", file)
        next_stages = rules.next_stages(file.stage, file.organization.org_type.is_grassroots)
        held = {code: self.can(code, file) for code in (rules.CELL_STEPS, "admissions.change")}
        last = services.last_step(file)
        withdrawable = (
            last is not None
            and not rules.withdrawal_problem(last.stage, is_first=services.is_first_step(last))
            and self.can(rules.step_permission(last.stage), file)
        )
        context.update(
            title=file.full_name,
            steps=file.steps.select_related("recorded_by", "withdrawn_by"),
            withdrawable=last if withdrawable else None,
            # Each next step the user may record: a cell secretary those up to the cell's vote.
            actions=[(s, Stage.LABELS[s]) for s in next_stages if held[rules.step_permission(s)]],
            can_change=can_change,
            can_extend=can_change and file.stage == Stage.RECEIVED and not file.extended,
            overdue=file.is_open
            and file.next_deadline is not None
            and file.next_deadline < timezone.localdate(),
        )
        return context


class FileDocxView(FileDetailView):
    """The file with all its steps as a Word document (for printing and signing)."""

    def render_to_response(self, context, **kwargs):
        return file_response(
            self.request,
            exports.file_docx(self.object, context["steps"]),
            content_type=DOCX,
            filename=f"ho-so-ket-nap-{self.object.pk}.docx",
            what=AdmissionFile,
            rows=1,
            file=self.object.pk,
        )


class StepDocxView(FileDetailView):
    """One step's paper (minutes, resolution, decision) as a Word document."""

    def render_to_response(self, context, **kwargs):
        step = get_object_or_404(self.object.steps.all(), pk=self.kwargs["step"])
        return file_response(
            self.request,
            exports.step_docx(self.object, step),
            content_type=DOCX,
            filename=f"ho-so-ket-nap-{self.object.pk}-{step.stage}-{step.pk}.docx",
            what=AdmissionFile,
            rows=1,
            file=self.object.pk,
            step=step.pk,
            stage=step.stage,
        )


class FileCreateView(ServiceFormView):
    model = AdmissionFile
    permission_action = rules.CELL_STEPS  # naming a candidate is the cell's first step
    form_class = forms.OpenFileForm
    title = "Ghi nhận quần chúng ưu tú (mở hồ sơ kết nạp)"
    success_message = "Đã mở hồ sơ kết nạp."

    def perform(self, form):
        data = dict(form.cleaned_data)
        file = services.open_file(user=self.request.user, **data)
        return file.get_absolute_url()


class StepView(ServiceFormView):
    model = AdmissionFile
    success_message = "Đã ghi nhận bước của hồ sơ."

    def get_base_queryset(self):
        return AdmissionFile.objects.select_related("organization__org_type")

    def dispatch(self, request, *args, **kwargs):
        if kwargs["stage"] not in forms.STEP_FORMS:
            raise Http404
        # The file is looked up under the stage's permission: a cell secretary reaches the
        # cell's steps (up to its vote), a 404 beyond them.
        self.permission_action = rules.step_permission(kwargs["stage"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        return forms.STEP_FORMS[self.kwargs["stage"]]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "file": self.object}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = Stage.LABELS[self.kwargs["stage"]]
        return context

    def perform(self, form):
        file = services.record_step(
            self.object, self.kwargs["stage"], user=self.request.user, **form.service_data()
        )
        return file.get_absolute_url()


class WithdrawStepView(ServiceFormView):
    """Take back the file's last step, recorded by mistake (kept in the timeline, marked)."""

    model = AdmissionFile
    form_class = forms.WithdrawStepForm
    success_message = "Đã hủy bước ghi nhầm; hồ sơ trở về bước trước."

    def dispatch(self, request, *args, **kwargs):
        # Whoever may record the last step may take it back (a cell secretary the cell's).
        stage = (
            AdmissionStep.objects.filter(file_id=kwargs["pk"], withdrawn_at=None)
            .order_by("-id")
            .values_list("stage", flat=True)
            .first()
        )
        self.permission_action = rules.step_permission(stage or "")
        self.step_label = Stage.LABELS.get(stage, "")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = f"Hủy bước ghi nhầm: {self.step_label}"
        return context

    def perform(self, form):
        file = services.withdraw_last_step(self.object, user=self.request.user, **form.cleaned_data)
        return file.get_absolute_url()


class ExtendView(ServiceFormView):
    model = AdmissionFile
    form_class = forms.ExtendForm
    title = "Gia hạn thời gian xét kết nạp (15 ngày làm việc)"
    success_message = "Đã gia hạn."

    def perform(self, form):
        file = services.extend_decision(self.object, user=self.request.user, **form.cleaned_data)
        return file.get_absolute_url()


def _targets_org(request, *permissions: str) -> Organization:
    """The org of a targets page: `?org=` among those the user sees with every permission,
    else the user's top org for admissions.view."""
    visible = Organization.objects.restrict(request.user, "view")
    for permission in permissions:
        visible = visible.restrict(request.user, permission)
    org_id = get_id(request, "org")
    if org_id is not None:
        return get_object_or_404(visible, pk=org_id)
    org = visible.filter(pk__in=top_orgs(request.user, "admissions.view").values("pk")).first()
    if org is None:
        raise Http404
    return org


class TargetsView(LoginRequiredMixin, View):
    """Admitted vs target for an org and its children in a year, with drill-down."""

    def get(self, request):
        user = request.user
        org = _targets_org(request, "admissions.view")
        year = get_year(request, default=timezone.localdate().year)
        today = timezone.localdate()
        rows = services.target_report(org, year, today)
        if request.GET.get("export") == "xlsx":
            return file_response(
                request,
                exports.targets_xlsx(org, year, services.report_date(year, today), rows),
                content_type=XLSX,
                filename=f"ket-nap-so-voi-chi-tieu-{year}.xlsx",
                what=AdmissionTarget,
                rows=len(rows),
                org=org.pk,
                year=year,
            )
        return render(
            request,
            "admissions/targets.html",
            {
                "title": "Kết nạp so với chỉ tiêu",
                "org": org,
                "year": year,
                "rows": rows,
                "total": rows[0],
                "as_of": services.report_date(year, today),
                "has_terms": any(r.get("term") for r in rows),
                "can_change": can(user, "admissions.change", org),
                # the admitted drill down to the report's rows: members' names
                "can_drill": can(user, "reports.view", org) and can(user, "members.view", org),
            },
        )


class TermAdmittedView(LoginRequiredMixin, View):
    """The members behind «admitted in the term» of the targets page: their names, hence
    members.view on the org besides admissions.view; each page shown is logged."""

    def get(self, request):
        org = _targets_org(request, "admissions.view", "members.view")
        year = get_year(request, default=timezone.localdate().year)
        term, rows = services.term_admitted_rows(org, year, timezone.localdate())
        page = Paginator(rows, 50).get_page(request.GET.get("page"))
        log_listing(request, Member, len(page.object_list), org=org.pk, year=year, term=True)
        return render(
            request,
            "admissions/term_admitted.html",
            {
                "title": f"Đảng viên kết nạp trong nhiệm kỳ — {org.name}",
                "org": org,
                "year": year,
                "term": term,
                "page": page,
            },
        )


class TargetSetView(ServiceFormView):
    model = Organization
    permission_action = "admissions.change"  # targets are admissions data, not the org's
    form_class = forms.TargetForm
    title = "Giao chỉ tiêu kết nạp"
    success_message = "Đã lưu chỉ tiêu."

    def get_initial(self):
        return {"organization": get_id(self.request, "org")}

    def perform(self, form):
        data = form.cleaned_data
        org = data["organization"]
        services.set_target(
            organization=org,
            year=data["year"],
            target=data["target"],
            note=data["note"],
            user=self.request.user,
        )
        return reverse("admissions:targets") + f"?org={org.pk}&year={data['year']}"


class DecisionView(LoginRequiredMixin, View):
    """POST: the admission decision of an admitted file, numbered in the issuing committee's
    register of outgoing documents and kept there (asked again: the kept one)."""

    def post(self, request, pk):
        files = AdmissionFile.objects.restrict(request.user, "admissions.change")
        file = get_object_or_404(files.select_related("organization__org_type", "member"), pk=pk)
        issuer = issuing_org_for_admission(file.organization)
        detail = reverse("admissions:detail", args=[file.pk])
        if not can(request.user, "admissions.change", issuer):
            messages.error(request, f"Quyết định kết nạp do {issuer.name} ban hành.")
            return redirect(detail)
        return issued_response(
            request,
            lambda: papers.PAPERS.get(request.POST.get("paper", ""), papers.admission_decision)(
                file, request.user
            ),
            back=detail,
            what=AdmissionFile,
            file=file.pk,
        )


class TermTargetSetView(ServiceFormView):
    """The congress's admission target for a term (same permission as the year's)."""

    model = Organization
    permission_action = "admissions.change"
    form_class = forms.TermTargetForm
    title = "Giao chỉ tiêu kết nạp nhiệm kỳ (chỉ tiêu Đại hội)"
    success_message = "Đã lưu chỉ tiêu nhiệm kỳ."

    def get_initial(self):
        return {"organization": get_id(self.request, "org")}

    def perform(self, form):
        data = form.cleaned_data
        org = data["organization"]
        row = services.set_term_target(
            organization=org,
            term=data["term"],
            target=data["target"],
            note=data["note"],
            user=self.request.user,
        )
        year = min(row.term.ends_on.year, timezone.localdate().year)
        return reverse("admissions:targets") + f"?org={org.pk}&year={year}"
