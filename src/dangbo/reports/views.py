"""The report catalogue: member statistics for any subtree and date, drill-down and exports."""

from datetime import date, datetime

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views import View

from dangbo.core.db import reporting
from dangbo.core.exports import file_response
from dangbo.core.permissions import has_permission, reachable_paths
from dangbo.core.text import mask_id_number
from dangbo.organizations.models import Organization
from dangbo.reports import dashboard, exports, queries
from dangbo.reports.report import build_member_table

EXPORT_TYPES = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", exports.to_xlsx),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        exports.to_docx,
    ),
    "csv": ("text/csv; charset=utf-8", exports.to_csv),
}


def parse_date(text: str | None, default: date) -> date:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime((text or "").strip(), fmt).date()
        except ValueError:
            continue
    return default


class ReportMixin(LoginRequiredMixin):
    """Resolves the report scope (an org the user may report on) and the date.

    Reports read from the read replica when one is configured and not lagging (core.db)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_permission(request.user, "reports.view"):
            raise Http404
        with reporting():
            return super().dispatch(request, *args, **kwargs)

    def scope(self):
        today = timezone.localdate()
        on = min(parse_date(self.request.GET.get("on"), today), today)
        org_id = self.request.GET.get("org")
        allowed = Organization.objects.restrict(self.request.user, "view")
        paths = reachable_paths(self.request.user, "reports.view")
        if paths is not None:
            condition = Q()
            for path in paths:
                condition |= Q(path__startswith=path)
            allowed = allowed.filter(condition)
        if org_id:
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
            if has_permission(request.user, "reports.view", a.path)
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
                "chart": mark_safe(exports.chart(table).decode("utf-8").split("?>", 1)[-1]),
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
        body = render_export(table)
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
        scope_path = request.GET.get("path") or root.path
        if not scope_path.startswith(root.path):
            raise Http404
        breakdown = request.GET.get("breakdown", "status")
        qs = queries.members_on(scope_path, on, today)
        if "value" in request.GET and breakdown in queries.BREAKDOWNS:
            qs = queries.filter_value(qs, breakdown, request.GET["value"], on, today)
        qs = qs.select_related("organization").order_by("name_search", "id")
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        show_id = has_permission(request.user, "members.view_identity", root.path)
        for member in page.object_list:
            member.shown_id = member.id_number if show_id else mask_id_number(member.id_number)
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
            },
        )


class DashboardView(ReportMixin, View):
    def get(self, request):
        root, _on, today = self.scope()
        year = int(request.GET.get("year") or today.year)
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
                "orgs_by_type": dashboard.orgs_by_type(root),
                "cells_by_size": dashboard.cells_by_size(root),
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
