"""Meeting screens: list with flags, a cell's year calendar, detail, the forms (plan, prepare,
record attendance for the whole cell, resolutions, score), statistics, criteria sets."""

from datetime import date

from auditlog.signals import accessed
from django import forms as djforms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Max, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from dangbo.core import hooks, uploads
from dangbo.core.issuing import IssueView
from dangbo.core.params import get_id, get_month_number, get_year
from dangbo.core.permissions import can, has_permission, top_orgs
from dangbo.core.views import ObjectDetailView, ObjectListView, ServiceFormView
from dangbo.meetings import forms, papers, queries, rules, services
from dangbo.meetings.filters import CriteriaSetFilter, MeetingFilter
from dangbo.meetings.models import (
    CriteriaSet,
    Meeting,
    MeetingDocument,
    MeetingStatus,
    MeetingTask,
    SuperiorAssignment,
)
from dangbo.meetings.tables import CriteriaSetTable, MeetingTable, meeting_flags
from dangbo.organizations.models import Organization


def reachable_orgs(user, action: str = "view"):
    """Orgs under the nodes where the user holds `meetings.<action>`."""
    return Organization.objects.select_related("org_type").restrict(user, f"meetings.{action}")


class MeetingListView(ObjectListView):
    model = Meeting
    filterset_class = MeetingFilter
    table_class = MeetingTable
    template_name = "meetings/list.html"
    title = "Sinh hoạt chi bộ"

    def config(self):
        if not hasattr(self, "_config"):
            self._config = services.params(timezone.localdate())
        return self._config

    def get_base_queryset(self):
        return (
            Meeting.objects.select_related("organization")
            .annotate(last_document_at=Max("documents__published_at"))
            .order_by("-planned_on", "-id")
        )

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["threshold"] = self.config()["meetings.attendance_min_pct"]
        return kwargs

    def get_table_kwargs(self):
        return {"config": self.config()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cells = list(
            reachable_orgs(self.request.user, "change")
            .filter(org_type__holds_members=True, is_active=True)
            .order_by("path")[:11]
        )
        context["my_cells"] = cells if len(cells) <= 10 else []
        return context


class CellMixin:
    """Views on one cell: the cell must be in reach for meetings.change."""

    model = Organization
    permission_action = "meetings.change"

    def get_base_queryset(self):
        return Organization.objects.select_related("org_type").filter(org_type__holds_members=True)


class CellCalendarView(LoginRequiredMixin, View):
    """A cell's year: meetings by month, missing months / quarterly thematic meetings,
    proposals for the rest of the year, members flagged for absences."""

    def get(self, request, pk):
        cell = reachable_orgs(request.user).filter(org_type__holds_members=True, pk=pk).first()
        if cell is None:
            raise Http404
        today = timezone.localdate()
        year = get_year(request, default=today.year)
        config = services.params(date(year, 1, 1), cell.path)
        overview = queries.cell_year(cell, year, today)
        context = dict(
            title=f"Lịch sinh hoạt {year} — {cell.name}",
            cell=cell,
            year=year,
            years=[year - 1, year + 1],
            overview=overview,
            proposals=services.proposed_calendar(cell, year, today),
            can_change=can(request.user, "meetings.change", cell),
            absences=queries.absence_flags(
                cell.path,
                date(year, 1, 1),
                date(year + 1, 1, 1),
                int(config["meetings.absence_months_for_deletion"]),
            ),
            absence_months=config["meetings.absence_months_for_deletion"],
            assignments=list(
                SuperiorAssignment.objects.filter(organization=cell)
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=today))
                .order_by("valid_from", "id")
            ),
        )
        for month in overview["months"]:
            for meeting in month["meetings"]:
                meeting.flags = meeting_flags(meeting, config)
        return render(request, "meetings/cell.html", context)


class PlanView(CellMixin, ServiceFormView):
    form_class = forms.PlanForm
    title = "Thêm buổi sinh hoạt vào kế hoạch"
    success_message = "Đã thêm vào kế hoạch sinh hoạt."

    def perform(self, form):
        meeting = services.plan_meeting(
            organization=self.object, user=self.request.user, **form.cleaned_data
        )
        return reverse("meetings:detail", args=[meeting.pk])


class AssignSuperiorView(CellMixin, ServiceFormView):
    form_class = forms.AssignmentForm
    title = "Phân công cấp ủy viên cấp trên dự sinh hoạt chi bộ"
    success_message = "Đã phân công; các buổi sinh hoạt lập từ nay sẽ mời đồng chí này."

    def perform(self, form):
        data = dict(form.cleaned_data)
        account = data.pop("username")
        services.assign_superior(
            organization=self.object, account=account, user=self.request.user, **data
        )
        return reverse("meetings:cell", args=[self.object.pk])


class EndAssignmentView(ServiceFormView):
    model = SuperiorAssignment
    form_class = forms.EndAssignmentForm
    title = "Kết thúc phân công dự sinh hoạt"
    success_message = "Đã kết thúc phân công."

    def perform(self, form):
        assignment = services.end_superior_assignment(
            self.object, user=self.request.user, **form.cleaned_data
        )
        return reverse("meetings:cell", args=[assignment.organization_id])


class PlanYearView(CellMixin, ServiceFormView):
    """Shows the proposed calendar for the rest of a year; saving creates those meetings."""

    form_class = djforms.Form
    template_name = "meetings/plan_year.html"
    success_message = "Đã lập lịch sinh hoạt theo đề xuất."

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("user")
        kwargs.pop("permission")
        return kwargs

    def year(self):
        return get_year(self.request, default=timezone.localdate().year)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = self.year()
        context.update(
            title=f"Đề xuất lịch sinh hoạt năm {year}",
            year=year,
            proposals=services.proposed_calendar(self.object, year, timezone.localdate()),
        )
        return context

    def perform(self, form):
        year = self.year()
        services.plan_year(self.object, year, user=self.request.user)
        return reverse("meetings:cell", args=[self.object.pk]) + f"?year={year}"


class MeetingDetailView(ObjectDetailView):
    model = Meeting
    template_name = "meetings/detail.html"

    def get_base_queryset(self):
        return Meeting.objects.select_related(
            "organization", "organization__org_type", "chair", "secretary", "criteria_set"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = self.object
        config = services.params(meeting.planned_on, meeting.organization.path)
        documents = list(meeting.documents.all())
        for document in documents:
            document.late = services.document_is_late(
                document, meeting, config["meetings.documents_days_before"]
            )
        minutes = None
        duration_problem = None
        if meeting.started_at and meeting.ended_at:
            minutes = rules.duration_minutes(meeting.started_at, meeting.ended_at)
            duration_problem = rules.duration_problem(
                meeting.kind,
                minutes,
                config["meetings.min_minutes_regular"],
                config["meetings.min_minutes_combined"],
            )
        rate = rules.attendance_rate(meeting.attended_count, meeting.expected_count)
        can_change = self.can("change", meeting)
        resolutions = list(
            meeting.resolutions.prefetch_related(
                Prefetch("tasks", queryset=MeetingTask.objects.select_related("owner"))
            )
        )
        task_ids = [t.pk for r in resolutions for t in r.tasks.all()]
        # The programme tasks created from these resolution tasks (progress, link), if any.
        followed = (
            hooks.call("programmes.tasks_for_resolution", self.request.user, task_ids)
            if task_ids
            else {}
        )
        for resolution in resolutions:
            for task in resolution.tasks.all():
                task.followed = followed.get(task.pk)
        context.update(
            title=str(meeting),
            threshold=config["meetings.attendance_min_pct"],
            documents=documents,
            preview_types=uploads.PREVIEW_TYPES,
            documents_deadline=rules.documents_deadline(
                meeting.planned_on, config["meetings.documents_days_before"]
            ),
            superiors=list(meeting.superiors.select_related("user")),
            attendances=list(meeting.attendances.select_related("member")),
            resolutions=resolutions,
            criterion_scores=list(meeting.criterion_scores.select_related("criterion")),
            minutes=minutes,
            duration_problem=duration_problem,
            rate=rate,
            rate_low=meeting.is_held
            and rules.below_threshold(rate, config["meetings.attendance_min_pct"]),
            can_change=can_change and meeting.status != MeetingStatus.CANCELLED,
            can_score=meeting.is_held
            and (can_change or services.may_score_as_superior(self.request.user, meeting)),
        )
        return context


class MeetingActionView(ServiceFormView):
    model = Meeting
    template_name = "meetings/form.html"

    def get_base_queryset(self):
        return Meeting.objects.select_related("organization", "organization__org_type")


class PrepareView(MeetingActionView):
    form_class = forms.PrepareForm
    title = "Chuẩn bị buổi sinh hoạt"

    def get_initial(self):
        m = self.object
        return dict(
            planned_on=m.planned_on,
            topic=m.topic,
            agenda=m.agenda,
            location=m.location,
            online_link=m.online_link,
        )

    def perform(self, form):
        return services.prepare_meeting(self.object, user=self.request.user, **form.cleaned_data)


class DocumentView(MeetingActionView):
    form_class = forms.DocumentForm
    title = "Đính kèm và công bố tài liệu"
    success_message = "Đã công bố tài liệu cho đảng viên."

    def perform(self, form):
        services.add_document(self.object, user=self.request.user, **form.cleaned_data)
        return self.object


class DocumentFileView(LoginRequiredMixin, View):
    """A meeting document's file, for users who may view the meeting; each download is
    logged. `?xem=1` shows a PDF or an image in the browser (under a restrictive CSP)."""

    def get(self, request, pk):
        meetings = Meeting.objects.restrict(request.user)
        document = get_object_or_404(
            MeetingDocument.objects.filter(meeting__in=meetings).exclude(file=""), pk=pk
        )
        accessed.send(sender=MeetingDocument, instance=document)
        return uploads.serve_upload(
            document.file,
            name=document.file_name,
            type_code=document.file_type,
            preview=bool(request.GET.get("xem")),
        )


class SuperiorView(MeetingActionView):
    form_class = forms.SuperiorForm
    title = "Mời đồng chí cấp ủy cấp trên dự"
    success_message = "Đã ghi nhận đồng chí cấp trên dự sinh hoạt."

    def perform(self, form):
        data = dict(form.cleaned_data)
        account = data.pop("username")
        services.invite_superior(self.object, account=account, user=self.request.user, **data)
        return self.object


class CancelView(MeetingActionView):
    form_class = forms.CancelForm
    title = "Hủy buổi sinh hoạt"
    success_message = "Đã hủy buổi sinh hoạt."

    def perform(self, form):
        return services.cancel_meeting(self.object, user=self.request.user, **form.cleaned_data)


class RecordView(MeetingActionView):
    """The whole cell's attendance on one form, saved in one transaction."""

    form_class = forms.RecordForm
    template_name = "meetings/record.html"
    title = "Ghi biên bản và điểm danh"
    success_message = "Đã ghi biên bản và điểm danh."

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        attendance = {a.member_id: a for a in self.object.attendances.select_related("member")}
        meeting = self.object
        members = list(services.roll(meeting.organization, meeting.planned_on))
        known = {m.pk for m in members}
        members += [a.member for a in attendance.values() if a.member_id not in known]
        if not attendance:  # first recording: start from the members' own replies (portal)
            attendance = hooks.call("portal.meeting_replies", self.object)
        kwargs.update(meeting=self.object, members=members, attendance=attendance)
        return kwargs

    def perform(self, form):
        data = form.cleaned_data
        return services.record_meeting(
            self.object,
            held_on=data["held_on"],
            start=data["start"],
            end=data["end"],
            chair_id=data["chair"],
            secretary_id=data["secretary"],
            attendance=form.entries(),
            guests=data["guests"],
            minutes=data["minutes"],
            superiors_attended=form.superiors_attended(),
            user=self.request.user,
        )


class ResolutionView(MeetingActionView):
    form_class = forms.ResolutionForm
    title = "Nghị quyết và nhiệm vụ giao"
    success_message = "Đã ghi nghị quyết."

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["members"] = services.roll(self.object.organization, self.object.planned_on)
        return kwargs

    def perform(self, form):
        services.adopt_resolution(
            self.object,
            content=form.cleaned_data["content"],
            tasks=form.tasks(),
            user=self.request.user,
        )
        return self.object


class TaskDoneView(ServiceFormView):
    model = MeetingTask
    form_class = forms.TaskDoneForm
    title = "Hoàn thành nhiệm vụ"
    success_message = "Đã ghi nhận hoàn thành nhiệm vụ."

    def get_base_queryset(self):
        return MeetingTask.objects.select_related("resolution__meeting")

    def perform(self, form):
        task = services.complete_task(self.object, user=self.request.user, **form.cleaned_data)
        return task.resolution.meeting


class ScoreView(MeetingActionView):
    """Score against the criteria set: the cell's committee, or a superior who attended."""

    form_class = forms.ScoreForm
    template_name = "meetings/score.html"
    title = "Chấm điểm chất lượng sinh hoạt"
    success_message = "Đã chấm điểm buổi sinh hoạt."

    def get_queryset(self):
        user = self.request.user
        base = self.get_base_queryset()
        allowed = base.restrict(user, "change").values("pk")
        return base.filter(
            Q(pk__in=allowed) | Q(superiors__user=user, superiors__attended=True)
        ).distinct()

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        self.criteria_set, criteria = services.criteria_for(self.object)
        scores = {s.criterion_id: s for s in self.object.criterion_scores.all()}
        kwargs.update(criteria=criteria, scores=scores)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["criteria_set"] = self.criteria_set
        return context

    def perform(self, form):
        return services.score_meeting(self.object, scores=form.scores(), user=self.request.user)


class StatsView(LoginRequiredMixin, View):
    """Figures for a subtree and period: meetings held vs expected, attendance, grades,
    cells with gaps, members flagged for deletion, superiors' attendance."""

    def get(self, request):
        orgs = reachable_orgs(request.user)
        root = None
        org_id = get_id(request, "org")
        if org_id is not None:
            root = orgs.filter(pk=org_id).first()
            if root is None:
                raise Http404
        else:
            root = orgs.filter(pk__in=top_orgs(request.user, "meetings.view").values("pk")).first()
            if root is None:
                raise Http404
        today = timezone.localdate()
        year = get_year(request, default=today.year)
        last = 12 if year < today.year else max(1, today.month)
        from_month = get_month_number(request, "from", 1)
        to_month = max(from_month, get_month_number(request, "to", last))
        config = services.params(date(year, from_month, 1), root.path)
        rows, total = queries.subtree_stats(
            root, year, from_month, to_month, config["meetings.attendance_min_pct"], today
        )
        start = date(year, from_month, 1)
        end = date(year + to_month // 12, to_month % 12 + 1, 1)
        context = dict(
            title=f"Thống kê sinh hoạt chi bộ — {root.name}",
            root=root,
            ancestors=list(Organization.objects.get_ancestors(root)) if root.depth > 1 else [],
            year=year,
            from_month=from_month,
            to_month=to_month,
            month_choices=range(1, 13),
            rows=rows,
            total=total,
            threshold=config["meetings.attendance_min_pct"],
            absence_months=config["meetings.absence_months_for_deletion"],
            absences=queries.absence_flags(
                root.path,
                start,
                end,
                int(config["meetings.absence_months_for_deletion"]),
                limit=200,
            ),
            superiors=queries.superiors_record(root.path, start, end),
        )
        return render(request, "meetings/stats.html", context)


class CriteriaListView(ObjectListView):
    model = CriteriaSet
    filterset_class = CriteriaSetFilter
    table_class = CriteriaSetTable
    template_name = "meetings/criteria_list.html"
    title = "Bộ tiêu chí chấm điểm sinh hoạt chi bộ"

    def get_base_queryset(self):
        return CriteriaSet.objects.select_related("organization")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.can("manage_criteria")
        return context


class CriteriaDetailView(ObjectDetailView):
    model = CriteriaSet
    template_name = "meetings/criteria_detail.html"

    def get_base_queryset(self):
        return CriteriaSet.objects.select_related("organization", "created_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=self.object.name,
            criteria=list(self.object.criteria.all()),
            scored_count=self.object.meetings.count(),
        )
        return context


class CriteriaCreateView(ServiceFormView):
    model = CriteriaSet
    form_class = forms.CriteriaSetForm
    permission_action = "manage_criteria"
    title = "Ban hành bộ tiêu chí chấm điểm sinh hoạt"
    success_message = "Đã ban hành bộ tiêu chí; bộ trước đó hết hiệu lực từ ngày này."

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_permission(
            request.user, "meetings.manage_criteria"
        ):
            raise Http404  # hidden, like every screen the user holds nowhere
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["organizations"] = Organization.objects.select_related("org_type").filter(
            is_active=True, org_type__holds_members=False, org_type__is_grassroots=False
        )  # restricted by the form for meetings.manage_criteria
        return kwargs

    def perform(self, form):
        return services.create_criteria_set(user=self.request.user, **form.cleaned_data)


class PaperView(IssueView):
    """POST: the minutes (`paper=minutes`) or the resolution (`paper=resolution`) of a held
    meeting, numbered in the cell's register (asked again: the kept one)."""

    model = Meeting
    permission = "meetings.change"
    select_related = ("organization__org_type", "chair", "secretary")

    def issue(self, obj, user):
        kind = papers.PAPERS.get(self.request.POST.get("paper", ""), papers.MINUTES)
        return papers.meeting_paper(obj, kind, user)
