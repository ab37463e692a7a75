"""Committee screens: congress schedule, an org's committee on a date, congresses and their
elections, mid-term changes, who holds what, management scope and cadre lists, cadre planning,
comments for appointments and from the residence. Everything restricted by the user's reach
(outside → 404); planning needs committees.view_planning."""

from datetime import date

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from dangbo.committees import exports, forms, queries, rules, services
from dangbo.committees.models import (
    AgencyCategory,
    AgencyPosition,
    AppointmentComment,
    Candidate,
    Congress,
    ManagementScope,
    PartyPost,
    PlannedPost,
    PlanningCandidate,
    PostPeriod,
    ResidenceComment,
    Term,
)
from dangbo.core.audit import log_record
from dangbo.core.params import get_date, get_id
from dangbo.core.permissions import can, has_permission
from dangbo.core.text import normalize
from dangbo.core.views import ServiceFormView
from dangbo.members.models import Member
from dangbo.organizations.models import Organization
from dangbo.organizations.views import OrgPickerView


def reachable_orgs(user, permission="committees.view"):
    return Organization.objects.restrict(user, permission)


def org_or_404(user, pk, permission="committees.view") -> Organization:
    return get_object_or_404(reachable_orgs(user, permission).select_related("org_type"), pk=pk)


def require(user, permission):
    if not has_permission(user, permission):
        raise Http404


def parse_on(request) -> date:
    """The day a screen shows (`?on=`, dd/mm/yyyy or ISO); today when absent."""
    return get_date(request, "on", timezone.localdate())


def default_root(user, permission="committees.view") -> Organization | None:
    """The highest node the user reaches (for subtree screens without an org chosen)."""
    return reachable_orgs(user, permission).order_by("depth", "path").first()


class Screen(LoginRequiredMixin, View):
    permission = "committees.view"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require(request.user, self.permission)
        return super().dispatch(request, *args, **kwargs)


class IndexView(Screen):
    """The congress schedule of the user's subtree: who is due, who is late."""

    def get(self, request):
        status = request.GET.get("status", "")
        if status not in rules.STATUS_LABELS:
            status = ""
        root = None
        orgs = reachable_orgs(request.user)
        org_id = get_id(request, "org")
        if org_id is not None:
            root = get_object_or_404(orgs, pk=org_id)
            orgs = orgs.filter(path__startswith=root.path)
        rows = queries.schedule(orgs, timezone.localdate(), status)
        counts = {key: 0 for key in rules.STATUS_LABELS}
        for row in rows:
            counts[row.status] += 1
        page = Paginator(rows, 100).get_page(request.GET.get("page"))
        return render(
            request,
            "committees/index.html",
            {
                "title": "Lịch đại hội",
                "page": page,
                "status": status,
                "root": root,
                "statuses": rules.STATUS_LABELS,
                "total": len(rows),
                "active": "schedule",
            },
        )


class OrgCommitteeView(Screen):
    """An org's committee as it stood on a date, its terms, congresses and changes."""

    def get(self, request, pk):
        org = org_or_404(request.user, pk)
        on = parse_on(request)
        seats = queries.committee_on(org, on)
        term = services.term_on(org, on)
        return render(
            request,
            "committees/org.html",
            {
                "title": org.name,
                "org": org,
                "on": on,
                "seats": seats,
                "term": term,
                "terms": list(org.terms.select_related("congress")),
                "changes": list(org.committee_changes.select_related("member")[:50]),
                "can_change": can(request.user, "committees.change", org),
                "active": "schedule",
            },
        )


class OrgCommitteeExportView(Screen):
    def get(self, request, pk):
        org = org_or_404(request.user, pk)
        on = parse_on(request)
        seats = queries.committee_on(org, on)
        return exports.committee_xlsx(request, org, on, seats)


class OrgFormView(ServiceFormView):
    """A form acting on an org the user holds committees.change on (outside → 404)."""

    model = Organization
    permission_action = "committees.change"

    def get_base_queryset(self):
        return Organization.objects.select_related("org_type")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object.name
        return context


class CongressCreateView(OrgFormView):
    form_class = forms.CongressForm
    title = "Ghi đại hội, mở nhiệm kỳ mới"
    success_message = "Đã ghi đại hội; ghi tiếp kết quả bầu cử."

    def perform(self, form):
        data = form.cleaned_data
        congress = services.record_congress(
            organization=self.object,
            term_name=data["term_name"],
            number=data["number"],
            held_on=data["held_on"],
            ends_on=data["ends_on"],
            delegates_summoned=data["delegates_summoned"],
            delegates_present=data["delegates_present"],
            note=data["note"],
            user=self.request.user,
        )
        return congress.get_absolute_url()


class CongressDetailView(Screen):
    def get(self, request, pk):
        congress = get_object_or_404(
            Congress.objects.restrict(request.user, "view").select_related("organization", "term"),
            pk=pk,
        )
        elections = list(congress.elections.all())
        candidates = {}
        for candidate in (
            Candidate.objects.filter(election__congress=congress)
            .select_related("member", "election")
            .order_by("election_id", "-votes", "member__name_search")
        ):
            candidates.setdefault(candidate.election_id, []).append(candidate)
        for election in elections:
            election.rows = candidates.get(election.pk, [])
            election.elected_count = sum(c.elected for c in election.rows)
        present = congress.delegates_present
        return render(
            request,
            "committees/congress.html",
            {
                "title": str(congress),
                "congress": congress,
                "elections": elections,
                "attendance": rules.percent(present, congress.delegates_summoned),
                "can_change": can(request.user, "committees.change", congress.organization),
                "active": "schedule",
            },
        )


class ElectionCreateView(ServiceFormView):
    model = Congress
    form_class = forms.ElectionForm
    title = "Ghi kết quả bầu cử"
    success_message = "Đã ghi kết quả bầu cử."

    def get_base_queryset(self):
        return Congress.objects.select_related("organization", "term")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["organization"] = self.object.organization
        kwargs.setdefault("initial", {})["held_on"] = self.object.held_on
        return kwargs

    def perform(self, form):
        data = form.cleaned_data
        services.record_election(
            self.object,
            body=data["body"],
            held_on=data["held_on"],
            seats=data["seats"],
            voters=data["voters"],
            results=[services.Vote(member, votes) for member, votes in data["results"]],
            user=self.request.user,
        )
        return self.object.get_absolute_url()


class ChangeCreateView(OrgFormView):
    form_class = forms.ChangeForm
    title = "Ghi thay đổi cấp ủy giữa nhiệm kỳ"
    success_message = "Đã ghi thay đổi."

    def perform(self, form):
        data = form.cleaned_data
        services.record_change(
            organization=self.object,
            kind=data["kind"],
            member=data["member"],
            post=data["post"],
            on=data["on"],
            decision_number=data["decision_number"],
            votes=data["votes"],
            voters=data["voters"],
            reason=data["reason"],
            user=self.request.user,
        )
        return reverse("committees:org", args=[self.object.pk])


class HoldersView(Screen):
    """Who holds what where: party posts and agency positions in a subtree on a date."""

    def holders(self, request):
        """(root, on, post, category, party posts, agency positions) the query asks for."""
        on = parse_on(request)
        root = None
        org_id = get_id(request, "org")
        if org_id is not None:
            root = get_object_or_404(reachable_orgs(request.user), pk=org_id)
        root = root or default_root(request.user)
        post = request.GET.get("post", "")
        post = post if post in PartyPost.values else ""
        category = request.GET.get("category", "")
        category = category if category in AgencyCategory.values else ""
        party = queries.who_holds(
            PostPeriod.objects.restrict(request.user), root.path if root else "~", on, post
        )
        agency = queries.agency_holders(
            AgencyPosition.objects.restrict(request.user),
            root.path if root else "~",
            on,
            category,
        )
        return root, on, post, category, party, agency

    def get(self, request):
        root, on, post, category, party, agency = self.holders(request)
        return render(
            request,
            "committees/holders.html",
            {
                "title": "Ai giữ chức vụ gì",
                "root": root,
                "on": on,
                "post": post,
                "category": category,
                "posts": PartyPost.choices,
                "categories": AgencyCategory.choices,
                "party": Paginator(party, 100).get_page(request.GET.get("page")),
                "agency": list(agency[:200]),
                "active": "holders",
            },
        )


class HoldersExportView(HoldersView):
    def get(self, request):
        root, on, _post, _category, party, agency = self.holders(request)
        return exports.holders_xlsx(request, root, on, party, agency)


class AgencyPositionCreateView(ServiceFormView):
    model = Member
    form_class = forms.AgencyPositionForm
    title = "Thêm chức vụ chính quyền, đoàn thể"
    success_message = "Đã ghi chức vụ."
    permission_action = "committees.change"

    def perform(self, form):
        services.record_agency_position(member=self.object, **form.cleaned_data)
        return reverse("members:detail", args=[self.object.pk])


class AgencyPositionEndView(ServiceFormView):
    model = AgencyPosition
    form_class = forms.EndForm
    title = "Thôi giữ chức vụ chính quyền, đoàn thể"
    success_message = "Đã ghi ngày thôi giữ chức vụ."

    def get_base_queryset(self):
        return AgencyPosition.objects.select_related("member")

    def perform(self, form):
        services.end_agency_position(self.object, form.cleaned_data["valid_to"])
        return reverse("members:detail", args=[self.object.member_id])


class ScopeView(Screen):
    """A committee's management scope and the cadre list that follows from it on a date."""

    def cadres(self, request, pk):
        org = org_or_404(request.user, pk)
        on = parse_on(request)
        return org, on, queries.cadres_of(org, on)

    def get(self, request, pk):
        org, on, groups = self.cadres(request, pk)
        return render(
            request,
            "committees/scope.html",
            {
                "title": f"Cán bộ diện {org.name} quản lý",
                "org": org,
                "on": on,
                "groups": groups,
                "all_scopes": list(
                    ManagementScope.objects.filter(organization=org).select_related("org_type")
                ),
                "can_change": can(request.user, "committees.change", org),
                "active": "schedule",
            },
        )


class ScopeExportView(ScopeView):
    def get(self, request, pk):
        org, on, groups = self.cadres(request, pk)
        return exports.cadres_xlsx(request, org, on, groups)


class ScopeCreateView(OrgFormView):
    form_class = forms.ScopeForm
    title = "Thêm diện cán bộ quản lý"
    success_message = "Đã thêm diện quản lý."

    def perform(self, form):
        services.add_scope(organization=self.object, **form.cleaned_data)
        return reverse("committees:scope", args=[self.object.pk])


# --- Cadre planning (committees.view_planning) -----------------------------------------------


class PlanningIndexView(Screen):
    permission = "committees.view_planning"

    def get(self, request):
        terms = (
            Term.objects.restrict(request.user, "view_planning")
            .select_related("organization")
            .order_by("-starts_on", "organization__path")
        )
        return render(
            request,
            "committees/planning_index.html",
            {
                "title": "Quy hoạch cán bộ",
                "page": Paginator(terms, 50).get_page(request.GET.get("page")),
                "active": "planning",
            },
        )


class PlanningView(Screen):
    """A term's confidential cadre planning: every showing is written to the access log (on
    the term), like its XLSX/DOCX exports."""

    permission = "committees.view_planning"

    def term(self, request, pk):
        return get_object_or_404(
            Term.objects.restrict(request.user, "view_planning").select_related("organization"),
            pk=pk,
        )

    def overview(self, request, pk):
        """(term, rows per planned post, composition, parameters)."""
        term = self.term(request, pk)
        posts = term.planned_posts.all()
        return term, *queries.planning_overview(term, posts, timezone.localdate())

    def get(self, request, pk):
        term, rows, composition, params = self.overview(request, pk)
        removed = list(
            PlanningCandidate.objects.filter(planned_post__term=term, removed_on__isnull=False)
            .select_related("member", "planned_post")
            .order_by("-removed_on")
        )
        log_record(
            request,
            term,
            screen="planning",
            candidates=sum(len(row.candidates) for row in rows),
            removed=len(removed),
        )
        return render(
            request,
            "committees/planning.html",
            {
                "title": f"Quy hoạch {term.organization.name}, nhiệm kỳ {term.name}",
                "term": term,
                "rows": rows,
                "composition": composition,
                "params": params,
                "removed": removed,
                "can_change": can(request.user, "committees.change_planning", term.organization),
                "active": "planning",
            },
        )


class PlanningExportView(PlanningView):
    def get(self, request, pk):
        term, rows, composition, _params = self.overview(request, pk)
        return exports.planning_xlsx(request, term, rows, composition)


class PlanningDocxView(PlanningView):
    def get(self, request, pk):
        term, rows, composition, _params = self.overview(request, pk)
        return exports.planning_docx(request, term, rows, composition)


class PlannedPostCreateView(ServiceFormView):
    model = Term
    permission_action = "change_planning"
    form_class = forms.PlannedPostForm
    title = "Thêm chức danh quy hoạch"
    success_message = "Đã thêm chức danh."

    def perform(self, form):
        services.add_planned_post(
            term=self.object,
            title=form.cleaned_data["title"],
            order=form.cleaned_data["order"] or 0,
        )
        return reverse("committees:planning", args=[self.object.pk])


class CandidateCreateView(ServiceFormView):
    model = PlannedPost
    permission_action = "change_planning"
    form_class = forms.CandidateForm
    title = "Đưa cán bộ vào quy hoạch"
    success_message = "Đã đưa vào quy hoạch."

    def get_base_queryset(self):
        return PlannedPost.objects.select_related("term", "organization")

    def perform(self, form):
        data = form.cleaned_data
        services.add_candidate(
            planned_post=self.object,
            member=data["member"],
            added_on=data["added_on"],
            reason=data["reason"],
        )
        return reverse("committees:planning", args=[self.object.term_id])


class CandidateRemoveView(ServiceFormView):
    model = PlanningCandidate
    permission_action = "change_planning"
    form_class = forms.RemoveForm
    title = "Đưa ra khỏi quy hoạch"
    success_message = "Đã đưa ra khỏi quy hoạch."

    def get_base_queryset(self):
        return PlanningCandidate.objects.select_related("member", "planned_post")

    def perform(self, form):
        services.remove_candidate(
            self.object,
            removed_on=form.cleaned_data["removed_on"],
            reason=form.cleaned_data["reason"],
        )
        return reverse("committees:planning", args=[self.object.planned_post.term_id])


# --- Comments --------------------------------------------------------------------------------


class CommentsView(Screen):
    """Appointment comments and residence comments in the user's reach; overdue flagged."""

    def get(self, request):
        today = timezone.localdate()
        overdue_only = request.GET.get("overdue") == "1"
        appointments = AppointmentComment.objects.restrict(request.user).select_related(
            "member", "organization"
        )
        residence = ResidenceComment.objects.restrict(request.user).select_related(
            "member", "member__organization", "residence_org"
        )
        if overdue_only:
            appointments = appointments.filter(responded_on__isnull=True, due_on__lt=today)
            residence = residence.filter(responded_on__isnull=True, due_on__lt=today)
        appointments, residence = list(appointments[:200]), list(residence[:200])
        for row in [*appointments, *residence]:
            row.overdue = rules.is_overdue(row.due_on, row.responded_on, today)
        return render(
            request,
            "committees/comments.html",
            {
                "title": "Nhận xét cán bộ, đảng viên",
                "appointments": appointments,
                "residence": residence,
                "overdue_only": overdue_only,
                "can_change": has_permission(request.user, "committees.change"),
                "active": "comments",
            },
        )


class AppointmentCreateView(ServiceFormView):
    model = AppointmentComment
    form_class = forms.AppointmentForm
    title = "Nhận đề nghị nhận xét phục vụ bổ nhiệm"
    success_message = "Đã ghi đề nghị."

    def perform(self, form):
        services.request_appointment_comment(user=self.request.user, **form.cleaned_data)
        return reverse("committees:comments")


class AppointmentRespondView(ServiceFormView):
    model = AppointmentComment
    form_class = forms.AppointmentResponseForm
    title = "Nhận xét của cấp ủy"
    success_message = "Đã ghi nhận xét."

    def perform(self, form):
        services.respond_appointment_comment(self.object, **form.cleaned_data)
        return reverse("committees:comments")


class ResidenceCreateView(ServiceFormView):
    model = ResidenceComment
    form_class = forms.ResidenceForm
    title = "Đề nghị chi bộ nơi cư trú nhận xét"
    success_message = "Đã gửi đề nghị."

    def perform(self, form):
        services.request_residence_comment(user=self.request.user, **form.cleaned_data)
        return reverse("committees:comments")


class ResidenceRespondView(ServiceFormView):
    model = ResidenceComment
    form_class = forms.ResidenceResponseForm
    title = "Nhận xét của chi bộ nơi cư trú"
    success_message = "Đã ghi nhận xét."

    def perform(self, form):
        services.respond_residence_comment(self.object, **form.cleaned_data)
        return reverse("committees:comments")


# --- Pickers ---------------------------------------------------------------------------------


class PickOrgView(OrgPickerView):
    template_name = "committees/_pick_org.html"

    def candidates(self, request):
        cells = request.GET.get("cells") == "1"
        if request.GET.get("scope") == "all" and cells:
            # residence cells may be anywhere: names of cells are not confidential
            return Organization.objects.filter(is_active=True, org_type__holds_members=True)
        return forms.active_orgs(cells).restrict(request.user, "committees.view")


class PickMemberView(LoginRequiredMixin, View):
    def get(self, request):
        query = normalize(request.GET.get("q", ""))
        results = []
        if len(query) >= 2:
            # names of the register: members.view besides committees.view
            members = forms.active_members().restrict(request.user, "members.view")
            members = members.restrict(request.user, "committees.view")
            results = list(members.matching_name(query)[:20])
        return render(
            request,
            "committees/_pick_member.html",
            {"results": results, "field": request.GET.get("field", "")},
        )
