"""Badge screens: eligibility per award day, proposals, decisions, ceremony list export."""

from datetime import datetime

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from openpyxl import Workbook

from dangbo.core.errors import DomainError
from dangbo.core.exports import xlsx_response
from dangbo.core.permissions import has_permission
from dangbo.core.views import ObjectListView, ServiceFormView
from dangbo.members.models import Member
from dangbo.organizations.forms import DateInput, UserFormMixin
from dangbo.organizations.models import Organization
from dangbo.recognition import rules, services
from dangbo.recognition.models import BadgeAward, Commendation


class BadgeScopeMixin(LoginRequiredMixin):
    action = "view"

    def scope(self):
        data = self.request.POST if self.request.method == "POST" else self.request.GET
        orgs = Organization.objects.restrict(self.request.user, "view")
        org = (
            orgs.filter(pk=data["org"]) if data.get("org") else orgs.order_by("depth", "path")
        ).first()
        if org is None or not has_permission(
            self.request.user, f"recognition.{self.action}", org.path
        ):
            raise Http404
        today = timezone.localdate()
        try:
            day = datetime.strptime(data.get("day", ""), "%d/%m/%Y").date()
        except ValueError:
            day = rules.award_days(today, 1)[0]
        return org, day, today

    def members(self, org, action="view"):
        return Member.objects.restrict(self.request.user, action).filter(
            org_path__startswith=org.path
        )

    def awards(self, org, action="view"):
        return BadgeAward.objects.restrict(self.request.user, action).filter(
            member__org_path__startswith=org.path
        )


class IndexView(BadgeScopeMixin, View):
    def get(self, request):
        org, day, today = self.scope()
        eligible = services.eligible_members(self.members(org), day, today)
        awards = self.awards(org).filter(award_date=day).select_related("member")
        return render(
            request,
            "recognition/index.html",
            {
                "title": "Huy hiệu Đảng",
                "org": org,
                "day": day,
                "eligible": eligible,
                "days": rules.award_days(today.replace(year=today.year - 1), 12),
                "proposed": [a for a in awards if a.status == "proposed"],
                "decided": [a for a in awards if a.status != "proposed"],
                "can_propose": has_permission(request.user, "recognition.change", org.path),
                "can_decide": has_permission(request.user, "recognition.approve", org.path),
            },
        )


class ProposeView(BadgeScopeMixin, View):
    action = "change"

    def post(self, request):
        org, day, _today = self.scope()
        try:
            created = services.propose(
                request.POST.getlist("members"),
                day,
                allowed=self.members(org, "view"),
                user=request.user,
            )
        except DomainError as error:
            messages.error(request, error.full_message)
        else:
            messages.success(request, f"Đã đề nghị tặng huy hiệu cho {len(created)} đảng viên.")
        return redirect(f"{reverse('recognition:index')}?org={org.pk}&day={day:%d/%m/%Y}")


class DecideView(BadgeScopeMixin, View):
    action = "approve"

    def post(self, request):
        org, day, _today = self.scope()
        approve = request.POST.get("verdict") == "approve"
        try:
            decided_on = datetime.strptime(request.POST.get("decided_on", ""), "%d/%m/%Y").date()
            count = services.decide(
                request.POST.getlist("awards"),
                approve=approve,
                decision_number=request.POST.get("decision_number", ""),
                decided_on=decided_on,
                allowed=self.awards(org),
                user=request.user,
            )
        except ValueError:
            messages.error(request, "Ngày quyết định không hợp lệ (dd/mm/yyyy).")
        except DomainError as error:
            messages.error(request, error.full_message)
        else:
            verb = "tặng" if approve else "không chấp thuận"
            messages.success(request, f"Đã quyết định {verb} {count} huy hiệu.")
        return redirect(f"{reverse('recognition:index')}?org={org.pk}&day={day:%d/%m/%Y}")


class CeremonyExportView(BadgeScopeMixin, View):
    """The list of badges awarded for an award day, as XLSX for the ceremony."""

    def get(self, request):
        org, day, _today = self.scope()
        awards = (
            self.awards(org)
            .filter(award_date=day, status="awarded")
            .select_related("member", "member__organization")
            .order_by("-milestone", "member__name_search")
        )
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Huy hieu")
        ws.append([f"DANH SÁCH ĐẢNG VIÊN ĐƯỢC TẶNG HUY HIỆU ĐẢNG ĐỢT {day:%d/%m/%Y}"])
        ws.append([org.name])
        ws.append(
            ["STT", "Họ và tên", "Năm sinh", "Chi bộ", "Huy hiệu", "Ngày vào Đảng", "Quyết định"]
        )
        index = 0
        for index, award in enumerate(awards, start=1):
            m = award.member
            ws.append(
                [
                    index,
                    m.full_name,
                    m.birth_date.year,
                    m.organization.name,
                    f"{award.milestone} năm",
                    m.admitted_on.strftime("%d/%m/%Y"),
                    f"{award.decision_number} ngày {award.decided_on:%d/%m/%Y}",
                ]
            )
        return xlsx_response(
            request,
            wb,
            filename=f"huy-hieu-{day:%Y%m%d}.xlsx",
            what="Danh sách tặng huy hiệu Đảng",
            rows=index,
            org=org.pk,
        )


class CommendationFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label="Năm")
    form = django_filters.CharFilter(label="Hình thức", lookup_expr="icontains")

    class Meta:
        model = Commendation
        fields = ["year", "form"]


class CommendationTable(tables.Table):
    member = tables.Column(linkify=True)
    decided_on = tables.DateColumn(format="d/m/Y")

    class Meta:
        model = Commendation
        fields = ("member", "form", "year", "issuer", "decision_number", "decided_on")
        attrs = {"class": "table table-sm", "id": "commendations"}


class CommendationListView(ObjectListView):
    model = Commendation
    filterset_class = CommendationFilter
    table_class = CommendationTable
    title = "Khen thưởng"

    def get_base_queryset(self):
        return Commendation.objects.select_related("member")


class CommendationForm(UserFormMixin, forms.ModelForm):
    decided_on = forms.DateField(
        label="Ngày quyết định", widget=DateInput(), input_formats=["%d/%m/%Y"]
    )

    class Meta:
        model = Commendation
        fields = ["form", "year", "issuer", "decision_number", "decided_on", "reason"]


class CommendationCreateView(ServiceFormView):
    """Record a commendation for a member (the member must be within reach to change)."""

    model = Member
    form_class = CommendationForm
    title = "Ghi nhận khen thưởng"
    success_message = "Đã ghi nhận khen thưởng."

    def get_object(self):
        member = super().get_object()
        if not has_permission(self.request.user, "recognition.change", member.org_path):
            raise Http404
        return member

    def perform(self, form):
        services.record_commendation(self.object, **form.cleaned_data)
        return reverse("recognition:commendations")
