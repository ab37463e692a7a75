"""Badge screens: eligibility per award day, proposals, decisions, ceremony list export."""

from datetime import date, datetime

import django_filters
import django_tables2 as tables
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views import View

from dangbo.core.errors import DomainError
from dangbo.core.exports import docx_response, xlsx_response
from dangbo.core.forms import valid_data
from dangbo.core.params import get_id
from dangbo.core.pdf import pdf_response
from dangbo.core.permissions import can
from dangbo.core.views import ObjectListView, ServiceFormView
from dangbo.members.models import Member
from dangbo.organizations.models import Organization
from dangbo.recognition import forms, papers, rules, services
from dangbo.recognition.models import BadgeAward, Commendation, CommendationProposal


class BadgeScopeMixin(LoginRequiredMixin):
    action = "view"

    def scope(self):
        data = self.request.POST if self.request.method == "POST" else self.request.GET
        user = self.request.user
        orgs = Organization.objects.restrict(user, "view").restrict(
            user, f"recognition.{self.action}"
        )
        org_id = get_id(self.request, "org", query=data)  # an unreadable id: 400, not a 500
        org = (
            orgs.filter(pk=org_id) if org_id is not None else orgs.order_by("depth", "path")
        ).first()
        if org is None:
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
                "can_propose": can(request.user, "recognition.change", org),
                "can_decide": can(request.user, "recognition.approve", org),
            },
        )


class ProposeView(BadgeScopeMixin, View):
    action = "change"

    def post(self, request):
        org, day, _today = self.scope()
        form = forms.ProposeBadgesForm(request.POST, org=org, user=request.user)
        try:
            members = valid_data(form)["members"]
            created = services.propose(
                [m.pk for m in members],
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
        form = forms.DecideBadgesForm(request.POST, org=org, user=request.user)
        try:
            data = valid_data(form)
            approve = data["verdict"] == "approve"
            count = services.decide(
                [a.pk for a in data["awards"]],
                approve=approve,
                decision_number=data["decision_number"],
                decided_on=data["decided_on"],
                allowed=self.awards(org),
                user=request.user,
            )
        except DomainError as error:
            messages.error(request, error.full_message)
        else:
            verb = "tặng" if approve else "không chấp thuận"
            messages.success(request, f"Đã quyết định {verb} {count} huy hiệu.")
        return redirect(f"{reverse('recognition:index')}?org={org.pk}&day={day:%d/%m/%Y}")


class CeremonyExportView(BadgeScopeMixin, View):
    """The list of badges awarded for an award day for the ceremony: XLSX, or DOCX / PDF
    (`?export=docx|pdf`)."""

    def get(self, request):
        org, day, _today = self.scope()
        awards = (
            self.awards(org)
            .filter(award_date=day, status="awarded")
            .select_related("member", "member__organization")
            .order_by("-milestone", "member__name_search")
        )
        awards = list(awards)
        fmt = request.GET.get("export", "xlsx")
        name = f"huy-hieu-{day:%Y%m%d}"
        what = "Danh sách tặng huy hiệu Đảng"
        if fmt in ("docx", "pdf"):
            doc = papers.ceremony_document(org, day, awards)
            if fmt == "docx":
                return docx_response(
                    request, doc, filename=f"{name}.docx", what=what, rows=len(awards), org=org.pk
                )
            back = f"{reverse('recognition:index')}?org={org.pk}&day={day:%d/%m/%Y}"
            return pdf_response(
                request,
                doc.to_bytes(),
                "docx",
                filename=f"{name}.docx",
                back=back,
                what=what,
                rows=len(awards),
                org=org.pk,
            )
        wb = papers.ceremony_workbook(org, day, awards)
        index = len(awards)
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
    subject = django_filters.ChoiceFilter(
        label="Đối tượng",
        choices=[("member", "Đảng viên"), ("organization", "Tổ chức đảng")],
        method="filter_subject",
    )

    class Meta:
        model = Commendation
        fields = ["year", "form", "subject"]

    def filter_subject(self, queryset, name, value):
        if value == "member":
            return queryset.filter(member__isnull=False)
        if value == "organization":
            return queryset.filter(organization__isnull=False)
        return queryset


class CommendationTable(tables.Table):
    subject = tables.Column(
        verbose_name="Đảng viên / tổ chức đảng", empty_values=(), orderable=False
    )
    decided_on = tables.DateColumn(format="d/m/Y")

    class Meta:
        model = Commendation
        fields = ("subject", "form", "year", "issuer", "decision_number", "decided_on")
        attrs = {"class": "table table-sm", "id": "commendations"}

    def render_subject(self, record):
        if record.organization_id:
            return format_html(
                '<a href="{}">{}</a> <span class="badge text-bg-light">tổ chức</span>',
                reverse("organizations:detail", args=[record.organization_id]),
                record.organization.name,
            )
        return format_html(
            '<a href="{}">{}</a>',
            reverse("members:detail", args=[record.member_id]),
            record.member.full_name,
        )


class CommendationListView(ObjectListView):
    model = Commendation
    filterset_class = CommendationFilter
    table_class = CommendationTable
    title = "Khen thưởng"
    template_name = "recognition/commendations.html"

    def get_base_queryset(self):
        return Commendation.objects.select_related("member", "organization")


class CommendationCreateView(ServiceFormView):
    """Record a commendation for a member (the member must be within reach to change)."""

    model = Member
    permission_action = "recognition.change"
    form_class = forms.CommendationForm
    title = "Ghi nhận khen thưởng"
    success_message = "Đã ghi nhận khen thưởng."

    def get_base_queryset(self):
        return Member.objects.restrict(self.request.user, "members.view")

    def perform(self, form):
        services.record_commendation(self.object, **form.cleaned_data)
        return reverse("recognition:commendations")


class OrgCommendationCreateView(ServiceFormView):
    """Record a commendation for an organisation within the user's reach."""

    model = Commendation
    form_class = forms.OrgCommendationForm
    title = "Ghi nhận khen thưởng tổ chức đảng"
    success_message = "Đã ghi nhận khen thưởng."

    def perform(self, form):
        data = dict(form.cleaned_data)
        services.record_commendation(data.pop("organization"), **data)
        return reverse("recognition:commendations") + "?subject=organization"


# --- proposals fed by classification streaks ------------------------------------------------


class StreakScopeMixin(BadgeScopeMixin):
    def year(self, today) -> int:
        data = self.request.POST if self.request.method == "POST" else self.request.GET
        try:
            year = int(data.get("year", ""))
        except ValueError:
            year = today.year - 1
        return year if 1930 <= year <= today.year else today.year - 1

    def proposals(self, org, action="view"):
        return CommendationProposal.objects.restrict(self.request.user, action).filter(
            Q(member__org_path__startswith=org.path) | Q(organization__path__startswith=org.path)
        )

    def back(self, org, year):
        return redirect(f"{reverse('recognition:streaks')}?org={org.pk}&year={year}")


class StreakProposalsView(StreakScopeMixin, View):
    """Commendations proposed from Excellent streaks, for an officer to confirm or dismiss."""

    def get(self, request):
        org, _day, today = self.scope()
        year = self.year(today)
        proposals = list(
            self.proposals(org)
            .filter(year=year)
            .select_related("member__organization", "organization", "commendation")
        )
        return render(
            request,
            "recognition/streaks.html",
            {
                "title": "Đề xuất khen thưởng theo kết quả xếp loại",
                "org": org,
                "year": year,
                "years": list(range(today.year, today.year - 6, -1)),
                "pending": [p for p in proposals if p.status == "proposed"],
                "decided": [p for p in proposals if p.status != "proposed"],
                "rules": services.streak_rules_on(date(year, 12, 31), org.path),
                "can_change": can(request.user, "recognition.change", org),
                "today": today,
            },
        )


class StreakRefreshView(StreakScopeMixin, View):
    """Ask reviews again for the streaks of a year (the signal makes them when a year closes)."""

    action = "change"

    def post(self, request):
        org, _day, today = self.scope()
        year = self.year(today)
        created = services.propose_from_streaks(path=org.path, year=year)
        messages.success(request, f"Đã lập {len(created)} đề xuất khen thưởng mới năm {year}.")
        return self.back(org, year)


class StreakDecideView(StreakScopeMixin, View):
    action = "change"

    def post(self, request):
        org, _day, today = self.scope()
        year = self.year(today)
        form = forms.StreakDecisionForm(request.POST, org=org, user=request.user)
        allowed = self.proposals(org, "change")
        try:
            data = valid_data(form)
            ids = [p.pk for p in data["proposals"]]
            if data["verdict"] == "dismiss":
                count = services.dismiss_proposals(
                    ids, note=data["note"], allowed=allowed, user=request.user
                )
                messages.success(request, f"Đã ghi {count} đề xuất không đề nghị khen thưởng.")
            else:
                count = services.confirm_proposals(
                    ids,
                    decision_number=data["decision_number"],
                    decided_on=data["decided_on"],
                    issuer=data["issuer"],
                    allowed=allowed,
                    user=request.user,
                )
                messages.success(request, f"Đã ghi nhận {count} khen thưởng.")
        except DomainError as error:
            messages.error(request, error.full_message)
        return self.back(org, year)
