"""Inspection screens: programmes with plan vs done, each inspection with its remedies,
cases ending in discipline, appeals, and statistics per subtree and period."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from dangbo.core.exports import new_workbook, xlsx_response
from dangbo.core.issuing import IssueView
from dangbo.core.params import get_id
from dangbo.core.permissions import has_permission, top_orgs
from dangbo.core.text import normalize
from dangbo.core.views import ObjectDetailView, ObjectListView, ServiceFormView
from dangbo.inspections import forms, papers, queries, rules, services
from dangbo.inspections.filters import (
    CaseFilter,
    ComplaintFilter,
    InspectionFilter,
    ProgrammeFilter,
    RemedyFilter,
)
from dangbo.inspections.models import (
    Appeal,
    Case,
    Complaint,
    Inspection,
    InspectionStatus,
    Programme,
    Remedy,
    RemedyUpdate,
)
from dangbo.inspections.tables import (
    CaseTable,
    ComplaintTable,
    InspectionTable,
    ProgrammeTable,
    RemedyTable,
)
from dangbo.members import rules as member_rules
from dangbo.members import services as member_services
from dangbo.organizations.views import OrgPickerView


class ListView(ObjectListView):
    template_name = "inspections/list.html"
    links_active = ""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "active": self.links_active}


# Programmes ------------------------------------------------------------------------------


class ProgrammeListView(ListView):
    model = Programme
    filterset_class = ProgrammeFilter
    table_class = ProgrammeTable
    title = "Chương trình kiểm tra, giám sát"
    links_active = "programmes"

    def get_base_queryset(self):
        return (
            Programme.objects.select_related("organization")
            .annotate(
                planned=Count(
                    "inspections", filter=~Q(inspections__status=InspectionStatus.CANCELLED)
                ),
                done=Count("inspections", filter=Q(inspections__status=InspectionStatus.CONCLUDED)),
            )
            .order_by("-year", "organization__path", "body", "id")
        )


class ProgrammeCreateView(ServiceFormView):
    model = Programme
    form_class = forms.ProgrammeForm
    title = "Lập chương trình kiểm tra, giám sát năm"
    success_message = "Đã lập chương trình."

    def perform(self, form):
        return services.create_programme(user=self.request.user, **form.cleaned_data)


class ProgrammeDetailView(ObjectDetailView):
    model = Programme
    template_name = "inspections/programme.html"

    def get_base_queryset(self):
        return Programme.objects.select_related("organization")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        items = list(
            self.object.inspections.select_related("organization", "target_member").order_by(
                "planned_quarter", "planned_start", "id"
            )
        )
        context.update(
            title=str(self.object),
            items=items,
            quarters=rules.plan_vs_done((i.planned_quarter, i.status) for i in items),
            can_change=self.can("change", self.object),
        )
        return context


class PlanView(ServiceFormView):
    model = Programme
    form_class = forms.PlanForm
    title = "Đưa một cuộc vào chương trình"
    success_message = "Đã đưa vào chương trình."

    def perform(self, form):
        data = dict(form.cleaned_data)
        target_org, target_member = data.pop("target_org"), data.pop("target_member")
        return services.plan_inspection(
            self.object,
            services.Plan(**data),
            target_org=target_org,
            target_member=target_member,
            user=self.request.user,
        )


# Inspections -----------------------------------------------------------------------------


class InspectionListView(ListView):
    model = Inspection
    filterset_class = InspectionFilter
    table_class = InspectionTable
    title = "Các cuộc kiểm tra, giám sát"
    links_active = "inspections"

    def get_base_queryset(self):
        return Inspection.objects.select_related("organization", "target_member", "programme")


class InspectionDetailView(ObjectDetailView):
    model = Inspection
    template_name = "inspections/detail.html"

    def get_base_queryset(self):
        return Inspection.objects.select_related(
            "organization", "target_member", "programme", "programme__organization"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        remedies = list(
            self.object.remedies.select_related("confirmed_by").prefetch_related(
                Prefetch("updates", queryset=RemedyUpdate.objects.select_related("recorded_by"))
            )
        )
        for remedy in remedies:
            remedy.overdue_days = rules.remedy_overdue_days(remedy.due_on, remedy.status, today)
        context.update(
            title=str(self.object),
            documents=list(self.object.documents.all()),
            remedies=remedies,
            overdue_count=sum(1 for r in remedies if r.overdue_days),
            cases=list(self.object.cases.select_related("member")),
            can_change=self.can("change", self.object),
        )
        return context


class InspectionActionView(ServiceFormView):
    model = Inspection

    def get_base_queryset(self):
        return Inspection.objects.select_related("organization", "target_member")


class StartView(InspectionActionView):
    form_class = forms.StartForm
    title = "Quyết định tiến hành"
    success_message = "Đã ghi nhận quyết định tiến hành."

    def get_initial(self):
        return {"team": self.object.team}

    def perform(self, form):
        return services.start_inspection(self.object, user=self.request.user, **form.cleaned_data)


class DocumentView(InspectionActionView):
    form_class = forms.DocumentForm
    title = "Thêm tài liệu"
    success_message = "Đã thêm tài liệu."

    def perform(self, form):
        services.add_document(self.object, **form.cleaned_data)
        return self.object


class ConcludeView(InspectionActionView):
    form_class = forms.ConcludeForm
    title = "Kết luận"
    success_message = "Đã ghi nhận kết luận."

    def perform(self, form):
        return services.conclude_inspection(
            self.object, user=self.request.user, **form.cleaned_data
        )


class CancelView(InspectionActionView):
    form_class = forms.CloseCaseForm
    title = "Không thực hiện cuộc này"

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        for name in ("closed_on", "violation"):
            del form.fields[name]
        form.fields["conclusion"].label = "Lý do"
        return form

    def perform(self, form):
        return services.cancel_inspection(
            self.object, reason=form.cleaned_data["conclusion"], user=self.request.user
        )


class RemedyAddView(InspectionActionView):
    form_class = forms.RemedyForm
    title = "Thêm yêu cầu khắc phục"
    success_message = "Đã thêm yêu cầu khắc phục."

    def perform(self, form):
        services.add_remedy(self.object, user=self.request.user, **form.cleaned_data)
        return self.object


# Remedies --------------------------------------------------------------------------------


class RemedyListView(ListView):
    model = Remedy
    filterset_class = RemedyFilter
    table_class = RemedyTable
    title = "Theo dõi khắc phục sau kiểm tra, giám sát"
    links_active = "remedies"

    def get_base_queryset(self):
        return Remedy.objects.select_related(
            "inspection__organization", "inspection__target_member"
        )


class RemedyActionView(ServiceFormView):
    model = Remedy

    def get_base_queryset(self):
        return Remedy.objects.select_related("inspection__organization")


class FollowUpView(RemedyActionView):
    form_class = forms.FollowUpForm
    title = "Theo dõi khắc phục"
    success_message = "Đã ghi nhận."

    def perform(self, form):
        services.follow_up_remedy(self.object, user=self.request.user, **form.cleaned_data)
        return self.object.inspection


class ConfirmRemedyView(RemedyActionView):
    form_class = forms.ConfirmRemedyForm
    title = "Xác nhận đã khắc phục"
    success_message = "Đã xác nhận hoàn thành khắc phục."

    def perform(self, form):
        services.confirm_remedy_done(self.object, user=self.request.user, **form.cleaned_data)
        return self.object.inspection


# Cases, discipline, appeals --------------------------------------------------------------


class CaseListView(ListView):
    model = Case
    filterset_class = CaseFilter
    table_class = CaseTable
    title = "Kiểm tra khi có dấu hiệu vi phạm"
    links_active = "cases"

    def get_base_queryset(self):
        return Case.objects.select_related("organization", "member")


class CaseCreateView(ServiceFormView):
    model = Case
    form_class = forms.CaseForm
    title = "Kiểm tra khi có dấu hiệu vi phạm"
    success_message = "Đã mở vụ việc."

    def inspection(self):
        pk = get_id(self.request, "inspection")
        if pk is None:
            return None
        found = Inspection.objects.restrict(self.request.user, "change").filter(pk=pk).first()
        if found is None:
            raise Http404
        return found

    def get_initial(self):
        inspection = self.inspection()
        if inspection is None:
            return {}
        return {"member": inspection.target_member_id, "organization": None}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.inspection()
        return context

    def perform(self, form):
        return services.open_case(
            inspection=self.inspection(), user=self.request.user, **form.cleaned_data
        )


class CaseDetailView(ObjectDetailView):
    model = Case
    template_name = "inspections/case.html"

    def get_base_queryset(self):
        return Case.objects.select_related(
            "organization", "member", "inspection", "member_discipline"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case = self.object
        discipline = case.member_discipline or case.org_disciplines.first()
        effects = {}
        if case.member_discipline and case.member_discipline.annulled_on is None:
            form = case.member_discipline.form
            year = case.member_discipline.decided_on.year
            effects = dict(
                year=year,
                # the table reviews applies in that year's review (one source: members)
                grade_cap=member_services.discipline_grade_cap_in_year(
                    [form], year, case.member.org_path if case.member_id else ""
                ),
                badge_delay=member_rules.badge_delay_months([form]),
                expelled=form == "expulsion",
            )
        context.update(
            title=str(case),
            discipline=discipline,
            effects=effects,
            grade_labels=member_rules.GRADE_LABELS,
            appeals=list(case.appeals.all()),
            can_change=self.can("change", case),
            appeal_deadline=rules.appeal_deadline(
                discipline.decided_on,
                services.appeal_days(discipline.decided_on, case.organization.path),
            )
            if discipline
            else None,
        )
        return context


class CaseActionView(ServiceFormView):
    model = Case

    def get_base_queryset(self):
        return Case.objects.select_related("organization", "member")


class CloseCaseView(CaseActionView):
    form_class = forms.CloseCaseForm
    title = "Kết luận vụ việc (không thi hành kỷ luật)"
    success_message = "Đã kết luận vụ việc."

    def perform(self, form):
        return services.close_case(self.object, user=self.request.user, **form.cleaned_data)


class CaseDisciplineView(CaseActionView):
    form_class = forms.DisciplineDecisionForm
    title = "Quyết định thi hành kỷ luật"
    success_message = "Đã ghi nhận quyết định kỷ luật."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "case": self.object}

    def perform(self, form):
        if self.object.member_id:
            services.discipline_member(self.object, user=self.request.user, **form.cleaned_data)
        else:
            services.discipline_org(self.object, user=self.request.user, **form.cleaned_data)
        return self.object


class AppealView(CaseActionView):
    form_class = forms.AppealForm
    title = "Nhận khiếu nại kỷ luật"
    success_message = "Đã ghi nhận khiếu nại."

    def perform(self, form):
        services.lodge_appeal(self.object, user=self.request.user, **form.cleaned_data)
        return self.object


class AppealDecideView(ServiceFormView):
    model = Appeal
    form_class = forms.AppealDecisionForm
    title = "Giải quyết khiếu nại kỷ luật"
    success_message = "Đã ghi nhận kết quả giải quyết khiếu nại."

    def perform(self, form):
        appeal = services.decide_appeal(self.object, user=self.request.user, **form.cleaned_data)
        return appeal.case


# Complaints and denunciations -----------------------------------------------------------


class ComplaintListView(ListView):
    model = Complaint
    filterset_class = ComplaintFilter
    table_class = ComplaintTable
    title = "Đơn khiếu nại, tố cáo"
    links_active = "complaints"

    def get_base_queryset(self):
        return Complaint.objects.select_related("organization")


class ComplaintCreateView(ServiceFormView):
    model = Complaint
    form_class = forms.ComplaintForm
    title = "Tiếp nhận đơn khiếu nại, tố cáo"
    success_message = "Đã tiếp nhận đơn."

    def perform(self, form):
        return services.register_complaint(user=self.request.user, **form.cleaned_data)


class ComplaintDetailView(ObjectDetailView):
    model = Complaint
    template_name = "inspections/complaint.html"

    def get_base_queryset(self):
        return Complaint.objects.select_related("organization")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        complaint = self.object
        context.update(
            title=str(complaint),
            overdue_days=rules.complaint_overdue_days(
                complaint.due_on, complaint.status, timezone.localdate()
            ),
            can_change=self.can("change", complaint),
        )
        return context


class AssignComplaintView(ServiceFormView):
    model = Complaint
    form_class = forms.AssignComplaintForm
    title = "Giao giải quyết đơn"
    success_message = "Đã giao giải quyết."

    def perform(self, form):
        return services.assign_complaint(self.object, user=self.request.user, **form.cleaned_data)


class AnswerComplaintView(ServiceFormView):
    model = Complaint
    form_class = forms.AnswerComplaintForm
    title = "Trả lời đơn"
    success_message = "Đã ghi nhận kết quả giải quyết."

    def perform(self, form):
        return services.answer_complaint(self.object, user=self.request.user, **form.cleaned_data)


# Statistics ------------------------------------------------------------------------------


class StatisticsView(LoginRequiredMixin, View):
    """Figures for a subtree and a span of years; every figure links to its rows."""

    def get(self, request):
        if not has_permission(request.user, "inspections.view"):
            raise Http404  # hidden, like every screen of an app the user holds nowhere
        today = timezone.localdate()
        data = request.GET or {"year_from": today.year - 4, "year_to": today.year}
        form = forms.StatisticsForm(data, user=request.user)
        stats, root = None, None
        if form.is_valid():
            root = form.cleaned_data["org"] or self.default_root(request.user)
            if root is None:
                raise Http404
            stats = queries.statistics(
                root.path, form.cleaned_data["year_from"], form.cleaned_data["year_to"], today
            )
            if request.GET.get("export") == "xlsx":
                return self.xlsx(request, stats, root, form.cleaned_data)
        return render(
            request,
            "inspections/statistics.html",
            {
                "title": "Thống kê kiểm tra, giám sát, kỷ luật",
                "form": form,
                "stats": stats,
                "root": root,
                "query": request.GET.urlencode(),
                "active": "statistics",
            },
        )

    @staticmethod
    def default_root(user):
        return top_orgs(user, "inspections.view").order_by("path").first()

    @staticmethod
    def xlsx(request, stats, root, data):
        """The statistics as XLSX (logged as an export)."""
        book = new_workbook(org=root)
        sheet = book.active
        sheet.title = "Kiểm tra, giám sát"
        sheet.append([f"{root.name} — năm {data['year_from']}–{data['year_to']}"])
        sheet.append(["Loại", "Đối tượng", "Kế hoạch", "Đã thực hiện", "Có vi phạm"])
        for row in stats.rows:
            sheet.append(
                [
                    row["kind_label"],
                    row["target_label"],
                    row["planned"],
                    row["done"],
                    row["violations"],
                ]
            )
        sheet.append(["Tổng", "", *stats.totals.values()])
        sheet.append([])
        sheet.append(["Yêu cầu khắc phục", "Tổng", "Đã hoàn thành", "Quá hạn"])
        sheet.append(["", *stats.remedies.values()])
        sheet.append(["Đơn khiếu nại, tố cáo", "Tổng", "Đã trả lời", "Quá hạn"])
        sheet.append(["", *stats.complaints.values()])
        sheet.append([])
        sheet.append(["Kỷ luật đảng viên", "Số quyết định"])
        for _code, label, n in stats.member_discipline:
            sheet.append([label, n])
        sheet.append(["Kỷ luật tổ chức đảng", "Số quyết định"])
        for _code, label, n in stats.org_discipline:
            sheet.append([label, n])
        return xlsx_response(
            request,
            book,
            filename="thong-ke-kiem-tra.xlsx",
            what="Thống kê kiểm tra, giám sát, kỷ luật",
            rows=len(stats.rows),
            org=root.pk,
            years=f"{data['year_from']}-{data['year_to']}",
        )


# Pickers (HTMX) --------------------------------------------------------------------------


class PickOrgView(OrgPickerView):
    def candidates(self, request):
        return forms.active_orgs().restrict(request.user, "inspections.view")


class PickMemberView(LoginRequiredMixin, View):
    def get(self, request):
        query = normalize(request.GET.get("q", ""))
        results = []
        if len(query) >= 2:
            # names of the register: members.view besides inspections.view
            members = forms.active_members().restrict(request.user, "members.view")
            members = members.restrict(request.user, "inspections.view")
            results = list(members.matching_name(query)[:20])
        return render(
            request,
            "inspections/_pick_member.html",
            {"results": results, "field": request.GET.get("field", "")},
        )


class CaseDecisionView(IssueView):
    """POST: the discipline decision of a case ended in a member's discipline, numbered in the
    register of the member's grassroots party organisation (asked again: the kept one)."""

    model = Case
    permission = "inspections.change"
    select_related = (
        "organization",
        "member__organization",
        "member_discipline__authority_org__org_type",
    )
    refused = "Quyết định kỷ luật do {issuer} ban hành."

    def issuer(self, obj):
        return papers.issuer_of(obj)

    def issue(self, obj, user):
        return papers.discipline_decision(obj, user)
