"""Survey screens: campaign list and page, sampling, teams and visits, questionnaire builder,
paper entry, one-time codes, results and exports, findings. The public answer page needs
no account: the one-time code is the credential."""

from django.contrib import messages
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from dangbo.core.audit import timeline
from dangbo.core.errors import DomainError
from dangbo.core.exports import DOCX, file_response, xlsx_response
from dangbo.core.params import get_id, get_int
from dangbo.core.views import ObjectDetailView, ObjectListView, RestrictedViewMixin, ServiceFormView
from dangbo.surveys import exports, forms, queries, rules, services
from dangbo.surveys.filters import CampaignFilter
from dangbo.surveys.models import (
    Campaign,
    CampaignStatus,
    Finding,
    FindingKind,
    QuestionKind,
    Response,
    Version,
    Visit,
)
from dangbo.surveys.tables import CampaignTable

ENTRY_ROWS = 10


class CampaignListView(ObjectListView):
    model = Campaign
    filterset_class = CampaignFilter
    table_class = CampaignTable
    title = "Khảo sát, đánh giá"
    template_name = "surveys/list.html"

    def get_base_queryset(self):
        return (
            Campaign.objects.select_related("organization")
            .annotate(
                sample_size=Count("sample", distinct=True),
                response_count=Count("responses", distinct=True),
            )
            .order_by("-starts_on", "-id")
        )


class CampaignCreateView(ServiceFormView):
    model = Campaign
    form_class = forms.CampaignForm
    title = "Lập đợt khảo sát, đánh giá"
    success_message = "Đã lập đợt khảo sát."

    def perform(self, form):
        return services.create_campaign(user=self.request.user, **form.cleaned_data)


class CampaignDetailView(ObjectDetailView):
    model = Campaign
    template_name = "surveys/detail.html"

    def get_base_queryset(self):
        return Campaign.objects.select_related(
            "organization", "document", "programme", "recorded_by"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign = self.object
        sample = list(
            campaign.sample.select_related("organization", "org_type").annotate(
                responses_n=Count("responses")
            )
        )
        teams = list(
            campaign.teams.prefetch_related(
                "members",
                Prefetch(
                    "visits",
                    queryset=Visit.objects.select_related("sampled_org__organization", "meeting"),
                ),
            )
        )
        versions = list(
            campaign.versions.prefetch_related("groups").annotate(
                question_n=Count("questions", distinct=True),
                response_n=Count("responses", distinct=True),
            )
        )
        codes = campaign.codes.aggregate(issued=Count("id"), used=Count("id", filter=Q(used=True)))
        context.update(
            title=str(campaign),
            sample=sample,
            teams=teams,
            groups=list(campaign.groups.annotate(n=Count("responses"))),
            versions=versions,
            codes=codes,
            responses=sum(v.response_n for v in versions),
            findings=list(campaign.findings.all()),
            audit_entries=timeline(
                campaign,
                [campaign.sample.all(), campaign.teams.all(), campaign.versions.all()],
            )[:30],
            can_change=self.can("change", campaign) and campaign.status != CampaignStatus.CLOSED,
            is_running=campaign.phase == rules.RUNNING,
            suggested=rules.sample_size(services.candidate_orgs(campaign).count())
            if not sample
            else None,
        )
        return context


class CampaignActionView(ServiceFormView):
    """A form on one campaign (by pk) that needs surveys.change on its org."""

    model = Campaign

    def get_base_queryset(self):
        return Campaign.objects.select_related("organization")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.extra_form_kwargs:
            kwargs["campaign"] = self.object
        return kwargs

    extra_form_kwargs = False


class SampleView(CampaignActionView):
    form_class = forms.SampleForm
    title = "Chọn mẫu ngẫu nhiên theo tiêu chí"
    success_message = "Đã chọn mẫu; hạt giống được ghi lại để kiểm tra lại."

    def perform(self, form):
        data = form.cleaned_data
        services.draw_sample(
            self.object,
            size=data["size"],
            criteria=form.criteria(),
            seed=data["seed"],
            stratify=data["stratify"],
            user=self.request.user,
        )
        return self.object


class SampleAddView(CampaignActionView):
    form_class = forms.PickOrgForm
    title = "Chọn trực tiếp tổ chức vào mẫu"
    success_message = "Đã thêm vào mẫu."

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["candidates"] = services.candidate_orgs(self.object).exclude(
            pk__in=self.object.sample.values("organization_id")
        )
        return kwargs

    def perform(self, form):
        services.add_to_sample(
            self.object, organization=form.cleaned_data["organization"], user=self.request.user
        )
        return self.object


class TeamAddView(CampaignActionView):
    form_class = forms.TeamForm
    title = "Thêm tổ khảo sát"
    success_message = "Đã thêm tổ khảo sát."

    def perform(self, form):
        data = form.cleaned_data
        services.add_team(
            self.object,
            name=data["name"],
            leader_name=data["leader_name"],
            leader_position=data["leader_position"],
            members=form.member_list(),
            user=self.request.user,
        )
        return self.object


class VisitAddView(CampaignActionView):
    form_class = forms.VisitForm
    extra_form_kwargs = True
    title = "Phân công tổ dự sinh hoạt chi bộ"

    def perform(self, form):
        data = form.cleaned_data
        visit = services.schedule_visit(
            data["team"],
            sampled_org=data["sampled_org"],
            visit_on=data["visit_on"],
            mode=data["mode"],
            online_link=data["online_link"],
            user=self.request.user,
        )
        self.success_message = (
            "Đã phân công; tổ được ghi vào danh sách cấp trên dự buổi sinh hoạt."
            if visit.meeting_id
            else "Đã phân công; chi bộ chưa có buổi sinh hoạt ngày này trong hệ thống."
        )
        return self.object


class GroupAddView(CampaignActionView):
    form_class = forms.GroupForm
    title = "Thêm nhóm đối tượng khảo sát"
    success_message = "Đã thêm nhóm."

    def perform(self, form):
        services.add_group(self.object, user=self.request.user, **form.cleaned_data)
        return self.object


class VersionNewView(CampaignActionView):
    form_class = forms.VersionForm
    title = "Tạo phiên bản phiếu khảo sát"
    success_message = "Đã tạo phiên bản nháp."

    def perform(self, form):
        version = services.new_version(
            self.object, title=form.cleaned_data["title"], user=self.request.user
        )
        return version


class VersionDetailView(ObjectDetailView):
    model = Version
    template_name = "surveys/version.html"

    def get_base_queryset(self):
        return Version.objects.select_related("campaign", "campaign__organization")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = self.object
        can_change = (
            self.can("change", version)
            and not version.is_published
            and version.campaign.status != CampaignStatus.CLOSED
        )
        context.update(
            title=str(version),
            campaign=version.campaign,
            questions=list(version.questions.all()),
            groups=list(version.groups.all()),
            can_change=can_change,
            question_form=forms.QuestionForm(user=self.request.user) if can_change else None,
            publish_form=forms.PublishForm(user=self.request.user, version=version)
            if can_change
            else None,
        )
        return context


class VersionActionView(ServiceFormView):
    model = Version
    template_name = "core/form.html"

    def get_base_queryset(self):
        return Version.objects.select_related("campaign", "campaign__organization")


class QuestionAddView(VersionActionView):
    form_class = forms.QuestionForm
    title = "Thêm câu hỏi"
    success_message = "Đã thêm câu hỏi."

    def perform(self, form):
        data = form.cleaned_data
        services.add_question(
            self.object,
            kind=data["kind"],
            text=data["text"],
            options=form.option_list(),
            required=data["required"],
            user=self.request.user,
        )
        return self.object.get_absolute_url()


class PublishView(VersionActionView):
    form_class = forms.PublishForm
    title = "Phát hành phiếu"
    success_message = "Đã phát hành phiếu; phiên bản này không sửa được nữa."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "version": self.object}

    def perform(self, form):
        services.publish_version(
            self.object, groups=list(form.cleaned_data["groups"]), user=self.request.user
        )
        return self.object.campaign


class CodesView(CampaignActionView):
    form_class = forms.CodesForm
    extra_form_kwargs = True
    title = "Cấp mã trả lời phiếu một lần"

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            issued = services.issue_codes(
                self.object,
                group=data["group"],
                count=data["count"],
                sampled_org=data["sampled_org"],
                user=self.request.user,
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.form_invalid(form)
        answer_url = self.request.build_absolute_uri(reverse("surveys:answer"))
        return render(
            self.request,
            "surveys/codes_issued.html",
            {"campaign": self.object, "issued": issued, "answer_url": answer_url},
        )


class CloseView(CampaignActionView):
    form_class = forms.forms.Form
    title = "Kết thúc đợt khảo sát"
    success_message = "Đã kết thúc đợt khảo sát."

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("user")
        kwargs.pop("permission")
        return kwargs

    def perform(self, form):
        return services.close_campaign(self.object, user=self.request.user)


class FindingAddView(CampaignActionView):
    form_class = forms.FindingForm
    title = "Ghi kết quả, kiến nghị"
    success_message = "Đã ghi."

    def get_initial(self):
        return {"kind": self.request.GET.get("kind", FindingKind.RECOMMENDATION)}

    def perform(self, form):
        services.record_finding(self.object, user=self.request.user, **form.cleaned_data)
        return self.object


class FindingTaskView(ServiceFormView):
    model = Finding
    form_class = forms.TaskForm
    title = "Giao nhiệm vụ từ kiến nghị"
    success_message = "Đã giao nhiệm vụ trong phân hệ chương trình công tác."

    def get_base_queryset(self):
        return Finding.objects.select_related("campaign", "campaign__organization")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "campaign": self.object.campaign}

    def perform(self, form):
        services.finding_to_task(self.object, user=self.request.user, **form.cleaned_data)
        return self.object.campaign


# Paper entry ----------------------------------------------------------------------------


class EntryView(RestrictedViewMixin, View):
    """Fast keyboard entry: one paper questionnaire per row, one cell per question."""

    model = Campaign
    permission_action = "change"

    def get_base_queryset(self):
        return Campaign.objects.select_related("organization")

    def setup_objects(self, pk):
        campaign = get_object_or_404(self.get_queryset(), pk=pk)
        versions = campaign.versions.filter(published_at__isnull=False).order_by("-number")
        query = self.request.POST if self.request.method == "POST" else self.request.GET
        wanted = get_id(self.request, "version", query=query)
        version = None
        if wanted is not None:
            version = versions.filter(pk=wanted).first()
        version = version or versions.first()
        return campaign, version

    def get(self, request, pk):
        campaign, version = self.setup_objects(pk)
        return self.show(campaign, version, rows=None, error=None)

    def post(self, request, pk):
        campaign, version = self.setup_objects(pk)
        if version is None:
            raise Http404
        count = get_int(request, "rows", ENTRY_ROWS, 0, 200, query=request.POST)
        formset = forms.PaperRowFormSet(
            request.POST,
            rows=count,
            form_kwargs={
                "sample": campaign.sample.all(),
                "questions": list(version.questions.all()),
                "user": request.user,
                "permission": self.permission_code(),
            },
        )
        rows = formset.paper_rows()
        try:
            if error := formset.first_error():
                raise error
            saved = services.enter_paper(campaign, version, rows, user=request.user)
        except DomainError as error:
            return self.show(campaign, version, rows=rows, error=error.full_message, status=400)
        messages.success(request, f"Đã lưu {len(saved)} phiếu.")
        return redirect(f"{request.path}?version={version.pk}")

    def show(self, campaign, version, *, rows, error, status=200):
        questions = list(version.questions.all()) if version else []
        count = len(rows) if rows else ENTRY_ROWS
        grid = []
        for n in range(count):
            row = rows[n] if rows else None
            grid.append(
                {
                    "n": n,
                    "group": row.group_code if row else "",
                    "org": row.sampled_org_id if row else None,
                    "cells": [(q, row.cells[i] if row else "") for i, q in enumerate(questions)],
                }
            )
        return render(
            self.request,
            "surveys/entry.html",
            {
                "campaign": campaign,
                "version": version,
                "questions": questions,
                "groups": list(version.groups.all()) if version else [],
                "sample": list(campaign.sample.select_related("organization")),
                "grid": grid,
                "row_count": count,
                "error": error,
                "is_running": campaign.phase in (rules.RUNNING, rules.ENDED),
                "entered": Response.objects.filter(version=version).count() if version else 0,
            },
            status=status,
        )


# Results and exports --------------------------------------------------------------------


class ResultsMixin(RestrictedViewMixin):
    model = Campaign

    def load(self, pk, text_limit=50):
        campaign = get_object_or_404(
            self.get_queryset().select_related("organization", "document", "programme"), pk=pk
        )
        versions = list(campaign.versions.filter(published_at__isnull=False).order_by("-number"))
        wanted = get_id(self.request, "version")
        version = next((v for v in versions if v.pk == wanted), None) or (
            versions[0] if versions else None
        )
        result = (
            queries.results(
                version, thresholds=services.thresholds(campaign), text_limit=text_limit
            )
            if version
            else None
        )
        return campaign, versions, version, result


class ResultsView(ResultsMixin, View):
    def get(self, request, pk):
        campaign, versions, version, result = self.load(pk)
        return render(
            request,
            "surveys/results.html",
            {
                "campaign": campaign,
                "versions": versions,
                "version": version,
                "result": result,
                "findings": list(campaign.findings.all()),
                "can_change": self.can("change", campaign),
                "title": f"Kết quả: {campaign}",
            },
        )


class ExportXlsxView(ResultsMixin, View):
    def get(self, request, pk):
        campaign, _versions, version, result = self.load(pk, text_limit=None)
        if version is None:
            raise Http404
        book, rows = exports.results_workbook(campaign, version, result)
        return xlsx_response(
            request,
            book,
            filename=f"khao-sat-{campaign.pk}-v{version.number}.xlsx",
            what=campaign,
            rows=rows,
        )


class ExportDocxView(ResultsMixin, View):
    def get(self, request, pk):
        campaign, _versions, version, result = self.load(pk, text_limit=None)
        if version is None:
            raise Http404
        body = exports.report_docx(campaign, version, result, list(campaign.findings.all()))
        return file_response(
            request,
            body,
            content_type=DOCX,
            filename=f"bao-cao-khao-sat-{campaign.pk}.docx",
            what=campaign,
            rows=result.responses,
        )


# Public answering -----------------------------------------------------------------------


class AnswerView(View):
    """No login: the respondent types the one-time code (or follows the link carrying it),
    answers once, and the code is spent. Nothing about the respondent is stored or logged."""

    def get(self, request, code=None):
        code = code or request.GET.get("code", "")
        if not code:
            return render(request, "surveys/answer_code.html", {"form": forms.CodeForm()})
        return self.show(request, code)

    def show(self, request, code, error=None, values=None, status=200):
        access = services.code_target(code)
        if access is None:
            form = forms.CodeForm(initial={"code": code})
            return render(
                request,
                "surveys/answer_code.html",
                {"form": form, "error": "Mã không đúng hoặc đã được dùng."},
                status=404,
            )
        version = services.current_version(access.campaign, access.group)
        open_ = version is not None and access.campaign.phase == rules.RUNNING
        questions = list(version.questions.all()) if version else []
        return render(
            request,
            "surveys/answer.html",
            {
                "campaign": access.campaign,
                "group": access.group,
                "version": version,
                "questions": questions,
                "code": code,
                "open": open_,
                "error": error,
                "values": values or {},
            },
            status=status,
        )

    def post(self, request, code=None):
        code = code or request.POST.get("code", "")
        raw = {}
        access = services.code_target(code)
        questions = []
        if access is not None:
            version = services.current_version(access.campaign, access.group)
            questions = list(version.questions.all()) if version else []
        for q in questions:
            if q.kind == QuestionKind.MULTIPLE:
                raw[q.pk] = request.POST.getlist(f"q{q.pk}")
            else:
                raw[q.pk] = request.POST.get(f"q{q.pk}", "")
        try:
            services.answer_with_code(code, raw)
        except DomainError as error:
            if access is None:
                return self.show(request, code)
            return self.show(request, code, error=error.message, values=raw, status=400)
        return render(request, "surveys/answer_done.html", {})
