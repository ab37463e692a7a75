"""Import screens: jobs, upload, column mapping, preview with progress (HTMX), commit,
rollback; template and export downloads. Jobs outside the user's subtree answer 404."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView, ListView

from dangbo.core.errors import DomainError
from dangbo.core.exports import XLSX, file_response
from dangbo.core.params import get_id
from dangbo.core.permissions import has_permission
from dangbo.core.views import RestrictedViewMixin, ServiceFormView
from dangbo.imports import abandoned, forms, services
from dangbo.imports.models import ImportJob, Kind
from dangbo.organizations.models import Organization


class JobQuerysetMixin:
    model = ImportJob

    def get_base_queryset(self):
        return ImportJob.objects.select_related(
            "organization", "created_by", "committed_by", "rolled_back_by"
        )


class JobListView(JobQuerysetMixin, RestrictedViewMixin, ListView):
    template_name = "imports/index.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        services.reap_stale_jobs()
        abandoned.request_expiry()
        context = super().get_context_data(**kwargs)
        roots = list(services.import_roots(self.request.user).with_labels())
        context.update(
            title="Nhập, xuất dữ liệu từ Excel",
            roots=roots,
            kinds=Kind.choices,
            can_import=has_permission(self.request.user, "imports.change"),
            first_run=self.request.user.is_superuser and not Organization.objects.exists(),
            discardable=set(
                abandoned.discardable()
                .filter(pk__in=[job.pk for job in context["object_list"]])
                .values_list("pk", flat=True)
            ),
        )
        return context


class UploadView(ServiceFormView):
    model = ImportJob
    form_class = forms.UploadForm
    title = "Tải tệp Excel lên"
    template_name = "imports/upload.html"
    success_message = "Đã tải tệp lên; hãy kiểm tra cách ghép cột."

    def get_initial(self):
        return {"kind": self.request.GET.get("kind", Kind.MEMBERS)}

    def perform(self, form):
        job = services.start_import(
            user=self.request.user,
            root=form.cleaned_data["organization"],
            kind=form.cleaned_data["kind"],
            uploaded=form.cleaned_data["file"],
        )
        return reverse("imports:mapping", args=[job.pk])


class MappingView(JobQuerysetMixin, ServiceFormView):
    form_class = forms.MappingForm
    title = "Ghép cột của tệp với thông tin cần nhập"
    template_name = "imports/mapping.html"
    success_message = "Đang kiểm tra tệp (chạy thử, chưa ghi gì)."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "job": self.object}

    def perform(self, form):
        job = services.set_mapping(self.object, form.mapping(), user=self.request.user)
        return reverse("imports:detail", args=[job.pk])


class JobDetailView(JobQuerysetMixin, RestrictedViewMixin, DetailView):
    template_name = "imports/detail.html"

    def get_object(self, queryset=None):
        services.reap_stale_jobs()
        return super().get_object(queryset)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.object
        can_change = has_permission(self.request.user, "imports.change", job.organization.path)
        context.update(
            title=str(job),
            report=services.report_for(job, self.request.user),
            can_download=bool(job.file) and services.may_download_file(job, self.request.user),
            can_change=can_change,
            can_discard=can_change and abandoned.may_discard(job),
            commit_form=forms.CommitForm(initial={"skip_errors": job.skip_errors}),
            written=job.rows.count() if job.state == ImportJob.State.COMMITTED else 0,
        )
        return context


class JobProgressView(JobQuerysetMixin, RestrictedViewMixin, DetailView):
    """HTMX fragment polled while a step runs; when it ends the page reloads itself."""

    template_name = "imports/_progress.html"

    def get_object(self, queryset=None):
        services.reap_stale_jobs()
        return super().get_object(queryset)

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if not self.object.is_running:
            response["HX-Refresh"] = "true"
        return response


class JobActionView(JobQuerysetMixin, RestrictedViewMixin, View):
    """A POST on a job (commit, rollback, retry): one service call; refusals become messages."""

    permission_action = "change"
    success_message = ""

    def post(self, request, pk):
        job = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            self.perform(job)
        except DomainError as error:
            messages.error(request, error.full_message)
        else:
            messages.success(request, self.success_message)
        return redirect("imports:detail", pk=job.pk)


class CommitView(JobActionView):
    success_message = "Đã bắt đầu ghi dữ liệu."

    def perform(self, job):
        form = forms.CommitForm(self.request.POST)
        form.is_valid()
        services.request_commit(
            job, user=self.request.user, skip_errors=form.cleaned_data.get("skip_errors", False)
        )


class RollbackView(JobActionView):
    success_message = "Đã bắt đầu hoàn tác lần nhập."

    def perform(self, job):
        services.request_rollback(job, user=self.request.user)


class DiscardView(JobActionView):
    success_message = "Đã hủy lần nhập (chưa ghi gì); tệp tải lên đã được xóa."

    def perform(self, job):
        abandoned.discard(job, user=self.request.user)

    def post(self, request, pk):
        response = super().post(request, pk)
        return redirect("imports:index") if request.POST.get("back") == "list" else response


class RetryView(JobActionView):
    success_message = "Đã chạy lại bước bị lỗi."

    def perform(self, job):
        services.retry(job, user=self.request.user)


class JobFileView(JobQuerysetMixin, RestrictedViewMixin, View):
    """The uploaded file of a job, for users who see ID numbers in full on the job's org.

    An upload holds whatever its author put in it — full ID numbers in any column, mapped or
    not — so masking a copy could miss some. Users without `members.view_identity` on the job's
    org get 404 (the job page says why; its report shows the numbers masked). The others get
    the data sheet the import read, re-written as XLSX through core.exports (values only; text
    that looks like a formula stays text), since the original may come from anywhere and is
    opened on the officer's computer. The original stays untouched in storage. Every download
    is logged."""

    def get(self, request, pk):
        job = get_object_or_404(self.get_queryset().select_related("organization"), pk=pk)
        try:
            content, rows = services.kept_file_copy(job, request.user)
        except DomainError as exc:
            raise Http404 from exc
        stem = job.file_name.rsplit(".", 1)[0]
        return file_response(
            request,
            content,
            content_type=XLSX,
            filename=f"{stem}-ban-luu.xlsx",
            what=ImportJob,
            rows=rows,
            job=job.pk,
            organization=job.organization_id,
        )


def _root(request) -> Organization:
    roots = services.import_roots(request.user)
    org_id = get_id(request, "org")
    if org_id is not None:
        org = Organization.objects.restrict(request.user).filter(pk=org_id).first()
        if org is None:
            raise Http404
        return org
    root = roots.first()
    if root is None:
        raise Http404
    return root


class DownloadMixin(LoginRequiredMixin):
    def kind(self) -> str:
        kind = self.kwargs["kind"]
        if kind not in Kind.values:
            raise Http404
        return kind

    def attachment(self, content: bytes, name: str, root: Organization, **details):
        return file_response(
            self.request,
            content,
            content_type=XLSX,
            filename=name,
            what=Kind(self.kind()).label,
            rows=details.pop("rows", 0),
            organization=root.pk,
            **details,
        )


class TemplateView(DownloadMixin, View):
    """The import template: Vietnamese headers, lists for choice columns, an example row."""

    def get(self, request, kind):
        kind = self.kind()
        root = _root(request)
        try:
            content = services.template_bytes(kind, user=request.user, root=root)
        except DomainError as exc:
            raise Http404 from exc
        return self.attachment(content, f"mau_nhap_{kind}.xlsx", root, template=True)


class ExportView(DownloadMixin, View):
    """Export in the template's shape (edit it and import it back: only changes are written)."""

    def get(self, request, kind):
        kind = self.kind()
        root = _root(request)
        try:
            content, export = services.export_bytes(kind, user=request.user, root=root)
        except DomainError as exc:
            raise Http404 from exc
        stamp = timezone.localdate().strftime("%Y%m%d")
        return self.attachment(
            content,
            f"xuat_{kind}_{root.pk}_{stamp}.xlsx",
            root,
            rows=export.row_count,
            data_export=export.pk,
        )
