"""Training screens: classes, enrolment, results for a whole class, statistics."""

import django_filters
import django_tables2 as tables
from django.contrib import messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from dangbo.core.errors import DomainError
from dangbo.core.filters import YearFilter
from dangbo.core.forms import valid_data
from dangbo.core.params import get_date, get_id
from dangbo.core.text import normalize
from dangbo.core.views import ObjectDetailView, ObjectListView, RestrictedViewMixin, ServiceFormView
from dangbo.members.models import Member
from dangbo.organizations.models import Organization
from dangbo.training import forms, services
from dangbo.training.models import CourseKind, Enrolment, TrainingClass


class ClassFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label="Loại lớp", choices=CourseKind.choices)
    year = YearFilter(label="Năm khai giảng", field_name="starts_on")

    class Meta:
        model = TrainingClass
        fields = ["kind", "year"]


class ClassTable(tables.Table):
    name = tables.Column(linkify=True)
    starts_on = tables.DateColumn(format="d/m/Y")
    ends_on = tables.DateColumn(format="d/m/Y")
    learners = tables.Column(verbose_name="Học viên", orderable=False)

    class Meta:
        model = TrainingClass
        fields = ("name", "kind", "organization", "starts_on", "ends_on", "learners")
        attrs = {"class": "table table-sm", "id": "classes"}


class ClassListView(ObjectListView):
    model = TrainingClass
    filterset_class = ClassFilter
    table_class = ClassTable
    title = "Lớp bồi dưỡng, đào tạo"
    template_name = "training/list.html"

    def get_base_queryset(self):
        return (
            TrainingClass.objects.select_related("organization")
            .annotate(learners=Count("enrolments"))
            .order_by("-starts_on", "id")
        )


class ClassCreateView(ServiceFormView):
    model = TrainingClass
    form_class = forms.ClassForm
    title = "Mở lớp"
    success_message = "Đã mở lớp."

    def perform(self, form):
        return services.open_class(**form.cleaned_data).get_absolute_url()


class ClassDetailView(ObjectDetailView):
    model = TrainingClass
    template_name = "training/detail.html"

    def get_base_queryset(self):
        return TrainingClass.objects.select_related("organization")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        klass = self.object
        query = normalize(self.request.GET.get("q", ""))
        candidates = []
        if len(query) >= 2:
            candidates = list(
                Member.objects.restrict(self.request.user)
                .filter(
                    org_path__startswith=klass.organization.path,
                    status__in=("probationary", "official"),
                )
                .matching_name(query)
                .select_related("organization")[:20]
            )
        context.update(
            title=klass.name,
            enrolments=klass.enrolments.select_related("member"),
            candidates=candidates,
            q=self.request.GET.get("q", ""),
            can_change=self.can("change", klass),
            results=Enrolment.Result.choices,
            today=timezone.localdate(),
        )
        return context


class ClassActionView(RestrictedViewMixin, View):
    """POST actions on a class the user may change: enrol a member/person, record results."""

    model = TrainingClass
    permission_action = "change"

    def post(self, request, pk, action):
        klass = self.get_queryset().filter(pk=pk).first()
        if klass is None:
            raise Http404
        try:
            self.perform(request, klass, action)
        except DomainError as error:
            messages.error(request, error.full_message)
        return redirect(klass.get_absolute_url())

    def perform(self, request, klass, action):
        scope = {"user": request.user, "permission": self.permission_code()}
        if action == "enrol":
            form = forms.EnrolMemberForm(request.POST, **scope)
            services.enrol_member(klass, valid_data(form)["member"])
            messages.success(request, "Đã thêm học viên.")
        elif action == "enrol-person":
            form = forms.EnrolPersonForm(request.POST, **scope)
            services.enrol_person(klass, **valid_data(form))
            messages.success(request, "Đã thêm học viên.")
        elif action == "results":
            form = forms.ResultsForm(request.POST, enrolments=klass.enrolments.all(), **scope)
            issued = valid_data(form)["issued_on"] or timezone.localdate()
            count = services.record_results(
                klass, form.results(), issued_on=issued, user=request.user
            )
            messages.success(request, f"Đã ghi kết quả cho {count} học viên.")
        else:
            raise Http404


class StatisticsView(RestrictedViewMixin, View):
    """Classes, learners and passes by course kind for a period and a subtree."""

    model = TrainingClass

    def get(self, request):
        self.require("view")
        today = timezone.localdate()
        start = get_date(request, "from", today.replace(month=1, day=1))
        end = get_date(request, "to", today)
        visible = Organization.objects.restrict(request.user, "view")
        org = None
        org_id = get_id(request, "org")
        if org_id is not None:
            org = visible.filter(pk=org_id).first()
            if org is None:
                raise Http404
        classes = self.get_queryset()
        if org is not None:
            classes = classes.filter(organization__path__startswith=org.path)
        top = org or visible.order_by("depth", "path").first()
        children = (
            list(
                visible.filter(
                    path__startswith=top.path, depth=top.depth + 1, org_type__holds_members=False
                ).order_by("path")[:200]
            )
            if top
            else []
        )
        labels = dict(CourseKind.choices)
        rows = [
            {**row, "label": labels.get(row["kind"], row["kind"])}
            for row in services.statistics(classes, start, end)
        ]
        return render(
            request,
            "training/statistics.html",
            {
                "title": "Thống kê đào tạo",
                "rows": rows,
                "start": start,
                "end": end,
                "org": org,
                "top": top,
                "children": children,
            },
        )
