"""Screens for the org tree: browse, search, open an org, and record decisions about it."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView

from dangbo.core import hooks
from dangbo.core.audit import timeline
from dangbo.core.errors import DomainError
from dangbo.core.issuing import IssueView
from dangbo.core.pdf import document_response
from dangbo.core.permissions import can, restrict, top_orgs
from dangbo.core.text import normalize
from dangbo.core.views import ObjectDetailView, ServiceFormView
from dangbo.organizations import forms, papers, services
from dangbo.organizations.models import Organization, OrgEvent, OutgoingDocument
from dangbo.organizations.rules import size_warnings


def _with_counts(nodes, counts):
    for node in nodes:
        node.member_count = counts.get(node.path, 0)
    return nodes


# Member counts and lists are the register's data, one layer up: organizations asks members
# for them through declared hooks (core.hooks) and never reaches the Member model (#26).


def _counts_by_child(parent, children) -> dict[str, int]:
    if not children:
        return {}
    return hooks.call("members.active_counts_by_child", parent.path, [c.path for c in children])


class TreeView(LoginRequiredMixin, View):
    """The tree from the user's top nodes; children load on demand (HTMX)."""

    def get(self, request):
        query = request.GET.get("q", "").strip()
        visible = Organization.objects.restrict(request.user).select_related("org_type")
        if query:
            results = list(
                visible.filter(name_search__contains=normalize(query))
                .with_labels()
                .order_by("depth", "path")[:100]
            )
            return render(
                request,
                "organizations/tree.html",
                {"results": results, "q": query, "title": "Tổ chức đảng"},
            )
        roots = list(visible.filter(pk__in=top_orgs(request.user, "organizations.view")))
        _with_counts(roots, hooks.call("members.active_counts", [r.path for r in roots]))
        context = {
            "roots": roots,
            "title": "Tổ chức đảng",
            "summary_state": hooks.call("members.summary_state"),
            "first_run": request.user.is_superuser and not roots and services.needs_first_run(),
        }
        return render(request, "organizations/tree.html", context)


class ChildrenView(LoginRequiredMixin, View):
    """HTMX fragment: the children of one node with their member counts."""

    def get(self, request, pk):
        parent = get_object_or_404(Organization.objects.restrict(request.user), pk=pk)
        children = list(
            Organization.objects.restrict(request.user)
            .filter(path__startswith=parent.path, depth=parent.depth + 1)
            .select_related("org_type")
        )
        show_inactive = request.GET.get("inactive") == "1"
        if not show_inactive:
            children = [c for c in children if c.is_active]
        _with_counts(children, _counts_by_child(parent, children))
        return render(request, "organizations/_children.html", {"nodes": children})


class OrgPickerView(LoginRequiredMixin, View):
    """HTMX fragment of an org picker: the first 20 `candidates()` whose unaccented name
    contains the query (2 characters at least). Apps subclass it with their own candidates."""

    template_name = "organizations/_pick.html"

    def candidates(self, request):
        raise NotImplementedError

    def get(self, request):
        query = normalize(request.GET.get("q", ""))
        results = []
        if len(query) >= 2:
            results = list(
                self.candidates(request)
                .filter(name_search__contains=query)
                .select_related("org_type")
                .with_labels()
                .order_by("depth", "path")[:20]
            )
        context = {"results": results, "field": request.GET.get("field", "")}
        return render(request, self.template_name, context)


class PickView(OrgPickerView):
    """Active orgs the user may change (or, with scope=admin, where they administer
    accounts)."""

    def candidates(self, request):
        if request.GET.get("scope") == "admin":  # account administration: any node type
            orgs = Organization.objects.restrict(request.user, "core.admin")
        else:
            orgs = Organization.objects.restrict(request.user, "change").filter(
                org_type__holds_members=False
            )
        return orgs.filter(is_active=True)


def _facts(user, org) -> list[dict]:
    """The parts of the org's page other apps give (core.hooks.register_org_facts)."""
    today = timezone.localdate()
    parts = []
    for source in hooks.org_facts():
        if not can(user, source.permission, org):
            continue
        rows = source.facts(org, today)
        if rows:
            parts.append({"source": source, "rows": rows})
    return parts


class OrgDetailView(ObjectDetailView):
    model = Organization
    template_name = "organizations/detail.html"

    def get_base_queryset(self):
        return Organization.objects.select_related("org_type")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org = self.object
        children = list(
            Organization.objects.filter(
                path__startswith=org.path, depth=org.depth + 1
            ).select_related("org_type")
        )
        _with_counts(children, _counts_by_child(org, children))
        show_members = self.can("members.view", org)  # names are the members app's data
        roll = hooks.call("members.cell_roll", org, 20 if show_members else 0)
        official, total = roll["official"], roll["active"]
        caps = services.capabilities(org.org_type)
        context.update(
            title=org.name,
            ancestors=list(Organization.objects.get_ancestors(org)),
            children=children,
            subtree_count=hooks.call("members.active_counts", [org.path]).get(org.path, 0),
            official_count=official,
            direct_count=total,
            warnings=size_warnings(caps, official, total) if org.is_active else [],
            show_members=show_members,
            facts=_facts(self.request.user, org),
            members=roll["members"],
            events=org.events.select_related("recorded_by")[:50],
            periods=org.periods.select_related("parent")[:50],
            can_change=self.can("change", org) and org.is_active,
            can_issue=self.can("change", org),
            audit_entries=timeline(org, [org.events.all(), org.periods.all()])[:50],
            # papers issued by or about the org (decisions, minutes, lists), kept in registers
            issued_documents=OutgoingDocument.objects.restrict(self.request.user, "members.view")
            .filter(Q(organization=org) | Q(subject_org=org))
            .select_related("organization")
            .defer("content")[:50],
        )
        return context


class OrgActionView(ServiceFormView):
    model = Organization
    success_message = "Đã ghi nhận quyết định."

    def get_base_queryset(self):
        return Organization.objects.select_related("org_type")


class FoundOrgView(OrgActionView):
    form_class = forms.FoundOrgForm
    title = "Thành lập tổ chức trực thuộc"

    def perform(self, form):
        org = services.found_org(
            name=form.cleaned_data["name"],
            org_type=form.cleaned_data["org_type"],
            parent=self.object,
            decision=form.decision(),
            user=self.request.user,
            code=form.cleaned_data["code"],
        )
        return reverse("organizations:detail", args=[org.pk])


class RenameOrgView(OrgActionView):
    form_class = forms.RenameOrgForm
    title = "Đổi tên tổ chức"

    def perform(self, form):
        org = services.rename_org(
            self.object,
            new_name=form.cleaned_data["new_name"],
            decision=form.decision(),
            user=self.request.user,
        )
        return reverse("organizations:detail", args=[org.pk])


class MoveOrgView(OrgActionView):
    form_class = forms.MoveOrgForm
    title = "Chuyển tổ chức sang cấp trên khác"

    def perform(self, form):
        org = services.move_org(
            self.object,
            new_parent=form.cleaned_data["new_parent"],
            decision=form.decision(),
            user=self.request.user,
        )
        return reverse("organizations:detail", args=[org.pk])


class DissolveOrgView(OrgActionView):
    form_class = forms.DissolveOrgForm
    title = "Giải thể tổ chức"

    def perform(self, form):
        org = services.dissolve_org(self.object, decision=form.decision(), user=self.request.user)
        return reverse("organizations:detail", args=[org.pk])


class DocumentFileView(LoginRequiredMixin, View):
    """A kept document of a register of outgoing documents: the bytes as issued (their SHA-256
    in the register), to people who see the members of the issuing org."""

    def get(self, request, pk):
        kept = OutgoingDocument.objects.restrict(request.user, "members.view")
        document = get_object_or_404(kept, pk=pk)
        if document.subject_member_id:
            back = reverse("members:detail", args=[document.subject_member_id])
        else:
            back = reverse("organizations:detail", args=[document.organization_id])
        return document_response(request, document, back=back, what=OutgoingDocument)


class FirstRunView(LoginRequiredMixin, FormView):
    """«Khởi tạo hệ thống»: on an empty database a superuser founds the root organisation and,
    optionally, its first officer. Hidden (404) from everyone else; once a root exists the
    superuser is sent to the tree."""

    form_class = forms.FirstRunForm
    template_name = "organizations/first_run.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.is_superuser:
            raise Http404
        if not services.needs_first_run():
            messages.info(request, "Hệ thống đã được khởi tạo.")
            return redirect("organizations:tree")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title="Khởi tạo hệ thống", **kwargs)

    def form_valid(self, form):
        try:
            root = services.set_up_root(
                name=form.cleaned_data["name"],
                org_type=form.cleaned_data["org_type"],
                code=form.cleaned_data["code"],
                decision=form.decision(),
                user=self.request.user,
                officer=form.officer(),
            )
        except DomainError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.full_message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"Đã khởi tạo hệ thống với tổ chức gốc «{root.name}». Bước tiếp theo: nhập cây tổ "
            "chức, rồi đảng viên, từ tệp Excel.",
        )
        return redirect("imports:index")


class EventDecisionView(IssueView):
    """POST: the founding or merging decision of an org's recorded event, issued by the
    superior org in its register (asked again: the kept one)."""

    model = OrgEvent
    permission = "organizations.change"
    refused = "Quyết định do {issuer} ban hành."

    def get_queryset(self, user):
        events = OrgEvent.objects.filter(kind__in=papers.KINDS).select_related(
            "organization__org_type"
        )
        return restrict(events, user, self.permission, "organization__path")

    def back(self, obj) -> str:
        return reverse("organizations:detail", args=[obj.organization_id])

    def issuer(self, obj):
        return papers.issuer_of(obj)

    def issue(self, obj, user):
        return papers.event_decision(obj, user)
