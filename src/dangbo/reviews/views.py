"""Review screens: years, per-org overview with progress and shares, the cell's entry form,
the committee's confirmation with the quota panel, a member's results, the XLSX export."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from dangbo.core import hooks
from dangbo.core.collation import vi_name_order
from dangbo.core.errors import DomainError
from dangbo.core.exports import docx_response, xlsx_response
from dangbo.core.forms import errors_text, valid_data
from dangbo.core.permissions import has_permission, top_orgs
from dangbo.core.views import ServiceFormView
from dangbo.members.choices import ACTIVE_STATUSES
from dangbo.members.models import Member
from dangbo.organizations.models import Organization
from dangbo.reviews import exports, forms, rules, services
from dangbo.reviews.models import (
    Absence,
    Grade,
    MemberReview,
    OrgReview,
    ReviewStep,
    ReviewYear,
)
from dangbo.reviews.services import ScoreRow
from dangbo.reviews.services.confirmation import _committee_reviews

ORG_REVIEW_RELATED = ("organization__org_type", "review_year__organization")


def _can(user, action: str, path: str) -> bool:
    """reviews.<action> on the node at `path` (its parent, for the committee above)."""
    return has_permission(user, f"reviews.{action}", path)


class OrgReviewMixin(LoginRequiredMixin):
    """Screens anchored on one org in one review year, restricted through restrict()."""

    action = "view"

    def get_org_review(self, pk) -> OrgReview:
        try:
            return (
                OrgReview.objects.restrict(self.request.user, self.action)
                .select_related(*ORG_REVIEW_RELATED)
                .get(pk=pk)
            )
        except OrgReview.DoesNotExist as exc:
            raise Http404 from exc


class IndexView(LoginRequiredMixin, View):
    """The review years the user reaches, each opened at the user's top node in it."""

    def get(self, request):
        if not has_permission(request.user, "reviews.view"):
            raise Http404
        visible = OrgReview.objects.restrict(request.user).select_related(*ORG_REVIEW_RELATED)
        tops = visible.filter(
            Q(organization__in=top_orgs(request.user, "reviews.view"))
            | Q(organization=F("review_year__organization"))
        )
        tops = list(tops.order_by("-review_year__year", "organization__path"))
        context = {
            "title": "Đánh giá, xếp loại",
            "tops": tops,
            "can_open": has_permission(request.user, "reviews.manage"),
        }
        return render(request, "reviews/index.html", context)


class OpenYearView(ServiceFormView):
    model = ReviewYear
    form_class = forms.OpenYearForm
    permission_action = "manage"
    title = "Mở đợt đánh giá, xếp loại năm"
    success_message = "Đã mở đợt đánh giá; danh sách đảng viên phải xếp loại đã được lập."

    def perform(self, form):
        org = form.cleaned_data["organization"]
        review_year = services.open_year(
            organization=org,
            year=form.cleaned_data["year"],
            reference_date=form.cleaned_data["reference_date"],
            user=self.request.user,
        )
        root = OrgReview.objects.get(review_year=review_year, organization=org)
        return reverse("reviews:overview", args=[root.pk])


class OverviewView(OrgReviewMixin, View):
    """One org in one year: progress per child org, shares, exemptions, years compared."""

    def get(self, request, pk):
        org_review = self.get_org_review(pk)
        org, review_year = org_review.organization, org_review.review_year
        children = list(
            OrgReview.objects.filter(
                review_year=review_year,
                organization__path__startswith=org.path,
                organization__depth=org.depth + 1,
            )
            .select_related("organization__org_type")
            .order_by("organization__path")
        )
        progress = services.progress_by_child(review_year, org, children)
        for child in children:
            child.progress = progress.get(child.organization.path, {})
        own = progress.get(org.path, {})
        years = services.shares(org.path)
        this_year = next((y for y in years if y.year == review_year.year), None)
        exempt = (
            MemberReview.objects.filter(
                review_year=review_year, organization__path__startswith=org.path
            )
            .exclude(exemption="")
            .select_related("member", "organization")
            .order_by("organization__path", "member__name_search")[:200]
        )
        user = request.user
        context = {
            "title": f"Đánh giá, xếp loại năm {review_year.year} — {org.name}",
            "org_review": org_review,
            "org": org,
            "review_year": review_year,
            "children": children,
            "own": own,
            "totals": _sum_progress(progress.values()),
            "this_year": this_year,
            "years": years,
            "averages": services.averages(years) if years else None,
            "exempt": exempt,
            "grades": rules.GRADES,
            "grade_short": rules.GRADE_SHORT,
            "can_enter": org.org_type.holds_members and _can(user, "change", org.path),
            "can_confirm": services.confirming_unit(org) and _can(user, "confirm", org.path),
            "can_close": org_review.organization_id == review_year.organization_id
            and review_year.is_open
            and _can(user, "manage", org.path),
            "can_score_org": org_review.is_classified and _can(user, "change", org.path),
            "can_decide_root": org_review.is_classified
            and review_year.is_open
            and org_review.organization_id == review_year.organization_id
            and org.depth > 1
            and _can(user, "confirm", org.path[: -Organization.steplen]),
            "grade_choices": Grade.choices,
            "streaks": services.excellent_streaks(org.path, review_year.year)
            if not review_year.is_open
            else [],
        }
        return render(request, "reviews/overview.html", context)


def _sum_progress(rows):
    keys = ("total", "exempt", "proposed", "decided", "excellent")
    return {k: sum(r.get(k, 0) for r in rows) for k in keys}


class CloseYearView(OrgReviewMixin, View):
    action = "manage"

    def post(self, request, pk):
        org_review = self.get_org_review(pk)
        if org_review.organization_id != org_review.review_year.organization_id:
            raise Http404
        try:
            services.close_year(org_review.review_year, user=request.user)
            messages.success(request, "Đã kết thúc đợt đánh giá; kết quả chỉ còn xem.")
        except DomainError as error:
            messages.error(request, error.full_message)
        return redirect("reviews:overview", pk)


def _criteria(review_year):
    if review_year.member_criteria is None:  # an imported year before any criteria set
        return []
    return list(review_year.member_criteria.criteria.all())


class EntryView(OrgReviewMixin, View):
    """The cell's form: every member of the cell on one screen, saved at once."""

    action = "change"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.org_review = self.get_org_review(kwargs["pk"])
        if not self.org_review.organization.org_type.holds_members:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def reviews(self):
        return list(
            MemberReview.objects.filter(
                review_year=self.org_review.review_year, organization=self.org_review.organization
            )
            .select_related("member")
            .order_by(*vi_name_order("member__full_name"), "id")
        )

    def render_form(self, request, reviews, posted=None, error=None):
        review_year = self.org_review.review_year
        criteria = _criteria(review_year)
        # The commitments as programmes has them now (what the next save will use).
        commitments = services.commitment_results(review_year, (r.member_id for r in reviews))
        min_percent = services.commitment_min_percent(review_year)
        lines = []
        for review in reviews:
            values = posted.get(review.pk) if posted else None
            commitment = commitments.get(review.member_id)
            lines.append(
                {
                    "review": review,
                    "commitment": commitment,
                    "effect": rules.commitment_effect(*commitment, min_percent)
                    if commitment
                    else None,
                    "scores": [
                        (
                            c,
                            values.scores.get(c.code, "")
                            if values
                            else review.scores.get(c.code, ""),
                        )
                        for c in criteria
                    ],
                    "done": values.all_tasks_done if values else review.all_tasks_done,
                    "exceed": values.exceed_percent if values else review.exceed_percent,
                    "cell_grade": values.cell_grade if values else review.cell_grade,
                }
            )
        context = {
            "title": f"Chấm điểm, xếp loại đảng viên năm {self.org_review.review_year.year}",
            "org_review": self.org_review,
            "criteria": criteria,
            "lines": lines,
            "error": error,
            "grade_choices": Grade.choices,
            "editable": self.org_review.review_year.is_open,
            "commitment_min_percent": min_percent,
        }
        return render(request, "reviews/entry.html", context, status=400 if error else 200)

    def get(self, request, pk):
        return self.render_form(request, self.reviews())

    def post(self, request, pk):
        reviews = self.reviews()
        formset = forms.MemberScoreFormSet(
            request.POST, reviews=reviews, criteria=_criteria(self.org_review.review_year)
        )
        rows = formset.score_rows()
        if not formset.is_valid():
            posted = {row.review_id: row for row in rows}
            error = formset.first_error()
            return self.render_form(request, reviews, posted, _row_error(error, rows, reviews))
        try:
            count = services.enter_cell(
                review_year=self.org_review.review_year,
                cell=self.org_review.organization,
                rows=rows,
                user=request.user,
            )
        except DomainError as error:
            posted = {row.review_id: row for row in rows}
            return self.render_form(request, reviews, posted, _row_error(error, rows, reviews))
        messages.success(request, f"Đã lưu kết quả của {count} đảng viên.")
        return redirect("reviews:entry", pk)


def _row_error(error: DomainError, rows, reviews) -> str:
    """Name the member on the row the service complained about."""
    if error.row is None:
        return error.full_message
    by_id = {r.pk: r for r in reviews}
    member = by_id[rows[error.row - 1].review_id].member
    return f"Dòng {error.row} ({member.full_name}): {error.message}"


class ConfirmView(OrgReviewMixin, View):
    """The committee's confirmation: grades of every member under it and the quota panel."""

    action = "confirm"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.org_review = self.get_org_review(kwargs["pk"])
        if not services.confirming_unit(self.org_review.organization):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def render_panel(self, request, grades=None, outstanding=False, error=None, extra=None):
        review_year, org = self.org_review.review_year, self.org_review.organization
        panel = services.quota_panel(review_year, org, grades, outstanding)
        reviews = list(_committee_reviews(review_year, org))
        lines = [
            {
                "review": r,
                "grade": (grades or {}).get(r.pk) or r.committee_grade or r.cell_grade,
                "over": r.pk in panel.over,
                "choices": services.grade_choices_up_to(r.discipline_cap),
            }
            for r in reviews
        ]
        context = {
            "title": f"Cấp ủy xác nhận kết quả xếp loại năm {review_year.year}",
            "org_review": self.org_review,
            "panel": panel,
            "lines": lines,
            "children": _classified_children(review_year, org),
            "error": error,
            "outstanding": outstanding,
            "grade_choices": Grade.choices,
            "confirmation": review_year.confirmations.filter(organization=org, is_current=True)
            .select_related("confirmed_by")
            .first(),
            "editable": review_year.is_open,
            **(extra or {}),
        }
        return render(request, "reviews/confirm.html", context, status=400 if error else 200)

    def get(self, request, pk):
        return self.render_panel(request)

    def post(self, request, pk):
        review_year, org = self.org_review.review_year, self.org_review.organization
        form = forms.CommitteeGradesForm(request.POST, rows=_committee_reviews(review_year, org))
        valid = form.is_valid()
        grades = form.grades()
        outstanding = form.cleaned_data.get("outstanding", False)
        note, document = form.typed("exception_note"), form.typed("exception_document")
        extra = {"exception_note": note, "exception_document": document}
        if not valid:
            return self.render_panel(request, grades, outstanding, errors_text(form), extra)
        if form.cleaned_data["action"] != "confirm":
            return self.render_panel(request, grades, outstanding, extra=extra)
        try:
            services.confirm(
                review_year=review_year,
                organization=org,
                grades=grades,
                outstanding=outstanding,
                exception_note=form.cleaned_data["exception_note"],
                exception_document=form.cleaned_data["exception_document"],
                user=request.user,
            )
        except DomainError as error:
            return self.render_panel(request, grades, outstanding, error.full_message, extra)
        messages.success(request, "Cấp ủy đã xác nhận kết quả xếp loại đảng viên.")
        return redirect("reviews:confirm", pk)


def _classified_children(review_year, org) -> list[OrgReview]:
    """The classified orgs directly under `org` in the year, graded by its committee."""
    return list(
        OrgReview.objects.filter(
            review_year=review_year,
            is_classified=True,
            organization__path__startswith=org.path,
            organization__depth=org.depth + 1,
        )
        .select_related("organization")
        .order_by("organization__path")
    )


class DecideOrgsView(OrgReviewMixin, View):
    """The committee above decides the grades of its subordinate cells / grassroots orgs."""

    action = "confirm"

    def post(self, request, pk):
        parent = self.get_org_review(pk)
        children = _classified_children(parent.review_year, parent.organization)
        form = forms.OrgGradesForm(request.POST, rows=children)
        try:
            valid_data(form)
            count = services.decide_orgs(parent=parent, grades=form.grades(), user=request.user)
            messages.success(request, f"Đã quyết định xếp loại {count} tổ chức đảng.")
        except DomainError as error:
            messages.error(request, error.full_message)
        return redirect("reviews:confirm", pk)


class DecideRootView(OrgReviewMixin, View):
    """The committee above the year's root org records that org's grade."""

    def post(self, request, pk):
        org_review = self.get_org_review(pk)
        parent_path = org_review.organization.path[: -Organization.steplen]
        if not parent_path or not _can(request.user, "confirm", parent_path):
            raise Http404  # only the level above decides (services.decide_root checks too)
        form = forms.RootGradeForm(request.POST)
        try:
            grade = valid_data(form)["grade"]
            services.decide_root(org_review, grade=grade, user=request.user)
            messages.success(request, "Đã ghi quyết định xếp loại của cấp trên.")
        except DomainError as error:
            messages.error(request, error.full_message)
        except PermissionDenied as exc:
            raise Http404 from exc
        return redirect("reviews:overview", pk)


class OrgScoreView(ServiceFormView):
    model = OrgReview
    form_class = forms.OrgScoreForm
    title = "Tự chấm điểm tổ chức đảng"
    success_message = "Đã lưu điểm của tổ chức."

    def get_base_queryset(self):
        return OrgReview.objects.select_related(*ORG_REVIEW_RELATED, "review_year__org_criteria")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        criteria = self.object.review_year.org_criteria
        kwargs["criteria"] = criteria.criteria.all() if criteria else []
        initial = {f"c_{k}": v for k, v in self.object.scores.items()}
        initial.update(
            all_tasks_done=self.object.all_tasks_done,
            exceed_percent=self.object.exceed_percent,
            self_grade=self.object.self_grade,
        )
        kwargs["initial"] = initial
        return kwargs

    def perform(self, form):
        data = form.cleaned_data
        scores = {c.code: data[f"c_{c.code}"] for c in form.criteria}
        row = ScoreRow(self.object.pk, scores, data["all_tasks_done"], data["exceed_percent"])
        services.score_org(
            self.object, row=row, self_grade=data["self_grade"], user=self.request.user
        )
        return reverse("reviews:overview", args=[self.object.pk])


class MemberResultsView(LoginRequiredMixin, View):
    """A member's results by year, with every step (who/when)."""

    def get(self, request, member_pk):
        reviews = list(
            MemberReview.objects.restrict(request.user)
            .filter(member_id=member_pk)
            .select_related("member", "organization", "review_year")
            .order_by("-review_year__year")
        )
        if not reviews:
            raise Http404
        steps = {}
        for step in ReviewStep.objects.filter(member_review__in=reviews).select_related(
            "decided_by"
        ):
            steps.setdefault(step.member_review_id, []).append(step)
        for review in reviews:
            review.step_list = steps.get(review.pk, [])
            path = review.member.org_path
            review.can_change = review.review_year.is_open and _can(request.user, "change", path)
            review.can_confirm = _can(request.user, "confirm", path)
            review.comments = hooks.call(
                "committees.member_comments", review.member, review.review_year.year
            )
            if review.commitment_items:
                review.commitment_note = services.commitment_effect(
                    review, services.commitment_min_percent(review.review_year)
                ).note
        member = reviews[0].member
        excellent_years = [r.review_year.year for r in reviews if r.final_grade == rules.EXCELLENT]
        context = {
            "title": f"Kết quả xếp loại — {member.full_name}",
            "member": member,
            "reviews": reviews,
            "streak": rules.streak(excellent_years, reviews[0].review_year.year),
        }
        return render(request, "reviews/member.html", context)


class MemberReviewFormView(ServiceFormView):
    """Base for one-member steps (self-assessment, appeal, appeal decision, correction)."""

    model = MemberReview

    def get_base_queryset(self):
        return MemberReview.objects.select_related("member", "review_year")

    def done(self):
        return reverse("reviews:member", args=[self.object.member_id])


class SelfAssessmentView(MemberReviewFormView):
    form_class = forms.SelfAssessmentForm
    title = "Bản tự kiểm điểm, tự nhận mức xếp loại"

    def get_initial(self):
        return {"text": self.object.self_assessment, "grade": self.object.self_grade}

    def perform(self, form):
        services.self_assess(self.object, user=self.request.user, **form.cleaned_data)
        return self.done()


class AppealView(MemberReviewFormView):
    form_class = forms.AppealForm
    title = "Kiến nghị, khiếu nại kết quả xếp loại"

    def perform(self, form):
        services.file_appeal(self.object, text=form.cleaned_data["text"], user=self.request.user)
        return self.done()


class FinalGradeView(MemberReviewFormView):
    form_class = forms.FinalGradeForm
    permission_action = "confirm"
    title = "Giải quyết khiếu nại / điều chỉnh kết quả xếp loại"

    def perform(self, form):
        data = form.cleaned_data
        if self.object.review_year.is_open:
            services.decide_appeal(
                self.object, grade=data["grade"], note=data["note"], user=self.request.user
            )
        else:
            services.correct_final(self.object, user=self.request.user, **data)
        return self.done()


class ExportView(OrgReviewMixin, View):
    """The classification table of an org's subtree for the year, as XLSX (logged)."""

    def get(self, request, pk):
        org_review = self.get_org_review(pk)
        review_year, org = org_review.review_year, org_review.organization
        workbook, rows = exports.classification_xlsx(review_year, org)
        return xlsx_response(
            request,
            workbook,
            filename=f"xep-loai-{review_year.year}-{org.pk}.xlsx",
            what=MemberReview,
            rows=rows,
            year=review_year.year,
            organization=org.pk,
        )


class ExportDocxView(OrgReviewMixin, View):
    """The year's results report of an org's subtree, as DOCX (logged)."""

    def get(self, request, pk):
        org_review = self.get_org_review(pk)
        review_year, org = org_review.review_year, org_review.organization
        document, rows = exports.classification_docx(review_year, org, timezone.localdate())
        return docx_response(
            request,
            document,
            filename=f"bao-cao-xep-loai-{review_year.year}-{org.pk}.docx",
            what=MemberReview,
            rows=rows,
            year=review_year.year,
            organization=org.pk,
        )


# --- periods of excuse / suspension (exemptions) ---------------------------------------------


class AbsenceListView(LoginRequiredMixin, View):
    """Periods of excuse from activity and of suspension in the user's reach (running first),
    and a member search to record a new one."""

    def get(self, request):
        if not has_permission(request.user, "reviews.view"):
            raise Http404
        absences = (
            Absence.objects.restrict(request.user)
            .select_related("member__organization")
            .order_by(F("valid_to").desc(nulls_first=True), "-valid_from", "id")
        )
        running = request.GET.get("running") == "1"
        if running:
            today = timezone.localdate()
            absences = absences.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=today))
        query = request.GET.get("q", "").strip()
        found = []
        if query:
            # names of the register: members.view besides reviews.change
            members = Member.objects.filter(status__in=ACTIVE_STATUSES).matching_name(query)
            found = list(
                members.restrict(request.user, "members.view")
                .restrict(request.user, "reviews.change")
                .select_related("organization")
                .order_by("name_search", "id")[:20]
            )
        context = {
            "title": "Miễn, đình chỉ sinh hoạt đảng",
            "absences": list(absences[:200]),
            "running": running,
            "query": query,
            "found": found,
            "can_change": has_permission(request.user, "reviews.change"),
            "today": timezone.localdate(),
        }
        return render(request, "reviews/absences.html", context)


class AbsenceCreateView(ServiceFormView):
    """Record a period for one member (reviews.change on the member's org)."""

    model = Absence
    form_class = forms.AbsenceForm
    title = "Ghi thời gian miễn, đình chỉ sinh hoạt đảng"
    success_message = "Đã ghi thời gian miễn, đình chỉ sinh hoạt; đợt đánh giá đang mở đã cập nhật."

    def get_base_queryset(self):
        return Member.objects.select_related("organization")  # restricted for reviews.change

    def perform(self, form):
        services.record_absence(member=self.object, user=self.request.user, **form.cleaned_data)
        return reverse("reviews:absences")


class AbsenceEndView(ServiceFormView):
    model = Absence
    form_class = forms.EndAbsenceForm
    title = "Kết thúc thời gian miễn, đình chỉ sinh hoạt đảng"
    success_message = "Đã ghi ngày kết thúc."

    def get_base_queryset(self):
        return Absence.objects.select_related("member")

    def perform(self, form):
        services.end_absence(self.object, user=self.request.user, **form.cleaned_data)
        return reverse("reviews:absences")
