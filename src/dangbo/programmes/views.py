"""Screens: document register and counts, programme tree with roll-up bars, tasks, reports,
commitments. Restriction goes through restrict(user, action); outside the reach → 404."""

from __future__ import annotations

from datetime import date, timedelta

from auditlog.signals import accessed
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from dangbo.core import hooks, uploads
from dangbo.core.exports import DOCX, XLSX, file_response
from dangbo.core.models import RuleParameter
from dangbo.core.params import get_date
from dangbo.core.permissions import can, has_permission
from dangbo.core.views import ObjectDetailView, ObjectListView, ServiceFormView
from dangbo.organizations.models import Organization
from dangbo.organizations.views import OrgPickerView
from dangbo.programmes import exports, forms, queries, rules, services
from dangbo.programmes.filters import DocumentFilter, ProgrammeFilter
from dangbo.programmes.models import (
    Commitment,
    Document,
    ItemStatus,
    Programme,
    ProgrammeItem,
    ReportStatus,
    Task,
)
from dangbo.programmes.tables import CommitmentTable, DocumentTable, ProgrammeTable

STATUS_LABELS = dict(ItemStatus.choices)
STATUS_COLOURS = {
    "done": "success",
    "overdue": "danger",
    "at_risk": "warning",
    "in_progress": "primary",
    "not_started": "secondary",
    "cancelled": "dark",
}
TREE_DEPTH_SHOWN = 2  # levels below the node on screen; deeper ones open from their parent


def can_change(user, org) -> bool:
    return can(user, "programmes.change", org)


def status_params(on: date, org_path: str) -> dict:
    return {
        "at_risk_days": int(
            RuleParameter.value_on("programmes.at_risk_days", on, org_path, rules.AT_RISK_DAYS)
        ),
        "lag_points": int(
            RuleParameter.value_on("programmes.at_risk_lag_points", on, org_path, rules.LAG_POINTS)
        ),
    }


def status_badge(status: str) -> dict:
    return {"code": status, "label": STATUS_LABELS[status], "colour": STATUS_COLOURS[status]}


# --- hub ------------------------------------------------------------------------------------


def _require_reach(user, action: str = "view") -> None:
    """A screen of this app for a user holding programmes.<action> nowhere answers 404."""
    if not has_permission(user, f"programmes.{action}"):
        raise Http404


class IndexView(LoginRequiredMixin, View):
    def get(self, request):
        _require_reach(request.user)
        today = timezone.localdate()
        tasks = Task.objects.restrict(request.user).filter(done_on__isnull=True)
        overdue_tasks = tasks.filter(due_on__lt=today).count()
        overdue_items = (
            ProgrammeItem.objects.restrict(request.user)
            .filter(numchild=0, cancelled_on__isnull=True, progress__lt=100, due_on__lt=today)
            .count()
        )
        return render(
            request,
            "programmes/index.html",
            {
                "title": "Văn bản, chương trình công tác",
                "overdue_tasks": overdue_tasks,
                "overdue_items": overdue_items,
                "can_add": has_permission(request.user, "programmes.change"),
            },
        )


class PickOrgView(OrgPickerView):
    """Orgs where the user may change (or view) programmes."""

    def get(self, request):
        _require_reach(request.user, self._action(request))
        return super().get(request)

    def _action(self, request) -> str:
        return "view" if request.GET.get("action") == "view" else "change"

    def candidates(self, request):
        active = Organization.objects.filter(is_active=True)
        return active.restrict(request.user, f"programmes.{self._action(request)}")


# --- documents --------------------------------------------------------------------------------


class DocumentListView(ObjectListView):
    model = Document
    filterset_class = DocumentFilter
    table_class = DocumentTable
    template_name = "programmes/document_list.html"
    title = "Sổ đăng ký văn bản"

    def get_base_queryset(self):
        return Document.objects.select_related("organization")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = queries.document_counts(self.object_list)
        context["type_counts"] = [
            (label, counts[value]) for value, label in Document._meta.get_field("doc_type").choices
        ]
        context["query_string"] = self.request.GET.urlencode()
        return context


class DocumentCreateView(ServiceFormView):
    model = Document
    form_class = forms.DocumentForm
    template_name = "programmes/form.html"
    title = "Đăng ký văn bản ban hành"
    success_message = "Đã đăng ký văn bản."

    def perform(self, form):
        data = form.cleaned_data
        document = services.register_document(
            organization=data["organization"],
            doc_type=data["doc_type"],
            number=data["number"],
            issued_on=data["issued_on"],
            signer=data["signer"],
            summary=data["summary"],
            attachment=data["attachment"] or None,
            user=self.request.user,
        )
        return document.get_absolute_url()


class DocumentDetailView(ObjectDetailView):
    model = Document
    template_name = "programmes/document_detail.html"

    def get_base_queryset(self):
        return Document.objects.select_related("organization", "recorded_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        doc = self.object
        context.update(
            title=f"Văn bản {doc.number}",
            programmes=doc.programmes.all()[:20],
            preview_types=uploads.PREVIEW_TYPES,
            tasks=doc.tasks.select_related("assignee_org")[:20],
        )
        return context


class DocumentFileView(LoginRequiredMixin, View):
    """The attachment, served only to users who reach the document; each download logged.
    `?xem=1` shows a PDF or an image in the browser (under a restrictive CSP)."""

    def get(self, request, pk):
        doc = get_object_or_404(Document.objects.restrict(request.user), pk=pk)
        if not doc.attachment:
            raise Http404
        accessed.send(sender=Document, instance=doc)
        return uploads.serve_upload(
            doc.attachment,
            name=doc.attachment_name,
            type_code=doc.attachment_type,
            preview=bool(request.GET.get("xem")),
        )


def _count_table_args(request):
    """The org (reachable for viewing, default: the user's first top node) and period."""
    form = forms.CountTableForm(request.GET or None)
    start = end = None
    org_id = None
    if form.is_bound and form.is_valid():
        start, end, org_id = (form.cleaned_data[k] for k in ("start", "end", "org"))
    visible = Organization.objects.restrict(request.user, "programmes.view")
    if org_id:
        org = get_object_or_404(visible, pk=org_id)
    else:
        org = visible.order_by("depth", "path").first()
        if org is None:
            raise Http404
    return form, org, start, end


class DocumentCountsView(LoginRequiredMixin, View):
    """Documents issued, by type, for an org's subtree and a period (e.g. a term)."""

    def get(self, request):
        form, org, start, end = _count_table_args(request)
        table = queries.document_count_table(
            org, start, end, base=Document.objects.restrict(request.user)
        )
        return render(
            request,
            "programmes/document_counts.html",
            {
                "title": "Thống kê văn bản ban hành",
                "form": form,
                "org": org,
                "start": start,
                "end": end,
                "table": table,
                "query_string": request.GET.urlencode(),
            },
        )


class DocumentCountsExportView(LoginRequiredMixin, View):
    def get(self, request):
        _form, org, start, end = _count_table_args(request)
        table = queries.document_count_table(
            org, start, end, base=Document.objects.restrict(request.user)
        )
        content = exports.count_table_xlsx(table, org=org, start=start, end=end)
        return file_response(
            request,
            content,
            content_type=XLSX,
            filename="thong-ke-van-ban.xlsx",
            what=Document,
            rows=len(table["rows"]),
            organization=org.pk,
        )


# --- programmes and items -------------------------------------------------------------------


class ProgrammeListView(ObjectListView):
    model = Programme
    filterset_class = ProgrammeFilter
    table_class = ProgrammeTable
    template_name = "programmes/programme_list.html"
    title = "Chương trình công tác"

    def get_base_queryset(self):
        return Programme.objects.select_related("organization")


class ProgrammeCreateView(ServiceFormView):
    model = Programme
    form_class = forms.ProgrammeForm
    title = "Lập chương trình công tác"
    success_message = "Đã lập chương trình."

    def perform(self, form):
        programme = services.create_programme(user=self.request.user, **form.cleaned_data)
        return programme.get_absolute_url()


def tree_rows(items, rollups, *, today, starts_on, params, root_depth=0):
    """Rows for the tree screen: each item with its roll-up, status badge and indent."""
    rows = []
    for item in items:
        rollup = rollups.get(item.path, rules.Rollup())
        if item.cancelled_on:
            status = "cancelled"
            percent = 0.0
        elif item.is_leaf:
            percent = float(item.progress)
            status = rules.item_status(
                item.progress,
                item.due_on,
                today,
                starts_on=starts_on,
                blocked=item.reported_status == ReportStatus.BLOCKED,
                **params,
            )
        else:
            percent = rollup.percent
            status = rules.item_status(
                100 if rollup.is_done else min(percent, 99.9),
                item.due_on,
                today,
                starts_on=starts_on,
                **params,
            )
        rows.append(
            {
                "item": item,
                "rollup": rollup,
                "percent": percent,
                "status": status_badge(status),
                "indent": item.depth - root_depth - 1,
                "more_below": item.numchild and item.depth - root_depth >= TREE_DEPTH_SHOWN,
            }
        )
    return rows


class ProgrammeDetailView(ObjectDetailView):
    """The programme as a tree (2 levels shown) with roll-up bars and 'x of y done'."""

    model = Programme
    template_name = "programmes/programme_detail.html"

    def get_base_queryset(self):
        return Programme.objects.select_related("organization", "source_document")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programme = self.object
        today = timezone.localdate()
        as_of = get_date(self.request, "on")
        summary = queries.programme_summary(
            programme, on=as_of or today, as_of=as_of is not None, levels=TREE_DEPTH_SHOWN
        )
        items = programme.items.filter(depth__lte=TREE_DEPTH_SHOWN).select_related("organization")
        context.update(
            title=programme.title,
            summary=summary,
            as_of=as_of,
            rows=tree_rows(
                items,
                summary["rollups"],
                today=as_of or today,
                starts_on=programme.starts_on,
                params=status_params(today, programme.organization.path),
            ),
            rule=rules.ROLLUP_RULE,
            can_change=can_change(self.request.user, programme.organization),
        )
        return context


class ProgrammeReportDocxView(LoginRequiredMixin, View):
    """DOCX progress report of a programme: summary, table of top-level items, chart."""

    def get(self, request, pk):
        programme = get_object_or_404(
            Programme.objects.restrict(request.user).select_related("organization"), pk=pk
        )
        today = timezone.localdate()
        summary = queries.programme_summary(programme, on=today)
        rows = tree_rows(
            programme.items.filter(depth=1).select_related("organization"),
            summary["rollups"],
            today=today,
            starts_on=programme.starts_on,
            params=status_params(today, programme.organization.path),
        )
        return file_response(
            request,
            exports.programme_docx(programme, summary, rows, today),
            content_type=DOCX,
            filename="bao-cao-tien-do.docx",
            what=ProgrammeItem,
            rows=len(rows),
            programme=programme.pk,
        )


class ItemDetailView(ObjectDetailView):
    """An item with its subtree (roll-up bars), its reports, and actions."""

    model = ProgrammeItem
    template_name = "programmes/item_detail.html"

    def get_base_queryset(self):
        return ProgrammeItem.objects.select_related(
            "programme", "organization", "source_document", "parent"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item = self.object
        today = timezone.localdate()
        rollups = queries.item_rollups(
            item.programme_id, item.path, on=today, levels=TREE_DEPTH_SHOWN + 1
        )
        subtree = (
            ProgrammeItem.objects.filter(
                programme_id=item.programme_id,
                path__startswith=item.path,
                depth__lte=item.depth + TREE_DEPTH_SHOWN,
            )
            .exclude(pk=item.pk)
            .select_related("organization")
        )
        params = status_params(today, item.organization.path)
        starts_on = item.programme.starts_on
        (own,) = tree_rows([item], rollups, today=today, starts_on=starts_on, params=params)
        context.update(
            title=item.title,
            own=own,
            rows=tree_rows(
                subtree,
                rollups,
                today=today,
                starts_on=starts_on,
                params=params,
                root_depth=item.depth,
            ),
            reports=item.reports.select_related("recorded_by")[:50],
            tasks=item.tasks.select_related("assignee_org")[:20],
            rule=rules.ROLLUP_RULE,
            can_change=can_change(self.request.user, item.organization) and not item.cancelled_on,
        )
        return context


class ItemCreateView(ServiceFormView):
    """A top-level item (from a programme) or a sub-item (from an item)."""

    model = Programme
    form_class = forms.ItemForm
    title = "Thêm mục vào chương trình"
    success_message = "Đã thêm mục."
    parent = None

    def get_object(self):
        if "item_pk" in self.kwargs:
            self.parent = get_object_or_404(
                ProgrammeItem.objects.restrict(self.request.user, "change").select_related(
                    "programme", "organization"
                ),
                pk=self.kwargs["item_pk"],
            )
            return self.parent.programme
        return super().get_object()

    def get_queryset(self):
        return Programme.objects.select_related("organization").restrict(
            self.request.user, "change"
        )

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        root = self.parent.organization if self.parent else self.object.organization
        kwargs["owner_root"] = root
        kwargs["default_due"] = self.parent.due_on if self.parent else self.object.ends_on
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.parent:
            context["title"] = "Thêm mục con"
            context["object"] = self.parent
        return context

    def perform(self, form):
        item = services.add_item(
            programme=self.object,
            parent=self.parent,
            user=self.request.user,
            **form.cleaned_data,
        )
        return (self.parent or item).get_absolute_url()


class ItemCascadeView(ServiceFormView):
    model = ProgrammeItem
    form_class = forms.CascadeForm
    title = "Giao mục cho tổ chức cấp dưới"
    success_message = "Đã giao cho cấp dưới."

    def get_base_queryset(self):
        return ProgrammeItem.objects.select_related("organization", "programme")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "item": self.object}

    def perform(self, form):
        services.cascade_item(
            self.object,
            organizations=form.cleaned_data["organizations"],
            due_on=form.cleaned_data["due_on"],
            user=self.request.user,
        )
        return self.object.get_absolute_url()


class FlaggedItemsView(LoginRequiredMixin, View):
    """Leaf items in the user's reach that are overdue, or at risk (due soon, not done)."""

    def get(self, request):
        _require_reach(request.user)
        today = timezone.localdate()
        show = "at_risk" if request.GET.get("show") == "at_risk" else "overdue"
        params = status_params(today, "")
        items = ProgrammeItem.objects.restrict(request.user).filter(
            numchild=0, cancelled_on__isnull=True, progress__lt=100
        )
        if show == "overdue":
            items = items.filter(due_on__lt=today)
        else:
            items = items.filter(
                due_on__gte=today, due_on__lte=today + timedelta(days=params["at_risk_days"])
            )
        page = Paginator(
            items.select_related("programme", "organization").order_by("due_on", "id"), 50
        ).get_page(request.GET.get("page"))
        return render(
            request,
            "programmes/flagged_items.html",
            {
                "title": "Mục quá hạn" if show == "overdue" else "Mục sắp đến hạn chưa xong",
                "show": show,
                "page": page,
                "at_risk_days": params["at_risk_days"],
                "today": today,
            },
        )


class ItemCancelView(ServiceFormView):
    model = ProgrammeItem
    form_class = forms.CancelItemForm
    title = "Hủy mục chương trình"
    success_message = "Đã hủy mục; mục và các mục con không còn tính vào tiến độ."

    def get_base_queryset(self):
        return ProgrammeItem.objects.select_related("organization", "programme")

    def perform(self, form):
        services.cancel_item(
            self.object, reason=form.cleaned_data["cancel_reason"], user=self.request.user
        )
        return self.object.get_absolute_url()


class ItemReportView(ServiceFormView):
    model = ProgrammeItem
    form_class = forms.ReportForm
    template_name = "programmes/report_form.html"
    title = "Báo cáo tiến độ"
    success_message = "Đã ghi nhận báo cáo tiến độ."

    def get_base_queryset(self):
        return ProgrammeItem.objects.select_related("organization", "programme")

    def perform(self, form):
        services.report_item_progress(self.object, user=self.request.user, **form.cleaned_data)
        return self.object.get_absolute_url()


# --- tasks ---------------------------------------------------------------------------------

TASK_TABS = [
    ("mine", "Được giao cho chúng tôi"),
    ("given", "Chúng tôi đã giao"),
    ("overdue", "Quá hạn"),
]


class TaskListView(LoginRequiredMixin, View):
    def get(self, request):
        _require_reach(request.user)
        today = timezone.localdate()
        tab = request.GET.get("tab", "mine")
        if tab not in dict(TASK_TABS):
            tab = "mine"
        tasks = Task.objects.restrict(request.user).select_related("assigner_org", "assignee_org")
        if tab == "mine":
            tasks = tasks.assigned_to(request.user)
        elif tab == "given":
            tasks = tasks.assigned_by(request.user)
        else:
            tasks = tasks.filter(done_on__isnull=True, due_on__lt=today)
        kind = request.GET.get("kind")
        if kind in Task.Kind.values:
            tasks = tasks.filter(kind=kind)
        page = Paginator(tasks.order_by("due_on", "id"), 50).get_page(request.GET.get("page"))
        rows = [
            {
                "task": task,
                "status": status_badge(
                    rules.item_status(
                        task.progress,
                        task.due_on,
                        today,
                        blocked=task.reported_status == ReportStatus.BLOCKED,
                    )
                ),
            }
            for task in page
        ]
        counts = Task.objects.restrict(request.user).aggregate(
            overdue=Count("id", filter=Q(done_on__isnull=True, due_on__lt=today))
        )
        return render(
            request,
            "programmes/task_list.html",
            {
                "title": "Nhiệm vụ được giao",
                "tabs": TASK_TABS,
                "tab": tab,
                "kind": kind,
                "kinds": Task.Kind.choices,
                "rows": rows,
                "page": page,
                "overdue_count": counts["overdue"],
                "can_add": has_permission(request.user, "programmes.change"),
            },
        )


class TaskCreateView(ServiceFormView):
    model = Task
    form_class = forms.TaskForm
    title = "Giao nhiệm vụ"
    success_message = "Đã giao nhiệm vụ."

    def perform(self, form):
        task = services.assign_task(user=self.request.user, **form.cleaned_data)
        return task.get_absolute_url()


class TaskDetailView(ObjectDetailView):
    model = Task
    template_name = "programmes/task_detail.html"

    def get_base_queryset(self):
        return Task.objects.select_related(
            "assigner_org", "assignee_org", "source_document", "programme_item"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        task = self.object
        today = timezone.localdate()
        context.update(
            title=task.title,
            status=status_badge(
                rules.item_status(
                    task.progress,
                    task.due_on,
                    today,
                    blocked=task.reported_status == ReportStatus.BLOCKED,
                )
            ),
            reports=task.reports.select_related("recorded_by"),
            can_report=can_change(self.request.user, task.assignee_org),
            resolution_source=hooks.call("meetings.resolution_source", task.resolution_task_id)
            if task.resolution_task_id
            else None,
        )
        return context


class TaskReportView(ServiceFormView):
    model = Task
    form_class = forms.ReportForm
    template_name = "programmes/report_form.html"
    title = "Báo cáo tiến độ nhiệm vụ"
    success_message = "Đã ghi nhận báo cáo tiến độ."

    def get_base_queryset(self):
        return Task.objects.select_related("assignee_org", "assigner_org")

    def perform(self, form):
        services.report_task_progress(self.object, user=self.request.user, **form.cleaned_data)
        return self.object.get_absolute_url()


# --- commitments -------------------------------------------------------------------------------


class CommitmentListView(ObjectListView):
    model = Commitment
    table_class = CommitmentTable
    filterset_fields = ["year"]
    template_name = "programmes/commitment_list.html"
    title = "Cam kết trách nhiệm"

    def get_base_queryset(self):
        return Commitment.objects.select_related("organization")


class CommitmentCreateView(ServiceFormView):
    model = Commitment
    form_class = forms.CommitmentForm
    title = "Ghi nhận bản cam kết trách nhiệm"
    success_message = "Đã ghi nhận cam kết."

    def perform(self, form):
        data = dict(form.cleaned_data)
        data["items"] = data["items"].splitlines()
        commitment = services.sign_commitment(user=self.request.user, **data)
        return commitment.get_absolute_url()


class CommitmentDetailView(ObjectDetailView):
    model = Commitment
    template_name = "programmes/commitment_detail.html"

    def get_base_queryset(self):
        return Commitment.objects.select_related("organization", "member")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        items = list(self.object.items.all())
        achieved = sum(1 for i in items if i.achieved)
        context.update(
            title=f"Cam kết năm {self.object.year}: {self.object.signer_name}",
            items=items,
            achieved=achieved,
            can_change=can_change(self.request.user, self.object.organization),
        )
        return context


class CommitmentEvaluateView(ServiceFormView):
    model = Commitment
    form_class = forms.EvaluateForm
    title = "Đánh giá kết quả thực hiện cam kết"
    success_message = "Đã ghi nhận kết quả."

    def get_base_queryset(self):
        return Commitment.objects.select_related("organization")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "commitment": self.object}

    def perform(self, form):
        services.evaluate_commitment(
            self.object,
            results=form.results(),
            evaluated_on=form.cleaned_data["evaluated_on"],
            user=self.request.user,
        )
        return reverse("programmes:commitment_detail", args=[self.object.pk])
