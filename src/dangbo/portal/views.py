"""Portal screens. Member pages resolve the member from the login in one place
(`PortalMemberMixin`) and never take a member id from the URL; every object a URL names is
looked up among that member's own rows (or their cell's), anything else answers 404.
Officer pages (accounts, corrections) use the generic restricted views with members.*.
"""

from datetime import date

from auditlog.signals import accessed
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import F, Prefetch, Q, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from dangbo.core import hooks, uploads
from dangbo.core.errors import DomainError
from dangbo.core.exports import new_workbook, xlsx_response
from dangbo.core.params import get_id
from dangbo.core.permissions import can
from dangbo.core.views import ObjectDetailView, ObjectListView, RestrictedViewMixin
from dangbo.dues.models import LedgerEntry
from dangbo.meetings import queries as meeting_queries
from dangbo.meetings.models import (
    Attendance,
    Meeting,
    MeetingDocument,
    MeetingStatus,
    MeetingTask,
)
from dangbo.members import rules as member_rules
from dangbo.members.choices import ACTIVE_STATUSES
from dangbo.members.models import Member
from dangbo.organizations.models import Organization
from dangbo.portal import forms, services
from dangbo.portal.filters import AccountFilter, CorrectionFilter
from dangbo.portal.models import (
    CorrectionRequest,
    MeetingReply,
    MemberAccount,
    Notification,
    ReplyIntent,
)
from dangbo.portal.receivers import SESSION_MUST_CHANGE
from dangbo.portal.tables import AccountTable, CorrectionTable
from dangbo.recognition.models import BadgeAward, Commendation
from dangbo.reviews.models import Grade, MemberReview
from dangbo.training.models import Enrolment

GRADE_LABELS = dict(Grade.choices)


# --- member side ------------------------------------------------------------------------------


class PortalMemberMixin(LoginRequiredMixin):
    """The only way a portal page learns whose data to show: request.user → MemberAccount →
    member. A login without a member account gets 404 (officers use the other screens)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        account = (
            MemberAccount.objects.select_related("member", "member__organization")
            .filter(user=request.user)
            .first()
        )
        if account is None:
            raise Http404
        self.account = account
        self.member = account.member
        return super().dispatch(request, *args, **kwargs)

    def portal_context(self, **extra) -> dict:
        unread = Notification.objects.filter(member=self.member, read_at=None).count()
        return {"member": self.member, "unread": unread, "today": timezone.localdate(), **extra}

    def render_page(self, template: str, status: int = 200, **extra):
        return render(self.request, template, self.portal_context(**extra), status=status)


class PortalPage(PortalMemberMixin, View):
    template_name = ""

    def context(self) -> dict:
        return {}

    def get(self, request, *args, **kwargs):
        return self.render_page(self.template_name, **self.context())


def _published(documents, now):
    return [d for d in documents if d.published_at <= now]


class IndexView(PortalPage):
    template_name = "portal/index.html"

    def context(self):
        member, today, now = self.member, timezone.localdate(), timezone.now()
        upcoming = list(meeting_queries.upcoming_for_member(member, today)[:3])
        replies = {
            r.meeting_id: r
            for r in MeetingReply.objects.filter(member=member, meeting__in=upcoming)
        }
        for meeting in upcoming:
            meeting.reply = replies.get(meeting.pk)
            meeting.published_documents = _published(meeting.documents.all(), now)
        dues = LedgerEntry.objects.filter(member=member).aggregate(
            unpaid=Sum(F("due") - F("paid"), filter=Q(paid__lt=F("due")))
        )
        return {
            "upcoming": upcoming,
            "unpaid": dues["unpaid"] or 0,
            "open_tasks": MeetingTask.objects.filter(owner=member, done_on=None).count(),
            "open_review": MemberReview.objects.filter(
                member=member, review_year__state="open", exemption=""
            )
            .select_related("review_year")
            .first(),
        }


class PasswordView(PortalMemberMixin, View):
    """Change the one-time password (forced at first login by the portal middleware)."""

    def get(self, request):
        return self.render_page("portal/password.html", form=forms.PasswordForm())

    def post(self, request):
        form = forms.PasswordForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.change_password(
                    self.account,
                    old=data["old_password"],
                    new=data["new_password1"],
                    repeat=data["new_password2"],
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                update_session_auth_hash(request, self.account.user)
                request.session.pop(SESSION_MUST_CHANGE, None)
                messages.success(request, "Đã đổi mật khẩu.")
                return redirect("portal:index")
        return self.render_page("portal/password.html", form=form, status=200)


class RecordView(PortalPage):
    """The member's own record; each view is written to the access log."""

    template_name = "portal/record.html"

    def context(self):
        member, today = self.member, timezone.localdate()
        accessed.send(sender=Member, instance=member)
        gaps = [(g.valid_from, g.valid_to) for g in member.gaps.all()]
        history = [
            (p.valid_from, f"Sinh hoạt tại {p.organization.name}")
            for p in member.placements.select_related("organization")
        ]
        history += [
            (s.valid_from, f"Đảng viên {s.get_status_display().lower()}")
            for s in member.status_periods.all()
        ]
        history += [(e.date, f"{e.get_kind_display()}: {e.summary}") for e in member.events.all()]
        history.sort(key=lambda row: row[0], reverse=True)
        reviews = [
            (r.review_year.year, GRADE_LABELS.get(r.final_grade, ""), r.is_exempt)
            for r in MemberReview.objects.filter(member=member)
            .select_related("review_year")
            .order_by("-review_year__year")
        ]
        return {
            "party_age": member_rules.party_age(member.admitted_on, gaps, today),
            "history": history,
            "positions": hooks.call("committees.positions_of", member),
            "enrolments": Enrolment.objects.filter(member=member)
            .select_related("training_class")
            .order_by("-training_class__starts_on"),
            "badges": BadgeAward.objects.filter(member=member).order_by("-award_date"),
            "commendations": Commendation.objects.filter(member=member).order_by("-decided_on"),
            "reviews": reviews,
            "corrections": CorrectionRequest.objects.filter(member=member)[:10],
        }


class CorrectionView(PortalMemberMixin, View):
    """Ask the cell to correct the record: the proposal waits for the secretary's decision."""

    def get(self, request):
        return self.render_page(
            "portal/correction.html", form=forms.CorrectionForm(instance=self.member)
        )

    def post(self, request):
        form = forms.CorrectionForm(request.POST, instance=self.member)
        if form.is_valid():
            try:
                services.request_correction(
                    self.member,
                    changes=form.proposed(),
                    explanation=form.cleaned_data["explanation"],
                    user=request.user,
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request, "Đã gửi đề nghị đính chính; chi bộ sẽ xem xét, hồ sơ chưa thay đổi."
                )
                return redirect("portal:record")
        return self.render_page("portal/correction.html", form=form)


class MeetingListView(PortalPage):
    template_name = "portal/meetings.html"

    def context(self):
        member, today = self.member, timezone.localdate()
        upcoming = list(meeting_queries.upcoming_for_member(member, today))
        replies = {
            r.meeting_id: r
            for r in MeetingReply.objects.filter(member=member, meeting__in=upcoming)
        }
        for meeting in upcoming:
            meeting.reply = replies.get(meeting.pk)
        past = list(
            Meeting.objects.filter(
                organization_id=member.organization_id, status=MeetingStatus.HELD
            ).order_by("-planned_on", "-id")[:12]
        )
        attendance = dict(
            Attendance.objects.filter(member=member, meeting__in=past).values_list(
                "meeting_id", "status"
            )
        )
        labels = dict(Attendance._meta.get_field("status").choices)
        for meeting in past:
            meeting.my_status = labels.get(attendance.get(meeting.pk), "")
        return {"upcoming": upcoming, "past": past}


def _own_meeting(member: Member, pk: int) -> Meeting:
    """A meeting of the member's own cell, else 404."""
    meeting = Meeting.objects.filter(pk=pk, organization_id=member.organization_id).first()
    if meeting is None:
        raise Http404
    return meeting


class MeetingView(PortalMemberMixin, View):
    """One meeting: agenda, published documents, online link, the member's reply; after it,
    the resolutions and the tasks given to the member."""

    def page(self, meeting: Meeting, form=None, status=200):
        member, now = self.member, timezone.now()
        reply = MeetingReply.objects.filter(meeting=meeting, member=member).first()
        is_upcoming = (
            meeting.status == MeetingStatus.PLANNED and meeting.planned_on >= timezone.localdate()
        )
        if form is None and is_upcoming:
            initial = {"intent": reply.intent, "reason": reply.reason} if reply else {}
            form = forms.ReplyForm(initial=initial, online=bool(meeting.online_link))
        resolutions = []
        if meeting.is_held:
            resolutions = meeting.resolutions.prefetch_related(
                Prefetch(
                    "tasks", queryset=MeetingTask.objects.filter(owner=member), to_attr="my_tasks"
                )
            )
        return self.render_page(
            "portal/meeting.html",
            status=status,
            meeting=meeting,
            documents=_published(meeting.documents.all(), now),
            preview_types=uploads.PREVIEW_TYPES,
            reply=reply,
            form=form,
            is_upcoming=is_upcoming,
            resolutions=resolutions,
            attendance=Attendance.objects.filter(meeting=meeting, member=member).first(),
        )

    def get(self, request, pk):
        return self.page(_own_meeting(self.member, pk))

    def post(self, request, pk):
        meeting = _own_meeting(self.member, pk)
        form = forms.ReplyForm(request.POST, online=bool(meeting.online_link))
        if form.is_valid():
            try:
                services.reply_to_meeting(
                    self.member, meeting, user=request.user, **form.cleaned_data
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                intent = form.cleaned_data["intent"]
                messages.success(
                    request,
                    "Đã gửi đơn xin vắng."
                    if intent == ReplyIntent.EXCUSED
                    else "Đã xác nhận tham dự.",
                )
                return redirect("portal:meeting", pk=meeting.pk)
        return self.page(meeting, form=form)


class DocumentView(PortalMemberMixin, View):
    """A published document of the member's cell: the file (a download, logged; `?xem=1`
    shows a PDF or an image in the browser), or its link."""

    def get(self, request, pk):
        document = (
            MeetingDocument.objects.filter(
                pk=pk,
                meeting__organization_id=self.member.organization_id,
                published_at__lte=timezone.now(),
            )
            .select_related("meeting")
            .first()
        )
        if document is None:
            raise Http404
        if document.file:
            accessed.send(sender=MeetingDocument, instance=document)
            return uploads.serve_upload(
                document.file,
                name=document.file_name,
                type_code=document.file_type,
                preview=bool(request.GET.get("xem")),
            )
        if document.url:
            return redirect(document.url)
        raise Http404


class TaskListView(PortalPage):
    template_name = "portal/tasks.html"

    def context(self):
        tasks = MeetingTask.objects.filter(owner=self.member).select_related("resolution__meeting")
        return {
            "open_tasks": [t for t in tasks if not t.done_on],
            "done_tasks": [t for t in tasks if t.done_on][:20],
            "form": forms.TaskDoneForm(initial={"done_on": timezone.localdate()}),
        }


class TaskDoneView(PortalMemberMixin, View):
    """Report a task done (through meetings.services.complete_task)."""

    def post(self, request, pk):
        task = MeetingTask.objects.filter(pk=pk, owner=self.member).first()
        if task is None:
            raise Http404
        form = forms.TaskDoneForm(request.POST)
        if form.is_valid():
            try:
                services.complete_own_task(
                    self.member, task, done_on=form.cleaned_data["done_on"], user=request.user
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, "Đã báo cáo hoàn thành nhiệm vụ.")
        else:
            messages.error(request, "Ngày hoàn thành không hợp lệ.")
        return redirect("portal:tasks")


class DuesView(PortalPage):
    template_name = "portal/dues.html"

    def context(self):
        entries = list(LedgerEntry.objects.filter(member=self.member).order_by("-month")[:36])
        years: dict[int, dict] = {}
        for entry in entries:
            year = years.setdefault(entry.month.year, {"due": 0, "paid": 0, "entries": []})
            year["due"] += entry.due
            year["paid"] += entry.paid
            year["entries"].append(entry)
        unpaid = sum(e.outstanding for e in entries)
        return {"years": sorted(years.items(), reverse=True), "unpaid": unpaid}


class ReviewView(PortalMemberMixin, View):
    """The annual self-assessment in the open review period, and every year's outcome."""

    def reviews(self):
        return list(
            MemberReview.objects.filter(member=self.member)
            .select_related("review_year")
            .order_by("-review_year__year")
        )

    def page(self, form=None):
        reviews = self.reviews()
        open_review = next((r for r in reviews if r.review_year.is_open and not r.is_exempt), None)
        if open_review is not None and form is None:
            form = forms.SelfAssessmentForm(
                initial={"text": open_review.self_assessment, "grade": open_review.self_grade}
            )
        for review in reviews:
            review.final_label = GRADE_LABELS.get(review.final_grade, "")
            review.self_label = GRADE_LABELS.get(review.self_grade, "")
        return self.render_page(
            "portal/review.html", reviews=reviews, open_review=open_review, form=form
        )

    def get(self, request):
        return self.page()

    def post(self, request):
        review = next(
            (r for r in self.reviews() if r.review_year.is_open and not r.is_exempt), None
        )
        if review is None:
            raise Http404
        form = forms.SelfAssessmentForm(request.POST)
        if form.is_valid():
            try:
                services.self_assess(self.member, review, user=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, "Đã lưu bản tự kiểm điểm.")
                return redirect("portal:review")
        return self.page(form)


class NotificationListView(PortalPage):
    template_name = "portal/notifications.html"

    def context(self):
        return {"notifications": Notification.objects.filter(member=self.member)[:50]}


class NotificationOpenView(PortalMemberMixin, View):
    def get(self, request, pk):
        notification = Notification.objects.filter(pk=pk, member=self.member).first()
        if notification is None:
            raise Http404
        services.mark_read(self.member, [notification.pk])
        return redirect(notification.url or "portal:notifications")


class NotificationReadView(PortalMemberMixin, View):
    def post(self, request):
        services.mark_read(self.member)
        return redirect("portal:notifications")


# --- officer side -----------------------------------------------------------------------------


class AccountListView(ObjectListView):
    """Member accounts in the user's reach; members without one under a chosen org."""

    model = MemberAccount
    filterset_class = AccountFilter
    table_class = AccountTable
    template_name = "portal/accounts.html"
    title = "Tài khoản đảng viên (cổng đảng viên)"

    def get_base_queryset(self):
        return MemberAccount.objects.select_related("user", "member", "member__organization")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org = None
        org_id = get_id(self.request, "org")
        if org_id is not None:
            org = Organization.objects.filter(pk=org_id).restrict(self.request.user, "view").first()
        without = []
        if org is not None and can(self.request.user, "members.change", org):
            without = list(
                Member.objects.filter(
                    org_path__startswith=org.path,
                    status__in=ACTIVE_STATUSES,
                    portal_account__isnull=True,
                ).order_by("name_search", "id")[:100]
            )
        context.update(
            org=org,
            without=without,
            can_change=self.can("change"),
            bulk_form=forms.BulkAccountsForm(user=self.request.user, initial={"organization": org}),
        )
        return context


def _password_page(request, account=None, password="", title="", error=""):
    """The one-time password, shown on this response only (or why none was issued)."""
    return render(
        request,
        "portal/account_password.html",
        {
            "title": title or "Không cấp được tài khoản",
            "account": account,
            "password": password,
            "error": error,
        },
    )


class AccountCreateView(RestrictedViewMixin, View):
    """Create one member's account; the one-time password is shown on this response only."""

    model = Member
    permission_action = "change"

    def post(self, request, member_pk):
        member = self.get_queryset().filter(pk=member_pk).first()
        if member is None:
            raise Http404
        form = forms.NewAccountForm(request.POST)
        email = form.cleaned_data["email"] if form.is_valid() else ""
        try:
            account, password = services.create_account(member, user=request.user, email=email)
        except DomainError as error:
            return _password_page(request, error=error.message)
        return _password_page(request, account, password, "Đã cấp tài khoản đảng viên")


class AccountResetView(RestrictedViewMixin, View):
    model = MemberAccount
    permission_action = "change"

    def post(self, request, pk):
        account = self.get_queryset().select_related("user", "member").filter(pk=pk).first()
        if account is None:
            raise Http404
        try:
            password = services.reset_password(account, user=request.user)
        except DomainError as error:
            return _password_page(request, error=error.message)
        return _password_page(request, account, password, "Đã cấp lại mật khẩu")


class AccountBulkView(RestrictedViewMixin, View):
    """Accounts for every member without one under an org: an XLSX of usernames and one-time
    passwords, handed out once (the export is logged; passwords are not stored)."""

    model = Member
    permission_action = "change"

    def post(self, request):
        self.require("change")
        form = forms.BulkAccountsForm(request.POST, user=request.user)
        if not form.is_valid():
            problem = " ".join(form.errors.get("organization", []))
            return _password_page(
                request, error=f"Cần chọn tổ chức trong phạm vi quản lý. {problem}"
            )
        org = form.cleaned_data["organization"]
        try:
            created = services.create_accounts(org, user=request.user)
        except DomainError as error:
            return _password_page(request, error=error.message)
        book = new_workbook(write_only=True, org=org)
        sheet = book.create_sheet("Tài khoản")
        sheet.append(["Họ và tên", "Chi bộ", "Tên đăng nhập", "Mật khẩu ban đầu"])
        names = dict(
            Organization.objects.filter(
                pk__in={m.organization_id for m, _, _ in created}
            ).values_list("pk", "name")
        )
        for member, username, password in created:
            sheet.append([member.full_name, names[member.organization_id], username, password])
        return xlsx_response(
            request,
            book,
            filename=f"tai-khoan-dang-vien-{org.pk}-{date.today():%Y%m%d}.xlsx",
            what=MemberAccount,
            rows=len(created),
            organization=org.pk,
        )


class CorrectionListView(ObjectListView):
    model = CorrectionRequest
    filterset_class = CorrectionFilter
    table_class = CorrectionTable
    title = "Đề nghị đính chính của đảng viên"

    def get_base_queryset(self):
        return CorrectionRequest.objects.select_related("member", "member__organization")


class CorrectionDetailView(ObjectDetailView):
    model = CorrectionRequest
    template_name = "portal/correction_detail.html"

    def get_base_queryset(self):
        return CorrectionRequest.objects.select_related(
            "member", "member__organization", "decided_by"
        )

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        request = self.object
        labels = {f.name: str(f.verbose_name) for f in Member._meta.fields}
        current = {name: getattr(request.member, name) for name in request.changes}
        context.update(
            title=str(request),
            rows=[
                (labels.get(name, name), request.old_values.get(name), value, current[name])
                for name, value in request.changes.items()
            ],
            can_decide=request.is_pending and self.can("change", request),
            form=form or forms.DecisionForm(),
        )
        return context


class CorrectionDecideView(CorrectionDetailView):
    """Approve (applies the change with the reason; old values kept) or reject with reason."""

    permission_action = "change"

    def get(self, request, *args, **kwargs):
        raise Http404

    def post(self, request, pk):
        self.object = self.get_object()
        form = forms.DecisionForm(request.POST)
        if form.is_valid():
            action = (
                services.approve_correction
                if form.cleaned_data["decision"] == "approve"
                else services.reject_correction
            )
            try:
                action(self.object, reason=form.cleaned_data["reason"], user=request.user)
            except DomainError as error:
                form.add_error(None, error.full_message)
            else:
                messages.success(request, "Đã xử lý đề nghị đính chính.")
                return redirect("portal:correction", pk=self.object.pk)
        return self.render_to_response(self.get_context_data(form=form))
