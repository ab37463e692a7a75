"""The report catalogue: member statistics for any subtree and date, drill-down and exports."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db import router
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from dangbo.core.audit import log_listing
from dangbo.core.db import reporting
from dangbo.core.errors import DomainError
from dangbo.core.exports import IdentityMask, csv_response, file_response, stored_file_response
from dangbo.core.params import get_date, get_id, get_year
from dangbo.core.permissions import can, has_permission
from dangbo.members.models import Member
from dangbo.organizations.models import Organization
from dangbo.reports import catalogue, charts, dashboard, exports, queries, services, summaries
from dangbo.reports.models import ExportJob, ReportSnapshot
from dangbo.reports.report import build_member_table, member_grid

EXPORT_TYPES = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", exports.to_xlsx),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        exports.to_docx,
    ),
    "csv": ("text/csv; charset=utf-8", exports.to_csv),
}


def visible_reports(user) -> list:
    """Catalogue reports whose module the user holds anywhere (rows are restricted anyway)."""
    return [r for r in catalogue.REPORTS.values() if has_permission(user, r.permission)]


class ReportMixin(LoginRequiredMixin):
    """Resolves the report scope (an org the user may report on) and the date.

    Reports read from the read replica when one is configured and not lagging (core.db)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_permission(request.user, "reports.view"):
            raise Http404
        if request.method not in ("GET", "HEAD"):  # writes (snapshots, exports) read back
            return super().dispatch(request, *args, **kwargs)  # what they wrote: primary
        with reporting():
            return super().dispatch(request, *args, **kwargs)

    def scope(self):
        today = timezone.localdate()
        on = min(get_date(self.request, "on", today), today)
        org_id = get_id(self.request, "org")
        user = self.request.user
        allowed = Organization.objects.restrict(user, "view").restrict(user, "reports.view")
        if org_id is not None:
            root = allowed.filter(pk=org_id).first()
            if root is None:
                raise Http404
        else:
            root = allowed.order_by("depth", "path").first()
            if root is None:
                raise Http404
        return root, on, today


class IndexView(ReportMixin, View):
    def get(self, request):
        root, on, _today = self.scope()
        return render(
            request,
            "reports/index.html",
            {
                "title": "Báo cáo, thống kê",
                "root": root,
                "on": on,
                "breakdowns": queries.BREAKDOWNS.values(),
                "module_reports": visible_reports(request.user),
            },
        )


class MemberReportView(ReportMixin, View):
    def table(self):
        root, on, today = self.scope()
        breakdown = self.request.GET.get("breakdown", "status")
        if breakdown not in queries.BREAKDOWNS:
            raise Http404
        by_child = self.request.GET.get("children", "1") == "1" and root.numchild > 0
        return build_member_table(root, on, breakdown, by_child, today)

    def get(self, request):
        table = self.table()
        ancestors = [
            a
            for a in Organization.objects.get_ancestors(table.root)
            if can(request.user, "reports.view", a)
        ]
        child_ids = dict(
            Organization.objects.filter(
                path__in=[r.child_path for r in table.rows if r.child_path]
            ).values_list("path", "pk")
        )
        for row in table.rows:
            row.org_id = child_ids.get(row.child_path)
        return render(
            request,
            "reports/member_table.html",
            {
                "title": table.title,
                "table": table,
                "ancestors": ancestors,
                "chart": charts.grid_chart(member_grid(table)),
                "query": request.GET.urlencode(),
                "breakdowns": queries.BREAKDOWNS.values(),
            },
        )


class MemberReportExportView(MemberReportView):
    def get(self, request, fmt):
        if fmt not in EXPORT_TYPES:
            raise Http404
        table = self.table()
        content_type, render_export = EXPORT_TYPES[fmt]
        body = render_export(member_grid(table))
        filename = f"bao-cao-{table.breakdown.code}-{table.on:%Y%m%d}.{fmt}"
        return file_response(
            request,
            body,
            content_type=content_type,
            filename=filename,
            what=table.title,
            rows=len(table.rows),
            org=table.root.pk,
            on=table.on.isoformat(),
        )


class MemberRowsView(ReportMixin, View):
    """The rows behind one number of a report (members in the scope on that date)."""

    def get(self, request):
        root, on, today = self.scope()
        if not can(request.user, "members.view", root):
            raise Http404  # the rows are members' names: the members app's data
        root_path = queries.path_on(root, on, today)  # the subtree it had on that day
        scope_path = request.GET.get("path") or root_path
        if not scope_path.startswith(root_path):
            raise Http404
        breakdown = request.GET.get("breakdown", "status")
        qs = queries.members_on(scope_path, on, today)
        if "value" in request.GET and breakdown in queries.BREAKDOWNS:
            qs = queries.filter_value(qs, breakdown, request.GET["value"], on, today)
        qs = qs.select_related("organization").order_by("name_search", "id")
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        shown_id = IdentityMask(request.user)
        for member in page.object_list:
            member.shown_id = shown_id(member.id_number, member.org_path)
        log_listing(
            request,
            Member,
            len(page.object_list),
            org=root.pk,
            on=on.isoformat(),
            page=page.number,
        )
        return render(
            request,
            "reports/member_rows.html",
            {
                "title": "Danh sách đảng viên theo số liệu báo cáo",
                "page": page,
                "root": root,
                "on": on,
                "breakdown": queries.BREAKDOWNS.get(breakdown),
                "value": request.GET.get("value"),
                "query": query,
                "scope_path": scope_path,
            },
        )


class DashboardView(ReportMixin, View):
    def get(self, request):
        root, _on, today = self.scope()
        year = get_year(request, default=today.year)
        return render(
            request,
            "reports/dashboard.html",
            {
                "title": f"Tổng quan — {root.name}",
                "root": root,
                "today": today,
                "year": year,
                "composition": dashboard.composition(root, today),
                "changes": dashboard.changes_in_year(root, year),
                "admitted_rows": has_permission(request.user, "admissions.view")
                and can(request.user, "members.view", root),
                "orgs_by_type": dashboard.orgs_by_type(root),
                "cells_by_size": dashboard.cells_by_size(root),
                "module_reports": visible_reports(request.user),
                "refreshed_at": (summaries.figures(root, summaries.ORGS_BY_TYPE) or (0, ""))[1],
            },
        )


class QualityView(ReportMixin, View):
    def get(self, request):
        root, _on, today = self.scope()
        return render(
            request,
            "reports/quality.html",
            {
                "title": "Chất lượng dữ liệu",
                "root": root,
                "quality": dashboard.quality_problems(root, today),
            },
        )


# ---------------------------------------------------------------- module reports (catalogue)


class ModuleReportMixin(ReportMixin):
    """A catalogue report the user may see: reports.view on the scope and the module's code."""

    def report(self) -> catalogue.ModuleReport:
        report = catalogue.REPORTS.get(self.kwargs["key"])
        if report is None or not has_permission(self.request.user, report.permission):
            raise Http404
        return report

    def table(self, by_child: bool = True) -> catalogue.ModuleTable:
        report = self.report()
        root, _on, today = self.scope()
        year = get_year(self.request, default=today.year)
        by_child = by_child and self.request.GET.get("children", "1") == "1"
        return catalogue.build_table(report, root, year, today, self.request.user, by_child)


class ModuleReportView(ModuleReportMixin, View):
    def get(self, request, key):
        table = self.table()
        grid = catalogue.module_grid(table)
        return render(
            request,
            "reports/module_table.html",
            {
                "title": table.report.title,
                "table": table,
                "chart": charts.grid_chart(grid),
                "query": request.GET.urlencode(),
                "years": range(timezone.localdate().year, timezone.localdate().year - 6, -1),
            },
        )


class ModuleCardView(ModuleReportMixin, View):
    """A dashboard card (HTMX fragment): the report's totals for the root and the year."""

    def get(self, request, key):
        table = self.table(by_child=False)
        return render(request, "reports/_module_card.html", {"table": table})


class ModuleExportView(ModuleReportMixin, View):
    def get(self, request, key, fmt):
        if fmt not in EXPORT_TYPES:
            raise Http404
        table = self.table()
        content_type, render_export = EXPORT_TYPES[fmt]
        return file_response(
            request,
            render_export(catalogue.module_grid(table)),
            content_type=content_type,
            filename=f"bao-cao-{table.report.key}-{table.year}.{fmt}",
            what=table.report.title,
            rows=len(table.rows),
            org=table.root.pk,
            year=table.year,
        )


class ModuleRowsView(ModuleReportMixin, View):
    """The records behind one number of a module report; `?format=csv` downloads them."""

    def get(self, request, key):
        report = self.report()
        measure = report.measure(request.GET.get("measure") or report.measures[0].key)
        if measure is None:
            raise Http404
        root, _on, today = self.scope()
        if measure.rows_permission and not can(request.user, measure.rows_permission, root):
            raise Http404  # e.g. the members admitted: the members app's names
        year = get_year(request, default=today.year)
        prefix = catalogue.root_path(root, year, today)  # the tree as it stood then
        path = request.GET.get("path") or prefix
        if not path.startswith(prefix):
            raise Http404
        direct = request.GET.get("direct") == "1"  # the root's own records, not the total
        qs = catalogue.drill_rows(report, measure, path, year, today, request.user, direct)
        headers = [label for label, _lookup in measure.columns]
        if request.GET.get("format") == "csv":
            rows = [
                catalogue.display_row(measure, row) for row in catalogue.drill_values(measure, qs)
            ]
            return csv_response(
                request,
                [headers, *rows],
                filename=f"{report.key}-{measure.key}-{year}.csv",
                what=measure.model,
                org=root.pk,
                year=year,
            )
        page = Paginator(catalogue.drill_values(measure, qs), 50).get_page(request.GET.get("page"))
        page.object_list = [catalogue.display_row(measure, row) for row in page.object_list]
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "reports/module_rows.html",
            {
                "title": f"{report.title}: {measure.label} ({year})",
                "report": report,
                "measure": measure,
                "headers": headers,
                "page": page,
                "root": root,
                "year": year,
                "query": query,
            },
        )


# ---------------------------------------------------------------- issued reports (snapshots)


class SnapshotCreateView(ReportMixin, View):
    """POST from a report page: freeze its figures as issued (recomputed on the server)."""

    def post(self, request):
        root, on, today = self.scope()
        key = request.POST.get("report_key", "")
        children = request.POST.get("children", "1") == "1"
        if key.startswith("module:"):
            year = get_year(request, default=today.year, query=request.POST)
            params = {"year": year, "children": children}
        else:
            params = {"on": on.isoformat(), "children": children}
        try:
            snapshot = services.issue_snapshot(
                request.user, root, key, params, request.POST.get("note", "")
            )
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(f"{reverse('reports:index')}?org={root.pk}")
        messages.success(request, "Đã chốt số liệu báo cáo.")
        return redirect("reports:snapshot", pk=snapshot.pk)


class SnapshotListView(ReportMixin, View):
    def get(self, request):
        root, _on, _today = self.scope()
        snapshots = (
            ReportSnapshot.objects.restrict(request.user, "view")
            .filter(organization__path__startswith=root.path)
            .select_related("organization", "issued_by")
        )
        page = Paginator(snapshots, 50).get_page(request.GET.get("page"))
        return render(
            request,
            "reports/snapshots.html",
            {"title": "Báo cáo đã chốt số liệu", "root": root, "page": page},
        )


class SnapshotDetailView(ReportMixin, View):
    def get(self, request, pk):
        snapshot = get_object_or_404(
            ReportSnapshot.objects.restrict(request.user, "view").select_related(
                "organization", "issued_by"
            ),
            pk=pk,
        )
        changed = services.differences(snapshot, request.user)
        return render(
            request,
            "reports/snapshot_detail.html",
            {
                "title": snapshot.title,
                "snapshot": snapshot,
                "grid": snapshot.grid,
                "headers": snapshot.grid["lead_columns"] + snapshot.grid["columns"],
                "changed": changed,
            },
        )


# ---------------------------------------------------------------- background exports


class ExportStartView(ReportMixin, View):
    def post(self, request):
        root, on, _today = self.scope()
        if not can(request.user, "members.view", root):
            raise Http404  # the file lists members' names: the members app's data
        try:
            job = services.start_member_export(request.user, root, on, request.POST.get("path", ""))
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(f"{reverse('reports:index')}?org={root.pk}")
        return redirect("reports:export_job", pk=job.pk)


def _own_jobs(request):
    return ExportJob.objects.restrict(request.user, "view").filter(requested_by=request.user)


def _primary(jobs):
    """A job's state decides what is shown and served: read it where the worker wrote it, not
    from a replica that may lag behind."""
    return jobs.using(router.db_for_write(ExportJob))


class ExportJobListView(ReportMixin, View):
    def get(self, request):
        services.reap_stale_exports()
        jobs = _own_jobs(request).select_related("organization")[:100]
        return render(
            request, "reports/export_jobs.html", {"title": "Tệp xuất chạy nền", "jobs": jobs}
        )


class ExportJobView(ReportMixin, View):
    """The job's page; HTMX polls it for the progress bar until the file is ready."""

    def get(self, request, pk):
        services.reap_stale_exports()  # a job whose worker died shows as failed, with «Thử lại»
        job = get_object_or_404(_primary(_own_jobs(request)), pk=pk)
        template = "reports/_export_progress.html" if request.htmx else "reports/export_job.html"
        return render(request, template, {"title": job.title, "job": job})


class ExportRetryView(ReportMixin, View):
    """The requester starts a failed export over (a fresh file)."""

    def post(self, request, pk):
        job = get_object_or_404(_own_jobs(request), pk=pk)
        try:
            services.retry_export(job, request.user)
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("reports:export_job", pk=job.pk)


class ExportDownloadView(ReportMixin, View):
    def get(self, request, pk):
        job = get_object_or_404(_primary(_own_jobs(request)), pk=pk, state=ExportJob.State.DONE)
        path = services.exports_dir() / job.file_name
        if not path.exists():
            raise Http404
        return stored_file_response(
            request,
            path.open("rb"),
            filename=job.file_name,
            what=Member,
            rows=job.progress_done,
            org=job.organization_id,
            job=job.pk,
        )
